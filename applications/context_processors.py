"""What every page's header and footer show, read in one query on first use: who runs
the collection (the province's bureau and the current campaign's contact, from the data,
never from a string in a template) and the signed-in user's unread messages (the
navigation's badge). A page that shows none of it asks nothing."""

from django.db.models import Count, Subquery
from django.utils.functional import cached_property

from accounts.enums import OrgKind
from accounts.inbox import unread_count
from accounts.models import Notification, Organisation
from applications.models import Campaign


class PageChrome:
    """`organiser.name`, `organiser.contact` and `inbox_unread.count` in templates."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def _row(self) -> dict:
        latest_contact = Campaign.objects.order_by("-year").values("contact")[:1]
        rows = Organisation.objects.filter(kind=OrgKind.PROVINCE).annotate(contact=Subquery(latest_contact))
        fields = ["name", "contact"]
        if self._signed_in:
            unread = (
                Notification.objects.filter(recipient=self._user, read_at__isnull=True)
                .order_by()
                .values("recipient")
                .annotate(n=Count("pk"))
                .values("n")
            )
            rows = rows.annotate(unread=Subquery(unread))
            fields.append("unread")
        return rows.values(*fields).first() or {}

    @property
    def _signed_in(self) -> bool:
        return bool(getattr(self._user, "is_authenticated", False))

    @property
    def name(self) -> str:  # the provincial bureau: "吉林省广播电视局"
        return self._row.get("name") or ""

    @property
    def contact(self) -> str:  # the latest campaign's contact
        return self._row.get("contact") or ""

    @cached_property
    def count(self) -> int:
        if not self._signed_in:
            return 0
        if not self._row:  # no province yet (a fresh installation): ask the inbox itself
            return unread_count(user=self._user)
        return self._row.get("unread") or 0


def page_chrome(request) -> dict:
    chrome = PageChrome(request.user)
    return {"organiser": chrome, "inbox_unread": chrome}
