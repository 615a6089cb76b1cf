"""The recommendation package for the NRTA 推荐材料包: one zip with the province's list
and, per recommended case, its forms, stamped scan and evidence.

    build_nrta_package(campaign, target_path) -> PackageSummary   (synchronous)
    write_nrta_package(campaign, stream, progress=…) -> PackageSummary
    nrta_package_request(campaign=…, actor=…) -> Job   (a long job, core/jobs.py: the
                                                        worker builds it, the page shows
                                                        its progress and then its link)

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
(applications.documents.store), read a batch of cases at a time and rendered here only
if missing. It is written under a temporary name beside its target and renamed once
complete: nobody ever sees half a package.
"""

import gc
import hashlib
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.selectors import title_region
from applications.documents.store import stored_case_documents
from applications.enums import AttachmentKind, CaseState
from applications.models import Attachment, Campaign, EvidenceLink
from core.documents import official_language
from core.files import atomic_write, build_filename, safe_filename
from core.jobs import JobFailed, job_request, register_kind
from core.models import Job
from reviews.models import NrtaEntry
from reviews.outcome.nrta_documents import (
    nrta_list_document,
    recommended_cases,
    render_nrta_list_pdf,
    render_nrta_list_xlsx,
)
from workflow.exceptions import TransitionRefused

JOB_KIND = "nrta_package"
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
GC_EVERY = 10
# The list's PDF is kept per content (_stored_list_pdf): bump when its look changes
# (templates/reviews/documents/nrta_list.*, reviews/table_documents.py).
LIST_TEMPLATE_VERSION = 1
LIST_DIRECTORY = "documents/nrta-lists"
_FILE_MODE = 0o644 << 16  # rw-r--r-- for unzip on Unix; without it files come out 000


class PackageError(JobFailed):
    """The package cannot be built; the message is a Chinese sentence for the user."""


@dataclass(frozen=True)
class PackageSummary:
    path: Path | None  # None when written into a stream (the background job)
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


def build_nrta_package(campaign, target_path, *, progress=None) -> PackageSummary:
    """Write the package of `campaign` to `target_path` (atomically) and describe it.
    Raises PackageError when there is nothing to package or a stored file is missing,
    OSError when the disk refuses; either way no file is left behind."""
    target = Path(target_path)
    with atomic_write(target) as stream:
        summary = write_nrta_package(campaign, stream, progress=progress)
    return PackageSummary(
        path=target, size=target.stat().st_size, case_count=summary.case_count, file_count=summary.file_count
    )


def write_nrta_package(campaign, stream, *, progress=None) -> PackageSummary:
    """Write the package of `campaign` into the binary, seekable `stream`, calling
    `progress(cases done, cases)` as each case's folder is complete."""
    progress = progress or (lambda done, total: None)
    with translation.override(settings.LANGUAGE_CODE):
        cases = recommended_cases(campaign)
        if not cases:
            raise PackageError(_("%(year)d 年度尚无推荐至总局的案例。") % {"year": campaign.year})
        progress(0, len(cases))
        case_ids = [case.pk for case in cases]
        attachments = defaultdict(list)
        for attachment in Attachment.objects.filter(case_id__in=case_ids).order_by("uploaded_at", "id"):
            attachments[attachment.case_id].append(attachment)
        links = defaultdict(list)
        for link in EvidenceLink.objects.filter(case_id__in=case_ids).order_by("created_at", "id"):
            links[link.case_id].append(link)

        with zipfile.ZipFile(stream, "w", allowZip64=True) as archive:
            writer = _Writer(archive)
            with default_storage.open(_stored_list_pdf(campaign, cases), "rb") as listed:
                writer.add_file("", f"{LIST_NAME}.pdf", listed)
            writer.add_bytes("", f"{LIST_NAME}.xlsx", render_nrta_list_xlsx(campaign, cases))
            rendered_since_collect = 0
            documents = stored_case_documents(cases)
            for rank, (case, forms, rendered) in enumerate(documents, start=1):
                _add_case(writer, rank, case, forms, attachments[case.pk], links[case.pk])
                rendered_since_collect += rendered
                if rendered_since_collect >= GC_EVERY:
                    # A form rendered here (one not stored at submission) leaves
                    # WeasyPrint's box trees behind as reference cycles; left to the
                    # cyclic collector's own pace, the garbage of dozens of renders piles
                    # up. Stored forms leave none: collect after renders only.
                    gc.collect()
                    rendered_since_collect = 0
                progress(rank, len(cases))
            file_count = writer.count
    return PackageSummary(path=None, size=stream.tell(), case_count=len(cases), file_count=file_count)


def _stored_list_pdf(campaign, cases) -> str:
    """The list's PDF in the file store, rendered once per content (as the forms are):
    a package built again with the same list (a scan replaced, a build that failed)
    copies it instead of drawing it again, the one render that costs seconds and
    WeasyPrint's ~190 MB of CJK fonts."""
    with official_language():
        content = repr(nrta_list_document(campaign, cases))
    digest = hashlib.sha256(f"{content}|t{LIST_TEMPLATE_VERSION}".encode()).hexdigest()[:24]
    name = f"{LIST_DIRECTORY}/{campaign.pk}/list-{digest}.pdf"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(render_nrta_list_pdf(campaign, cases)))
        if saved != name:  # another build stored the same list meanwhile: keep one
            default_storage.delete(saved)
    return name


def _add_case(writer: _Writer, rank: int, case, forms: dict, attachments: list, links: list) -> None:
    folder = case_folder(rank, case.category.name, case.unit.name)
    for extension in ("docx", "pdf"):
        # Rendered once per content version, normally when the case was submitted
        # (applications.documents.store): copied from the store like the evidence.
        with default_storage.open(forms[extension], "rb") as form:
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


# --- in the background: a long job (core/jobs.py) ----------------------------------


def package_scope(campaign) -> str:
    return f"campaign:{campaign.pk}"


def nrta_packages(campaign):
    """The campaign's packages, the newest first (the NRTA page shows the last ten)."""
    return Job.objects.filter(kind=JOB_KIND, scope=package_scope(campaign))


def nrta_package_request(*, campaign, actor) -> Job:
    """Queue the building of the campaign's package; the worker starts it once the
    transaction commits. A package of the campaign already queued or running (and not
    lost) is returned instead of building the same archive twice."""
    roles.require_province_admin(actor, message=_("只有省局管理员可以生成推荐材料包。"))
    recommended = NrtaEntry.objects.filter(campaign=campaign, case__state=CaseState.RECOMMENDED_TO_NRTA)
    if not recommended.exists():
        raise TransitionRefused(_("尚无推荐至总局的案例，不能生成推荐材料包。"))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(year)d 年度推荐材料包") % {"year": campaign.year}
    return job_request(
        kind=JOB_KIND,
        actor=actor,
        title=title,
        scope=package_scope(campaign),
        params={"campaign": campaign.pk},
        total=recommended.count(),
    )


def _run(job, stream, progress) -> str:
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    write_nrta_package(campaign, stream, progress=progress)
    return package_filename(campaign)


def _may_see(user, job) -> bool:
    # The package holds every recommended case: the province's, as the NRTA page is.
    return roles.is_province_admin(user)


register_kind(JOB_KIND, run=_run, may_see=_may_see, extension="zip")
