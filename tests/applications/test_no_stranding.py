"""No case is ever stranded: over random interleavings of submissions, returns,
resubmissions, extensions (granted and running out), authority decisions, ranking-table
submissions and returns, single-case returns and phase moves, every case ends either in
a final state, carried by the campaign's next phase move, or listed as blocking that
move, and then someone can act on it now."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.enums import EDITABLE_STATES, FINAL_STATES, PHASE_ORDER, CampaignPhase, CaseState, phase_index
from applications.models import Campaign, Case, DeadlineExtension
from applications.phases.conditions import blocking_cases
from applications.phases.services import extension_grant
from reviews.models import RankingEntry, RankingTable
from reviews.ranking.services import (
    case_return_to_authority,
    ranking_return,
    ranking_scan_upload,
    ranking_submit,
    table_for,
)
from tests.factories import make_case, pdf_upload
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition, refusal_reasons

S = CaseState
P = CampaignPhase
CASES = 4  # two of unit A (city A), two of unit B (city B)
# The moves up to the expert review: where cases can be stranded between units,
# authorities and the province (the later phases are the province's alone).
PHASE_MOVES = {P.COLLECTING: "close_collection", P.PRELIMINARY: "start_expert_review"}

segment = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["submit", "return", "recommend", "reject", "revoke", "case_return"]),
                  st.integers(0, CASES - 1)),
        st.tuples(st.sampled_from(["extend_unit", "table", "table_return"]), st.integers(0, 1)),
        st.tuples(st.just("extend_case"), st.integers(0, CASES - 1)),
        st.tuples(st.sampled_from(["deadline", "expire", "phase"]), st.just(0)),
    ),
    max_size=8,
)  # fmt: skip
# Three stretches of random moves around the two phase moves: the deadline passes and the
# province tries to close the collection, then to start the expert review (each may be
# refused, listing what blocks it), so the random moves meet every phase.
steps = st.tuples(segment, segment, segment)


@pytest.fixture
def world(cast):
    cases = [make_case(campaign=cast.campaign, applicant=a) for a in (cast.applicant_a, cast.applicant_b) for _ in "12"]
    return cast, [case.pk for case in cases]


def _attempt(function, **kwargs):
    try:
        function(**kwargs)
    except TransitionRefused:
        pass


def _take(case, actions, actor, comment="意见"):
    """The first of `actions` the case's state allows, as `actor` (refusals are part of the game)."""
    for action in actions:
        try:
            apply_transition(subject=case, action=action, actor=actor, comment=comment)
            return
        except TransitionRefused:
            continue


def _play(cast, case_ids, plays):
    campaign = Campaign.objects.get(pk=cast.campaign.pk)
    people = {
        cast.city_a.pk: cast.reviewer_a,
        cast.city_b.pk: cast.reviewer_b,
    }
    authorities = [(cast.city_a, cast.reviewer_a), (cast.city_b, cast.reviewer_b)]
    units = [cast.unit_a, cast.unit_b]
    applicants = {cast.unit_a.pk: cast.applicant_a, cast.unit_b.pk: cast.applicant_b}
    for kind, index in plays:
        if kind in ("submit", "return", "recommend", "reject", "revoke", "case_return", "extend_case"):
            case = Case.objects.get(pk=case_ids[index])
            reviewer = people[case.authority_id]
            if kind == "submit":
                _take(case, ["submit", "resubmit"], applicants[case.unit_id])
            elif kind == "return":
                _take(case, ["return_for_revision"], reviewer)
            elif kind == "recommend":
                _take(case, ["recommend"], reviewer)
            elif kind == "reject":
                _take(case, ["reject"], reviewer)
            elif kind == "revoke":
                _take(case, ["revoke_recommendation"], reviewer)
            elif kind == "case_return":
                _attempt(case_return_to_authority, case=case, actor=cast.province_admin, reason="请补充材料")
            else:
                _attempt(
                    extension_grant, campaign=campaign, actor=cast.province_admin, case=case,
                    until=timezone.now() + timedelta(days=2), reason="延期",
                )  # fmt: skip
        elif kind == "extend_unit":
            _attempt(
                extension_grant, campaign=campaign, actor=cast.province_admin, organisation=units[index],
                until=timezone.now() + timedelta(days=2), reason="延期",
            )  # fmt: skip
        elif kind == "table":
            authority, reviewer = authorities[index]
            table = table_for(campaign=campaign, authority=authority)
            if table.entries.exists() and not table.is_locked:
                ranking_scan_upload(table=table, actor=reviewer, uploaded=pdf_upload())
            _attempt(ranking_submit, campaign=campaign, authority=authority, actor=reviewer)
        elif kind == "table_return":
            authority, _reviewer = authorities[index]
            table = RankingTable.objects.filter(campaign=campaign, authority=authority, status="submitted").last()
            if table is not None:
                _attempt(ranking_return, table=table, actor=cast.province_admin, reason="请核实")
        elif kind == "deadline":  # time passes: the submission deadline
            Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() - timedelta(seconds=1))
        elif kind == "expire":  # time passes: the extensions run out
            DeadlineExtension.objects.update(until=timezone.now() - timedelta(seconds=1))
        elif kind == "phase" and campaign.state in PHASE_MOVES:
            _attempt(apply_transition, subject=campaign, action=PHASE_MOVES[campaign.state], actor=cast.province_admin)
        campaign.refresh_from_db()
    return campaign


def _who_can_act(case, cast) -> bool:
    """Someone may move the blocking case on now (the move is open to them, no reason refuses it)."""
    reviewer = cast.reviewer_a if case.authority_id == cast.city_a.pk else cast.reviewer_b
    applicant = cast.applicant_a if case.unit_id == cast.unit_a.pk else cast.applicant_b
    if case.state == S.SUBMITTED:
        return not refusal_reasons(subject=case, action="reject", actor=reviewer)
    if case.state == S.RECOMMENDED:
        # Its table is open: the authority can submit it (once nothing waits) or revoke.
        return not refusal_reasons(subject=case, action="revoke_recommendation", actor=reviewer, perms=None)
    if case.state in EDITABLE_STATES:
        action = "resubmit" if case.state == S.RETURNED else "submit"
        return not refusal_reasons(subject=case, action=action, actor=applicant)
    return case.state == S.IN_EXPERT_REVIEW  # the province assigns experts


def _check(cast, case_ids, campaign, plays):
    """Every case is final, out of the selection, or someone can move it on now; and from
    专家评审 on it blocks the next move until it is past the phase."""
    index = phase_index(campaign.state)
    target = PHASE_ORDER[min(index + 1, len(PHASE_ORDER) - 1)]
    blocking = blocking_cases(campaign, target)
    for case in Case.objects.filter(pk__in=case_ids).select_related("campaign"):
        if case.state in FINAL_STATES:
            continue
        window = campaign.submission_window_open(unit_id=case.unit_id, case_id=case.pk)
        if case.state in EDITABLE_STATES and not window:
            # Not submitted and its unit can no longer submit: out of the selection,
            # carried by every move (the province may still grant an extension).
            assert case.pk not in blocking
            continue
        assert _who_can_act(case, cast), (case.state, campaign.state, plays)
        if phase_index(target) >= phase_index(P.EXPERT_REVIEW) and case.state != S.IN_EXPERT_REVIEW:
            assert case.pk in blocking, (case.state, campaign.state, plays)
    # Never a recommendation stuck in a submitted table.
    assert not Case.objects.filter(
        pk__in=case_ids, state=S.RECOMMENDED, ranking_entry__table__status="submitted"
    ).exists()
    # Every entry holds its case's category, which the overview counts per table.
    assert not RankingEntry.objects.exclude(category_id=F("case__category_id")).exists(), plays


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plays=steps)
def test_no_case_is_ever_stranded(world, plays):
    cast, case_ids = world
    first, second, third = plays
    with transaction.atomic():
        campaign = _play(cast, case_ids, [*first, ("deadline", 0), ("phase", 0)])
        _check(cast, case_ids, campaign, plays)
        campaign = _play(cast, case_ids, [*second, ("phase", 0)])
        _check(cast, case_ids, campaign, plays)
        campaign = _play(cast, case_ids, third)
        _check(cast, case_ids, campaign, plays)
        transaction.set_rollback(True)
