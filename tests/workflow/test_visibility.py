"""The visibility query against guardian's own answer, on the fixed cast (a module of its
own: test_permissions.py runs on the seeded demo, whose organisations the cast would
duplicate)."""

from applications.models import Case


def test_both_shapes_of_the_visibility_query_read_exactly_what_guardian_grants(cast, case_at):
    """visible_to walks a list with EXISTS probes, or lists the permitted ids (whole=True,
    for counts): both are guardian's answer (the user's own rows and its groups')."""
    from guardian.shortcuts import get_objects_for_user

    from applications.selectors import cases_visible_to

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
    assert set(cases_visible_to(user=cast.expert_assigned).values_list("pk", flat=True)), "an expert reads by user rows"
    assert set(cases_visible_to(user=cast.reviewer_a).values_list("pk", flat=True)), "a reviewer by group rows"
