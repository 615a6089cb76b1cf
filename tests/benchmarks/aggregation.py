"""Benchmark: aggregating a whole provincial review, 5,000 cases × 5 experts × 5
criteria (125,000 scores), into per-category results."""

import os
import statistics
import time
from decimal import Decimal

from django.utils import timezone

from accounts.enums import OrgKind, Role
from applications.enums import CaseState
from applications.models import Case
from reviews.enums import CriterionKind, StageStatus
from reviews.experts.results import case_figures, stage_results
from reviews.experts.services import assignment_totals_refresh
from reviews.models import ExpertAssignment, ReviewStage, Rubric, Score
from tests.factories import OrganisationFactory, UnitFactory, UserFactory, open_campaign

# BENCH_SHORT (CI): 500 cases, to see that it works, not how fast.
CASES, EXPERTS, CRITERIA = (500 if os.environ.get("BENCH_SHORT") else 5_000), 5, 5


def _world():
    campaign = open_campaign(year=2031)
    authority = OrganisationFactory(kind=OrgKind.AUTHORITY)
    units = [UnitFactory(authority=authority) for _ in range(10)]
    applicant = UserFactory(organisation=units[0], role=Role.APPLICANT)
    pool = OrganisationFactory(kind=OrgKind.EXPERT_POOL)
    experts = [UserFactory(organisation=pool, role=Role.EXPERT) for _ in range(EXPERTS)]
    rubric = Rubric.objects.get(campaign=campaign)
    # The default rubric has a gate and five scored criteria: keep five scored ones.
    criteria = list(rubric.criteria.filter(kind=CriterionKind.SCORE))[:CRITERIA]
    stage = ReviewStage.objects.get(campaign=campaign, order=1)
    stage.status = StageStatus.OPEN
    stage.save()
    categories = list(campaign.categories.all())
    schemas = {c.pk: c.schemas.latest() for c in categories}
    cases = Case.objects.bulk_create(
        (
            Case(
                campaign=campaign,
                category=categories[i % 4],
                schema=schemas[categories[i % 4].pk],
                unit=units[i % 10],
                authority=authority,
                title=f"基准案例{i}",
                state=CaseState.IN_EXPERT_REVIEW,
                created_by=applicant,
            )
            for i in range(CASES)
        ),
        batch_size=1000,
    )
    now = timezone.now()
    assignments = ExpertAssignment.objects.bulk_create(
        (ExpertAssignment(stage=stage, case=case, expert=e, submitted_at=now) for case in cases for e in experts),
        batch_size=2000,
    )
    Score.objects.bulk_create(
        (
            Score(assignment=a, criterion=c, value=Decimal(60 + (a.pk * 7 + c.pk * 3) % 40))
            for a in assignments
            for c in criteria
        ),
        batch_size=5000,
    )
    # Written in bulk, not through score_save: store each review's total as it would.
    assignment_totals_refresh(stage=stage)
    return stage, rubric


def bench_aggregation(emit) -> None:
    stage, rubric = _world()
    # The figures and places of every case (what advancing and the rankings read), then
    # the same with each case's row (what the 通报 and NRTA lists read), then with every
    # expert's scores behind them (what the score sheet reads).
    runs = (
        ("median", lambda: {0: case_figures(stage=stage, rubric=rubric)}),
        ("with_cases.median", lambda: stage_results(stage=stage, rubric=rubric, trace=False)),
        ("with_trace.median", lambda: stage_results(stage=stage, rubric=rubric, trace=True)),
    )
    for name, aggregate in runs:
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            results = aggregate()
            timings.append(time.perf_counter() - start)
        assert sum(len(items) for items in results.values()) == CASES
        emit(f"aggregation.{CASES}x{EXPERTS}x{CRITERIA}.{name}", statistics.median(timings), "s")
