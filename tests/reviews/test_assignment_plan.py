"""Expert assignment planning: safe (no conflict, no duplicate, caps kept), maximal
(checked by an independent augmenting-path search) and balanced (the highest load
cannot be lowered without losing coverage)."""

import time
from collections import Counter, deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.experts.planning import Plan, plan_assignments


def _totals(case_ids, existing, pairs):
    totals = Counter(case for case, _ in existing if case in set(case_ids))
    totals.update(case for case, _ in pairs)
    return totals


def _current_loads(case_ids, expert_ids, existing, existing_loads):
    cases = set(case_ids)
    loads = {expert: existing_loads.get(expert, 0) for expert in expert_ids}
    for case, expert in existing:
        if case in cases and expert in loads:
            loads[expert] += 1
    return loads


def _augmenting_path(case_ids, expert_ids, per_case, max_load, existing, conflicts, existing_loads, plan):
    """A residual path source -> case with spare need -> (expert -> case over a planned
    pair, case -> expert over an unused allowed pair)* -> expert with spare capacity, or
    None. Written without the module's flow code so it checks it independently; an
    expert's spare capacity comes from plan.loads, which the safety test checks against
    existing_loads."""
    new = set(plan.pairs)
    totals = _totals(case_ids, existing, plan.pairs)
    starts = [case for case in case_ids if totals[case] < per_case]
    seen_cases, seen_experts = set(starts), set()
    queue = deque(("case", case, [case]) for case in starts)
    while queue:
        kind, node, path = queue.popleft()
        if kind == "case":
            for expert in expert_ids:
                pair = (node, expert)
                if expert not in seen_experts and pair not in new and pair not in existing and pair not in conflicts:
                    seen_experts.add(expert)
                    if plan.loads[expert] < max_load:
                        return path + [expert]
                    queue.append(("expert", expert, path + [expert]))
        else:
            for case, expert in new:
                if expert == node and case not in seen_cases:
                    seen_cases.add(case)
                    queue.append(("case", case, path + [case]))
    return None


@st.composite
def panels(draw):
    case_ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=40))
    expert_ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=12))
    per_case = draw(st.integers(1, 5))
    max_load = draw(st.integers(0, 15))
    all_pairs = [(case, expert) for case in case_ids for expert in expert_ids]
    pair_subset = st.sets(st.sampled_from(all_pairs), max_size=60) if all_pairs else st.just(set())
    conflicts = draw(pair_subset)
    existing_loads = draw(
        st.dictionaries(st.sampled_from(expert_ids), st.integers(0, max_load)) if expert_ids else st.just({})
    )
    # Keep only existing pairs consistent with the caps, as a real panel would be.
    totals, loads, existing = Counter(), dict(existing_loads), set()
    for case, expert in sorted(draw(pair_subset)):
        if totals[case] < per_case and loads.get(expert, 0) < max_load:
            existing.add((case, expert))
            totals[case] += 1
            loads[expert] = loads.get(expert, 0) + 1
    return {
        "case_ids": case_ids,
        "expert_ids": expert_ids,
        "per_case": per_case,
        "max_load": max_load,
        "existing": existing,
        "conflicts": conflicts,
        "existing_loads": existing_loads,
    }


# The project's autouse fixtures (settings, tmp_path) are function-scoped but unrelated
# to this pure module, so sharing them across examples is harmless.
bounded = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@bounded
@given(panels())
def test_plan_is_safe_and_reports_truthfully(panel):
    plan = plan_assignments(**panel)
    assert list(plan.pairs) == sorted(set(plan.pairs))
    for case, expert in plan.pairs:
        assert case in panel["case_ids"] and expert in panel["expert_ids"]
        assert (case, expert) not in panel["conflicts"]
        assert (case, expert) not in panel["existing"]
    totals = _totals(panel["case_ids"], panel["existing"], plan.pairs)
    assert all(totals[case] <= panel["per_case"] for case in panel["case_ids"])
    assert plan.short == {
        case: panel["per_case"] - totals[case] for case in panel["case_ids"] if totals[case] < panel["per_case"]
    }
    loads = _current_loads(panel["case_ids"], panel["expert_ids"], panel["existing"], panel["existing_loads"])
    for _, expert in plan.pairs:
        loads[expert] += 1
    assert plan.loads == loads
    assert all(load <= panel["max_load"] for load in loads.values())


@bounded
@given(panels())
def test_plan_has_no_augmenting_path(panel):
    plan = plan_assignments(**panel)
    path = _augmenting_path(**panel, plan=plan)
    assert path is None, f"coverage could grow along {path}"


@bounded
@given(panels())
def test_highest_load_cannot_be_lowered_without_losing_coverage(panel):
    plan = plan_assignments(**panel)
    highest = max(plan.loads.values(), default=0)
    current = _current_loads(panel["case_ids"], panel["expert_ids"], panel["existing"], panel["existing_loads"])
    if highest > max(current.values(), default=0):
        tighter = plan_assignments(**{**panel, "max_load": highest - 1})
        assert len(tighter.pairs) < len(plan.pairs)


@bounded
@given(panels(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_plan(panel, random):
    shuffled = {**panel, "case_ids": list(panel["case_ids"]), "expert_ids": list(panel["expert_ids"])}
    random.shuffle(shuffled["case_ids"])
    random.shuffle(shuffled["expert_ids"])
    assert plan_assignments(**shuffled) == plan_assignments(**panel)


def test_six_cases_three_experts_two_each_fill_everyone_to_four():
    plan = plan_assignments(case_ids=[1, 2, 3, 4, 5, 6], expert_ids=[7, 8, 9], per_case=2, max_load=4)
    assert len(plan.pairs) == 12
    assert plan.short == {}
    assert plan.loads == {7: 4, 8: 4, 9: 4}
    assert Counter(case for case, _ in plan.pairs) == dict.fromkeys(range(1, 7), 2)


def test_loads_are_spread_even_when_one_expert_could_take_everything():
    plan = plan_assignments(case_ids=[1, 2, 3, 4], expert_ids=[10, 11], per_case=1, max_load=10)
    assert plan.loads == {10: 2, 11: 2}


def test_a_case_whose_only_allowed_experts_are_full_is_short():
    plan = plan_assignments(
        case_ids=[1, 2], expert_ids=[10, 11], per_case=1, max_load=1, conflicts={(2, 11)}, existing_loads={10: 1}
    )
    assert plan == Plan(pairs=((1, 11),), short={2: 1}, loads={10: 1, 11: 1})


def test_existing_pairs_are_counted_and_not_repeated():
    plan = plan_assignments(case_ids=[1], expert_ids=[10, 11, 12], per_case=2, max_load=3, existing={(1, 10)})
    # One more reviewer; 11 and 12 tie on load, so the lower id wins.
    assert plan == Plan(pairs=((1, 11),), short={}, loads={10: 1, 11: 1, 12: 0})


def test_load_from_other_panels_steers_cases_elsewhere():
    plan = plan_assignments(case_ids=[1, 2], expert_ids=[10, 11], per_case=1, max_load=5, existing_loads={10: 3})
    assert plan == Plan(pairs=((1, 11), (2, 11)), short={}, loads={10: 3, 11: 2})


def test_coverage_beats_balance():
    # Only expert 10 may review case 1 or 2, so 10 ends at 2 although 11 stays idle
    # for those: lowering the highest load would leave a case short.
    plan = plan_assignments(
        case_ids=[1, 2, 3], expert_ids=[10, 11], per_case=1, max_load=2, conflicts={(1, 11), (2, 11)}
    )
    assert plan == Plan(pairs=((1, 10), (2, 10), (3, 11)), short={}, loads={10: 2, 11: 1})


@pytest.mark.parametrize(
    "arguments",
    [
        {"expert_ids": []},
        {"max_load": 0},
        {"conflicts": {(case, expert) for case in (1, 2, 3) for expert in (10, 11)}},
    ],
    ids=["no experts", "max load 0", "everyone conflicted"],
)
def test_nothing_can_be_assigned(arguments):
    plan = plan_assignments(
        **{"case_ids": [1, 2, 3], "expert_ids": [10, 11], "per_case": 2, "max_load": 5, **arguments}
    )
    assert plan.pairs == ()
    assert plan.short == {1: 2, 2: 2, 3: 2}
    assert plan.loads == dict.fromkeys(arguments.get("expert_ids", [10, 11]), 0)


def test_no_cases():
    assert plan_assignments(case_ids=[], expert_ids=[10], per_case=2, max_load=5) == Plan(
        pairs=(), short={}, loads={10: 0}
    )


def test_more_reviewers_wanted_than_experts_exist():
    plan = plan_assignments(case_ids=[1, 2], expert_ids=[10, 11], per_case=3, max_load=5)
    assert plan == Plan(pairs=((1, 10), (1, 11), (2, 10), (2, 11)), short={1: 1, 2: 1}, loads={10: 2, 11: 2})


def test_negative_caps_are_refused():
    with pytest.raises(ValueError):
        plan_assignments(case_ids=[1], expert_ids=[10], per_case=-1, max_load=1)


def test_a_full_provincial_panel_is_planned_quickly():
    cases, experts = list(range(1, 501)), list(range(1001, 1061))
    conflicts = {(case, expert) for case in cases for expert in experts if (case * 7 + expert) % 11 == 0}
    started = time.perf_counter()
    plan = plan_assignments(case_ids=cases, expert_ids=experts, per_case=5, max_load=45, conflicts=conflicts)
    elapsed = time.perf_counter() - started
    assert plan.short == {}
    assert max(plan.loads.values()) == 42  # 2500 reviews over 60 experts: ceil(2500 / 60)
    assert elapsed < 10
