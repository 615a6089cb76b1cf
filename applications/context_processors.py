"""`organiser` in every template: who runs the collection, from the data (the province's
bureau and the current campaign's contact), never from a string in a template."""

from dataclasses import dataclass

from django.db.models import Subquery
from django.utils.functional import SimpleLazyObject

from accounts.enums import OrgKind
from accounts.models import Organisation
from applications.models import Campaign


@dataclass(frozen=True)
class Organiser:
    name: str  # the provincial bureau: "吉林省广播电视局"
    contact: str  # the latest campaign's contact: "吉林省广播电视局媒体融合发展处，0431-…"


def _organiser() -> Organiser:
    latest_contact = Campaign.objects.order_by("-year").values("contact")[:1]
    row = (
        Organisation.objects.filter(kind=OrgKind.PROVINCE)
        .annotate(contact=Subquery(latest_contact))
        .values_list("name", "contact")
        .first()
    )
    name, contact = row or ("", "")
    return Organiser(name=name, contact=contact or "")


def organiser(request) -> dict:
    # Read once per page, and only by a page that shows it (one query).
    return {"organiser": SimpleLazyObject(_organiser)}
