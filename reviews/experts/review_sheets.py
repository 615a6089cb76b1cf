"""The expert's review sheet 专家评审表 as PDF, in the house style of the ranking table
(reviews/ranking/documents.py) and the application form (applications/documents).

    render_review_sheet_pdf(assignment) -> bytes
        one expert's signed review sheet for one case
    render_expert_sheets_pdf(expert, stage) -> bytes
        all of an expert's sheets of a stage, a page (or more) each
    review_sheets_filename(expert, stage) -> "吉林省2024年广播电视媒体融合典型案例专家评审表-初评-<专家>.pdf"

A blind stage's review sheet shows the case's title and category only: never the
applicant unit, the recommending authority, the people or the contact data.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from applications.documents.layout import clean_text
from reviews.experts.aggregation import CriterionSpec, weighted_total
from reviews.models import Criterion, ExpertAssignment, ReviewStage
from reviews.table_documents import MAX_FILENAME_LENGTH, filename_part, plain_number, render_pdf, title_lines

REVIEW_SHEET_TEMPLATE = "reviews/documents/review_sheet.html"
REVIEW_SHEET_STYLESHEET = "reviews/documents/review_sheet.css"


def _plain(value) -> str:
    return clean_text(value).strip()


def _write_pdf(context: dict) -> bytes:
    return render_pdf(render_to_string(REVIEW_SHEET_TEMPLATE, context), REVIEW_SHEET_STYLESHEET)


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
        return _write_pdf({"sheets": [sheet], "title": sheet.title})


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
        return _write_pdf(context)


def review_sheets_filename(expert, stage: ReviewStage) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [review_sheet_title(stage.campaign.year), stage.name, str(expert)]
    stem = "-".join(filename_part(part) for part in parts)
    return (stem[: MAX_FILENAME_LENGTH - 4].strip(" .") or "review") + ".pdf"
