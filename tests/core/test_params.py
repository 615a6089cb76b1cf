import pytest
from django.test import RequestFactory

from core.params import MAX_ID, parse_id, parse_int, safe_next


@pytest.mark.parametrize(
    "value", ["abc", "²", "١٢", "１２", "-1", "0", "1.0", " ", "", None, "9" * 25, str(MAX_ID + 1)]
)
def test_what_is_no_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 42 ", 42), (str(MAX_ID), MAX_ID), (7, 7)])
def test_ids(value, expected):
    assert parse_id(value) == expected


def test_integers_in_a_range():
    assert parse_int("-3", minimum=-5, maximum=5) == -3
    assert parse_int("6", minimum=-5, maximum=5) is None
    assert parse_int("²", minimum=0, maximum=5) is None
    assert parse_int("--1", minimum=-5, maximum=5) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review/2024/", "/review/2024/"),
        ("/?state=submitted", "/?state=submitted"),
        ("dashboard-x", None),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("/a\x00b", None),
        ("", None),
        (None, None),
    ],
)
def test_next_is_only_a_path_of_this_site(target, expected):
    request = RequestFactory().get("/")
    assert safe_next(request, target) == expected
