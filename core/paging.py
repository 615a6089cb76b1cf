"""Pagination of the long lists: a page of a queryset and the query string that keeps
the page's filters on its links (templates/includes/pagination.html)."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, items, *, size: int = PAGE_SIZE, param: str = "page", count: int | None = None) -> Page:
    """The page of `items` asked for by ?page= (the last for a number past the end, the
    first for anything that is not a number). `count`: the number of items when the
    page already knows it (no COUNT query)."""
    paginator = Paginator(items, size)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    encoded = query.urlencode()
    page.querystring_without_page = f"{encoded}&" if encoded else ""
    page.param = param
    return page
