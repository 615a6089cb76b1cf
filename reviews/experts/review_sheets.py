"""The expert's review sheet 专家评审表 as PDF, in the house style of the ranking table
(reviews/ranking/documents.py) and the application form (applications/documents).

    render_review_sheet_pdf(assignment) -> bytes
        one expert's signed review sheet for one case
    render_expert_sheets_pdf(expert, stage) -> bytes
        all of an expert's sheets of a stage, a page (or more) each, then one summary
        page listing them that the expert signs once (not each of ten pages)
    review_sheets_filename(expert, stage) -> "<省>2024年广播电视媒体融合典型案例专家评审表-初评-<专家>.pdf"

A blind stage's review sheet shows the case's title and category only: never the
applicant unit, the recommending authority, the people or the contact data.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.selectors import title_region
from core.documents import official_language
from core.documents.pdf import render_pdf_template
from core.files import build_filename
from reviews.experts.aggregation import CriterionSpec, weighted_total
from reviews.models import Criterion, ExpertAssignment, ReviewStage
from reviews.table_documents import plain_number, plain_text, title_lines

REVIEW_SHEET_TEMPLATE = "reviews/documents/review_sheet.html"
REVIEW_SHEET_STYLESHEET = "reviews/documents/review_sheet.css"


def _write_pdf(context: dict) -> bytes:
    return render_pdf_template(REVIEW_SHEET_TEMPLATE, context, REVIEW_SHEET_STYLESHEET)


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


@dataclass(frozen=True)
class SummaryLine:
    number: int
    case_title: str
    category: str
    total: str  # "" until every scored criterion has a score
    submitted: bool


def review_sheet_title(year: int, region: str) -> str:
    return _("%(province)s%(year)d年广播电视媒体融合典型案例专家评审表") % {"province": region, "year": year}


def _assignments(queryset):
    return queryset.select_related(
        "stage__campaign", "case__category", "case__unit", "case__authority", "expert"
    ).prefetch_related("scores")


def _criteria(campaign) -> list[Criterion]:
    return list(Criterion.objects.filter(rubric__campaign=campaign).order_by("position", "id"))


def review_sheet(assignment: ExpertAssignment, criteria: list[Criterion], region: str) -> ReviewSheet:
    """What the sheet shows (the assignment loaded by `_assignments`; `region` the
    province the title begins with). When the stage is blind the unit and the
    authority never reach the template."""
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
                name=plain_text(criterion.name),
                description=plain_text(criterion.description),
                weight=_("否决项") if criterion.is_gate else f"{plain_number(criterion.weight)}%",
                max_score="—" if criterion.is_gate else str(criterion.max_score),
                result=result,
                comment=plain_text(score.comment) if score else "",
                is_gate=criterion.is_gate,
            )
        )
    specs = [CriterionSpec(c.pk, c.weight, c.max_score, c.is_gate) for c in criteria]
    complete = all(spec.id in values for spec in specs if not spec.is_gate)
    total = weighted_total(criteria=specs, values=values) if complete and values else None
    title = review_sheet_title(stage.campaign.year, region)
    return ReviewSheet(
        title=title,
        title_lines=title_lines(title),
        stage_name=plain_text(stage.name),
        case_title=plain_text(case.title),
        category=plain_text(case.category.name),
        blind=stage.blind,
        unit="" if stage.blind else plain_text(case.unit.name),
        authority="" if stage.blind else plain_text(case.authority.name),
        lines=lines,
        total=f"{total:.2f}" if total is not None else "",
        expert_name=plain_text(str(assignment.expert)),
        submitted=assignment.is_submitted,
    )


def render_review_sheet_pdf(assignment: ExpertAssignment) -> bytes:
    assignment = _assignments(ExpertAssignment.objects.filter(pk=assignment.pk)).get()
    with official_language():
        sheet = review_sheet(assignment, _criteria(assignment.stage.campaign), title_region())
    return _write_pdf({"sheets": [sheet], "title": sheet.title})


def render_expert_sheets_pdf(expert, stage: ReviewStage) -> bytes:
    """Every sheet of the expert in the stage, each starting on a new page, in the
    campaign's category order and then the order of assignment."""
    assignments = _assignments(
        ExpertAssignment.objects.filter(expert=expert, stage=stage).order_by("case__category__position", "id")
    )
    with official_language():
        criteria = _criteria(stage.campaign)
        region = title_region()
        sheets = [review_sheet(assignment, criteria, region) for assignment in assignments]
        title = review_sheet_title(stage.campaign.year, region)
        context = {
            "sheets": sheets,
            "title": title,
            "title_lines": title_lines(title),
            "stage_name": plain_text(stage.name),
            "expert_name": plain_text(str(expert)),
            # One page to sign for all the sheets, instead of a signature on each.
            "summary": [
                SummaryLine(number, sheet.case_title, sheet.category, sheet.total, sheet.submitted)
                for number, sheet in enumerate(sheets, start=1)
            ],
        }
    return _write_pdf(context)


def review_sheets_filename(expert, stage: ReviewStage) -> str:
    with official_language():
        title = review_sheet_title(stage.campaign.year, title_region())
    return build_filename(title, stage.name, str(expert), extension="pdf", fallback="review")
