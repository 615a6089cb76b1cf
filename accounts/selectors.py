from django.db.models import Prefetch, QuerySet

from accounts import roles
from accounts.enums import AUTHORITY_KINDS, OrgKind, RegistrationStatus, Role
from accounts.models import Organisation, User

# Decided registrations shown below the pending ones, newest first.
RECENTLY_DECIDED = 30


def authorities_for_registration() -> QuerySet[Organisation]:
    """The organisations a registering unit may name as its recommending authority:
    the city (prefecture) authorities, then the province for provincial units."""
    return Organisation.objects.filter(kind__in=AUTHORITY_KINDS, is_active=True).order_by("kind", "id")


def registrations_for_reviewer(*, user) -> QuerySet[Organisation]:
    """The units whose registration this user decides: those recommended by the user's
    own organisation. Nobody else's (an empty set for everyone else)."""
    if not roles.is_registration_reviewer(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=OrgKind.UNIT, authority_id=user.organisation_id).prefetch_related(
        Prefetch("members", queryset=User.objects.filter(role=Role.APPLICANT).order_by("id"), to_attr="applicants")
    )


def registrations_pending(*, user) -> QuerySet[Organisation]:
    return registrations_for_reviewer(user=user).filter(registration_status=RegistrationStatus.PENDING).order_by("id")


def registrations_decided(*, user) -> QuerySet[Organisation]:
    # Units the province created itself (no credit code given) never registered: leave them out.
    return (
        registrations_for_reviewer(user=user)
        .exclude(registration_status=RegistrationStatus.PENDING)
        .exclude(credit_code="")
        .order_by("-created_at", "-id")[:RECENTLY_DECIDED]
    )
