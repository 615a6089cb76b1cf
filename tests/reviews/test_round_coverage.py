"""The round page's coverage per category (stage_coverage, one grouped query) against
the straightforward count over the round's cases and their assignments."""

from django.utils import timezone

from accounts.enums import Role
from applications.models import Case
from reviews.experts.selectors import stage_cases, stage_coverage
from reviews.models import ExpertAssignment, ReviewStage
from tests.factories import UserFactory


def _straightforward(stage, categories):
    rows = []
    for category in categories:
        cases = [case for case in stage_cases(stage) if case.category_id == category.pk]
        if not cases:
            continue
        short = done = 0
        for case in cases:
            mine = list(ExpertAssignment.objects.filter(stage=stage, case=case))
            short += len(mine) < stage.reviewers_per_case
            done += bool(mine) and all(a.submitted_at is not None for a in mine)
        rows.append({"category": category, "cases": len(cases), "short": short, "done": done})
    return rows


def test_coverage_per_category_is_the_straightforward_count(cast, case_at):
    cases = [case_at("in_expert_review") for _ in range(6)]
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    stage.reviewers_per_case = 2
    stage.save()
    categories = list(cast.campaign.categories.order_by("position"))
    # Two categories in the round, one with none.
    Case.objects.filter(pk__in=[c.pk for c in cases[3:]]).update(category=categories[1])
    pool = cast.expert_assigned.organisation
    others = [UserFactory(organisation=pool, role=Role.EXPERT) for _ in range(3)]
    now = timezone.now()
    # Every case has expert_assigned's (unsubmitted) assignment; add: a second expert
    # (full), a second and third all submitted (done and full), none (short), one
    # submitted of two (full, not done); a case with no assignment at all.
    ExpertAssignment.objects.filter(case=cases[5]).delete()
    ExpertAssignment.objects.create(stage=stage, case=cases[0], expert=others[0])
    ExpertAssignment.objects.filter(case=cases[1]).update(submitted_at=now)
    ExpertAssignment.objects.create(stage=stage, case=cases[1], expert=others[0], submitted_at=now)
    ExpertAssignment.objects.create(stage=stage, case=cases[1], expert=others[1], submitted_at=now)
    ExpertAssignment.objects.create(stage=stage, case=cases[3], expert=others[2], submitted_at=now)
    ExpertAssignment.objects.filter(case=cases[4]).update(submitted_at=now)
    # A round's assignments of a case that has left expert review do not count.
    Case.objects.filter(pk=cases[2].pk).update(state="reviewed")
    ExpertAssignment.objects.create(stage=stage, case=cases[2], expert=others[0])
    expected = _straightforward(stage, categories)
    assert stage_coverage(stage, categories) == expected
    assert [(row["cases"], row["short"], row["done"]) for row in expected] == [(2, 0, 1), (3, 2, 1)]

    # A later round on a shortlist counts only its shortlist and only its assignments.
    second = ReviewStage.objects.create(campaign=cast.campaign, order=2, name="复评", reviewers_per_case=1)
    second.shortlist.set([cases[0], cases[3], cases[5]])
    ExpertAssignment.objects.create(stage=second, case=cases[3], expert=others[0], submitted_at=now)
    expected = _straightforward(second, categories)
    assert stage_coverage(second, categories) == expected
    assert [(row["cases"], row["short"], row["done"]) for row in expected] == [(1, 1, 0), (2, 1, 1)]
