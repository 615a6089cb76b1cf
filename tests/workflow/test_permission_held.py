"""permission_held: guardian's answer on a subject's direct permission rows, asked inside
the query that reads or writes the row (the editor's save conditions its UPDATE on it)."""

import pytest
from django.contrib.auth.models import Group
from guardian.backends import ObjectPermissionBackend

from applications.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from workflow.permissions import permission_held

USERS = ["applicant_a", "applicant_b", "reviewer_a", "reviewer_b", "province_admin", "expert_assigned", "system_admin"]
CODENAMES = ["view_case", "change_case", "submit_case"]


def _held(user, case, codename) -> bool:
    return Case.objects.filter(pk=case.pk).filter(permission_held(user=user, model=Case, codename=codename)).exists()


def _flag(user, case, codename) -> bool:
    annotated = Case.objects.annotate(flag=permission_held(user=user, model=Case, codename=codename))
    return annotated.values_list("flag", flat=True).get(pk=case.pk)


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_it_agrees_with_guardian_for_every_party(cast, case_at, state):
    case = case_at(state)
    guardian = ObjectPermissionBackend()
    for name in USERS:
        user = getattr(cast, name)
        for codename in CODENAMES:
            expected = guardian.has_perm(user, f"applications.{codename}", case)
            assert _held(user, case, codename) is expected, (state, name, codename)
            assert _flag(user, case, codename) is expected, (state, name, codename)


def test_a_right_held_through_a_group_counts_and_one_taken_away_does_not(cast, case_at):
    case = case_at("draft")
    outsider = cast.applicant_b
    assert not _held(outsider, case, "change_case")
    group = Group.objects.create(name="临时协作组")
    group.user_set.add(outsider)
    row = CaseGroupObjectPermission.objects.filter(content_object=case, permission__codename="change_case").first()
    if row is None:  # the grant table gives it to users: lend one to the group
        row = CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="change_case").first()
    CaseGroupObjectPermission.objects.create(content_object=case, group=group, permission=row.permission)
    assert _held(outsider, case, "change_case")
    group.user_set.remove(outsider)
    assert not _held(outsider, case, "change_case")


def test_nobody_inactive_holds_anything(cast, case_at):
    case = case_at("draft")
    applicant = cast.applicant_a
    assert _held(applicant, case, "change_case")
    applicant.is_active = False
    assert not _held(applicant, case, "change_case") and _flag(applicant, case, "change_case") is False


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_several_rights_at_once_agree_with_one_at_a_time(cast, case_at, state):
    from workflow.permissions import permissions_held

    case = case_at(state)
    for name in USERS:
        user = getattr(cast, name)
        bits = (
            Case.objects.annotate(rights=permissions_held(user=user, model=Case, codenames=CODENAMES))
            .values_list("rights", flat=True)
            .get(pk=case.pk)
        )
        held = [bool(bits & (1 << index)) for index in range(len(CODENAMES))]
        assert held == [_held(user, case, codename) for codename in CODENAMES], (state, name)
    outsider = cast.applicant_b
    outsider.is_active = False
    assert (
        Case.objects.annotate(rights=permissions_held(user=outsider, model=Case, codenames=CODENAMES))
        .values_list("rights", flat=True)
        .get(pk=case.pk)
        == 0
    )
