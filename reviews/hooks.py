"""The review app's side of the case's life: the implementations of the hooks that
applications/lifecycle/hooks.py declares, connected once in ReviewsConfig.ready()."""

from django.db.models.signals import post_save

from applications.lifecycle import hooks
from applications.models import Case
from reviews.enums import PublicationKind
from reviews.experts.selectors import expert_review_progress
from reviews.experts.services import rubric_create_default
from reviews.models import ExpertAssignment, Objection, Publication
from reviews.outcome.nrta import nrta_append
from reviews.outcome.rules import gate_refusals, hard_quota_refusals
from reviews.ranking.selectors import case_table_locked
from reviews.ranking.services import entry_category_follow_case, ranking_append, ranking_remove
from reviews.setup.services import rubric_clone


def assigned_experts(case_ids) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for case_id, expert_id in ExpertAssignment.objects.filter(case_id__in=case_ids).values_list("case_id", "expert_id"):
        result.setdefault(case_id, []).append(expert_id)
    return result


def published_kinds(*, campaign) -> set[str]:
    return set(Publication.objects.filter(campaign=campaign).values_list("kind", flat=True))


def published_campaign_ids() -> set[int]:
    return set(Publication.objects.filter(kind=PublicationKind.NOTICE).values_list("campaign_id", flat=True))


def objection_upheld(*, case) -> bool:
    return Objection.objects.filter(case=case, upheld=True, publication__kind=PublicationKind.NOTICE).exists()


def announcement_published(*, campaign) -> bool:
    return Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).exists()


# Effects of transitions: the engine calls them with (subject=case, record=record).
def append_to_ranking(*, subject, record) -> None:
    ranking_append(case=subject, record=record)


def remove_from_ranking(*, subject, record) -> None:
    ranking_remove(case=subject, record=record)


def append_to_nrta_list(*, subject, record) -> None:
    nrta_append(case=subject, record=record)


def connect() -> None:
    post_save.connect(entry_category_follow_case, sender=Case, dispatch_uid="ranking_entry_category_follows_case")
    hooks.case_table_locked.implement(case_table_locked)
    hooks.published_kinds.implement(published_kinds)
    hooks.expert_review_progress.implement(expert_review_progress)
    hooks.recommended.implement(append_to_ranking)
    hooks.recommendation_revoked.implement(remove_from_ranking)
    hooks.recommended_to_nrta.implement(append_to_nrta_list)
    hooks.assigned_experts.implement(assigned_experts)
    hooks.published_campaign_ids.implement(published_campaign_ids)
    hooks.campaign_created.implement(rubric_create_default)
    hooks.campaign_cloned.implement(rubric_clone)
    hooks.gate_refusals.implement(gate_refusals)
    hooks.quota_refusals.implement(hard_quota_refusals)
    hooks.objection_upheld.implement(objection_upheld)
    hooks.announcement_published.implement(announcement_published)
