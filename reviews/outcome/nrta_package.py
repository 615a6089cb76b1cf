"""The recommendation package for the NRTA 推荐材料包: one zip with the province's list
and, per recommended case, its forms, stamped scan and evidence.

    build_nrta_package(campaign, target_path) -> PackageSummary   (synchronous)
    nrta_package_request(campaign=…, actor=…) -> NrtaPackage       (queues the task)
    build_nrta_package_task(package_id=…)                          (django-tasks)

Layout of the archive (names UTF-8, flagged as such by zipfile):

    00-推荐名单.pdf
    00-推荐名单.xlsx
    01-<类别>-<申报单位>/申请表.docx          (01: the case's place in 00-推荐名单)
    01-<类别>-<申报单位>/申请表.pdf
    01-<类别>-<申报单位>/盖章扫描件.pdf
    01-<类别>-<申报单位>/佐证材料/01-<原文件名>
    01-<类别>-<申报单位>/佐证材料/网盘链接.txt
    02-…

The archive can reach gigabytes: it is written straight to disk, evidence copied in
chunks and stored as is (videos, images and PDFs are compressed already), so memory
holds a chunk at a time; the forms are those stored when each case was submitted
(applications.documents.store), rendered here only if missing. It is written under a temporary name beside
its target and renamed once complete: nobody ever sees half a package.
"""

import gc
import logging
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts import roles
from accounts.selectors import title_region
from applications.documents.store import stored_case_document
from applications.enums import AttachmentKind, CaseState
from applications.models import Attachment, EvidenceLink
from core.documents import official_language
from core.files import atomic_write, build_filename, safe_filename
from reviews.enums import PackageStatus
from reviews.models import NrtaEntry, NrtaPackage
from reviews.outcome.nrta_documents import recommended_cases, render_nrta_list_pdf, render_nrta_list_xlsx
from workflow.exceptions import TransitionRefused

logger = logging.getLogger(__name__)

PACKAGE_DIRECTORY = "nrta-packages"
# The names inside the archive are fixed, in Chinese whatever the interface language.
LIST_NAME = "00-推荐名单"
FORM_NAME = "申请表"
SCAN_NAME = "盖章扫描件"
EVIDENCE_FOLDER = "佐证材料"
LINKS_FILE = "网盘链接.txt"
COPY_CHUNK = 1024 * 1024
# Kept short enough that "<download folder>\01-<类别>-<单位>\佐证材料\01-<file name>" stays
# within Windows' 260-character path limit, which many unzip tools still obey.
MAX_FOLDER_NAME = 60
MAX_FILE_NAME = 80
# A package still queued or running after this long is taken for lost (a worker that
# died): a new request builds a new one instead of waiting for it forever.
STALE_AFTER = timedelta(hours=2)
GC_EVERY = 10
_FILE_MODE = 0o644 << 16  # rw-r--r-- for unzip on Unix; without it files come out 000


class PackageError(Exception):
    """The package cannot be built; the message is a Chinese sentence for the user."""


@dataclass(frozen=True)
class PackageSummary:
    path: Path
    size: int  # bytes
    case_count: int
    file_count: int


# --- names ------------------------------------------------------------------------------


def _unique(name: str, used: set[str]) -> str:
    """`name`, or "name (2).ext", … if a file of that name (ignoring case, as Windows
    and macOS do) is already in the folder."""
    candidate, number = name, 1
    path = PurePosixPath(name)
    while candidate.casefold() in used:
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}"
    used.add(candidate.casefold())
    return candidate


def case_folder(rank: int, category: str, unit: str) -> str:
    """ "01-综合信息服务-吉林广播电视台": the place in the province's order (the list's
    序号), the category and the unit, each part made safe (core.files), the whole at
    most MAX_FOLDER_NAME characters; the unit is what gives way to the limit."""
    prefix = f"{rank:02d}-" + safe_filename(category, max_length=20, fallback="类别") + "-"
    return prefix + safe_filename(unit, max_length=MAX_FOLDER_NAME - len(prefix), fallback="申报单位")


def package_filename(campaign) -> str:
    """The download name of the package: "<省>2024年广播电视媒体融合典型案例推荐材料.zip"."""
    with official_language():
        title = _("%(province)s%(year)d年广播电视媒体融合典型案例推荐材料") % {
            "province": title_region(),
            "year": campaign.year,
        }
    return build_filename(title, extension="zip", fallback="package")


# --- the archive ------------------------------------------------------------------------


def _zip_time(moment=None) -> tuple:
    # Zip stores local wall-clock time: Beijing time, what the recipients read.
    local = timezone.localtime(moment or timezone.now())
    return max((local.year, local.month, local.day, local.hour, local.minute, local.second), (1980, 1, 1, 0, 0, 0))


def _info(arcname: str, compress_type: int, moment=None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=_zip_time(moment))
    info.compress_type = compress_type
    info.external_attr = _FILE_MODE
    return info


class _Writer:
    """A zip being written, with the names used in each folder kept unique."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.used: dict[str, set[str]] = defaultdict(set)
        self.count = 0

    def _name(self, folder: str, name: str) -> str:
        return f"{folder}/{_unique(name, self.used[folder])}" if folder else _unique(name, self.used[""])

    def add_bytes(self, folder: str, name: str, data: bytes) -> None:
        info = _info(self._name(folder, name), zipfile.ZIP_DEFLATED)
        self.archive.writestr(info, data)
        self.count += 1

    def add_file(self, folder: str, name: str, source) -> None:
        """Copy an open file (of the store) in chunks, uncompressed (PDF and Word files
        are compressed already)."""
        info = _info(self._name(folder, name), zipfile.ZIP_STORED)
        info.file_size = source.size
        with self.archive.open(info, "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        self.count += 1

    def add_stored_file(self, folder: str, name: str, attachment: Attachment, case) -> None:
        """Copy an attachment from storage in chunks, uncompressed."""
        storage = attachment.file.storage
        try:
            size = storage.size(attachment.file.name)
            source = storage.open(attachment.file.name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise PackageError(
                _("案例「%(case)s」的附件「%(file)s」在存储中找不到，无法生成推荐材料包。")
                % {"case": case.title, "file": attachment.original_name}
            ) from error
        info = _info(self._name(folder, name), zipfile.ZIP_STORED, attachment.uploaded_at)
        info.file_size = size  # lets zipfile switch to ZIP64 for files over 2 GB
        with source, self.archive.open(info, "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        self.count += 1


def _links_text(case, links) -> str:
    lines = [_("案例「%(case)s」的网盘链接（佐证材料）") % {"case": case.title}, ""]
    for number, link in enumerate(links, start=1):
        lines.append(f"{number}. {link.title}")
        lines.append(_("   链接：%(url)s") % {"url": link.url})
        if link.extraction_code:
            lines.append(_("   提取码：%(code)s") % {"code": link.extraction_code})
        lines.append("")
    # CRLF and a byte-order mark: opens right in every Windows editor, old Notepad too.
    return "\r\n".join(lines)


def build_nrta_package(campaign, target_path) -> PackageSummary:
    """Write the package of `campaign` to `target_path` (atomically) and describe it.
    Raises PackageError when there is nothing to package or a stored file is missing,
    OSError when the disk refuses; either way no file is left behind."""
    target = Path(target_path)
    with translation.override(settings.LANGUAGE_CODE):
        cases = recommended_cases(campaign)
        if not cases:
            raise PackageError(_("%(year)d 年度尚无推荐至总局的案例。") % {"year": campaign.year})
        case_ids = [case.pk for case in cases]
        attachments = defaultdict(list)
        for attachment in Attachment.objects.filter(case_id__in=case_ids).order_by("uploaded_at", "id"):
            attachments[attachment.case_id].append(attachment)
        links = defaultdict(list)
        for link in EvidenceLink.objects.filter(case_id__in=case_ids).order_by("created_at", "id"):
            links[link.case_id].append(link)

        with atomic_write(target) as stream, zipfile.ZipFile(stream, "w", allowZip64=True) as archive:
            writer = _Writer(archive)
            writer.add_bytes("", f"{LIST_NAME}.pdf", render_nrta_list_pdf(campaign, cases))
            writer.add_bytes("", f"{LIST_NAME}.xlsx", render_nrta_list_xlsx(campaign, cases))
            for rank, case in enumerate(cases, start=1):
                _add_case(writer, rank, case, attachments[case.pk], links[case.pk])
                if rank % GC_EVERY == 0:
                    # A form rendered here (one not stored at submission) leaves
                    # WeasyPrint's box trees behind as reference cycles; left to the
                    # cyclic collector's own pace, the garbage of dozens of renders piles
                    # up. Stored forms leave none: collect now and then, not per case.
                    gc.collect()
    return PackageSummary(path=target, size=target.stat().st_size, case_count=len(cases), file_count=writer.count)


def _add_case(writer: _Writer, rank: int, case, attachments: list, links: list) -> None:
    folder = case_folder(rank, case.category.name, case.unit.name)
    for extension in ("docx", "pdf"):
        # Rendered once per content version, normally when the case was submitted
        # (applications.documents.store): copied from the store like the evidence.
        with stored_case_document(case, extension) as form:
            writer.add_file(folder, f"{FORM_NAME}.{extension}", form)
    for attachment in attachments:
        if attachment.kind == AttachmentKind.STAMPED_SCAN:
            suffix = PurePosixPath(attachment.file.name).suffix.lower() or ".pdf"
            writer.add_stored_file(folder, SCAN_NAME + suffix, attachment, case)
    evidence_folder = f"{folder}/{EVIDENCE_FOLDER}"
    evidence = [attachment for attachment in attachments if attachment.kind == AttachmentKind.EVIDENCE]
    for number, attachment in enumerate(evidence, start=1):
        name = safe_filename(attachment.offered_name, max_length=MAX_FILE_NAME, fallback=EVIDENCE_FOLDER)
        writer.add_stored_file(evidence_folder, f"{number:02d}-{name}", attachment, case)
    if links:
        writer.add_bytes(evidence_folder, LINKS_FILE, _links_text(case, links).encode("utf-8-sig"))


# --- in the background ------------------------------------------------------------------


def package_path(package: NrtaPackage) -> str:
    """The package's name in the file store."""
    return f"{PACKAGE_DIRECTORY}/{package.campaign.year}-{package.pk}.zip"


def _build_into_storage(campaign, storage, name: str) -> tuple[PackageSummary, str]:
    """Build the package and store it under `name` through the storage API: the file
    store every server and worker shares (the local disk, or an S3-compatible bucket).
    On the local disk it is written in place (atomically, no copy); elsewhere it is
    built in a temporary file and uploaded once complete. Returns the summary and the
    name the store gave it."""
    try:
        local = Path(storage.path(name))
    except NotImplementedError:
        local = None
    if local is not None:
        local.parent.mkdir(parents=True, exist_ok=True)
        return build_nrta_package(campaign, local), name
    with tempfile.TemporaryDirectory(prefix="nrta-package-") as directory:
        target = Path(directory) / PurePosixPath(name).name
        summary = build_nrta_package(campaign, target)
        with target.open("rb") as stream:
            stored = storage.save(name, File(stream, name=target.name))
    return summary, stored


def nrta_package_request(*, campaign, actor) -> NrtaPackage:
    """Queue the building of the campaign's package; the task starts once the
    transaction commits. A package of the campaign already queued or running (and not
    lost) is returned instead of building the same archive twice."""
    roles.require_province_admin(actor, message=_("只有省局管理员可以生成推荐材料包。"))
    recommended = NrtaEntry.objects.filter(campaign=campaign, case__state=CaseState.RECOMMENDED_TO_NRTA)
    if not recommended.exists():
        raise TransitionRefused(_("尚无推荐至总局的案例，不能生成推荐材料包。"))
    with transaction.atomic():
        pending = (
            NrtaPackage.objects.select_for_update()
            .filter(
                campaign=campaign,
                status__in=[PackageStatus.QUEUED, PackageStatus.RUNNING],
                requested_at__gte=timezone.now() - STALE_AFTER,
            )
            .first()
        )
        if pending is not None:
            return pending
        package = NrtaPackage.objects.create(campaign=campaign, requested_by=actor, status=PackageStatus.QUEUED)
        package_id = package.pk
        transaction.on_commit(lambda: build_nrta_package_task.enqueue(package_id=package_id))
    return package


@task()
def build_nrta_package_task(*, package_id: int) -> str:
    """Build a queued package into the file store as nrta-packages/<year>-<id>.zip and
    record the outcome on it. Returns the final status."""
    claimed = NrtaPackage.objects.filter(pk=package_id, status=PackageStatus.QUEUED).update(
        status=PackageStatus.RUNNING
    )
    if not claimed:
        # Already taken by another worker, or no longer waiting: nothing to do.
        return NrtaPackage.objects.filter(pk=package_id).values_list("status", flat=True).first() or ""
    package = NrtaPackage.objects.select_related("campaign").get(pk=package_id)
    storage = package.file.storage
    stored = None
    try:
        summary, stored = _build_into_storage(package.campaign, storage, package_path(package))
        package.file.name = stored
        package.size = summary.size
        package.case_count = summary.case_count
        package.error = ""
        package.status = PackageStatus.DONE
        package.finished_at = timezone.now()
        package.save(update_fields=["file", "size", "case_count", "error", "status", "finished_at"])
    except Exception as error:
        logger.exception("NRTA package %s failed", package_id)
        if stored is not None:
            storage.delete(stored)
        with translation.override(settings.LANGUAGE_CODE):
            if isinstance(error, PackageError):
                message = str(error)
            else:
                message = _("生成推荐材料包时出错：%(error)s") % {"error": str(error) or type(error).__name__}
        NrtaPackage.objects.filter(pk=package_id).update(
            status=PackageStatus.FAILED, error=message, file="", size=None, finished_at=timezone.now()
        )
        return PackageStatus.FAILED
    return PackageStatus.DONE
