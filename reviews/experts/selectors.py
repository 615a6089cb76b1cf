"""What the expert review reads: the open round, the cases a round reviews, and how far
the experts of a case have got."""

from django.db.models import Count

from applications.enums import CaseState
from applications.models import Case
from reviews.enums import StageStatus
from reviews.models import ExpertAssignment, ReviewStage


def open_stage(campaign) -> ReviewStage | None:
    return ReviewStage.objects.filter(campaign=campaign, status=StageStatus.OPEN).first()


def stage_cases(stage: ReviewStage):
    """The cases a stage reviews: its shortlist, or every case in expert review."""
    cases = Case.objects.filter(campaign=stage.campaign, state=CaseState.IN_EXPERT_REVIEW).select_related("unit")
    if stage.shortlist.exists():
        cases = cases.filter(pk__in=stage.shortlist.values("pk"))
    return cases


def expert_review_progress(*, case) -> tuple[int, int]:
    """(experts assigned, experts who submitted their review) for one case. A case
    advanced to a later round that has no experts for it yet counts as unassigned: its
    review is not complete until that round has scored it too."""
    waiting = (
        ReviewStage.objects.filter(campaign_id=case.campaign_id, shortlist=case)
        .exclude(status=StageStatus.CLOSED)
        .exclude(assignments__case=case)
    )
    if waiting.exists():
        return 0, 0
    counts = ExpertAssignment.objects.filter(case=case).aggregate(assigned=Count("id"), submitted=Count("submitted_at"))
    return counts["assigned"], counts["submitted"]
