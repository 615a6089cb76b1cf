import re

from django.db.models import Prefetch, QuerySet, Subquery

from accounts import roles
from accounts.enums import AUTHORITY_KINDS, OrgKind, RegistrationStatus, Role
from accounts.models import Organisation, User

# Decided registrations shown below the pending ones, newest first.
RECENTLY_DECIDED = 30
# The province-level division a bureau's name begins with: 吉林省…, 内蒙古自治区…, 北京市….
_REGION = re.compile(r"^.+?(?:省|自治区|特别行政区|市)")


def province_name() -> str:
    """The provincial bureau's name ("吉林省广播电视局"), as the data has it; "" while
    there is none. One query: a document reads it once, never per row."""
    return Organisation.objects.filter(kind=OrgKind.PROVINCE).values_list("name", flat=True).first() or ""


def province_name_subquery() -> Subquery:
    """province_name() as an expression, to annotate a query a document makes anyway
    (no query of its own)."""
    return Subquery(Organisation.objects.filter(kind=OrgKind.PROVINCE).values("name")[:1])


def province_region(bureau_name: str) -> str:
    """The province a bureau's name begins with, which the titles of the campaign's
    documents begin with: "吉林省广播电视局" -> "吉林省". The whole name when it
    names no province-level division; "" for "" (no province yet)."""
    bureau_name = " ".join((bureau_name or "").split())
    match = _REGION.match(bureau_name)
    return match.group(0) if match else bureau_name


def title_region() -> str:
    """province_region() of the province's name as it is now (one query)."""
    return province_region(province_name())


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


# A name shorter than this inside another says nothing ("中心", "电视台").
MIN_OVERLAP = 4


def overlapping_names(*, units) -> dict[int, list[str]]:
    """For each of `units`, the names of the other organisations whose name contains its
    name or lies within it, compared on the key (core.text.comparison_key):
    "长春市九台区融媒体中心" beside "九台区融媒体中心". Not a refusal (a county's centre
    and the city's are different units), a warning for the person registering and for
    the reviewer, who may be looking at the same unit registered twice. One query."""
    units = list(units)
    if not units:
        return {}
    others = list(Organisation.objects.exclude(name_key="").values_list("pk", "name", "name_key").order_by("id"))
    found: dict[int, list[str]] = {}
    for unit in units:
        key = unit.name_key
        found[unit.pk] = [
            name
            for pk, name, other in others
            if pk != unit.pk and key and min(len(key), len(other)) >= MIN_OVERLAP and (key in other or other in key)
        ]
    return found


def unit_members(*, unit):
    """The people of an applicant unit, for its read-only profile page."""
    return unit.members.order_by("username")
