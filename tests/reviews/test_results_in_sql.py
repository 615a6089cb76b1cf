"""The results computed in SQL (reviews.experts.results.case_figures) equal a computation
done here by hand from the raw scores: every expert's weighted total, the panel's mean,
median or trimmed mean rounded half up (also at .xx5, where floating point would round
down), gates excluding, ties sharing their place; and the results page keeps those
category-wide places on every page of a category."""

import math
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.enums import Role
from reviews.enums import Aggregation
from reviews.experts.results import case_figures, case_id_of, category_summary, stage_results
from reviews.experts.services import assignment_create, assignment_reopen, assignment_totals_refresh, score_save
from reviews.models import ExpertAssignment, Rubric
from reviews.outcome import views as outcome_views
from tests.factories import UserFactory, open_first_stage, submit_review

CENT = D("0.01")
# Per criterion, added to an expert's base: the totals are then no plain average.
SPREAD = {"创新性": D("0"), "实效性": D("5.5"), "典型性": D("-3.25"), "发展前景": D("2"), "申报材料完整性": D("-1")}


def _experts(cast, n):
    pool = cast.expert_assigned.organisation
    return [UserFactory(username=f"sql_expert_{i}", organisation=pool, role=Role.EXPERT) for i in range(n)]


def _review(stage, case, expert, actor, values: dict[str, D], *, passed=True, submit=True):
    assignment = assignment_create(stage=stage, case=case, expert=expert, actor=actor)
    criteria = Rubric.objects.get(campaign=stage.campaign).criteria.all()
    entries = {c.pk: (("pass" if passed else "fail") if c.is_gate else str(values[c.name]), "意见。") for c in criteria}
    if submit:
        assert score_save(assignment=assignment, actor=expert, entries=entries, submit=True) == []
    return assignment


def _by_hand_total(rubric, values: dict[str, D]) -> D:
    scored = [c for c in rubric.criteria.all() if not c.is_gate]
    weights = sum(c.weight for c in scored)
    total = sum(c.weight * values[c.name] / c.max_score for c in scored) * 100 / weights
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _by_hand_panel(totals: list[D], method: str, trim_from: int) -> D | None:
    if not totals:
        return None
    ordered = sorted(totals)
    if method == Aggregation.MEDIAN:
        middle = len(ordered) // 2
        value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    else:
        if method == Aggregation.TRIMMED_MEAN and len(ordered) >= trim_from:
            ordered = ordered[1:-1]
        value = sum(ordered) / len(ordered)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _uniform(value: str) -> dict[str, D]:
    return dict.fromkeys(SPREAD, D(value))


@pytest.fixture
def panel(cast, case_in):
    """Five cases of one category: A five experts apart, B four experts whose mean and
    median are exactly x.xx5, C a failed gate, D the same totals as B (a tie), E one of
    two reviews submitted. Returns (stage, {name: case}, {name: [expert totals]}, excluded)."""
    stage = open_first_stage(cast.campaign)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    experts = _experts(cast, 5)
    admin = cast.province_admin
    plans = {
        "A": [{k: D(b) + v for k, v in SPREAD.items()} for b in ("88.5", "92.25", "75", "81.75", "90.1")],
        "B": [_uniform(v) for v in ("80.01", "80.00", "80.00", "80.01")],
        "C": [_uniform(v) for v in ("95", "96", "97")],
        "D": [_uniform(v) for v in ("80.00", "80.01", "80.01", "80.00")],
        "E": [_uniform("70.07")],
    }
    cases, totals = {}, {}
    for name, plan in plans.items():
        case = case_in("in_expert_review", expert=None, title=f"SQL汇总{name}")
        cases[name] = case
        totals[name] = []
        for i, values in enumerate(plan):
            _review(stage, case, experts[i], admin, values, passed=not (name == "C" and i == 1))
            totals[name].append(_by_hand_total(rubric, values))
    _review(stage, cases["E"], experts[4], admin, _uniform("10"), submit=False)
    return stage, cases, totals, {"C"}


@pytest.mark.parametrize("method", [Aggregation.MEAN, Aggregation.MEDIAN, Aggregation.TRIMMED_MEAN])
def test_the_figures_equal_a_computation_by_hand(cast, panel, method):
    stage, cases, totals, excluded = panel
    Rubric.objects.filter(campaign=cast.campaign).update(aggregation=method)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    figures = {case_id_of(r): r for r in case_figures(stage=stage, rubric=rubric)}
    expected = {name: _by_hand_panel(totals[name], method, rubric.trim_min_experts) for name in cases}
    # B's four totals average 80.005 exactly: half up is 80.01 (a float sum gives 80.00).
    assert expected["B"] == D("80.01")
    ranked = sorted(
        (name for name in cases if name not in excluded), key=lambda name: (-expected[name], cases[name].pk)
    )
    for name, case in cases.items():
        figure = figures[case.pk]
        assert figure.result == expected[name], name
        assert (figure.scored, figure.assigned) == (len(totals[name]), len(totals[name]) + (name == "E"))
        assert figure.excluded == (name in excluded)
        spread = max(totals[name]) - min(totals[name])
        mean = sum(totals[name]) / len(totals[name])
        stdev = D(math.sqrt(sum((t - mean) ** 2 for t in totals[name]) / len(totals[name])))
        assert figure.spread.spread == spread
        assert figure.spread.stdev == stdev.quantize(CENT, rounding=ROUND_HALF_UP)
        assert figure.flagged == (spread > rubric.dispersion_threshold)
        if name in excluded:
            assert figure.category_rank is None
            continue
        place = ranked.index(name) + 1
        better = sum(1 for other in ranked if expected[other] > expected[name])
        equal = sum(1 for other in ranked if expected[other] == expected[name])
        assert (figure.category_rank, figure.shared_rank, figure.tied) == (place, better + 1, equal > 1), name
    assert figures[cases["B"].pk].tied and figures[cases["D"].pk].tied


def test_the_trace_and_the_figures_agree(cast, panel):
    stage, cases, totals, _excluded = panel
    rubric = Rubric.objects.get(campaign=cast.campaign)
    for items in stage_results(stage=stage, rubric=rubric).values():
        for result in items:
            name = result.case.title.removeprefix("SQL汇总")
            assert sorted(score.total for score in result.scores) == sorted(totals[name])
            assert result.scored == len(result.scores)


def test_the_stored_total_follows_submission_and_reopening(cast, panel):
    stage, cases, totals, _excluded = panel
    assignment = ExpertAssignment.objects.filter(case=cases["A"]).order_by("pk").first()
    assert assignment.total == totals["A"][0] and not assignment.failed_gate
    failed = ExpertAssignment.objects.filter(case=cases["C"]).order_by("pk")[1]
    assert failed.failed_gate
    assignment_reopen(assignment=assignment, actor=cast.province_admin)
    assignment.refresh_from_db()
    assert (assignment.submitted_at, assignment.total, assignment.failed_gate) == (None, None, False)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    figure = next(r for r in case_figures(stage=stage, rubric=rubric) if case_id_of(r) == cases["A"].pk)
    assert figure.scored == 4  # the reopened review counts for nothing until submitted again
    # Recomputing every stored total from the scores changes nothing.
    before = dict(ExpertAssignment.objects.filter(stage=stage).values_list("pk", "total"))
    ExpertAssignment.objects.filter(stage=stage).update(total=None)
    assignment_totals_refresh(stage=stage)
    assert dict(ExpertAssignment.objects.filter(stage=stage).values_list("pk", "total")) == before


def test_a_later_page_keeps_the_category_wide_places(client, cast, case_in, monkeypatch):
    monkeypatch.setattr(outcome_views, "RESULTS_PAGE_SIZE", 2)
    stage = open_first_stage(cast.campaign)
    cases = []
    for value in (90, 85, 85, 80, 70):
        case = case_in("in_expert_review", title=f"分页案例{value}-{len(cases)}")
        submit_review(ExpertAssignment.objects.get(case=case, stage=stage), value=value)
        cases.append(case)
    client.force_login(cast.province_admin)
    url = reverse("reviews:results", args=[2024])
    category = cases[0].category_id
    first = client.get(url, {"category": category}).content.decode()
    second = client.get(url, {"category": category, "page": 2}).content.decode()
    third = client.get(url, {"category": category, "page": 3}).content.decode()
    assert cases[0].title in first and cases[1].title in first and cases[2].title not in first
    assert first.count("2（并列）") == 1
    # Page 2: the second of the tie keeps its shared place, then the fourth place.
    assert cases[2].title in second and cases[3].title in second and cases[1].title not in second
    assert second.count("2（并列）") == 1 and '<td class="text-nowrap">4</td>' in second
    assert cases[4].title in third and '<td class="text-nowrap">5</td>' in third


def test_the_state_filter_keeps_the_places(client, cast, case_in):
    stage = open_first_stage(cast.campaign)
    for value in (90, 80):
        submit_review(ExpertAssignment.objects.get(case=case_in("in_expert_review"), stage=stage), value=value)
    reviewed = case_in("reviewed")  # no review in this round: unranked
    client.force_login(cast.province_admin)
    page = client.get(
        reverse("reviews:results", args=[2024]), {"category": reviewed.category_id, "state": "in_review"}
    ).content.decode()
    assert '<td class="text-nowrap">1</td>' in page and '<td class="text-nowrap">2</td>' in page
    assert reviewed.title not in page


def test_the_advance_form_lists_no_cases_but_the_rows_offer_them(client, cast, case_in):
    stage = open_first_stage(cast.campaign)
    case = case_in("in_expert_review")
    submit_review(ExpertAssignment.objects.get(case=case, stage=stage), value=80)
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert f'<option value="{case.pk}"' not in page
    assert f'id="advance-{case.pk}"' in page and 'form="advance-form"' in page


def test_the_trace_is_shown_on_demand_for_the_page(client, cast, case_in):
    stage = open_first_stage(cast.campaign)
    case = case_in("in_expert_review")
    submit_review(ExpertAssignment.objects.get(case=case, stage=stage), value=80)
    client.force_login(cast.province_admin)
    url = reverse("reviews:results", args=[2024])
    assert "各专家评分</summary>" not in client.get(url).content.decode()
    shown = client.get(url, {"trace": "1"}).content.decode()
    assert "各专家评分</summary>" in shown and "<td>80.00</td>" in shown  # each criterion's score, and the total


def test_the_category_summary_counts_the_round(cast, panel):
    stage, cases, _totals, _excluded = panel
    summary = category_summary(stage=stage)[cases["A"].category_id]
    assert summary.cases == 5 and summary.in_review == 5
    assert summary.complete == 4  # E: one of its two experts has not submitted
    assert summary.advanceable == 4  # C failed the gate
    assert summary.count(("reviewed",)) == 0
