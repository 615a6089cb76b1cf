"""The assignment matrix 分配矩阵 of a round: the cases of one category (a page at a
time) against every active expert, each cell assigned, submitted, conflicted or free,
each expert with the load the round gives them; and the one write it offers: make the
shown cells what the province ticked, pair by pair through the assignment services
(never a conflicted or full expert: `assignment_create` refuses them, and the refusal
is named)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from applications.selectors import cases_matching
from core.bulk import BulkOutcome, bulk_run
from reviews.experts.selectors import stage_cases
from reviews.experts.services import assignment_create, assignment_remove, conflicts_between
from reviews.models import ExpertAssignment
from workflow.exceptions import TransitionRefused

# The most cells one save may name: a page of cases times a large pool, with room.
MAX_PAIRS = 5000


def matrix_experts(stage):
    """Every active expert, with the round's load and submitted count, in one query."""
    return (
        User.objects.filter(role=Role.EXPERT, is_active=True)
        .select_related("affiliation")
        .annotate(
            load=Count("assignments", filter=Q(assignments__stage=stage)),
            submitted=Count("assignments", filter=Q(assignments__stage=stage, assignments__submitted_at__isnull=False)),
        )
        .order_by("id")
    )


def matrix_cases(stage, category, term: str = ""):
    cases = cases_matching(stage_cases(stage).filter(category=category), term)
    return cases.select_related("unit", "authority").order_by("id")


@dataclass(frozen=True)
class Cell:
    case_id: int
    expert_id: int
    assigned: bool
    submitted: bool
    conflicted: bool
    expert_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.case_id}-{self.expert_id}"

    @property
    def editable(self) -> bool:
        # A submitted review stays (退回 it first); a conflicted pair is never offered,
        # but one assigned before the conflict was known can be removed.
        return not self.submitted and (self.assigned or not self.conflicted)


def matrix_rows(*, stage, cases, experts) -> list[tuple[object, list[Cell]]]:
    """(case, its cells in the experts' order) for the cases of a page: two queries."""
    cases, experts = list(cases), list(experts)
    assignments = {
        (case_id, expert_id): submitted_at is not None
        for case_id, expert_id, submitted_at in ExpertAssignment.objects.filter(
            stage=stage, case__in=[c.pk for c in cases]
        ).values_list("case_id", "expert_id", "submitted_at")
    }
    conflicts = conflicts_between(cases=cases, experts=experts)
    return [
        (
            case,
            [
                Cell(
                    case_id=case.pk,
                    expert_id=expert.pk,
                    assigned=(case.pk, expert.pk) in assignments,
                    submitted=assignments.get((case.pk, expert.pk), False),
                    conflicted=(case.pk, expert.pk) in conflicts,
                    expert_name=str(expert),
                )
                for expert in experts
            ],
        )
        for case in cases
    ]


class MatrixInputError(Exception):
    """The posted cells are not cells of this round's matrix; nothing was changed."""


def parse_pairs(values, *, case_ids: set[int], expert_ids: set[int]) -> set[tuple[int, int]]:
    """ "case-expert" strings to pairs, each among the round's cases and active experts."""
    if len(values) > MAX_PAIRS:
        raise MatrixInputError(_("一次最多保存%(n)d个单元格，请分页保存。") % {"n": MAX_PAIRS})
    pairs = set()
    for value in values:
        case_id, _sep, expert_id = value.partition("-")
        if not (_is_small_id(case_id) and _is_small_id(expert_id)):
            raise MatrixInputError(_("分配数据有误，请刷新页面后重试。"))
        pair = (int(case_id), int(expert_id))
        if pair[0] not in case_ids or pair[1] not in expert_ids:
            raise MatrixInputError(_("所选案例或专家不属于本轮评审，请刷新页面后重试。"))
        pairs.add(pair)
    return pairs


def _is_small_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 12


def assignments_set(*, stage, shown: set[tuple[int, int]], ticked: set[tuple[int, int]], actor) -> BulkOutcome:
    """Make the `shown` cells of the round's matrix what the province ticked: a ticked
    pair not yet assigned is assigned (`assignment_create`), an unticked assigned pair
    is removed (`assignment_remove`); each pair its own transaction, each refusal named
    (a conflict, a full expert, a submitted review, a case no longer in review)."""
    ticked = ticked & shown
    existing = {
        (a.case_id, a.expert_id): a
        for a in ExpertAssignment.objects.filter(
            stage=stage, case_id__in={case for case, _e in shown}, expert_id__in={e for _c, e in shown}
        ).select_related("case", "expert")
    }
    existing = {pair: a for pair, a in existing.items() if pair in shown}
    to_add = sorted(ticked - existing.keys())
    to_remove = sorted(existing.keys() - ticked)
    cases = {c.pk: c for c in stage_cases(stage).filter(pk__in={case for case, _e in to_add})}
    experts = {e.pk: e for e in User.objects.filter(pk__in={e for _c, e in to_add})}

    def act(item):
        kind, pair = item
        if kind == "remove":
            assignment_remove(assignment=existing[pair], actor=actor)
        elif pair[0] not in cases:
            raise TransitionRefused(_("只有本次征集中专家评审中的案例可以分配专家。"))
        else:
            assignment_create(stage=stage, case=cases[pair[0]], expert=experts[pair[1]], actor=actor)

    def label(item):
        kind, (case_id, expert_id) = item
        if kind == "remove":
            assignment = existing[(case_id, expert_id)]
            return _("取消分配 %(expert)s · #%(case)d %(title)s") % {
                "expert": assignment.expert,
                "case": case_id,
                "title": assignment.case.title,
            }
        case = cases.get(case_id)
        return _("分配 %(expert)s · #%(case)d %(title)s") % {
            "expert": experts[expert_id],
            "case": case_id,
            "title": case.title if case else "",
        }

    items = [("remove", pair) for pair in to_remove] + [("add", pair) for pair in to_add]
    return bulk_run(items, act, label=label, refusals=(TransitionRefused, PermissionDenied))
