"""Groups follow (organisation, role) on every path: a member moved to another unit
leaves the old unit's group and with it every right over the old unit's cases."""

from django.urls import reverse

from accounts import roles
from accounts.enums import OrgKind, Role
from tests.factories import UserFactory


def _group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_member_moved_by_a_save_leaves_the_old_units_group(cast, case_in, client):
    draft = case_in("draft")
    mover = UserFactory(username="mover", organisation=cast.unit_a, role=Role.APPLICANT)
    client.force_login(mover)
    assert client.get(reverse("case_edit", args=[draft.pk])).status_code == 200

    mover.organisation = cast.unit_b
    mover.save()

    assert _group_names(mover) == {cast.unit_b.group.name}
    assert client.get(reverse("case_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("case_edit", args=[draft.pk])).status_code == 404


def test_a_member_moved_in_the_admin_leaves_the_old_units_group(cast, case_in, client, admin_client):
    draft = case_in("draft")
    mover = UserFactory(username="mover", organisation=cast.unit_a, role=Role.APPLICANT)
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[mover.pk]),
        {
            "username": "mover",
            "email": "mover@example.com",
            "is_active": "on",
            "organisation": cast.unit_b.pk,
            "role": Role.APPLICANT,
            "display_name": "搬家的人",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mover.refresh_from_db()
    assert mover.organisation == cast.unit_b
    assert _group_names(mover) == {cast.unit_b.group.name}
    client.force_login(mover)
    assert client.get(reverse("case_edit", args=[draft.pk])).status_code == 404


def test_a_province_admin_made_reviewer_leaves_the_administrators_group(cast):
    admin = cast.province_admin
    admins_group = roles.role_group_name(cast.province, Role.PROVINCE_ADMIN)
    assert admins_group in _group_names(admin)
    admin.role = Role.AUTHORITY_REVIEWER
    admin.save()
    assert _group_names(admin) == {cast.province.group.name}
    assert cast.province.kind == OrgKind.PROVINCE
