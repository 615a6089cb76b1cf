"""Separation of duties (三权分立): the system, security and audit administrators each
do their own duty and are refused the others' (and every case); the superuser is for
installation only."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import roles
from accounts.enums import OrgKind, Role
from accounts.models import User
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def admins(db):
    operations = OrganisationFactory(name="系统运维", code="operations", kind=OrgKind.OPERATIONS)
    made = {
        role: UserFactory(username=str(role), organisation=operations, role=role)
        for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    }
    User.objects.filter(pk=made[Role.SYSTEM_ADMIN].pk).update(is_staff=True)
    made[Role.SYSTEM_ADMIN].refresh_from_db()
    return made


PAGES = {
    Role.SECURITY_ADMIN: [("get", "accounts:security_admin", []), ("post", "accounts:role_set", [])],
    Role.AUDIT_ADMIN: [("get", "accounts:audit_log", []), ("get", "accounts:audit_log_export", [])],
}


@pytest.mark.parametrize("owner", list(PAGES))
@pytest.mark.parametrize("visitor", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, "province_admin"])
def test_each_duty_is_refused_to_the_others(cast, admins, client, owner, visitor):
    user = getattr(cast, visitor) if visitor == "province_admin" else admins[visitor]
    client.force_login(user)
    for method, name, args in PAGES[owner]:
        response = getattr(client, method)(reverse(name, args=args))
        if visitor == owner:
            assert response.status_code in (200, 400), name
        else:
            assert response.status_code == 404, (name, visitor)


def test_the_superuser_holds_none_of_the_three_duties(cast, admin_client):
    assert admin_client.get(reverse("accounts:security_admin")).status_code == 404
    assert admin_client.get(reverse("accounts:audit_log")).status_code == 404


def test_the_system_admin_keeps_accounts_and_organisations_in_the_admin(cast, admins, client):
    client.force_login(admins[Role.SYSTEM_ADMIN])
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200
    # …but not roles: the field is read-only on an existing account
    page = client.get(reverse("admin:accounts_user_change", args=[cast.applicant_a.pk]))
    assert 'name="role"' not in page.content.decode()
    # …nor the other administrators' accounts
    other = admins[Role.AUDIT_ADMIN]
    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 302


def test_the_security_and_audit_admins_are_refused_the_accounts_admin(cast, admins, client):
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        user = admins[role]
        User.objects.filter(pk=user.pk).update(is_staff=True)  # even if someone made them staff
        client.force_login(user)
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
        assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 403


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_no_administrator_reads_a_case(cast, admins, case_in, client, role):
    case = case_in("recommended")
    client.force_login(admins[role])
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_pdf", args=[case.pk])).status_code == 404


def test_the_security_admin_assigns_roles_within_the_organisation(cast, admins, client):
    client.force_login(admins[Role.SECURITY_ADMIN])
    refused = client.post(reverse("accounts:role_set"), {"username": "applicant_a", "role": Role.PROVINCE_ADMIN})
    assert "不能担任此角色" in refused.content.decode()
    refused = client.post(reverse("accounts:role_set"), {"username": "audit_admin", "role": Role.SECURITY_ADMIN})
    assert refused.status_code == 400
    client.post(reverse("accounts:role_set"), {"username": "province_admin", "role": Role.AUTHORITY_REVIEWER})
    cast.province_admin.refresh_from_db()
    assert roles.is_authority_reviewer(cast.province_admin) and not roles.is_province_admin(cast.province_admin)


def test_create_admins_makes_the_three_with_a_password_to_change(db):
    out = StringIO()
    call_command("create_admins", stdout=out)
    made = User.objects.filter(organisation__kind=OrgKind.OPERATIONS).order_by("username")
    assert [(user.username, user.role, user.must_change_password) for user in made] == [
        ("auditadmin", Role.AUDIT_ADMIN, True),
        ("secadmin", Role.SECURITY_ADMIN, True),
        ("sysadmin", Role.SYSTEM_ADMIN, True),
    ]
    assert [user.is_staff for user in made] == [False, False, True]
    assert len(out.getvalue().splitlines()) == 3


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.SYSTEM_ADMIN, "admin:index"),
        (Role.SECURITY_ADMIN, "accounts:security_admin"),
        (Role.AUDIT_ADMIN, "accounts:audit_log"),
    ],
)
def test_each_administrator_lands_on_their_duty(cast, admins, client, role, landing):
    client.force_login(admins[role])
    assert client.get(reverse("dashboard")).url == reverse(landing)
