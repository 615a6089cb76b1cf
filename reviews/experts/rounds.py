"""Several rounds of the expert review: the province advances the best cases of a round
(the top N of each category, or cases it chooses) to the next round, whose shortlist
they become; the results page shows every round's figure side by side."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from applications.enums import CaseState
from applications.services import campaign_require_open
from reviews.enums import StageStatus
from reviews.experts.results import CaseResult, case_figures, case_id_of
from reviews.models import ExpertAssignment, ReviewStage, Rubric
from workflow.exceptions import TransitionRefused


def next_stage_of(stage: ReviewStage) -> ReviewStage | None:
    return ReviewStage.objects.filter(campaign=stage.campaign, order__gt=stage.order).order_by("order").first()


def advanceable(results) -> list[CaseResult]:
    """The results a round can advance: scored, no gate failed, still in expert review."""
    if isinstance(results, dict):
        results = [result for items in results.values() for result in items]
    return [
        result
        for result in results
        if result.result is not None and not result.excluded and result.state == CaseState.IN_EXPERT_REVIEW
    ]


@transaction.atomic
def stage_advance(
    *, stage: ReviewStage, actor, case_ids: list[int] | None = None, top_n: int | None = None
) -> ReviewStage:
    """Make the next round's shortlist: the `top_n` best of each category of `stage`,
    or the chosen `case_ids`. The next round is created (as 第N轮, blind like this one)
    when the campaign has none; it must not have started assigning yet."""
    roles.require_province_admin(actor)
    campaign_require_open(stage.campaign)
    if (case_ids is None) == (top_n is None):
        raise TransitionRefused(_("请填写每类晋级数量，或选择晋级的案例（二选一）。"))
    rubric = Rubric.objects.get(campaign=stage.campaign)
    candidates = advanceable(case_figures(stage=stage, rubric=rubric))
    if top_n is not None:
        if top_n < 1:
            raise TransitionRefused(_("每类晋级数量至少为1。"))
        chosen = [case_id_of(result) for result in candidates if result.category_rank <= top_n]
    else:
        allowed = {case_id_of(result) for result in candidates}
        refused = [case_id for case_id in case_ids if case_id not in allowed]
        if refused:
            raise TransitionRefused(
                _("有%(n)d个所选案例不能晋级：只有本轮已评分、否决项通过且仍在专家评审中的案例可以晋级。")
                % {"n": len(refused)}
            )
        chosen = list(dict.fromkeys(case_ids))
    if not chosen:
        raise TransitionRefused(_("本轮没有可以晋级的案例（须已评分且否决项通过）。"))

    following = next_stage_of(stage)
    if following is None:
        following = ReviewStage.objects.create(
            campaign=stage.campaign,
            order=stage.order + 1,
            name=_("第%(n)d轮") % {"n": stage.order + 1},
            blind=stage.blind,
            reviewers_per_case=stage.reviewers_per_case,
            max_load=stage.max_load,
        )
    elif following.status == StageStatus.CLOSED or ExpertAssignment.objects.filter(stage=following).exists():
        raise TransitionRefused(
            _("「%(name)s」已开始分配专家或已结束，不能再更改晋级名单。") % {"name": following.name}
        )
    following.shortlist.set(chosen)
    return following


def results_by_stage(
    *, campaign, rubric, besides=None, case_ids=None
) -> list[tuple[ReviewStage, dict[int, CaseResult]]]:
    """Every round (but `besides`) with its figures by case id (of `case_ids` only, when
    given), in the rounds' order: one query a round, whatever the number of cases."""
    found = []
    stages = ReviewStage.objects.filter(campaign=campaign).order_by("order")
    if besides is not None:
        stages = stages.exclude(pk=besides.pk)
    for stage in stages:
        figures = case_figures(stage=stage, rubric=rubric, case_ids=case_ids)
        found.append((stage, {case_id_of(result): result for result in figures}))
    return found
