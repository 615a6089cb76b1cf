"""The visibility query against guardian's own answer, on the fixed cast (a module of its
own: test_permissions.py runs on the seeded demo, whose organisations the cast would
duplicate)."""

from django.db.models import Count

from applications.models import Case


def test_both_shapes_of_the_visibility_query_read_exactly_what_guardian_grants(cast, case_at):
    """visible_to walks a list with EXISTS probes, or lists the permitted ids (whole=True,
    for counts): both are guardian's answer (the user's own rows and its groups')."""
    from guardian.shortcuts import get_objects_for_user

    from applications.enums import SEEN_BY_AUTHORITY_STATES
    from applications.selectors import cases_visible_to, cases_visible_with_state_counts

    # Those that pass the ranking table first: a table is submitted only with no case waiting.
    for state in ("in_expert_review", "recommended", "not_recommended", "draft", "submitted"):
        case_at(state)
        case_at(state, applicant=cast.applicant_b)
    readers = [
        cast.applicant_a,
        cast.applicant_b,
        cast.reviewer_a,
        cast.reviewer_b,
        cast.province_admin,
        cast.expert_assigned,
        cast.expert_unassigned,
    ]
    for user in readers:
        granted = set(
            get_objects_for_user(user, "applications.view_case", klass=Case, accept_global_perms=False).values_list(
                "pk", flat=True
            )
        )
        assert set(cases_visible_to(user=user).values_list("pk", flat=True)) == granted, user
        assert set(cases_visible_to(user=user, whole=True).values_list("pk", flat=True)) == granted, user
        # The province's dashboard's shape: the groups and the permission's id as values.
        listed, _counts = cases_visible_with_state_counts(user=user, expected_states=SEEN_BY_AUTHORITY_STATES)
        assert set(listed.values_list("pk", flat=True)) == granted, user
        assert set(listed.order_by("-updated_at", "-id")[:3].values_list("pk", flat=True)) <= granted, user
    assert set(cases_visible_to(user=cast.expert_assigned).values_list("pk", flat=True)), "an expert reads by user rows"
    # A reader in no group: no permission's id read with the groups, visible_to's shape.
    cast.expert_assigned.groups.clear()
    granted = set(
        get_objects_for_user(
            cast.expert_assigned, "applications.view_case", klass=Case, accept_global_perms=False
        ).values_list("pk", flat=True)
    )
    listed, _counts = cases_visible_with_state_counts(
        user=cast.expert_assigned, expected_states=SEEN_BY_AUTHORITY_STATES
    )
    assert granted and set(listed.values_list("pk", flat=True)) == granted
    assert set(cases_visible_to(user=cast.reviewer_a).values_list("pk", flat=True)), "a reviewer by group rows"


def test_the_counts_per_state_from_guardians_rows_are_exactly_the_probed_counts(cast, case_at):
    """visible_with_state_counts (the province's dashboard) counts A's states from the state
    index once guardian's rows confirm that every case of A is readable: the same
    figures as probing every case, also when a row is missing (then it probes) or a
    draft is readable beyond the grant table (counted as such)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from guardian.shortcuts import assign_perm

    from applications.enums import SEEN_BY_AUTHORITY_STATES
    from applications.selectors import cases_visible_to, cases_visible_with_state_counts
    from workflow.selectors import state_counts, visible_with_state_counts

    for state in ("in_expert_review", "recommended", "not_recommended", "draft", "submitted", "returned"):
        case_at(state)
        case_at(state, applicant=cast.applicant_b)

    def both(user):
        _set, fast = visible_with_state_counts(
            user=user, model=Case, codename="view_case", expected_states=SEEN_BY_AUTHORITY_STATES
        )
        # The set given with the counts is guardian's too, whichever way they were counted.
        listed, counts = cases_visible_with_state_counts(user=user, expected_states=SEEN_BY_AUTHORITY_STATES)
        probed = state_counts(cases_visible_to(user=user))
        assert counts == fast and state_counts(listed) == probed, user
        assert set(listed.values_list("pk", flat=True)) == set(cases_visible_to(user=user).values_list("pk", flat=True))
        return fast, probed

    def queries_of(user) -> int:
        with CaptureQueriesContext(connection) as queries:
            visible_with_state_counts(
                user=user, model=Case, codename="view_case", expected_states=SEEN_BY_AUTHORITY_STATES
            )
        return len(queries)

    readers = [
        cast.province_admin,
        cast.province_reviewer,
        cast.reviewer_a,
        cast.reviewer_b,
        cast.applicant_a,
        cast.applicant_b,
        cast.applicant_p,
        cast.expert_assigned,
        cast.expert_unassigned,
        cast.system_admin,
    ]
    for user in readers:
        fast, probed = both(user)
        assert fast == probed, user
    fast, _probed = both(cast.province_admin)
    assert fast["submitted"] == 2 and fast["draft"] == 0
    # The province's answer from the grant counts alone: one statement.
    assert queries_of(cast.province_admin) == 1
    # A draft readable beyond the table: counted, and A still counted whole.
    draft = Case.objects.filter(state="draft").first()
    group = cast.province_admin.groups.first()
    assign_perm("applications.view_case", group, draft)
    fast, probed = both(cast.province_admin)
    assert fast == probed and fast["draft"] == 1
    # A row missing on a submitted case: that case is not counted.
    from guardian.shortcuts import remove_perm

    submitted = Case.objects.filter(state="submitted").first()
    for held in cast.province_admin.groups.all():
        remove_perm("applications.view_case", held, submitted)
    fast, probed = both(cast.province_admin)
    assert fast == probed and fast["submitted"] == 1
    # Not from the counts: no group's count of `submitted` is every submitted case.
    assert queries_of(cast.province_admin) > 1
    # Also when the case missing its row is one its group never held (a row of another
    # group on it instead): the counts of `submitted` then fall short of the cases.
    other = Case.objects.filter(state="submitted").exclude(pk=submitted.pk).first()
    for held in cast.province_admin.groups.all():
        remove_perm("applications.view_case", held, other)
    assign_perm("applications.view_case", cast.reviewer_b.groups.first(), other)
    fast, probed = both(cast.province_admin)
    assert fast == probed and fast["submitted"] == 0 and queries_of(cast.province_admin) > 1
    for user in readers:
        fast, probed = both(user)
        assert fast == probed, user


def test_the_counts_within_an_authoritys_cases_are_the_probed_counts(cast, case_at):
    """visible_state_counts_within (the authority's queue) tests each case of the
    (campaign, authority) range against the permitted ids: the same figures as
    state_counts of the visible cases filtered alike, for every reader and range."""
    from applications.selectors import cases_visible_to
    from workflow.selectors import state_counts, visible_state_counts_within

    for state in ("in_expert_review", "recommended", "draft", "submitted", "returned"):
        case_at(state)
        case_at(state, applicant=cast.applicant_b)
    ranges = set(Case.objects.values_list("campaign_id", "authority_id"))
    assert len(ranges) > 1
    readers = [cast.province_admin, cast.reviewer_a, cast.reviewer_b, cast.applicant_a, cast.expert_assigned]
    for user in readers:
        for campaign_id, authority_id in ranges:
            within = {"campaign_id": campaign_id, "authority_id": authority_id}
            fast = visible_state_counts_within(user=user, model=Case, codename="view_case", within=within)
            assert fast == state_counts(cases_visible_to(user=user).filter(**within)), (user, within)


def test_the_counts_within_a_range_are_the_probed_counts_or_none(cast, case_at):
    """visible_counts_within (the authority's and the applicant's dashboards) counts each
    case of its index range against the permitted ids, and answers None unless guardian's
    rows prove that nothing readable lies outside the range: for every reader and range,
    either None or exactly state_counts of the visible cases; None whenever a readable
    case lies outside; the authority within its city and the applicant within its unit
    counted from the range. A reader granted one case beyond its range (partly outside)
    gets None there, and counts from the range again once the row is gone."""
    from guardian.shortcuts import assign_perm, remove_perm

    from applications.selectors import cases_visible_to
    from workflow.selectors import state_counts, visible_counts_within

    for state in ("in_expert_review", "recommended", "draft", "submitted", "returned"):
        case_at(state)
        case_at(state, applicant=cast.applicant_b)
    ranges = [{"authority_id": pk} for pk in (cast.city_a.pk, cast.city_b.pk)]
    ranges += [{"unit_id": pk} for pk in (cast.unit_a.pk, cast.unit_b.pk)]
    readers = [
        cast.province_admin,
        cast.reviewer_a,
        cast.reviewer_b,
        cast.applicant_a,
        cast.applicant_b,
        cast.expert_assigned,
        cast.expert_unassigned,
    ]

    def check(user, within, by=("state",)):
        fast = visible_counts_within(user=user, model=Case, codename="view_case", within=within, by=by)
        visible = cases_visible_to(user=user, whole=True)
        if visible.exclude(**within).exists():
            assert fast is None, (user, within)
            return None
        if fast is not None:
            counted = {}
            for row in fast:
                assert row["n"] > 0
                key = tuple(row[k] for k in by)
                counted[key] = counted.get(key, 0) + row["n"]
            probed = {
                tuple(row[k] for k in by): row["n"] for row in visible.order_by().values(*by).annotate(n=Count("id"))
            }
            assert counted == probed, (user, within)
            per_state = {}
            for row in fast:
                per_state[row["state"]] = per_state.get(row["state"], 0) + row["n"]
            assert per_state == {k: v for k, v in state_counts(visible).items() if v}, (user, within)
        return fast

    for user in readers:
        for within in ranges:
            check(user, within)
            check(user, within, by=("state", "campaign_id"))
    assert check(cast.reviewer_a, {"authority_id": cast.city_a.pk}) is not None
    assert check(cast.reviewer_b, {"authority_id": cast.city_b.pk}) is not None
    assert check(cast.applicant_a, {"unit_id": cast.unit_a.pk}, by=("state", "campaign_id")) is not None
    other = Case.objects.filter(authority=cast.city_b, state="submitted").first()
    for user, within in (
        (cast.reviewer_a, {"authority_id": cast.city_a.pk}),
        (cast.applicant_a, {"unit_id": cast.unit_a.pk}),
    ):
        assign_perm("applications.view_case", user, other)
        assert check(user, within) is None, "partly outside: counted whole"
        remove_perm("applications.view_case", user, other)
        assert check(user, within) is not None
