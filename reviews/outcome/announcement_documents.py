"""Documents of the provincial review's outcome, in the house style of the ranking
table (reviews/documents.py) and the application form (applications/documents).

    render_announcement_pdf(campaign) / render_announcement_xlsx(campaign) -> bytes
        the 通报 list of selected cases, grouped by category
    render_review_sheet_pdf(assignment) -> bytes
        one expert's signed review sheet 专家评审表 for one case
    render_expert_sheets_pdf(expert, stage) -> bytes
        all of an expert's sheets of a stage, a page (or more) each
    render_score_sheet_xlsx(stage, hide_expert_names=…) -> bytes (reviews/score_documents.py)
        the consolidated score sheet 评分汇总表

A blind stage's review sheet shows the case's title and category only: never the
applicant unit, the recommending authority, the people or the contact data.
"""

from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.documents.layout import chinese_numeral, clean_text
from reviews.aggregation import CriterionSpec, weighted_total
from reviews.enums import PublicationKind
from reviews.models import Criterion, ExpertAssignment, Publication, ReviewStage, Rubric
from reviews.score_documents import plain_number, print_setup, render_score_sheet_xlsx, score_sheet_filename
from reviews.table_documents import (
    MAX_FILENAME_LENGTH,
    SANS,
    SERIF,
    filename_part,
    render_pdf,
    text_cell,
    wrapped_lines,
)
from workflow.enums import CaseState

__all__ = [
    "announcement_filename",
    "render_announcement_pdf",
    "render_announcement_xlsx",
    "render_expert_sheets_pdf",
    "render_review_sheet_pdf",
    "render_score_sheet_xlsx",
    "score_sheet_filename",
]

ANNOUNCEMENT_TEMPLATE = "reviews/documents/announcement.html"
ANNOUNCEMENT_STYLESHEET = "reviews/documents/announcement.css"
REVIEW_SHEET_TEMPLATE = "reviews/documents/review_sheet.html"
REVIEW_SHEET_STYLESHEET = "reviews/documents/review_sheet.css"
ANNOUNCED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
ANNOUNCEMENT_SHEET = gettext_lazy("通报名单")


def _plain(value) -> str:
    return clean_text(value).strip()


def title_lines(title: str) -> list[str]:
    """A title too long for one line of 二号, broken where the words allow (GB/T 9704:
    回行时词意完整): "吉林省2024年广播电视媒体融合" / "典型案例名单"."""
    head, marker, tail = title.partition(_("典型案例"))
    return [head, marker + tail] if head and marker else [title]


def _write_pdf(template: str, stylesheet: str, context: dict) -> bytes:
    return render_pdf(render_to_string(template, context), stylesheet)


# --- the announcement 通报 ----------------------------------------------------------


@dataclass(frozen=True)
class AnnouncementRow:
    number: int
    title: str
    unit: str
    authority: str


@dataclass(frozen=True)
class AnnouncementGroup:
    heading: str  # "一、新媒体平台建设（3个）"
    rows: list[AnnouncementRow]


@dataclass(frozen=True)
class AnnouncementDocument:
    title: str
    document_number: str
    groups: list[AnnouncementGroup]


def announcement_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例名单") % {"year": year}


def current_stage(campaign) -> ReviewStage | None:
    """The latest round of the review with a submitted score: its results are current."""
    return (
        ReviewStage.objects.filter(campaign=campaign, assignments__submitted_at__isnull=False)
        .order_by("-order")
        .distinct()
        .first()
    )


def _category_ranks(campaign) -> dict[int, int]:
    """Case id -> its rank in its category in the current results (ranked cases only)."""
    from reviews.results import stage_results

    stage = current_stage(campaign)
    rubric = Rubric.objects.filter(campaign=campaign).first()
    if stage is None or rubric is None:
        return {}
    return {
        result.case.pk: result.category_rank
        for results in stage_results(stage=stage, rubric=rubric).values()
        for result in results
        if result.category_rank is not None
    }


def announcement_document(campaign) -> AnnouncementDocument:
    """The selected cases (and those recommended on to the NRTA), by category in the
    campaign's order; in a category by rank in the current results, else by title."""
    from applications.models import Case

    publication = Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).first()
    cases = (
        Case.objects.filter(campaign=campaign, state__in=ANNOUNCED_STATES)
        .select_related("unit", "authority")
        .only("title", "category_id", "unit__name", "authority__name")
    )
    by_category: dict[int, list] = {}
    for case in cases:
        by_category.setdefault(case.category_id, []).append(case)
    ranks = _category_ranks(campaign) if by_category else {}

    def order(case):
        rank = ranks.get(case.pk)
        return (rank is None, rank or 0, _plain(case.title), case.pk)

    groups = []
    categories = campaign.categories.order_by("position", "id")
    for index, category in enumerate(categories, start=1):
        members = sorted(by_category.get(category.pk, []), key=order)
        heading = _("%(number)s、%(name)s（%(count)d个）") % {
            "number": chinese_numeral(index),
            "name": _plain(category.name),
            "count": len(members),
        }
        rows = [
            AnnouncementRow(number, _plain(case.title), _plain(case.unit.name), _plain(case.authority.name))
            for number, case in enumerate(members, start=1)
        ]
        groups.append(AnnouncementGroup(heading, rows))
    return AnnouncementDocument(
        title=announcement_title(campaign.year),
        document_number=_plain(publication.document_number) if publication else "",
        groups=groups,
    )


def announcement_filename(campaign, extension: str) -> str:
    """The download name, e.g. "吉林省2024年广播电视媒体融合典型案例名单.pdf", safe on every system."""
    extension = "." + extension.lstrip(".").lower()
    with translation.override(settings.LANGUAGE_CODE):
        stem = filename_part(announcement_title(campaign.year))
    stem = stem[: MAX_FILENAME_LENGTH - len(extension)].strip(" .") or "announcement"
    return stem + extension


def render_announcement_pdf(campaign) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = announcement_document(campaign)
        context = {"doc": doc, "title_lines": title_lines(doc.title)}
        return _write_pdf(ANNOUNCEMENT_TEMPLATE, ANNOUNCEMENT_STYLESHEET, context)


# (label, Excel width in widths of "0", centred)
ANNOUNCEMENT_COLUMNS = (
    (gettext_lazy("序号"), 8, True),
    (gettext_lazy("案例名称"), 48, False),
    (gettext_lazy("申报单位"), 30, False),
    (gettext_lazy("推荐单位"), 28, False),
)
ANNOUNCEMENT_HEADER_ROW = 3


def render_announcement_xlsx(campaign) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    with translation.override(settings.LANGUAGE_CODE):
        doc = announcement_document(campaign)
        labels = [str(label) for label, _width, _centred in ANNOUNCEMENT_COLUMNS]
        sheet_title = str(ANNOUNCEMENT_SHEET)
        none_line = _("（无）")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    workbook.properties.title = doc.title
    count = len(ANNOUNCEMENT_COLUMNS)
    last = get_column_letter(count)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=SERIF, size=12)
    grey = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
    for index, (_label, width, _centred) in enumerate(ANNOUNCEMENT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    sheet.merge_cells(f"A1:{last}1")
    title = text_cell(sheet, 1, 1, doc.title)
    title.font = Font(name=SERIF, size=20, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42
    sheet.merge_cells(f"A2:{last}2")
    number = text_cell(sheet, 2, 1, doc.document_number or None)
    number.font = Font(name=SERIF, size=14)
    number.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[2].height = 26 if doc.document_number else 10

    for index, label in enumerate(labels, start=1):
        cell = text_cell(sheet, ANNOUNCEMENT_HEADER_ROW, index, label)
        cell.font = Font(name=SANS, size=12, bold=True)
        cell.fill = grey
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[ANNOUNCEMENT_HEADER_ROW].height = 28

    def full_row(row: int, text: str, font, horizontal: str):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
        cell = text_cell(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        for column in range(1, count + 1):
            sheet.cell(row=row, column=column).border = border
        sheet.row_dimensions[row].height = 28

    row = ANNOUNCEMENT_HEADER_ROW + 1
    for group in doc.groups:
        full_row(row, group.heading, Font(name=SANS, size=12, bold=True), "left")
        row += 1
        if not group.rows:
            full_row(row, none_line, body_font, "center")
            row += 1
        for entry in group.rows:
            lines = 1
            values = (entry.number, entry.title, entry.unit, entry.authority)
            for index, (value, (_label, width, centred)) in enumerate(
                zip(values, ANNOUNCEMENT_COLUMNS, strict=True), start=1
            ):
                cell = text_cell(sheet, row, index, value)
                cell.font = body_font
                cell.border = border
                cell.alignment = Alignment(
                    horizontal="center" if centred else "left", vertical="center", wrap_text=True
                )
                if isinstance(value, str):
                    lines = max(lines, wrapped_lines(value, width))
            sheet.row_dimensions[row].height = max(24, lines * 16.5 + 6)
            row += 1

    print_setup(
        sheet,
        header_row=ANNOUNCEMENT_HEADER_ROW,
        area=f"A1:{last}{row - 1}",
        orientation="portrait",
        properties=PageSetupProperties(fitToPage=True),
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the expert's review sheet 专家评审表 ---------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    number: int
    name: str
    description: str
    weight: str  # "25%", or "否决项" for a gate
    max_score: str
    result: str  # "80", "通过", "不通过", or "" when not scored yet
    comment: str
    is_gate: bool


@dataclass(frozen=True)
class ReviewSheet:
    title: str
    title_lines: list[str]
    stage_name: str
    case_title: str
    category: str
    blind: bool
    unit: str  # empty when blind
    authority: str  # empty when blind
    lines: list[CriterionLine]
    total: str  # "82.50", or "" until every scored criterion has a score
    expert_name: str
    submitted: bool


def review_sheet_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例专家评审表") % {"year": year}


def _assignments(queryset):
    return queryset.select_related(
        "stage__campaign", "case__category", "case__unit", "case__authority", "expert"
    ).prefetch_related("scores")


def _criteria(campaign) -> list[Criterion]:
    return list(Criterion.objects.filter(rubric__campaign=campaign).order_by("position", "id"))


def review_sheet(assignment: ExpertAssignment, criteria: list[Criterion]) -> ReviewSheet:
    """What the sheet shows (the assignment loaded by `_assignments`). When the stage
    is blind the unit and the authority never reach the template."""
    stage, case = assignment.stage, assignment.case
    scores = {score.criterion_id: score for score in assignment.scores.all()}
    lines, values = [], {}
    for number, criterion in enumerate(criteria, start=1):
        score = scores.get(criterion.pk)
        if criterion.is_gate:
            passed = score.passed if score else None
            result = "" if passed is None else (_("通过") if passed else _("不通过"))
        else:
            result = plain_number(score.value) if score and score.value is not None else ""
            if result:
                values[criterion.pk] = score.value
        lines.append(
            CriterionLine(
                number=number,
                name=_plain(criterion.name),
                description=_plain(criterion.description),
                weight=_("否决项") if criterion.is_gate else f"{plain_number(criterion.weight)}%",
                max_score="—" if criterion.is_gate else str(criterion.max_score),
                result=result,
                comment=_plain(score.comment) if score else "",
                is_gate=criterion.is_gate,
            )
        )
    specs = [CriterionSpec(c.pk, c.weight, c.max_score, c.is_gate) for c in criteria]
    complete = all(spec.id in values for spec in specs if not spec.is_gate)
    total = weighted_total(criteria=specs, values=values) if complete and values else None
    return ReviewSheet(
        title=review_sheet_title(stage.campaign.year),
        title_lines=title_lines(review_sheet_title(stage.campaign.year)),
        stage_name=_plain(stage.name),
        case_title=_plain(case.title),
        category=_plain(case.category.name),
        blind=stage.blind,
        unit="" if stage.blind else _plain(case.unit.name),
        authority="" if stage.blind else _plain(case.authority.name),
        lines=lines,
        total=f"{total:.2f}" if total is not None else "",
        expert_name=_plain(str(assignment.expert)),
        submitted=assignment.is_submitted,
    )


def render_review_sheet_pdf(assignment: ExpertAssignment) -> bytes:
    assignment = _assignments(ExpertAssignment.objects.filter(pk=assignment.pk)).get()
    with translation.override(settings.LANGUAGE_CODE):
        sheet = review_sheet(assignment, _criteria(assignment.stage.campaign))
        return _write_pdf(REVIEW_SHEET_TEMPLATE, REVIEW_SHEET_STYLESHEET, {"sheets": [sheet], "title": sheet.title})


def render_expert_sheets_pdf(expert, stage: ReviewStage) -> bytes:
    """Every sheet of the expert in the stage, each starting on a new page, in the
    campaign's category order and then the order of assignment."""
    assignments = _assignments(
        ExpertAssignment.objects.filter(expert=expert, stage=stage).order_by("case__category__position", "id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        criteria = _criteria(stage.campaign)
        sheets = [review_sheet(assignment, criteria) for assignment in assignments]
        context = {
            "sheets": sheets,
            "title": review_sheet_title(stage.campaign.year),
            "title_lines": title_lines(review_sheet_title(stage.campaign.year)),
            "stage_name": _plain(stage.name),
            "expert_name": _plain(str(expert)),
        }
        return _write_pdf(REVIEW_SHEET_TEMPLATE, REVIEW_SHEET_STYLESHEET, context)


def review_sheets_filename(expert, stage: ReviewStage) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [review_sheet_title(stage.campaign.year), stage.name, str(expert)]
    stem = "-".join(filename_part(part) for part in parts)
    return (stem[: MAX_FILENAME_LENGTH - 4].strip(" .") or "review") + ".pdf"
