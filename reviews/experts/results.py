"""The review's results, case by case and category by category, each figure traceable
to the individual scores it comes from. A few queries for the whole campaign."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from applications.enums import PROVINCIAL_STATES
from applications.models import Case
from reviews.experts.aggregation import (
    CriterionSpec,
    Dispersion,
    dispersion,
    panel_result,
    rule_label,
    weighted_total,
)
from reviews.models import Criterion, ExpertAssignment, Score


@dataclass
class ExpertScore:
    assignment_id: int
    expert_id: int
    expert_name: str
    values: dict[int, Decimal]  # criterion id -> score
    gates: dict[int, bool]  # criterion id -> passed
    comments: dict[int, str]
    total: Decimal
    failed_gate: bool


@dataclass
class CaseResult:
    case: object
    scores: list[ExpertScore] = field(default_factory=list)
    assigned: int = 0
    result: Decimal | None = None
    rule: str = ""  # the aggregation actually applied: 「3位专家，算术平均」
    excluded: bool = False  # a gate (政治性) failed: out whatever the total
    spread: Dispersion | None = None
    flagged: bool = False  # experts disagree beyond the rubric's threshold
    category_rank: int | None = None
    # Equal results share a place (并列): shared_rank is the place of the first of them;
    # the order inside the group (the authority's priority, then id) stays as it was.
    shared_rank: int | None = None
    tied: bool = False

    @property
    def authority_rank(self) -> int | None:
        entry = getattr(self.case, "ranking_entry", None)
        return entry.rank if entry else None

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and len(self.scores) == self.assigned


def criterion_specs(rubric) -> list[CriterionSpec]:
    return [
        CriterionSpec(id=c.pk, weight=c.weight, max_score=c.max_score, is_gate=c.is_gate)
        for c in Criterion.objects.filter(rubric=rubric).order_by("position", "id")
    ]


def stage_results(*, stage, rubric) -> dict[int, list[CaseResult]]:
    """Category id -> its cases' results, best first (excluded and unscored last)."""
    specs = criterion_specs(rubric)
    cases = (
        Case.objects.filter(campaign=stage.campaign, state__in=PROVINCIAL_STATES)
        .select_related("unit", "authority", "category", "ranking_entry")
        .defer("sections", "figures", "header")
    )
    shortlist = set(stage.shortlist.values_list("pk", flat=True))
    results = {case.pk: CaseResult(case=case) for case in cases if not shortlist or case.pk in shortlist}
    for case_id, n in _assignment_counts(stage).items():
        if case_id in results:
            results[case_id].assigned = n

    rows = (
        Score.objects.filter(assignment__stage=stage, assignment__submitted_at__isnull=False)
        .values_list(
            "assignment_id",
            "assignment__case_id",
            "assignment__expert_id",
            "assignment__expert__display_name",
            "assignment__expert__username",
            "criterion_id",
            "value",
            "passed",
            "comment",
        )
        .order_by("assignment_id")
    )
    per_assignment: dict[int, dict] = {}
    for assignment_id, case_id, expert_id, display, username, criterion_id, value, passed, comment in rows:
        entry = per_assignment.setdefault(
            assignment_id,
            {
                "case_id": case_id,
                "expert_id": expert_id,
                "name": display or username,
                "values": {},
                "gates": {},
                "comments": {},
            },
        )
        if value is not None:
            entry["values"][criterion_id] = value
        if passed is not None:
            entry["gates"][criterion_id] = passed
        entry["comments"][criterion_id] = comment

    for assignment_id, entry in per_assignment.items():
        result = results.get(entry["case_id"])
        if result is None:
            continue
        values = {spec.id: entry["values"].get(spec.id, Decimal(0)) for spec in specs if not spec.is_gate}
        failed = any(entry["gates"].get(spec.id) is False for spec in specs if spec.is_gate)
        result.scores.append(
            ExpertScore(
                assignment_id=assignment_id,
                expert_id=entry["expert_id"],
                expert_name=entry["name"],
                values=values,
                gates=entry["gates"],
                comments=entry["comments"],
                total=weighted_total(criteria=specs, values=values),
                failed_gate=failed,
            )
        )

    for result in results.values():
        totals = [score.total for score in result.scores]
        result.excluded = any(score.failed_gate for score in result.scores)
        result.result = panel_result(totals, rubric.aggregation, rubric.trim_min_experts)
        result.rule = rule_label(rubric.aggregation, len(totals), rubric.trim_min_experts)
        result.spread = dispersion(totals)
        result.flagged = result.spread.spread > rubric.dispersion_threshold

    by_category: dict[int, list[CaseResult]] = defaultdict(list)
    for result in results.values():
        by_category[result.case.category_id].append(result)
    for category_results in by_category.values():
        category_results.sort(key=_ranking_key)
        rank = 0
        previous = None
        for item in category_results:
            if item.result is not None and not item.excluded:
                rank += 1
                item.category_rank = rank
                if previous is not None and previous.result == item.result:
                    previous.tied = item.tied = True
                    item.shared_rank = previous.shared_rank
                else:
                    item.shared_rank = rank
                previous = item
    return dict(by_category)


def _ranking_key(result: CaseResult):
    # Best result first; excluded and unscored cases last; ties broken by the
    # authority's own priority, then by case id for a stable order.
    unranked = result.result is None or result.excluded
    return (unranked, -(result.result or 0), result.authority_rank or 10**6, result.case.pk)


def _assignment_counts(stage) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        ExpertAssignment.objects.filter(stage=stage)
        .values_list("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )


def shown_rank(result: CaseResult):
    """The place as pages and sheets print it: the number, or 「2（并列）」 for each of
    equal results (all of them show the place of the first)."""
    if result.category_rank is None:
        return None
    if result.tied:
        return _("%(rank)d（并列）") % {"rank": result.shared_rank}
    return result.category_rank
