"""What every page's header and footer show, read in one query on first use: who runs
the collection (the province's bureau and the current campaign's contact, from the data,
never from a string in a template) and the signed-in user's unread messages (the
navigation's badge). A page that shows none of it asks nothing."""

import functools

from django.db import connection
from django.utils.functional import cached_property

from accounts.enums import OrgKind
from accounts.inbox import unread_count
from accounts.models import Notification, Organisation
from applications.models import Campaign


@functools.cache
def _chrome_sql(vendor: str) -> str:
    """The province's name, the latest campaign's contact and the user's unread messages,
    in one statement written once per process: on every page, where the ORM's
    compilation of the same query cost about 1 ms of CPU (a trivial view's half)."""
    quote = connection.ops.quote_name
    organisations = quote(Organisation._meta.db_table)
    campaigns = quote(Campaign._meta.db_table)
    notifications = quote(Notification._meta.db_table)
    return (
        f"SELECT o.{quote('name')}, "
        f"(SELECT c.{quote('contact')} FROM {campaigns} c ORDER BY c.{quote('year')} DESC LIMIT 1), "
        f"(SELECT COUNT(*) FROM {notifications} n WHERE n.{quote('recipient_id')} = %s "
        f"AND n.{quote('read_at')} IS NULL) "
        f"FROM {organisations} o WHERE o.{quote('kind')} = %s ORDER BY o.{quote('id')} LIMIT 1"
    )


class PageChrome:
    """`organiser.name`, `organiser.contact` and `inbox_unread.count` in templates."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def _row(self) -> dict:
        reader = self._user.pk if self._signed_in else None  # nobody's messages: none
        with connection.cursor() as cursor:
            cursor.execute(_chrome_sql(connection.vendor), [reader, OrgKind.PROVINCE.value])
            row = cursor.fetchone()
        return dict(zip(("name", "contact", "unread"), row, strict=True)) if row else {}

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
