"""Keeping the stored result rows (reviews.models.ResultRow) equal to the live
computation: every write that changes what a row is computed from refreshes the rows
it touches, in its own transaction.

- a review assigned, submitted, reopened or removed (a conflict declared, a case
  unassigned): the ExpertAssignment's post_save / post_delete;
- the stored totals written again in bulk: assignment_totals_refresh calls
  `result_rows_refresh` itself;
- the case's state (in or out of provincial review, selected …) or category: the
  Case's post_save (apply_transition saves `state`);
- the authority's order of its table: reviews.ranking.services._rewrite;
- a round created, its shortlist set (晋级): ReviewStage post_save, the shortlist's
  m2m_changed;
- the aggregation (mean, median, trimmed mean) or the experts it trims from: the
  Rubric's post_save (the disagreement threshold is applied when the page reads).

Writes in bulk that bypass these (the benchmark's world, the tests' put_in_state)
call `result_rows_refresh` themselves. tests/reviews/test_result_rows.py compares the
stored rows with a fresh computation after each kind of change."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save

from applications.enums import PROVINCIAL_STATES
from applications.models import Campaign, Case
from reviews.experts.results import result_rows_refresh
from reviews.models import ExpertAssignment, ResultRow, ReviewStage, Rubric

# Inside `result_rows_batched()`: the (stage id, case id) pairs to refresh at its end.
_pending: ContextVar[set | None] = ContextVar("result_rows_pending", default=None)


def refresh_cases(*, stage_ids, case_ids) -> None:
    """Refresh the rows of `case_ids` in each round of `stage_ids` (now, or at the end of
    the enclosing result_rows_batched())."""
    pending = _pending.get()
    if pending is not None:
        pending.update((stage_id, case_id) for stage_id in stage_ids for case_id in case_ids)
        return
    for stage in ReviewStage.objects.filter(pk__in=list(stage_ids)).only("pk", "campaign_id"):
        result_rows_refresh(stage=stage, case_ids=case_ids)


def refresh_campaign_cases(*, campaign_id, case_ids) -> None:
    stage_ids = list(ReviewStage.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True))
    refresh_cases(stage_ids=stage_ids, case_ids=case_ids)


@contextmanager
def result_rows_batched():
    """Refresh each touched (round, case) once, at the end (auto-assignment writes
    thousands of assignments)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    by_stage: dict[int, set[int]] = {}
    for stage_id, case_id in pending:
        by_stage.setdefault(stage_id, set()).add(case_id)
    for stage in ReviewStage.objects.filter(pk__in=list(by_stage)).only("pk", "campaign_id"):
        result_rows_refresh(stage=stage, case_ids=by_stage[stage.pk])


def _assignment_changed(sender, instance, origin=None, **kwargs):
    model = getattr(origin, "model", type(origin))
    if model in (Case, ReviewStage, Campaign):
        return  # deleted with its case or round: their rows go with them
    refresh_cases(stage_ids=[instance.stage_id], case_ids=[instance.case_id])


# Saves of a case that can change its rows: its state, category or campaign.
_CASE_FIELDS = {"state", "category", "category_id", "campaign", "campaign_id"}


def _case_saved(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None:
        if not _CASE_FIELDS & set(update_fields):
            return  # an edit of the form, a title …
    elif instance.state not in PROVINCIAL_STATES:
        return  # a draft saved whole: never in a round (states change by apply_transition)
    if instance.state not in PROVINCIAL_STATES and not ResultRow.objects.filter(case_id=instance.pk).exists():
        return  # neither in a round nor leaving one (a draft submitted, recommended …)
    refresh_campaign_cases(campaign_id=instance.campaign_id, case_ids=[instance.pk])


def _stage_saved(sender, instance, created, **kwargs):
    if created:
        result_rows_refresh(stage=instance)


def _shortlist_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, ReviewStage):
        result_rows_refresh(stage=instance)
    else:  # from the case's side
        refresh_campaign_cases(campaign_id=instance.campaign_id, case_ids=[instance.pk])


def _rubric_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not {"aggregation", "trim_min_experts"} & set(update_fields):
        return  # the threshold, the freeze …: the rows do not hold them
    for stage in ReviewStage.objects.filter(campaign_id=instance.campaign_id).only("pk", "campaign_id"):
        result_rows_refresh(stage=stage, rubric=instance)


def connect() -> None:
    post_save.connect(_assignment_changed, sender=ExpertAssignment, dispatch_uid="result_rows_assignment_saved")
    post_delete.connect(_assignment_changed, sender=ExpertAssignment, dispatch_uid="result_rows_assignment_deleted")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="result_rows_case_saved")
    post_save.connect(_stage_saved, sender=ReviewStage, dispatch_uid="result_rows_stage_saved")
    m2m_changed.connect(
        _shortlist_changed, sender=ReviewStage.shortlist.through, dispatch_uid="result_rows_shortlist_changed"
    )
    post_save.connect(_rubric_saved, sender=Rubric, dispatch_uid="result_rows_rubric_saved")
