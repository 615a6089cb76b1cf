"""The round page's coverage per category and its list of cases (read from the stored
result rows) against the straightforward count over the round's cases (stage_cases)
and their assignments."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from applications.models import Case
from reviews.experts.results import result_rows_refresh
from reviews.experts.selectors import stage_case_rows, stage_cases, stage_coverage
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


def _straightforward_list(stage, *, category=None, short_only=False):
    """The round's cases in the page's order (category position, then id), filtered."""
    positions = {c.pk: c.position for c in stage.campaign.categories.all()}
    cases = [case for case in stage_cases(stage) if category is None or case.category_id == category.pk]
    if short_only:
        cases = [
            case
            for case in cases
            if ExpertAssignment.objects.filter(stage=stage, case=case).count() < stage.reviewers_per_case
        ]
    return [case.pk for case in sorted(cases, key=lambda case: (positions[case.category_id], case.pk))]


def _check_lists(stage, categories, admin):
    """Every filter of the page, every window of it (pages of 1 to 4 crossing the
    categories), against the straightforward list; then the page itself."""
    coverage = stage_coverage(stage, categories)
    client = Client()
    client.force_login(admin)
    for category in [None, *categories]:
        for short_only in (False, True):
            expected = _straightforward_list(stage, category=category, short_only=short_only)
            rows = stage_case_rows(
                stage, coverage, category_id=category.pk if category else None, short_only=short_only
            )
            assert len(rows) == len(expected)
            for size in (1, 2, 3, 4):
                for start in range(0, len(expected) + 1):
                    assert [c.pk for c in rows[start : start + size]] == expected[start : start + size]
            query = {"stage": stage.pk}
            if category:
                query["category"] = category.pk
            if short_only:
                query["short"] = "1"
            page = client.get(reverse("reviews:review_manage", args=[stage.campaign.year]), query).context
            assert [c.pk for c in page["cases"]] == expected[:25]
            assert page["page"].paginator.count == len(expected)
            assert page["coverage"] == _straightforward(stage, list(page["categories"]))
            for case in page["cases"]:
                mine = ExpertAssignment.objects.filter(stage=stage, case=case)
                submitted = mine.filter(submitted_at__isnull=False).count()
                assert (case.n_assigned, case.n_submitted) == (mine.count(), submitted)


def _submit(assignments):
    # As score_save does: a review is submitted with its total (the result rows count those).
    assignments.update(submitted_at=timezone.now(), total=Decimal("80.00"))


def test_coverage_and_list_are_the_straightforward_ones(cast, case_at):
    cases = [case_at("in_expert_review") for _ in range(6)]
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    stage.reviewers_per_case = 2
    stage.save()
    categories = list(cast.campaign.categories.order_by("position"))
    # Two categories in the round, one with none.
    Case.objects.filter(pk__in=[c.pk for c in cases[3:]]).update(category=categories[1])
    pool = cast.expert_assigned.organisation
    others = [UserFactory(organisation=pool, role=Role.EXPERT) for _ in range(3)]
    # Every case has expert_assigned's (unsubmitted) assignment; add: a second expert
    # (full), a second and third all submitted (done and full), none (short), one
    # submitted of two (full, not done); a case with no assignment at all.
    ExpertAssignment.objects.filter(case=cases[5]).delete()
    ExpertAssignment.objects.create(stage=stage, case=cases[0], expert=others[0])
    _submit(ExpertAssignment.objects.filter(case=cases[1]))
    ExpertAssignment.objects.create(stage=stage, case=cases[1], expert=others[0])
    ExpertAssignment.objects.create(stage=stage, case=cases[1], expert=others[1])
    _submit(ExpertAssignment.objects.filter(case=cases[1]))
    ExpertAssignment.objects.create(stage=stage, case=cases[3], expert=others[2])
    _submit(ExpertAssignment.objects.filter(case=cases[3], expert=others[2]))
    _submit(ExpertAssignment.objects.filter(case=cases[4]))
    # A round's assignments of a case that has left expert review do not count.
    Case.objects.filter(pk=cases[2].pk).update(state="reviewed")
    ExpertAssignment.objects.create(stage=stage, case=cases[2], expert=others[0])
    # The bulk updates above bypass the result rows' refresh, as put_in_state does.
    result_rows_refresh(stage=stage)
    expected = _straightforward(stage, categories)
    assert stage_coverage(stage, categories) == expected
    assert [(row["cases"], row["short"], row["done"]) for row in expected] == [(2, 0, 1), (3, 2, 1)]
    _check_lists(stage, categories, cast.province_admin)

    # Two categories on one position: their cases interleave by id, as before.
    categories[1].position = categories[0].position
    categories[1].save()
    categories = list(cast.campaign.categories.order_by("position", "pk"))
    _check_lists(stage, categories, cast.province_admin)

    # A later round on a shortlist counts only its shortlist and only its assignments.
    second = ReviewStage.objects.create(campaign=cast.campaign, order=2, name="复评", reviewers_per_case=1)
    second.shortlist.set([cases[0], cases[3], cases[5]])
    ExpertAssignment.objects.create(stage=second, case=cases[3], expert=others[0])
    _submit(ExpertAssignment.objects.filter(stage=second, case=cases[3]))
    result_rows_refresh(stage=second)
    expected = _straightforward(second, categories)
    assert stage_coverage(second, categories) == expected
    assert [(row["cases"], row["short"], row["done"]) for row in expected] == [(1, 1, 0), (2, 1, 1)]
    _check_lists(second, categories, cast.province_admin)
