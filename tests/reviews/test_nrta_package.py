"""The recommendation package for the NRTA 推荐材料包: the zip and what is in it, the
background build, the service's rules and the command (the list it opens with:
test_nrta_list.py). Zips are read back with zipfile."""

import errno
import os
import re
import zipfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from applications.enums import AttachmentKind
from core.models import Job, JobStatus
from reviews.outcome.nrta_package import build_nrta_package, nrta_package_request
from tests.reading import compact, in_order, pdf_text
from tests.reviews.nrta_world import FIRST, SECOND, THIRD, TITLE
from workflow.exceptions import TransitionRefused


def package_dir(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / "nrta_package"


# --- the zip ----------------------------------------------------------------------------


def test_the_package_holds_exactly_the_recommended_cases_files(world, cast, out):
    first, second, third = world["cases"]
    target = out / "推荐材料包.zip"

    summary = build_nrta_package(cast.campaign, target)

    assert summary.case_count == 3 and summary.size == target.stat().st_size
    # Nothing left beside it: the temporary file was renamed.
    assert sorted(path.name for path in out.iterdir()) == ["推荐材料包.zip"]
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(
            [
                "00-推荐名单.pdf",
                "00-推荐名单.xlsx",
                "01-新媒体平台建设-九台区融媒体中心/申请表.docx",
                "01-新媒体平台建设-九台区融媒体中心/申请表.pdf",
                "01-新媒体平台建设-九台区融媒体中心/盖章扫描件.pdf",
                "01-新媒体平台建设-九台区融媒体中心/佐证材料/01-宣传片.mp4",
                "01-新媒体平台建设-九台区融媒体中心/佐证材料/02-宣传片.mp4",
                "01-新媒体平台建设-九台区融媒体中心/佐证材料/03-etcpasswd.png",
                "01-新媒体平台建设-九台区融媒体中心/佐证材料/04-CUsersa截图1.png",
                "01-新媒体平台建设-九台区融媒体中心/佐证材料/网盘链接.txt",
                "02-新媒体平台建设-桦甸市融媒体中心/申请表.docx",
                "02-新媒体平台建设-桦甸市融媒体中心/申请表.pdf",
                "02-新媒体平台建设-桦甸市融媒体中心/盖章扫描件.pdf",
                "03-新媒体平台建设-九台区融媒体中心/申请表.docx",
                "03-新媒体平台建设-九台区融媒体中心/申请表.pdf",
                "03-新媒体平台建设-九台区融媒体中心/盖章扫描件.pdf",
                "03-新媒体平台建设-九台区融媒体中心/佐证材料/01-用户数据.png",
            ]
        )
        assert summary.file_count == len(names)
        for info in archive.infolist():
            # UTF-8 names, flagged as such; generated files compressed, files of the store
            # (the list's PDF and the forms, stored once rendered, the uploads) not.
            assert info.flag_bits & 0x800
            assert ".." not in info.filename.split("/") and "\\" not in info.filename
            generated = info.filename == "00-推荐名单.xlsx" or info.filename.endswith(".txt")
            assert info.compress_type == (zipfile.ZIP_DEFLATED if generated else zipfile.ZIP_STORED)

        # The stored files, byte for byte.
        # Folders by the order of the list, the category and the unit.
        for rank, case in enumerate((first, second, third), start=1):
            folder = f"{rank:02d}-{case.category.name}-{case.unit.name}"
            scan = case.attachments.get(kind=AttachmentKind.STAMPED_SCAN)
            with scan.file.open("rb") as stored:
                assert archive.read(f"{folder}/盖章扫描件.pdf") == stored.read()
            evidence = sorted(
                name for name in names if name.startswith(f"{folder}/佐证材料/") and not name.endswith(".txt")
            )
            assert len(evidence) == len(world["files"][case.pk])
            for name, attachment in zip(evidence, world["files"][case.pk], strict=True):
                with attachment.file.open("rb") as stored:
                    assert archive.read(name) == stored.read()

        # The forms are the real ones.
        form = archive.read("01-新媒体平台建设-九台区融媒体中心/申请表.pdf")
        assert form.startswith(b"%PDF") and compact(FIRST) in compact(pdf_text(form))
        docx = archive.read("01-新媒体平台建设-九台区融媒体中心/申请表.docx")
        assert zipfile.is_zipfile(BytesIO(docx))

        links = archive.read("01-新媒体平台建设-九台区融媒体中心/佐证材料/网盘链接.txt").decode("utf-8-sig")
        assert in_order(
            links,
            [
                "完整版宣传片（4K）",
                "https://pan.baidu.com/s/1abcDEF",
                "提取码：x7k9",
                "活动花絮",
                "https://www.aliyundrive.com/s/q2w3",
            ],
        )
        assert "不应出现" not in links

        # The list in the province's order, nothing of the other cases anywhere.
        listing = compact(pdf_text(archive.read("00-推荐名单.pdf")))
        assert in_order(listing, [compact(TITLE), compact(FIRST), SECOND, THIRD])
        everything = " ".join(names) + listing
        for other in world["others"]:
            assert other.title not in everything
        assert "不应出现" not in everything


def test_a_missing_stored_file_fails_the_build_and_leaves_nothing(world, cast, out):
    attachment = world["files"][world["cases"][2].pk][0]
    attachment.file.storage.delete(attachment.file.name)
    target = out / "package.zip"

    with pytest.raises(Exception, match="用户数据.png"):
        build_nrta_package(cast.campaign, target)

    assert list(out.iterdir()) == []


# --- in the background ------------------------------------------------------------------


def test_the_request_queues_a_build_that_finishes_done(world, cast, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
        assert package.status == JobStatus.QUEUED
    assert len(callbacks) == 1

    package.refresh_from_db()
    assert package.status == JobStatus.DONE, package.error
    assert package.requested_by == cast.province_admin
    assert package.file.name == f"jobs/nrta_package/{package.pk}.zip"
    path = Path(settings.MEDIA_ROOT) / package.file.name
    assert path.is_file() and package.size == path.stat().st_size
    assert package.done == package.total == 3 and package.finished_at is not None and package.error == ""
    assert [p.name for p in package_dir(settings).iterdir()] == [path.name]
    with zipfile.ZipFile(path) as archive:
        assert "00-推荐名单.xlsx" in archive.namelist()


def test_a_second_request_while_one_is_queued_returns_it(world, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
        again = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    assert again == first and len(callbacks) == 1
    assert Job.objects.count() == 1


def test_a_failed_build_is_recorded_and_leaves_no_file(world, cast, settings, django_capture_on_commit_callbacks):
    attachment = world["files"][world["cases"][2].pk][0]
    attachment.file.storage.delete(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)

    package.refresh_from_db()
    assert package.status == JobStatus.FAILED
    assert "用户数据.png" in package.error and "找不到" in package.error
    assert not package.file and package.size is None and package.finished_at is not None
    assert list(package_dir(settings).iterdir()) == []


def test_an_unexpected_error_is_recorded_too(world, cast, settings, tmp_path, django_capture_on_commit_callbacks):
    # The disk refuses: the packages folder links to a volume that is not mounted.
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    unmounted = tmp_path / "unmounted-volume" / "nrta_package"
    package_dir(settings).parent.mkdir(parents=True, exist_ok=True)
    package_dir(settings).symlink_to(unmounted, target_is_directory=True)

    with django_capture_on_commit_callbacks(execute=True):
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)

    package.refresh_from_db()
    assert package.status == JobStatus.FAILED
    refusal = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(package_dir(settings)))
    assert package.error == f"生成时出错：{refusal}"
    assert not package.file and package.size is None and package.finished_at is not None
    assert not unmounted.exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.suffix in (".zip", ".tmp")] == []


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "expert_assigned"])
def test_only_the_province_may_request_a_package(world, cast, who):
    with pytest.raises(PermissionDenied):
        nrta_package_request(campaign=cast.campaign, actor=getattr(cast, who))
    assert not Job.objects.exists()


def test_a_package_needs_a_case_recommended_to_the_nrta(cast, case_in):
    case_in("selected")
    with pytest.raises(TransitionRefused, match="尚无推荐至总局的案例"):
        nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    assert not Job.objects.exists()


# --- the command ------------------------------------------------------------------------


def build(*arguments) -> str:
    stdout = StringIO()
    call_command("build_nrta_package", *arguments, stdout=stdout)
    return stdout.getvalue()


def test_the_command_writes_the_zip(world, cast, out):
    target = out / "包.zip"
    output = build("--campaign", "2024", "-o", str(target))

    assert re.search(r"3 个案例.*MB", output) and str(target) in output
    with zipfile.ZipFile(target) as archive:
        form = archive.read("02-新媒体平台建设-桦甸市融媒体中心/申请表.pdf")
    assert form.startswith(b"%PDF") and SECOND in compact(pdf_text(form))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--campaign", "二〇二四", "-o", "p.zip"], "征集活动应以年度表示"),
        (["--campaign", "2019", "-o", "p.zip"], "没有 2019 年度的征集活动（现有：2024）"),
        (["--campaign", "2024", "-o", "p.tar"], "输出文件应以 .zip 结尾"),
        (["--campaign", "2024", "-o", "missing/p.zip"], "不存在"),
        (["--campaign", "2024", "-o", "."], "输出文件应以 .zip 结尾"),
    ],
)
def test_the_command_refuses_bad_input(cast, out, monkeypatch, arguments, message):
    monkeypatch.chdir(out)
    with pytest.raises(CommandError, match=re.escape(message)):
        build(*arguments)
    assert list(out.iterdir()) == []


def test_the_command_refuses_a_campaign_without_recommended_cases(cast, out, monkeypatch):
    monkeypatch.chdir(out)
    with pytest.raises(CommandError, match="2024 年度尚无推荐至总局的案例"):
        build("--campaign", "2024", "-o", "p.zip")
    assert list(out.iterdir()) == []


def test_case_folders_are_named_by_order_category_and_unit_made_safe():
    from reviews.outcome.nrta_package import MAX_FOLDER_NAME, case_folder

    assert case_folder(1, "综合信息服务", "吉林广播电视台") == "01-综合信息服务-吉林广播电视台"
    assert case_folder(12, "融合/生产:传播", "  长春市\u202e融媒体*中心 ") == "12-融合生产传播-长春市融媒体中心"
    long = case_folder(3, "体制机制改革", "某" * 100)
    assert len(long) == MAX_FOLDER_NAME and long.startswith("03-体制机制改革-某")
    assert case_folder(4, "", "...") == "04-类别-申报单位"


def test_the_package_never_writes_an_executable_name(world, cast, out):
    """A file stored before names followed the detected type (#10: the package wrote
    `01-说明.bat`) goes in under its true extension."""
    from applications.models import Attachment

    third = world["cases"][2]
    Attachment.objects.filter(case=third).update(original_name="说明.bat", content_type="application/pdf")
    target = out / "推荐材料包.zip"
    build_nrta_package(cast.campaign, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert "03-新媒体平台建设-九台区融媒体中心/佐证材料/01-说明.pdf" in names
    assert not [name for name in names if name.lower().endswith((".bat", ".exe", ".hta", ".jar", ".php"))]
