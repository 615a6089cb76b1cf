"""The recommendation package for the NRTA 推荐材料包: the list (PDF and Excel), the zip
and what is in it, the background build, the service's rules and the command. Zips are
read back with zipfile, PDFs with poppler's pdftotext and pypdf, Excel with openpyxl."""

import errno
import os
import re
import subprocess
import zipfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.enums import AttachmentKind
from applications.models import Attachment, EvidenceLink
from reviews.enums import PackageStatus
from reviews.models import NrtaPackage
from reviews.outcome.nrta import nrta_move
from reviews.outcome.nrta_documents import nrta_list_document, render_nrta_list_pdf, render_nrta_list_xlsx
from reviews.outcome.nrta_package import build_nrta_package, nrta_package_request, safe_name
from tests.factories import (
    complete_content,
    make_case,
    open_campaign,
    put_in_state,
)
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

TITLE = "吉林省2024年广播电视媒体融合典型案例推荐名单（报国家广播电视总局）"
HEADER = ["推荐顺序", "案例名称", "申报单位", "类别", "推荐单位", "联系人", "联系电话"]
FIRST = "“指尖上的九台”新媒体矩阵建设"
SECOND = "桦甸市融媒体中心智慧广电项目"
THIRD = "乡村振兴融合传播行动"
SELECTED_ONLY = "入选未推荐的案例"
STILL_SUBMITTED = "尚在初审的案例"
# Made of stored bytes to compare with: not valid media, which the package never opens.
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
IMAGE = b"\x89PNG\r\n\x1a\n" + b"\x01\x02" * 3000


# --- the world ------------------------------------------------------------------------


def _header(cast, name: str, phone: str) -> dict:
    definition = cast.campaign.categories.get(code="platform").schemas.latest().definition
    return {**complete_content(definition)["header"], "contact_name": name, "contact_phone": phone}


def _recommended(cast, specs) -> list:
    """Cases of city A put straight into 入选 (the package needs none of the road there:
    see tests.factories.put_in_state), then each to its outcome through the real
    transition: [(title, contact, recommend_to_nrta?), …]."""
    cases = []
    for title, contact, nrta in specs:
        case = make_case(
            campaign=cast.campaign, applicant=cast.applicant_a, title=title, header=_header(cast, *contact)
        )
        case = put_in_state(case, "selected", expert=cast.expert_assigned)
        if nrta:
            apply_transition(subject=case, action="recommend_to_nrta", actor=cast.province_admin, comment="意见")
        cases.append(case)
    return cases


def _evidence(case, user, name: str, data: bytes, kind=AttachmentKind.EVIDENCE) -> Attachment:
    # Stored directly: the case is long past the stage where applicants attach files.
    attachment = Attachment(
        case=case, kind=kind, original_name=name, content_type="video/mp4", size=len(data), uploaded_by=user
    )
    attachment.file.save(Path(name).name or "file.bin", ContentFile(data), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def world(cast, case_at, case_in):
    """Three cases recommended to the NRTA (two of city A, one of city B) in an order
    other than that of their recommendation; a case of city A selected but not
    recommended, with evidence of its own; a case of city A still in preliminary review."""
    first, selected, third = _recommended(
        cast,
        [
            (FIRST, ("王晓明", "0431-85816713"), True),
            (SELECTED_ONLY, ("孙丽", "0431-80000000"), False),
            (THIRD, ("李娜", "13904318866"), True),
        ],
    )
    second = case_in("selected", applicant=cast.applicant_b)
    apply_transition(subject=second, action="recommend_to_nrta", actor=cast.province_admin, comment="意见")
    second.title = SECOND
    second.header = _header(cast, "赵刚", "0432-66221234")
    second.save(update_fields=["title", "header"])
    still_submitted = case_at("submitted")
    still_submitted.title = STILL_SUBMITTED
    still_submitted.save(update_fields=["title"])
    # The province's order: first, second, third (second was recommended last).
    nrta_move(campaign=cast.campaign, case_id=second.pk, step=-1)

    user = cast.applicant_a
    files = {
        first.pk: [
            _evidence(first, user, "宣传片.mp4", VIDEO),
            # The same name twice, and names that try to leave their folder.
            _evidence(first, user, "宣传片.mp4", VIDEO[::-1]),
            _evidence(first, user, "../../etc/passwd", IMAGE),
            _evidence(first, user, 'C:\\Users\\a\\截图:"1".png', IMAGE[::-1]),
        ],
        third.pk: [_evidence(third, cast.applicant_a, "用户数据.png", IMAGE)],
        second.pk: [],
    }
    _evidence(selected, user, "不应出现.mp4", VIDEO)
    _evidence(still_submitted, user, "也不应出现.mp4", VIDEO)
    EvidenceLink.objects.create(
        case=first,
        title="完整版宣传片（4K）",
        url="https://pan.baidu.com/s/1abcDEF",
        extraction_code="x7k9",
        created_by=user,
    )
    EvidenceLink.objects.create(case=first, title="活动花絮", url="https://www.aliyundrive.com/s/q2w3", created_by=user)
    EvidenceLink.objects.create(
        case=selected, title="不应出现的链接", url="https://pan.baidu.com/s/zzz", created_by=user
    )
    return {"cases": [first, second, third], "files": files, "others": [selected, still_submitted]}


def compact(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


@pytest.fixture
def out(tmp_path):
    """A directory of its own for what is written (MEDIA_ROOT is tmp_path/media)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def package_dir(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "nrta-packages"


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
                "01-“指尖上的九台”新媒体矩阵建设/申请表.docx",
                "01-“指尖上的九台”新媒体矩阵建设/申请表.pdf",
                "01-“指尖上的九台”新媒体矩阵建设/盖章扫描件.pdf",
                "01-“指尖上的九台”新媒体矩阵建设/佐证材料/01-宣传片.mp4",
                "01-“指尖上的九台”新媒体矩阵建设/佐证材料/02-宣传片.mp4",
                "01-“指尖上的九台”新媒体矩阵建设/佐证材料/03-etcpasswd",
                "01-“指尖上的九台”新媒体矩阵建设/佐证材料/04-CUsersa截图1.png",
                "01-“指尖上的九台”新媒体矩阵建设/佐证材料/网盘链接.txt",
                "02-桦甸市融媒体中心智慧广电项目/申请表.docx",
                "02-桦甸市融媒体中心智慧广电项目/申请表.pdf",
                "02-桦甸市融媒体中心智慧广电项目/盖章扫描件.pdf",
                "03-乡村振兴融合传播行动/申请表.docx",
                "03-乡村振兴融合传播行动/申请表.pdf",
                "03-乡村振兴融合传播行动/盖章扫描件.pdf",
                "03-乡村振兴融合传播行动/佐证材料/01-用户数据.png",
            ]
        )
        assert summary.file_count == len(names)
        for info in archive.infolist():
            # UTF-8 names, flagged as such; generated files compressed, stored files not.
            assert info.flag_bits & 0x800
            assert ".." not in info.filename.split("/") and "\\" not in info.filename
            generated = info.filename.startswith("00-") or "申请表" in info.filename or info.filename.endswith(".txt")
            assert info.compress_type == (zipfile.ZIP_DEFLATED if generated else zipfile.ZIP_STORED)

        # The stored files, byte for byte.
        for case in (first, second, third):
            folder = next(name.split("/")[0] for name in names if name.split("/")[0].endswith(case.title))
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
        form = archive.read("01-“指尖上的九台”新媒体矩阵建设/申请表.pdf")
        assert form.startswith(b"%PDF") and compact(FIRST) in compact(pdf_text(form))
        docx = archive.read("01-“指尖上的九台”新媒体矩阵建设/申请表.docx")
        assert zipfile.is_zipfile(BytesIO(docx))

        links = archive.read("01-“指尖上的九台”新媒体矩阵建设/佐证材料/网盘链接.txt").decode("utf-8-sig")
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


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("宣传片.mp4", "宣传片.mp4"),
        ("../../secret.pdf", "secret.pdf"),
        ('a/b\\c:d*e?f"g<h>i|j.png', "abcdefghij.png"),
        ("  .hidden  ", "hidden"),
        ("...", "佐证材料"),
        ("..pdf", "pdf"),
        ("line\nbreak\tname.docx", "line break name.docx"),
        ("长" * 200 + ".mp4", "长" * 76 + ".mp4"),
        ("\x00\x1f.pdf", "pdf"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name, max_length=80, fallback="佐证材料") == expected


# --- the list ---------------------------------------------------------------------------


def test_the_list_pdf_has_the_title_and_the_cases_in_order_on_a4_landscape(world, cast):
    pdf = render_nrta_list_pdf(cast.campaign)

    text = compact(pdf_text(pdf))
    assert in_order(
        text,
        [compact(TITLE), *HEADER, "1", compact(FIRST), "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局"],
    )
    assert in_order(text, [compact(FIRST), "王晓明", "0431-85816713", SECOND, "吉林市文广旅局", "赵刚", THIRD, "李娜"])
    assert "共推荐3个案例" in text and "吉林省广播电视局（盖章）" in text
    for other in world["others"]:
        assert other.title not in text
    page = PdfReader(BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_the_list_xlsx_has_header_rows_and_print_setup(world, cast):
    workbook = load_workbook(BytesIO(render_nrta_list_xlsx(cast.campaign)))
    assert workbook.sheetnames == ["推荐名单"]
    sheet = workbook["推荐名单"]

    assert sheet["A1"].value == TITLE
    assert sheet["A2"].value == "报送单位（盖章）：吉林省广播电视局"
    assert [cell.value for cell in sheet[3]] == HEADER
    rows = [list(row) for row in sheet.iter_rows(min_row=4, max_row=6, max_col=7, values_only=True)]
    assert rows == [
        [1, FIRST, "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局", "王晓明", "0431-85816713"],
        [2, SECOND, "桦甸市融媒体中心", "新媒体平台建设", "吉林市文广旅局", "赵刚", "0432-66221234"],
        [3, THIRD, "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局", "李娜", "13904318866"],
    ]
    assert sheet["A7"].value is None
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows.replace("$", "") == "3:3"
    assert "&P" in sheet.oddFooter.center.text


def test_the_list_is_loaded_in_a_constant_number_of_queries(world, cast):
    with CaptureQueriesContext(connection) as three:
        assert len(nrta_list_document(cast.campaign).rows) == 3
    empty = open_campaign(year=2030)
    with CaptureQueriesContext(connection) as none:
        assert nrta_list_document(empty).rows == []
    assert len(three) == len(none) <= 2


# --- in the background ------------------------------------------------------------------


def test_the_request_queues_a_build_that_finishes_done(world, cast, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
        assert package.status == PackageStatus.QUEUED
    assert len(callbacks) == 1

    package.refresh_from_db()
    assert package.status == PackageStatus.DONE, package.error
    assert package.requested_by == cast.province_admin
    assert package.file.name == f"nrta-packages/2024-{package.pk}.zip"
    path = Path(settings.MEDIA_ROOT) / package.file.name
    assert path.is_file() and package.size == path.stat().st_size
    assert package.case_count == 3 and package.finished_at is not None and package.error == ""
    assert [p.name for p in package_dir(settings).iterdir()] == [path.name]
    with zipfile.ZipFile(path) as archive:
        assert "00-推荐名单.xlsx" in archive.namelist()


def test_a_second_request_while_one_is_queued_returns_it(world, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
        again = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    assert again == first and len(callbacks) == 1
    assert NrtaPackage.objects.count() == 1


def test_a_failed_build_is_recorded_and_leaves_no_file(world, cast, settings, django_capture_on_commit_callbacks):
    attachment = world["files"][world["cases"][2].pk][0]
    attachment.file.storage.delete(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)

    package.refresh_from_db()
    assert package.status == PackageStatus.FAILED
    assert "用户数据.png" in package.error and "找不到" in package.error
    assert not package.file and package.size is None and package.finished_at is not None
    assert list(package_dir(settings).iterdir()) == []


def test_an_unexpected_error_is_recorded_too(world, cast, settings, tmp_path, django_capture_on_commit_callbacks):
    # The disk refuses: the packages folder links to a volume that is not mounted.
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    unmounted = tmp_path / "unmounted-volume" / "nrta-packages"
    package_dir(settings).symlink_to(unmounted, target_is_directory=True)

    with django_capture_on_commit_callbacks(execute=True):
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)

    package.refresh_from_db()
    assert package.status == PackageStatus.FAILED
    refusal = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(package_dir(settings)))
    assert package.error == f"生成推荐材料包时出错：{refusal}"
    assert not package.file and package.size is None and package.finished_at is not None
    assert not unmounted.exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.suffix in (".zip", ".tmp")] == []


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "expert_assigned"])
def test_only_the_province_may_request_a_package(world, cast, who):
    with pytest.raises(PermissionDenied):
        nrta_package_request(campaign=cast.campaign, actor=getattr(cast, who))
    assert not NrtaPackage.objects.exists()


def test_a_package_needs_a_case_recommended_to_the_nrta(cast, case_in):
    case_in("selected")
    with pytest.raises(TransitionRefused, match="尚无推荐至总局的案例"):
        nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    assert not NrtaPackage.objects.exists()


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
        form = archive.read("02-桦甸市融媒体中心智慧广电项目/申请表.pdf")
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
