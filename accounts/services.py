from django.contrib.auth.models import Group
from django.db import transaction

from accounts.enums import OrgKind, Role, UnitType
from accounts.models import Organisation, User


@transaction.atomic
def organisation_create(
    *,
    name: str,
    code: str,
    kind: OrgKind,
    authority: Organisation | None = None,
    unit_type: UnitType | str = "",
    **details,
) -> Organisation:
    """Create an organisation together with the auth group its permissions are granted to.
    `details` are further fields of Organisation (credit_code, registration_status, …)."""
    group = Group.objects.create(name=f"org:{code}")
    organisation = Organisation(
        name=name, code=code, kind=kind, authority=authority, unit_type=unit_type, group=group, **details
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    role: Role,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    affiliation: Organisation | None = None,
    affiliation_name: str = "",
) -> User:
    """Create a member of an organisation; the member joins the organisation's group."""
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        display_name=display_name,
        email=email,
        phone=phone,
        affiliation=affiliation,
        affiliation_name=affiliation_name,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(organisation.group)
    return user
