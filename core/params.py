"""Ids and numbers from query strings and forms, parsed strictly.

    parse_id("12") -> 12        parse_id("²"), parse_id("abc"), parse_id("9" * 25) -> None
    safe_next(request, "/review/2024/") -> "/review/2024/"     safe_next(request, "dashboard-x") -> None

`str.isdigit()` and `int()` accept far more than a person types: "²".isdigit() is True
and int("١٢") is 12, and an id larger than the database's integers fails inside the
database. Everything a URL, a filter or a hidden field carries as an id goes through here.
"""

from django.utils.http import url_has_allowed_host_and_scheme

# The largest value of a 64-bit signed integer column (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A positive id written in ASCII digits that the database can hold, or None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    """An integer in [minimum, maximum] written in ASCII digits (a leading "-" allowed), or None."""
    text = str(value if value is not None else "").strip()
    digits = text.removeprefix("-")
    if not digits or len(digits) > 19 or not digits.isascii() or not digits.isdigit():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def safe_next(request, target) -> str | None:
    """`target` when it is a path of this site ("/…", never "//host" or a scheme), else None:
    what a form's `next` may redirect to."""
    target = str(target or "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch in target for ch in "\x00\r\n"):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return None
    return target
