"""Links to many objects of one kind for the price of one reverse(): a list of 400 rows
reverses its URL pattern once, not 400 times (reverse() costs some 20 µs a call, the
formatting nothing)."""

from collections.abc import Callable

from django.urls import reverse

# An id that stands in for each row's in the reversed URL; no other part of a URL of
# this project contains it (years, slugs and ids of the other arguments are shorter).
_MARKER = 918_273_645_091


def link_for_each(viewname: str, *args) -> Callable[[int], str]:
    """`link(pk)` == reverse(viewname, args=[*args, pk]) for any integer pk."""
    head, tail = reverse(viewname, args=[*args, _MARKER]).rsplit(str(_MARKER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"
