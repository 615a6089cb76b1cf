"""Benchmark of the recommendation package for the NRTA 推荐材料包: 200 cases recommended
to the NRTA (real applicant prose from demo/data/), each with its stamped scan and one
5 MB evidence file, packaged by build_nrta_package.

The build runs in a child process on the same database and MEDIA_ROOT, so the peak
memory reported is that of the build alone (Django, WeasyPrint, the forms of one case
at a time), not the benchmark's: it must not grow with the size of the evidence.
The cases are added in bulk (no workflow); the 1 GB of evidence is removed afterwards.

    python -m tests.benchmarks.nrta <year> <target.zip>   (the child; prints JSON)
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
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, open_campaign, pdf_upload

    latest = Campaign.objects.order_by("-year").values_list("year", flat=True).first()
    campaign = open_campaign(year=(latest or 2023) + 1)
    authority = OrganisationFactory(name="长春市文广旅局（推荐材料包基准）", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="九台区融媒体中心（推荐材料包基准）", authority=authority)
    applicant = UserFactory(organisation=unit, role=Role.APPLICANT)
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


def bench_nrta(emit) -> None:
    from django.conf import settings

    campaign, names = _populate()
    try:
        with tempfile.TemporaryDirectory(prefix="nrta-package-bench-") as directory:
            target = Path(directory) / "package.zip"
            environment = {**os.environ, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
            environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            child = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.nrta", str(campaign.year), str(target)],
                cwd=settings.BASE_DIR,
                env=environment,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                raise RuntimeError(f"the package build failed:\n{child.stderr}")
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            assert figures["cases"] == CASES, figures
            # The yardstick: Info-ZIP's zip storing the same files (no compression, as
            # the package stores them).
            reference = Path(directory) / "reference.zip"
            start = time.perf_counter()
            subprocess.run(["zip", "-0", "-q", str(reference), *names], cwd=settings.MEDIA_ROOT, check=True)
            zip_seconds = time.perf_counter() - start
    finally:
        _cleanup(names)
    emit(f"{NAME}.seconds", figures["seconds"], "s")
    emit(f"{NAME}.zip_seconds", zip_seconds, "s")
    emit(f"{NAME}.x_zip", figures["seconds"] / zip_seconds, "x_zip")
    emit(f"{NAME}.peak_rss", figures["peak_rss"], "MB")
    emit(f"{NAME}.size", figures["size"], "MB")


def _build(year: int, target: str) -> None:
    """The child: build the package and print its figures as one line of JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from applications.models import Campaign
    from reviews.outcome.nrta_package import build_nrta_package

    campaign = Campaign.objects.get(year=year)
    baseline = _peak_rss_mb()  # Django and the project loaded, nothing built yet
    start = time.perf_counter()
    summary = build_nrta_package(campaign, Path(target))
    seconds = time.perf_counter() - start
    figures = {
        "seconds": seconds,
        "peak_rss": _peak_rss_mb(),
        "baseline_rss": baseline,
        "size": summary.size / (1024 * 1024),
        "cases": summary.case_count,
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    _build(int(sys.argv[1]), sys.argv[2])
