"""The provincial expert review: rubric, stages, assignment (by hand and automatic,
never to a conflicted expert), scoring, and the experts' declarations."""

from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from accounts import roles
from applications.enums import CaseState
from applications.services import campaign_require_open
from core.text import normalise_prose
from reviews.enums import CriterionKind, StageStatus
from reviews.experts.aggregation import assignment_figures, specs_of
from reviews.experts.notifications import queue_assigned, queue_unassigned
from reviews.experts.planning import plan_assignments
from reviews.experts.result_rows import refresh_cases, result_rows_batched
from reviews.experts.results import result_rows_refresh
from reviews.experts.selectors import stage_cases
from reviews.models import ConflictDeclaration, Criterion, ExpertAssignment, Panel, ReviewStage, Rubric, Score
from workflow.exceptions import TransitionRefused
from workflow.permissions import permissions_sync

# The notice's words: requirements 政治性、创新性、实效性、典型性; the province weighs
# 内容、发展前景、实施进展、申报材料完整性. (name, description, kind, weight, comment required)
DEFAULT_CRITERIA = [
    ("政治性", "坚持正确政治方向、舆论导向和价值取向；不通过的案例不予入选。", CriterionKind.GATE, 0, True),
    ("创新性", "理念、机制、技术、内容或模式上的创新程度（内容）。", CriterionKind.SCORE, 25, False),
    ("实效性", "社会效益、经济效益及可持续性，数据充实、可量化（实施进展）。", CriterionKind.SCORE, 25, False),
    ("典型性", "可复制、可推广，对各地媒体深度融合的借鉴意义（内容）。", CriterionKind.SCORE, 20, False),
    ("发展前景", "可持续运营能力与未来发展空间（发展前景）。", CriterionKind.SCORE, 20, False),
    ("申报材料完整性", "六项要素齐全、数据与佐证材料完备（申报材料完整性）。", CriterionKind.SCORE, 10, False),
]


# --- rubric and stages ------------------------------------------------------------------


@transaction.atomic
def rubric_create_default(*, campaign) -> Rubric:
    """The default rubric, built from the notice's words, and a first blind round."""
    rubric, created = Rubric.objects.get_or_create(campaign=campaign)
    if created:
        Criterion.objects.bulk_create(
            Criterion(
                rubric=rubric,
                position=i,
                name=name,
                description=text,
                kind=kind,
                weight=weight,
                comment_required=comment,
            )
            for i, (name, text, kind, weight, comment) in enumerate(DEFAULT_CRITERIA, start=1)
        )
        ReviewStage.objects.get_or_create(campaign=campaign, order=1, defaults={"name": "初评"})
    return rubric


def rubric_is_frozen(rubric: Rubric) -> bool:
    return rubric.frozen_at is not None or Score.objects.filter(criterion__rubric=rubric).exists()


def criterion_save(*, criterion: Criterion, actor) -> Criterion:
    """Add or change a criterion, as long as nobody has scored against the rubric."""
    roles.require_province_admin(actor)
    campaign_require_open(criterion.rubric.campaign)
    if rubric_is_frozen(criterion.rubric):
        raise TransitionRefused(_("已有专家评分，评审细则已冻结，不能再修改。"))
    criterion.full_clean()
    criterion.save()
    return criterion


def stage_set_status(*, stage: ReviewStage, actor, status: str) -> ReviewStage:
    roles.require_province_admin(actor)
    campaign_require_open(stage.campaign)
    with transaction.atomic():
        if status == StageStatus.OPEN:
            ReviewStage.objects.filter(campaign=stage.campaign, status=StageStatus.OPEN).exclude(pk=stage.pk).update(
                status=StageStatus.CLOSED
            )
        stage.status = status
        stage.save(update_fields=["status"])
    return stage


# --- who may not review what --------------------------------------------------------------


def conflicts_between(*, cases, experts) -> set[tuple[int, int]]:
    """(case id, expert id) pairs an expert must not review: the expert works for the
    applicant unit, for its recommending authority, or for another unit of the same
    authority (the same city); or the expert declared a conflict."""
    conflicts = set()
    for case in cases:
        for expert in experts:
            affiliation = expert.affiliation
            if affiliation is None:
                continue
            if affiliation.pk in (case.unit_id, case.authority_id) or affiliation.authority_id == case.authority_id:
                conflicts.add((case.pk, expert.pk))
    declared = ConflictDeclaration.objects.filter(
        case__in=[c.pk for c in cases], expert__in=[e.pk for e in experts]
    ).values_list("case_id", "expert_id")
    return conflicts | set(declared)


# --- assignment -----------------------------------------------------------------------------


def _assign(*, stage, case, expert) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.create(stage=stage, case=case, expert=expert)
    permissions_sync(subjects=[case])
    return assignment


@transaction.atomic
def assignment_create(*, stage: ReviewStage, case, expert, actor) -> ExpertAssignment:
    """Assign by hand: refused for a conflicted or full expert, or a case not in review."""
    roles.require_province_admin(actor)
    campaign_require_open(stage.campaign)
    if not roles.is_expert(expert):
        raise TransitionRefused(_("只能分配给评审专家。"))
    if case.state != CaseState.IN_EXPERT_REVIEW or case.campaign_id != stage.campaign_id:
        raise TransitionRefused(_("只有本次征集中专家评审中的案例可以分配专家。"))
    if conflicts_between(cases=[case], experts=[expert]):
        raise TransitionRefused(_("%(expert)s与该案例存在利益关联，需回避。") % {"expert": expert})
    if ExpertAssignment.objects.filter(stage=stage, case=case, expert=expert).exists():
        raise TransitionRefused(_("该专家已分配到此案例。"))
    if ExpertAssignment.objects.filter(stage=stage, expert=expert).count() >= stage.max_load:
        raise TransitionRefused(
            _("%(expert)s的评审任务已达上限（%(max)d件）。") % {"expert": expert, "max": stage.max_load}
        )
    assignment = _assign(stage=stage, case=case, expert=expert)
    queue_assigned(stage=stage, counts={expert.pk: 1})
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ExpertAssignment, actor) -> None:
    roles.require_province_admin(actor)
    campaign_require_open(assignment.stage.campaign)
    if assignment.is_submitted:
        raise TransitionRefused(_("专家已提交评审，不能取消分配；如需调整请先退回评分。"))
    case = assignment.case
    queue_unassigned(stage=assignment.stage, expert_id=assignment.expert_id, case_title=case.title)
    assignment.delete()
    permissions_sync(subjects=[case])


def _notify_new_assignments(fill):
    """Wrap an assignment filler so that each expert given new cases hears of them once."""

    def filled(*, stage, **kwargs):
        last = ExpertAssignment.objects.filter(stage=stage).aggregate(last=Max("pk"))["last"] or 0
        short = fill(stage=stage, **kwargs)
        new = (
            ExpertAssignment.objects.filter(stage=stage, pk__gt=last)
            .order_by()
            .values("expert_id")
            .annotate(n=Count("id"))
        )
        queue_assigned(stage=stage, counts={row["expert_id"]: row["n"] for row in new})
        return short

    return filled


@transaction.atomic
def auto_assign(*, stage: ReviewStage, actor) -> dict[int, int]:
    """Give every case of the stage its reviewers from the panel of its category, loads
    balanced and capped, never a conflicted expert. Returns case id -> reviewers still
    missing (empty when every case has its N)."""
    roles.require_province_admin(actor)
    campaign_require_open(stage.campaign)
    with result_rows_batched():  # each case's result row once, not once per assignment
        return _fill_assignments(stage=stage)


@_notify_new_assignments
def _fill_assignments(*, stage: ReviewStage, only_case=None) -> dict[int, int]:
    short: dict[int, int] = {}
    cases = list(stage_cases(stage))
    if only_case is not None:
        cases = [case for case in cases if case.pk == only_case.pk]
    load_rows = ExpertAssignment.objects.filter(stage=stage).values_list("case_id", "expert_id")
    existing = set(load_rows)
    panels = Panel.objects.filter(campaign=stage.campaign).prefetch_related(
        "experts__affiliation", "experts__organisation"
    )
    for panel in panels:
        experts = [e for e in panel.experts.all() if roles.is_expert(e)]
        panel_cases = [c for c in cases if panel.category_id in (None, c.category_id)]
        if not panel_cases:
            continue
        case_ids = {c.pk for c in panel_cases}
        outside = {}
        for case_id, expert_id in existing:
            if case_id not in case_ids:
                outside[expert_id] = outside.get(expert_id, 0) + 1
        plan = plan_assignments(
            case_ids=sorted(case_ids),
            expert_ids=[e.pk for e in experts],
            per_case=stage.reviewers_per_case,
            max_load=stage.max_load,
            existing={pair for pair in existing if pair[0] in case_ids},
            conflicts=conflicts_between(cases=panel_cases, experts=experts),
            existing_loads=outside,
        )
        by_id = {c.pk: c for c in panel_cases}
        experts_by_id = {e.pk: e for e in experts}
        for case_id, expert_id in plan.pairs:
            _assign(stage=stage, case=by_id[case_id], expert=experts_by_id[expert_id])
            existing.add((case_id, expert_id))
        short.update(plan.short)
    # Cases no panel covers get nobody: report them too.
    per_case = Counter(case_id for case_id, _expert_id in existing)
    for case in cases:
        assigned = per_case[case.pk]
        if assigned < stage.reviewers_per_case:
            short[case.pk] = stage.reviewers_per_case - assigned
    return short


@transaction.atomic
def conflict_declare(*, assignment: ExpertAssignment, actor, reason: str) -> dict[int, int]:
    """The expert declares a conflict: the assignment goes and the case is reassigned
    to another expert of the panel if one is free."""
    try:
        reason = normalise_prose(reason).strip()
    except ValidationError as invalid:
        raise TransitionRefused(_("回避理由%(problem)s") % {"problem": invalid.messages[0]}) from None
    if actor.pk != assignment.expert_id:
        raise PermissionDenied(_("只能申报本人的回避。"))
    campaign_require_open(assignment.stage.campaign)
    if not reason:
        raise TransitionRefused(_("请填写回避理由。"))
    if assignment.is_submitted:
        raise TransitionRefused(_("评审已提交，不能再申报回避，请联系省局。"))
    case, stage = assignment.case, assignment.stage
    ConflictDeclaration.objects.get_or_create(case=case, expert=actor, defaults={"reason": reason})
    assignment.delete()
    permissions_sync(subjects=[case])
    return _fill_assignments(stage=stage, only_case=case)


# --- scoring ---------------------------------------------------------------------------------


def _parse(criterion: Criterion, raw) -> tuple[Decimal | None, bool | None, str | None]:
    """(value, passed, problem) for one criterion's input."""
    if criterion.is_gate:
        if raw in ("pass", True):
            return None, True, None
        if raw in ("fail", False):
            return None, False, None
        return None, None, _("「%(name)s」请选择通过或不通过。") % {"name": criterion.name}
    if raw in (None, ""):
        return None, None, _("「%(name)s」未评分。") % {"name": criterion.name}
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None, None, _("「%(name)s」的得分应为数字。") % {"name": criterion.name}
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        return (
            None,
            None,
            _("「%(name)s」的得分应在0至%(max)d之间。") % {"name": criterion.name, "max": criterion.max_score},
        )
    return value, None, None


# The most characters an expert's comment on one criterion may have.
SCORE_COMMENT_MAX_LENGTH = 2000


def score_save(
    *, assignment: ExpertAssignment, actor, entries: dict[int, tuple[object, str]], submit: bool
) -> list[str]:
    """Save the expert's scores (criterion id -> (raw value, comment)) as a draft, or
    submit them. A draft keeps what is valid; a submission needs every criterion and
    the required comments, and then locks. Returns the problems (empty on success);
    nothing is saved when submitting with problems."""
    if actor.pk != assignment.expert_id:
        raise PermissionDenied(_("只能评审分配给本人的案例。"))
    stage = assignment.stage
    if stage.status != StageStatus.OPEN or not stage.experts_may_score:
        raise TransitionRefused(_("当前评审轮次不接受评分。"))
    if assignment.is_submitted:
        raise TransitionRefused(_("评审已提交，如需修改请联系省局退回。"))
    # The grant table gives score_case to the assigned experts while the case is in
    # expert review: the same rule the case page shows, not a copy of it.
    if not actor.has_perm("applications.score_case", assignment.case):
        raise TransitionRefused(_("该案例已不在专家评审阶段。"))
    rubric = Rubric.objects.get(campaign=stage.campaign)
    criteria = list(rubric.criteria.all())
    comments, refused = {}, []
    for criterion in criteria:
        # Typed by a person: the site's one normalisation, NUL refused, the limit kept.
        try:
            comment = normalise_prose(entries.get(criterion.pk, (None, ""))[1] or "").strip()
        except ValidationError as invalid:
            reason = invalid.messages[0]
            refused.append(_("「%(name)s」的评语：%(reason)s") % {"name": criterion.name, "reason": reason})
            continue
        if len(comment) > SCORE_COMMENT_MAX_LENGTH:
            refused.append(
                _("「%(name)s」的评语不能超过%(limit)d字（当前%(count)d字）。")
                % {"name": criterion.name, "limit": SCORE_COMMENT_MAX_LENGTH, "count": len(comment)}
            )
        comments[criterion.pk] = comment
    if refused:
        # Nothing saved, draft or not: the page keeps what was typed.
        return refused
    problems, parsed = [], {}
    for criterion in criteria:
        raw = entries.get(criterion.pk, (None, ""))[0]
        comment = comments[criterion.pk]
        value, passed, problem = _parse(criterion, raw)
        if problem and (submit or raw not in (None, "")):
            problems.append(problem)
        if submit and criterion.comment_required and not comment:
            problems.append(_("「%(name)s」须填写评语。") % {"name": criterion.name})
        if not problem:
            parsed[criterion.pk] = (value, passed, comment)
        elif comment:
            parsed[criterion.pk] = (None, None, comment)
    if submit and problems:
        return problems
    with transaction.atomic():
        locked = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.is_submitted:
            raise TransitionRefused(_("评审已提交，如需修改请联系省局退回。"))
        for criterion_id, (value, passed, comment) in parsed.items():
            Score.objects.update_or_create(
                assignment=locked,
                criterion_id=criterion_id,
                defaults={"value": value, "passed": passed, "comment": comment},
            )
        if rubric.frozen_at is None:
            Rubric.objects.filter(pk=rubric.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
        if submit:
            # Every criterion is in `parsed` (a submission needs them all): the stored
            # total and gate the results sum (aggregation.assignment_figures).
            locked.total, locked.failed_gate = assignment_figures(
                criteria=specs_of(criteria),
                values={cid: value for cid, (value, _passed, _c) in parsed.items() if value is not None},
                gates={cid: passed for cid, (_value, passed, _c) in parsed.items() if passed is not None},
            )
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["submitted_at", "total", "failed_gate"])
    assignment.refresh_from_db()
    return problems


@transaction.atomic  # the review and its case's result row together
def assignment_reopen(*, assignment: ExpertAssignment, actor) -> ExpertAssignment:
    """The province lets an expert change a submitted review."""
    roles.require_province_admin(actor)
    campaign_require_open(assignment.stage.campaign)
    if assignment.case.state != CaseState.IN_EXPERT_REVIEW:
        raise TransitionRefused(_("该案例已不在专家评审阶段。"))
    # Reopened, the review counts for nothing until it is submitted again.
    assignment.submitted_at, assignment.total, assignment.failed_gate = None, None, False
    assignment.save(update_fields=["submitted_at", "total", "failed_gate"])
    audit.record(actor=actor, action="score.reopened", obj=assignment, case=assignment.case_id)
    return assignment


@transaction.atomic  # the totals and the result rows computed from them together
def assignment_totals_refresh(*, stage: ReviewStage, only=None) -> int:
    """Recompute the stored total and gate of every submitted review of `stage` (or of
    the reviews whose ids are `only`) from its scores, for reviews written in bulk (e.g.
    by the benchmarks), not by score_save. Returns how many were written."""
    rubric = Rubric.objects.get(campaign=stage.campaign)
    specs = specs_of(rubric.criteria.all())
    values: dict[int, dict] = {}
    gates: dict[int, dict] = {}
    submitted = ExpertAssignment.objects.filter(stage=stage, submitted_at__isnull=False)
    if only is not None:
        submitted = submitted.filter(pk__in=list(only))
    rows = Score.objects.filter(assignment__in=submitted).values_list(
        "assignment_id", "criterion_id", "value", "passed"
    )
    for assignment_id, criterion_id, value, passed in rows.iterator(chunk_size=5000):
        values.setdefault(assignment_id, {})
        gates.setdefault(assignment_id, {})
        if value is not None:
            values[assignment_id][criterion_id] = value
        if passed is not None:
            gates[assignment_id][criterion_id] = passed
    changed = []
    for assignment in submitted.only("pk"):
        assignment.total, assignment.failed_gate = assignment_figures(
            criteria=specs, values=values.get(assignment.pk, {}), gates=gates.get(assignment.pk, {})
        )
        changed.append(assignment)
    ExpertAssignment.objects.bulk_update(changed, ["total", "failed_gate"], batch_size=1000)
    # bulk_update sends no signal: the results' stored rows follow here.
    if only is None:
        result_rows_refresh(stage=stage, rubric=rubric)
    else:
        refresh_cases(
            stage_ids=[stage.pk],
            case_ids=set(ExpertAssignment.objects.filter(pk__in=list(only)).values_list("case_id", flat=True)),
        )
    return len(changed)
