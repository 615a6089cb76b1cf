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

from accounts.enums import AUTHORITY_KINDS, ROLES_BY_ORG_KIND, OrgKind, Role


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


# --- separation of duties (三权分立) -----------------------------------------------------
#
# Three administrators run the installation; each is refused the others' duties and none
# holds a right over any case (their organisation, 系统运维, is granted nothing). The
# Django superuser is for installation only: it answers False to every question here.


def is_system_admin(user) -> bool:
    """Keeps organisations and accounts (not roles, not the audit log, no case content)."""
    return _member(user, Role.SYSTEM_ADMIN, (OrgKind.OPERATIONS,))


def is_security_admin(user) -> bool:
    """Assigns roles, lifts lockouts and reads the sign-in policy."""
    return _member(user, Role.SECURITY_ADMIN, (OrgKind.OPERATIONS,))


def is_audit_admin(user) -> bool:
    """Reads and exports the security audit log, nothing else."""
    return _member(user, Role.AUDIT_ADMIN, (OrgKind.OPERATIONS,))


def is_operations_admin(user) -> bool:
    return is_system_admin(user) or is_security_admin(user) or is_audit_admin(user)


def operations_landing(user) -> str | None:
    """The page (URL name) an administrator of 三权分立 lands on, or None for everyone else."""
    if is_system_admin(user):
        return "admin:index"
    if is_security_admin(user):
        return "accounts:security_admin"
    if is_audit_admin(user):
        return "accounts:audit_log"
    return None


def requires_second_factor(user) -> bool:
    """Who must sign in with a one-time code (when settings.SIGNIN_OTP_REQUIRED is on):
    the province, the authorities, the experts and the three administrators; applicant
    units are offered it."""
    return bool(
        is_province_admin(user)
        or is_authority_reviewer(user)
        or is_expert(user)
        or is_operations_admin(user)
        or getattr(user, "is_superuser", False)
    )


# Roles the security administrator may hand out, by organisation kind (ROLES_BY_ORG_KIND);
# the three administrators' own roles are given only by `create_admins` at installation.
def assignable_roles(organisation) -> tuple:
    if organisation is None or organisation.kind == OrgKind.OPERATIONS:
        return ()
    return ROLES_BY_ORG_KIND[OrgKind(organisation.kind)]


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


def sees_contact_details(user, case) -> bool:
    """Sees the phones and e-mails of a case's contacts in full (PIPL: only who needs
    them): the unit's own people, its recommending authority's reviewers and the
    province's administrator. Everyone else who may read the case (an expert) sees
    them masked."""
    return bool(
        (is_applicant(user) and user.organisation_id == case.unit_id)
        or is_reviewer_of(user, case.authority)
        or is_province_admin(user)
    )


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


# Groups whose membership is derived from (organisation, role): "org:<code>" and
# "org:<code>:<role>". Any other group is left to whoever manages it.
DERIVED_GROUP_PREFIX = "org:"


def memberships_sync(user) -> dict[str, list[str]]:
    """Make the user's groups follow their organisation and role: the organisation's
    group, and the administrators' group when they administer the province; every other
    organisation's group (a unit they have left, a role they no longer hold) is removed.
    Called on every path that changes a member (services, the admin, a post_save hook)."""
    organisation = user.organisation
    wanted = set()
    if organisation is not None:
        wanted.add(organisation.group)
        if organisation.kind == OrgKind.PROVINCE and user.role == Role.PROVINCE_ADMIN:
            wanted.add(Group.objects.get_or_create(name=role_group_name(organisation, Role.PROVINCE_ADMIN))[0])
    current = set(user.groups.filter(name__startswith=DERIVED_GROUP_PREFIX))
    if stale := current - wanted:
        user.groups.remove(*stale)
    if missing := wanted - current:
        user.groups.add(*missing)
    changes = {"left": sorted(g.name for g in stale), "joined": sorted(g.name for g in missing)}
    return changes if stale or missing else {}


@dataclass(frozen=True)
class Roles:
    """The answers a template needs, computed once per request."""

    applicant: bool = False
    authority_reviewer: bool = False
    province_admin: bool = False
    expert: bool = False
    system_admin: bool = False
    security_admin: bool = False
    audit_admin: bool = False

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
        system_admin=is_system_admin(user),
        security_admin=is_security_admin(user),
        audit_admin=is_audit_admin(user),
    )


def roles_context(request) -> dict:
    """Context processor: `roles` in every template, for the navigation and the pages."""
    return {"roles": roles_of(request.user)}
