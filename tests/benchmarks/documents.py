"""Benchmark of the application form documents: one case at the notice's limit of
5,000 characters (real applicant prose from demo/data/), rendered as PDF and as Word.
Also the source of that case for tests/applications/test_documents.py."""

import os
import statistics
import time
from io import BytesIO

from accounts.enums import OrgKind, Role
from applications.models import Campaign
from core.text import counted_length
from demo.cases import DEMO_CASES, SECTION_KEYS

RENDERS = 3 if os.environ.get("BENCH_SHORT") else 7  # BENCH_SHORT: CI
LONG_CASE_LENGTH = 4950  # just under the limit: "不超过5000字"
CONTACT = {
    "contact_name": "王晓明",
    "contact_position": "新媒体部主任",
    "contact_phone": "0431-85816713",
    "contact_email": "wangxm@jiutai-media.cn",
}


def demo_content(demo: dict) -> dict:
    """A DEMO_CASES entry as make_case keyword arguments, contact details added."""
    return {
        "category_code": demo["category"],
        "title": demo["title"],
        "header": {**demo["header"], **CONTACT},
        "sections": dict(demo["sections"]),
        "figures": demo["figures"],
    }


def long_sections(target: int = LONG_CASE_LENGTH, category_code: str = "platform") -> dict:
    """Sections of exactly `target` counted characters: the category's demo cases,
    longest first, poured paragraph by paragraph into the six sections, the last
    paragraph cut to fit."""
    demos = sorted(
        (demo for demo in DEMO_CASES if demo["category"] == category_code),
        key=lambda demo: sum(counted_length(text) for text in demo["sections"].values()),
        reverse=True,
    )
    paragraphs: dict[str, list[str]] = {key: [] for key in SECTION_KEYS}
    total = 0
    for demo in demos:
        for key in SECTION_KEYS:
            for paragraph in demo["sections"][key].split("\n"):
                if total >= target:
                    break
                piece = paragraph[: target - total]
                paragraphs[key].append(piece)
                total += counted_length(piece)
    return {key: "\n".join(texts) for key, texts in paragraphs.items()}


def long_case(*, campaign, applicant):
    """A platform case of LONG_CASE_LENGTH characters, built through the services."""
    from tests.factories import make_case

    content = demo_content(DEMO_CASES[0])
    content["sections"] = long_sections(category_code=content["category_code"])
    return make_case(campaign=campaign, applicant=applicant, **content)


def _median_ms(render, case) -> tuple[float, bytes]:
    data = render(case)  # warm-up: fonts, templates, the stylesheet
    timings = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        data = render(case)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), data


def bench_documents(emit) -> None:
    from applications.documents import render_case_docx, render_case_pdf
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, open_campaign

    # A campaign of its own, a year after any other: the dashboards' world stays as it is.
    latest = Campaign.objects.order_by("-year").values_list("year", flat=True).first()
    campaign = open_campaign(year=(latest or 2023) + 1)
    authority = OrganisationFactory(name="长春市文广旅局（基准）", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="九台区融媒体中心（基准）", authority=authority)
    applicant = UserFactory(organisation=unit, role=Role.APPLICANT)
    case = long_case(campaign=campaign, applicant=applicant)

    for name, render in (("pdf", render_case_pdf), ("docx", render_case_docx)):
        median, data = _median_ms(render, case)
        emit(f"document.{name}.median", median, "ms")
        emit(f"document.{name}.size", len(data) / 1024, "kB")

    # What a download costs now: the form stored once per content version, then read
    # (the content digest is computed on each download: 3 queries and the layout).
    from applications.documents.store import case_documents_store, stored_case_document

    case_documents_store(case=case)
    for name in ("pdf", "docx"):

        def read(case, name=name):
            with stored_case_document(case, name) as stored:
                return stored.read()

        median, data = _median_ms(read, case)
        emit(f"document.{name}.stored_read.median", median, "ms")

    bench_ranking_table(emit, campaign=campaign, authority=authority, unit=unit, applicant=applicant)


TABLE_ROWS = 500
# Case names as long as real ones (two lines in the table's widest column).
TABLE_TITLE = "排序表基准案例{number}：“融媒体+政务服务”平台建设与运营实践"


def _median_seconds(render) -> tuple[float, float, bytes]:
    """(median wall seconds, median CPU seconds of this process and its children, the last PDF) of
    `render()`, after a warm-up. CPU time says what the render costs when other work
    shares the machine's cores; wall time is what the person downloading waits."""
    import resource

    def cpu_time() -> float:  # this process and its children (Typst draws in one)
        usages = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
        return sum(usage.ru_utime + usage.ru_stime for usage in usages)

    data = render()  # warm-up: fonts, templates
    walls, cpus = [], []
    for _ in range(RENDERS):
        cpu, wall = cpu_time(), time.perf_counter()
        data = render()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), data


def table_cases(*, campaign, authority, unit, applicant, count: int = TABLE_ROWS) -> list:
    """`count` cases recommended to the NRTA (so announced too), in the campaign's
    first category, in the NRTA's order: the rows of every table document."""
    from applications.enums import CaseState
    from applications.models import Case
    from reviews.models import NrtaEntry

    category = campaign.categories.order_by("position").first()
    schema = category.schemas.latest()
    cases = Case.objects.bulk_create(
        Case(
            campaign=campaign,
            category=category,
            schema=schema,
            unit=unit,
            authority=authority,
            title=TABLE_TITLE.format(number=number),
            header={"contact_name": CONTACT["contact_name"], "contact_phone": CONTACT["contact_phone"]},
            state=CaseState.RECOMMENDED_TO_NRTA,
            created_by=applicant,
        )
        for number in range(count)
    )
    NrtaEntry.objects.bulk_create(
        NrtaEntry(campaign=campaign, case=case, rank=rank) for rank, case in enumerate(cases, start=1)
    )
    return cases


def bench_ranking_table(emit, *, campaign, authority, unit, applicant) -> None:
    """Every table the system prints as PDF, at TABLE_ROWS rows: the 推荐排序表, the
    NRTA list, the 公示 and the 通报 (their 附件). `document.<name>.<rows>.seconds`
    (wall), `.cpu_seconds`, `.pages`, `.size`. (The score sheet is an Excel workbook
    only; the review sheets are one page per case, not a table.)"""
    from pypdf import PdfReader

    from reviews.enums import RankingTableStatus
    from reviews.models import RankingEntry, RankingTable
    from reviews.outcome.nrta_documents import render_nrta_list_pdf
    from reviews.outcome.official_documents import render_announcement_pdf, render_notice_pdf
    from reviews.ranking.documents import render_ranking_pdf

    cases = table_cases(campaign=campaign, authority=authority, unit=unit, applicant=applicant)
    table = RankingTable.objects.create(campaign=campaign, authority=authority, status=RankingTableStatus.DRAFT)
    RankingEntry.objects.bulk_create(
        RankingEntry(table=table, case=case, rank=rank, category_id=case.category_id)
        for rank, case in enumerate(cases, start=1)
    )
    documents = (
        ("ranking_table", lambda: render_ranking_pdf(table)),
        ("nrta_list", lambda: render_nrta_list_pdf(campaign)),
        ("notice", lambda: render_notice_pdf(campaign)),
        ("announcement", lambda: render_announcement_pdf(campaign)),
    )
    for name, render in documents:
        wall, cpu, data = _median_seconds(render)
        emit(f"document.{name}.{TABLE_ROWS}.seconds", wall, "s")
        emit(f"document.{name}.{TABLE_ROWS}.cpu_seconds", cpu, "s")
        emit(f"document.{name}.{TABLE_ROWS}.pages", len(PdfReader(BytesIO(data)).pages), "pages")
        emit(f"document.{name}.{TABLE_ROWS}.size", len(data) / 1024, "kB")


def bench_tables_only(emit) -> None:
    """Only the table documents, in a world of their own: `python -m tests.benchmarks.run tables`."""
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, open_campaign

    campaign = open_campaign(year=2024)
    authority = OrganisationFactory(name="长春市文广旅局（基准）", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="九台区融媒体中心（基准）", authority=authority)
    applicant = UserFactory(organisation=unit, role=Role.APPLICANT)
    bench_ranking_table(emit, campaign=campaign, authority=authority, unit=unit, applicant=applicant)
