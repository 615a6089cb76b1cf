from django.db.models import Count

from reviews.enums import RankingTableStatus
from reviews.models import ExpertAssignment, RankingTable


def ranking_table_locked(*, campaign, authority) -> bool:
    return RankingTable.objects.filter(
        campaign=campaign, authority=authority, status=RankingTableStatus.SUBMITTED
    ).exists()


def expert_review_progress(*, case) -> tuple[int, int]:
    """(experts assigned, experts who submitted their review) for one case."""
    counts = ExpertAssignment.objects.filter(case=case).aggregate(assigned=Count("id"), submitted=Count("submitted_at"))
    return counts["assigned"], counts["submitted"]
