"""Benchmark of the recommendation package for the NRTA 推荐材料包: 200 cases recommended
to the NRTA (real applicant prose from demo/data/), each with its stamped scan and one
5 MB evidence file, their forms stored as a submission leaves them.

The package is built as production builds it: the child process is the background
worker (`manage.py run_worker --batch`, TASK_BACKEND=database) running the queued job
(core/jobs.py), on the same database and MEDIA_ROOT. Its peak RSS is the worker
process's, not the benchmark's: it must not grow with the size of the evidence. The
yardstick is Info-ZIP's `zip` on the same files in the same run: `zip -0` (stored, as
the package stores them: the fair comparison) and `zip` (deflate, its default: slower
on media, which gain nothing from it). The list PDF is rendered in the build and timed
apart (`list_pdf_seconds`): it is no file of the store. The cases are added in bulk (no
workflow); the 1 GB of evidence and the package are removed afterwards.

    python -m tests.benchmarks.nrta <year>   (the child: the worker; prints JSON)
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# BENCH_SHORT (CI): a tenth of the cases, 1 MB each, to see that it works, not how fast.
SHORT = bool(os.environ.get("BENCH_SHORT"))
CASES = 20 if SHORT else 200
EVIDENCE_MB = 1 if SHORT else 5
NAME = f"nrta_package.{CASES}x{EVIDENCE_MB}MB"


def _peak_rss_mb() -> float:
    """This process's peak resident memory, in MB. On Linux the high-water mark of its
    own memory (VmHWM), not getrusage's ru_maxrss: that one keeps, across the exec that
    started the child, the peak of the process it was forked from (the benchmark itself,
    hundreds of MB after building its cases), which is how the figure once read 519 MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Kilobytes on Linux, bytes on macOS.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _populate():
    """A campaign of its own with CASES cases recommended to the NRTA. Returns the
    campaign and the names (under MEDIA_ROOT) of the files written."""
    from django.conf import settings

    from accounts.enums import OrgKind, Role
    from applications.enums import AttachmentKind, CaseState
    from applications.models import Attachment, Campaign, Case
    from demo.cases import DEMO_CASES
    from reviews.models import NrtaEntry
    from tests.benchmarks.documents import demo_content
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, open_campaign, pdf_upload, province_org

    latest = Campaign.objects.order_by("-year").values_list("year", flat=True).first()
    campaign = open_campaign(year=(latest or 2023) + 1)
    authority = OrganisationFactory(name="长春市文广旅局（推荐材料包基准）", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="九台区融媒体中心（推荐材料包基准）", authority=authority)
    applicant = UserFactory(organisation=unit, role=Role.APPLICANT)
    # Who asks for the package (the child queues it in their name).
    UserFactory(username=f"nrta-bench-{uuid.uuid4().hex[:8]}", organisation=province_org(), role=Role.PROVINCE_ADMIN)
    categories = {category.code: category for category in campaign.categories.all()}
    schemas = {code: category.schemas.latest() for code, category in categories.items()}

    cases = []
    for number in range(CASES):
        content = demo_content(DEMO_CASES[number % len(DEMO_CASES)])
        code = content["category_code"]
        cases.append(
            Case(
                campaign=campaign,
                category=categories[code],
                schema=schemas[code],
                unit=unit,
                authority=authority,
                title=f"{content['title']}（{number + 1}）",
                header=content["header"],
                sections=content["sections"],
                figures=content["figures"],
                state=CaseState.RECOMMENDED_TO_NRTA,
                created_by=applicant,
            )
        )
    cases = Case.objects.bulk_create(cases)
    NrtaEntry.objects.bulk_create(
        NrtaEntry(campaign=campaign, case=case, rank=rank) for rank, case in enumerate(cases, start=1)
    )

    media = Path(settings.MEDIA_ROOT)
    scan = pdf_upload().read()
    evidence_size = EVIDENCE_MB * 1024 * 1024
    attachments, names = [], []
    for case in cases:
        for kind, data, original, content_type in (
            (AttachmentKind.STAMPED_SCAN, scan, "盖章扫描件.pdf", "application/pdf"),
            (AttachmentKind.EVIDENCE, os.urandom(evidence_size), "宣传片.mp4", "video/mp4"),
        ):
            name = f"cases/{case.pk}/{uuid.uuid4().hex}{Path(original).suffix}"
            path = media / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            names.append(name)
            attachments.append(
                Attachment(
                    case=case,
                    kind=kind,
                    file=name,
                    original_name=original,
                    content_type=content_type,
                    size=len(data),
                    uploaded_by=applicant,
                )
            )
    Attachment.objects.bulk_create(attachments)
    names += _store_forms(cases)
    return campaign, names


def _store_forms(cases) -> list[str]:
    """The forms as a submission leaves them in the store (applications.documents.store),
    each case's under the name of its own content: one form rendered, its bytes stored
    for every case (the package reads files, it does not look inside them)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from applications.documents import store

    rendered = {}
    names = []
    for case in cases:
        doc = store._document(case)
        for extension in store.EXTENSIONS:
            if extension not in rendered:
                rendered[extension] = store._render(doc, extension)
            names.append(
                default_storage.save(store.stored_name(case, doc, extension), ContentFile(rendered[extension]))
            )
    return names


def _cleanup(names) -> None:
    """Remove the files written (and their rows, which would point at nothing)."""
    from django.conf import settings

    from applications.models import Attachment

    media = Path(settings.MEDIA_ROOT)
    Attachment.objects.filter(file__in=names).delete()
    for name in names:
        (media / name).unlink(missing_ok=True)
    for folder in sorted({(media / name).parent for name in names}, key=lambda p: len(p.parts), reverse=True):
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()


def _zip_seconds(names, directory: Path, *options: str) -> float:
    from django.conf import settings

    reference = directory / "reference.zip"
    start = time.perf_counter()
    subprocess.run(["zip", *options, "-q", str(reference), *names], cwd=settings.MEDIA_ROOT, check=True)
    seconds = time.perf_counter() - start
    reference.unlink()
    return seconds


def bench_nrta(emit) -> None:
    from django.conf import settings

    campaign, names = _populate()
    try:
        with tempfile.TemporaryDirectory(prefix="nrta-package-bench-") as directory:
            environment = {**os.environ, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "TASK_BACKEND": "database"}
            environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            # zip first, the package second, zip -0 last: the page cache is as warm for
            # the package as for the fair yardstick.
            deflate_seconds = _zip_seconds(names, Path(directory))
            # Twice, each time a fresh worker: the first draws the list's PDF, the second
            # (the same list: a package built again) copies it from the store.
            first, again = (_worker_build(campaign, environment) for _ in range(2))
            files = list(names)
            names += first.pop("files") + again.pop("files")
            assert first["cases"] == again["cases"] == CASES, (first, again)
            stored_seconds = _zip_seconds(files, Path(directory), "-0")
    finally:
        _cleanup(names)
    emit(f"{NAME}.seconds", first["seconds"], "s")
    emit(f"{NAME}.list_pdf_seconds", first["list_pdf_seconds"], "s")
    emit(f"{NAME}.again_seconds", again["seconds"], "s")
    emit(f"{NAME}.zip0_seconds", stored_seconds, "s")
    emit(f"{NAME}.zip_seconds", deflate_seconds, "s")
    emit(f"{NAME}.x_zip0", first["seconds"] / stored_seconds, "x_zip0")
    emit(f"{NAME}.again_x_zip0", again["seconds"] / stored_seconds, "x_zip0")
    emit(f"{NAME}.x_zip", first["seconds"] / deflate_seconds, "x_zip")
    emit(f"{NAME}.worker_peak_rss", first["peak_rss"], "MB")
    emit(f"{NAME}.again_worker_peak_rss", again["peak_rss"], "MB")
    emit(f"{NAME}.worker_baseline_rss", first["baseline_rss"], "MB")
    emit(f"{NAME}.size", first["size"], "MB")


def _worker_build(campaign, environment) -> dict:
    from django.conf import settings

    child = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.nrta", str(campaign.year)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the package build failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _timed_list_pdf():
    """Wrap the list's renderer to time it (the figure that is not copying files)."""
    from reviews.outcome import nrta_package

    spent = []
    render = nrta_package.render_nrta_list_pdf

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return render(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    nrta_package.render_nrta_list_pdf = timed
    return spent


def _stored_lists(campaign) -> list[str]:
    from django.core.files.storage import default_storage

    from reviews.outcome.nrta_package import LIST_DIRECTORY

    folder = f"{LIST_DIRECTORY}/{campaign.pk}"
    return [f"{folder}/{name}" for name in default_storage.listdir(folder)[1]] if default_storage.exists(folder) else []


def _build(year: int) -> None:
    """The child: queue the package as the NRTA page does, then be the worker that
    builds it (run_worker --batch: every queued task, then exit); print its figures
    as one line of JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from accounts import roles
    from accounts.models import User
    from applications.models import Campaign
    from core.models import Job, JobStatus
    from reviews.outcome.nrta_package import nrta_package_request

    campaign = Campaign.objects.get(year=year)
    province = next(user for user in User.objects.order_by("-pk") if roles.is_province_admin(user))
    with transaction.atomic():
        job = nrta_package_request(campaign=campaign, actor=province)
    spent = _timed_list_pdf()
    baseline = _peak_rss_mb()  # Django, the project and the worker loaded, nothing built yet
    call_command("run_worker", batch=True, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    if job.status != JobStatus.DONE:
        raise SystemExit(f"the package failed: {job.error}")
    figures = {
        "seconds": (job.finished_at - job.started_at).total_seconds(),
        "list_pdf_seconds": sum(spent),
        "peak_rss": _peak_rss_mb(),
        "baseline_rss": baseline,
        "size": job.size / (1024 * 1024),
        "cases": job.total,
        # To remove afterwards: the package, and the list's PDF it stored.
        "files": [job.file.name, *_stored_lists(campaign)],
    }
    Job.objects.filter(pk=job.pk).delete()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    _build(int(sys.argv[1]))
