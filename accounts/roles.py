"""Every role question, answered once.

Rights come from (organisation, role), never from the organisation alone: two people of
one organisation with different roles hold different rights. Views, services and
templates ask here ("is this the province's administrator?"); nothing else compares
role strings. Templates get the answers as `roles` (see `roles_context`).
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.enums import AUTHORITY_KINDS, OrgKind, Role


def _member(user, role: Role, kinds) -> bool:
    organisation = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == role
        and organisation is not None
        and organisation.is_active
        and organisation.kind in kinds
    )


def is_applicant(user) -> bool:
    """A person filing cases for an applicant unit (approved or still registering)."""
    return _member(user, Role.APPLICANT, (OrgKind.UNIT,))


def is_authority_reviewer(user) -> bool:
    """A reviewer of a recommending authority: a city bureau, or the province reviewing
    the provincial units it recommends."""
    return _member(user, Role.AUTHORITY_REVIEWER, AUTHORITY_KINDS)


def is_reviewer_of(user, authority) -> bool:
    return is_authority_reviewer(user) and user.organisation_id == authority.pk


def is_province_admin(user) -> bool:
    """The provincial bureau's administrator (媒体融合发展处): runs the campaign."""
    return _member(user, Role.PROVINCE_ADMIN, (OrgKind.PROVINCE,))


def is_expert(user) -> bool:
    return _member(user, Role.EXPERT, (OrgKind.EXPERT_POOL,))


def is_registration_reviewer(user) -> bool:
    """Decides the registrations of the units its organisation recommends."""
    return is_authority_reviewer(user) or is_province_admin(user)


def sees_review_pages(user) -> bool:
    """Reaches the preliminary-review pages (初审与排序 / 征集进度)."""
    return is_authority_reviewer(user) or is_province_admin(user)


def statistics_scope(user):
    """Whose statistics `user` reads: (True, None) for the province's administrator
    (the whole province), (True, authority) for an authority's reviewer (its own units
    only), (False, None) for everyone else (units and experts see none)."""
    if is_province_admin(user):
        return True, None
    if is_authority_reviewer(user):
        return True, user.organisation
    return False, None


def reviewing_authority(user):
    """The recommending authority whose cases `user` reviews and ranks, or None: a
    reviewer's own authority; for the province's administrator the province itself,
    the recommending authority of the provincial units."""
    return user.organisation if sees_review_pages(user) else None


def require_province_admin(user, message: str | None = None) -> None:
    if not is_province_admin(user):
        raise PermissionDenied(message or _("只有省局管理员可以进行此操作。"))


def require_expert(user) -> None:
    if not is_expert(user):
        raise PermissionDenied(_("只有评审专家可以执行此操作。"))


# --- groups of a role within an organisation ------------------------------------------
#
# Object permissions go to groups. Most rights belong to a whole organisation (its one
# group), but the province's own decisions belong to its administrators only: the
# province also has reviewers (of the provincial units), who must not take them. So the
# province's administrators have a group of their own, and membership follows the role.


def role_group_name(organisation, role: Role) -> str:
    return f"{organisation.group.name}:{role}"


def province_admin_group_ids(provinces) -> tuple[int, ...]:
    """The administrators' group of each province organisation (made when first needed)."""
    return tuple(
        Group.objects.get_or_create(name=role_group_name(province, Role.PROVINCE_ADMIN))[0].pk for province in provinces
    )


def memberships_sync(user) -> None:
    """Make the user's groups follow their organisation and role: the organisation's
    group, and the administrators' group when they administer the province."""
    organisation = user.organisation
    if organisation is None:
        return
    user.groups.add(organisation.group)
    admins_group_name = role_group_name(organisation, Role.PROVINCE_ADMIN)
    if organisation.kind == OrgKind.PROVINCE and user.role == Role.PROVINCE_ADMIN:
        user.groups.add(Group.objects.get_or_create(name=admins_group_name)[0])
    else:
        user.groups.remove(*Group.objects.filter(name=admins_group_name))


@dataclass(frozen=True)
class Roles:
    """The answers a template needs, computed once per request."""

    applicant: bool = False
    authority_reviewer: bool = False
    province_admin: bool = False
    expert: bool = False

    @property
    def reviews_cases(self) -> bool:
        return self.authority_reviewer or self.province_admin

    @property
    def reviews_registrations(self) -> bool:
        return self.authority_reviewer or self.province_admin

    @property
    def sees_statistics(self) -> bool:
        return self.authority_reviewer or self.province_admin


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    return Roles(
        applicant=is_applicant(user),
        authority_reviewer=is_authority_reviewer(user),
        province_admin=is_province_admin(user),
        expert=is_expert(user),
    )


def roles_context(request) -> dict:
    """Context processor: `roles` in every template, for the navigation and the pages."""
    return {"roles": roles_of(request.user)}
