"""Rights come from (organisation, role): the province's reviewer of its own units holds
the authority's rights on those cases and none of the province's decisions.

(Not in test_permissions.py: that module shares a seeded demo, this one builds its own cast.)"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.enums import Role
from accounts.roles import memberships_sync
from applications.enums import CaseState
from applications.models import Case
from workflow.exceptions import TransitionRefused
from workflow.models import TransitionRecord
from workflow.services import apply_transition


@pytest.fixture
def province_reviewer(cast):
    """A reviewer of the province's own units: a member of the province, not its administrator."""
    return cast.province_reviewer


@pytest.mark.parametrize("action", ["select", "reject_selection"])
def test_the_provinces_reviewer_neither_reads_other_cities_cases_nor_decides(
    client, cast, case_in, province_reviewer, action
):
    case = case_in("reviewed")  # of a city's unit
    client.force_login(province_reviewer)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_pdf", args=[case.pk])).status_code == 404
    response = client.post(reverse("case_transition", args=[case.pk, action]), {"comment": "意见"})
    assert response.status_code == 404
    with pytest.raises(TransitionRefused):
        apply_transition(subject=case, action=action, actor=province_reviewer, comment="意见")
    assert Case.objects.get(pk=case.pk).state == CaseState.REVIEWED
    assert not TransitionRecord.objects.filter(case=case, actor=province_reviewer).exists()
    # The administrator still decides.
    apply_transition(subject=case, action=action, actor=cast.province_admin, comment="意见")


def test_the_provinces_reviewer_reviews_the_provincial_units(cast, case_in, province_reviewer):
    case = case_in("submitted", applicant=cast.applicant_p)
    assert province_reviewer.has_perm("applications.review_case", case)
    apply_transition(subject=case, action="recommend", actor=province_reviewer)
    assert Case.objects.get(pk=case.pk).state == CaseState.RECOMMENDED
    assert not province_reviewer.has_perm("applications.decide_case", case)


def test_the_administrators_group_follows_the_role(cast, province_reviewer):
    admins = Group.objects.get(name=f"{cast.province.group.name}:province_admin")
    assert set(admins.user_set.all()) == {cast.province_admin}
    assert province_reviewer.groups.filter(pk=cast.province.group_id).exists()
    province_reviewer.role = Role.PROVINCE_ADMIN
    province_reviewer.save()
    memberships_sync(province_reviewer)
    cast.province_admin.role = Role.AUTHORITY_REVIEWER
    cast.province_admin.save()
    memberships_sync(cast.province_admin)
    assert set(admins.user_set.all()) == {province_reviewer}
