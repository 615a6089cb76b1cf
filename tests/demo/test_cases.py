"""The demo cases read from demo/data/: what seed_demo needs of each, and content that
passes the official form of its category before any database is involved."""

import re
from collections import Counter

import pytest

from accounts.enums import UnitType
from applications.content import figure_problems, header_problems, section_problems
from applications.schema import OFFICIAL_CATEGORIES, official_definition
from core.text import counted_length
from demo.cases import CATEGORIES, DEMO_CASES, SECTION_KEYS, load_cases

CONTACT = {
    "contact_name": "张伟",
    "contact_position": "办公室主任",
    "contact_phone": "0431-85811234",
    "contact_email": "jiutai@example.com",
}  # what seed_demo adds to each header


def test_ten_cases_per_category_in_the_notice_order():
    assert CATEGORIES == tuple(code for code, _name in OFFICIAL_CATEGORIES)
    categories = [case["category"] for case in DEMO_CASES]
    assert categories == sorted(categories, key=CATEGORIES.index)
    assert Counter(categories) == {code: 10 for code in CATEGORIES}


def test_every_case_has_what_seed_demo_needs():
    unit_types = {UnitType.STATION, UnitType.COUNTY_CENTRE, UnitType.ENTERPRISE}
    for case in DEMO_CASES:
        assert set(case) == {"category", "title", "unit_type", "header", "sections", "figures"}, case["title"]
        assert case["title"].strip()
        assert case["unit_type"] in unit_types, case["title"]
        assert set(case["header"]) == {"implementation_period", "platforms", "summary"}, case["title"]
        assert all(value.strip() for value in case["header"].values()), case["title"]
        assert tuple(case["sections"]) == SECTION_KEYS, case["title"]
        assert isinstance(case["figures"], dict) and case["figures"], case["title"]
    assert len({case["title"] for case in DEMO_CASES}) == len(DEMO_CASES)


@pytest.mark.parametrize("case", DEMO_CASES, ids=lambda case: case["title"])
def test_content_passes_the_official_form(case):
    definition = official_definition(case["category"])
    assert [section["key"] for section in definition["sections"]] == list(SECTION_KEYS)
    assert header_problems(definition, {**case["header"], **CONTACT}) == []
    assert section_problems(definition, case["sections"]) == []
    assert figure_problems(definition, case["figures"]) == []
    assert set(case["figures"]) <= {figure["key"] for figure in definition["figures"]}
    assert all(case["sections"].values())
    assert 1000 <= sum(counted_length(text) for text in case["sections"].values()) <= 5000


def test_every_placeholder_and_passage_is_resolved():
    for case in DEMO_CASES:
        for text in [*case["header"].values(), *case["sections"].values()]:
            assert not re.search(r"[{}]", text), case["title"]
            assert not any(line.startswith("@") for line in text.splitlines()), case["title"]


def test_the_same_cases_on_every_load():
    assert load_cases() == DEMO_CASES
