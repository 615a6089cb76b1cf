"""The GET parameters of a list page, parsed strictly: search, filters, sorting and the
page stay in the URL; a value the page does not know is ignored and the page says so
(a message at the top), never a 500.

    params = ListParams(request)
    term = params.search()                       # "" when absent or unusable
    sort = params.choice("sort", SORTS, default="updated")
    category = params.object_id("category", allowed_ids)
    page = params.page_of(queryset, per_page=50)
    params.querystring(page=None)                # the URL's query without `page`
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core import paging
from core.text import normalise_line

SEARCH_MAX_LENGTH = 100


class ListParams:
    def __init__(self, request):
        self.request = request
        self.ignored: list[str] = []

    def _ignore(self, message: str) -> None:
        if message not in self.ignored:
            self.ignored.append(message)
            messages.warning(self.request, message)

    def raw(self, name: str) -> str:
        # Only the last value counts, as in Django's QueryDict.get.
        return self.request.GET.get(name, "")

    def search(self, name: str = "q") -> str:
        raw = self.raw(name)
        try:
            term = normalise_line(raw)
        except ValidationError:
            self._ignore(_("搜索词含有无法识别的字符，已忽略。"))
            return ""
        if len(term) > SEARCH_MAX_LENGTH:
            self._ignore(_("搜索词不能超过%(n)d个字，已忽略。") % {"n": SEARCH_MAX_LENGTH})
            return ""
        return term

    def choice(self, name: str, allowed, *, default: str = "") -> str:
        value = self.raw(name)
        if value == "" or value in allowed:
            return value or default
        self._ignore(_("筛选条件「%(name)s」的值无效，已忽略。") % {"name": name})
        return default

    def object_id(self, name: str, allowed_ids) -> int | None:
        """An id among `allowed_ids` (those the user may filter by), or None."""
        value = self.raw(name)
        if value == "":
            return None
        if value.isascii() and value.isdigit() and len(value) < 12 and int(value) in set(allowed_ids):
            return int(value)
        self._ignore(_("筛选条件「%(name)s」的值无效，已忽略。") % {"name": name})
        return None

    def page_of(self, queryset, *, per_page: int, count: int | None = None):
        """The page asked for (?page=N); a page number that is no number or out of range
        gives the first or the last page. `count`: the number of rows when the page
        already knows it (no COUNT query). One paginator for every list: core.paging."""
        return paging.page_of(self.request, queryset, size=per_page, count=count)

    def querystring(self, **changes) -> str:
        """The current query with `changes` (None removes a key), "?"-less, for links."""
        query = self.request.GET.copy()
        for key, value in changes.items():
            query.pop(key, None)
            if value is not None:
                query[key] = value
        return query.urlencode()


def kept_parameters(request, names) -> list[tuple[str, str]]:
    """The list's own parameters of the current URL, for the bulk form to send back."""
    return [(name, request.GET[name]) for name in names if request.GET.get(name)]


def back_to_list(url: str, posted, names):
    """Back to the list with its search, filters, sort and page, read again from the
    form's hidden copy (only the list's own parameters: nothing else rides along)."""
    kept = {name: posted.get(name) for name in names if posted.get(name)}
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)
