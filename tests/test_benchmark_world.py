"""The benchmark's world (tests/benchmarks/data.py) writes its rows with plain INSERTs
for speed; these tests hold it to what the application itself would have written."""

import pytest

from applications.enums import CaseState
from applications.models import Case
from core.text import comparison_key
from reviews.enums import CriterionKind
from reviews.models import ExpertAssignment, RankingEntry, Score
from tests.benchmarks import data
from tests.benchmarks.data import STATE_MIX, UNRANKED, World
from workflow.permissions import SyncResult, permissions_sync_all


@pytest.fixture
def world(monkeypatch):
    # Small chunks, so that a few dozen cases cross several of them.
    monkeypatch.setattr(data, "CHUNK", 7)
    monkeypatch.setattr(data, "ROWS_PER_INSERT", 5)
    world = World.build()
    world.grow_to(12)
    world.grow_to(40)
    return world


@pytest.mark.django_db
def test_the_permission_rows_are_exactly_those_the_workflow_grants(world):
    # The engine's own sync finds nothing to add or remove, and there are rows to find.
    assert permissions_sync_all(model=Case) == SyncResult()
    assert world.visible_to(world.applicant) > 0
    assert world.visible_to(world.expert) > 0
    assert world.visible_to(world.province_admin) > world.visible_to(world.reviewer)


@pytest.mark.django_db
def test_the_cases_rankings_reviews_and_scores_follow_the_mix(world):
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == world.created == 40
    assert [case.state for case in cases] == [STATE_MIX[n % len(STATE_MIX)] for n in range(40)]
    assert all(case.title_key == comparison_key(case.title) for case in cases)
    assert all(len(case.sections) == 6 and case.header for case in cases)
    assert RankingEntry.objects.count() == sum(case.state not in UNRANKED for case in cases)
    # Ranks run 1, 2, 3… within each authority's table across chunks.
    for table_id in RankingEntry.objects.values_list("table_id", flat=True).distinct():
        ranks = list(RankingEntry.objects.filter(table_id=table_id).order_by("rank").values_list("rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1))
    in_review = [case for case in cases if case.state == CaseState.IN_EXPERT_REVIEW]
    done = [case for case in cases if case.state in (CaseState.REVIEWED, CaseState.SELECTED)]
    submitted = ExpertAssignment.objects.filter(submitted_at__isnull=False)
    assert submitted.count() == 3 * len(done)
    assert ExpertAssignment.objects.filter(expert=world.expert).exists()
    assert ExpertAssignment.objects.filter(case__in=in_review, submitted_at__isnull=True).count() >= 3 * len(in_review)
    criteria = world.campaign.rubric.criteria.filter(kind=CriterionKind.SCORE).count()
    assert criteria > 0
    assert Score.objects.count() == submitted.count() * criteria
    assert not Score.objects.filter(value__isnull=True).exists()


@pytest.mark.django_db
def test_the_grant_counts_follow_the_bulk_inserts(world):
    # The world writes cases and guardian's rows with plain multi-row INSERTs, chunk
    # by chunk: the database's triggers keep the counts of the dashboard's proof.
    from tests.workflow.test_grant_counts import assert_counts_exact

    assert_counts_exact()
