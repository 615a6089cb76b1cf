"""The editor's counter in Chromium (static/js/case-editor.js) against the server's
rule (core.text.counted_length), on random Unicode text."""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.text import counted_length

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "case-editor.js"

# Where JavaScript's \s and Python's isspace() disagree, the removed and the uncounted.
AWKWARD = (
    "\u1680\u180e\u2028\u2029\u3000\ufeff\u0085\u00a0\x1c\x1d\x1e\x1f\x00\x0b\x0c\r\n\t "
    "\u200b\u200c\u200d\u200e\u200f\u2060\u202a\u202e\u2066\u2069\u061c\ufe0f\U000e0100"
)
HANGUL_NFD = st.sampled_from(["융합미디어센터", "연변조선족자치주", "한국어"]).map(
    lambda s: unicodedata.normalize("NFD", s)
)
EMOJI = st.sampled_from(
    ["\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u2764\ufe0f", "\U0001f1e8\U0001f1f3"]
)
# Assigned characters only (Cn excluded): Chromium's ICU may know newer Unicode than
# Python's unicodedata, and NFC is stable only for characters both know. No surrogates:
# a browser's textarea cannot hold a lone one.
ANY = st.characters(exclude_categories=("Cs", "Cn"))
ASTRAL = st.characters(min_codepoint=0x10000, exclude_categories=("Cs", "Cn"))
PIECE = st.one_of(ANY.map(str), ASTRAL.map(str), st.sampled_from(AWKWARD), HANGUL_NFD, EMOJI, st.just("\u1112\u1161"))
TEXTS = st.lists(st.lists(PIECE, max_size=25).map("".join), min_size=300, max_size=300)


@pytest.fixture
def counter(page):
    page.set_content("<!doctype html><meta charset=utf-8><title>counter</title>")
    page.add_script_tag(path=str(SCRIPT))
    return page


@settings(
    max_examples=3,
    deadline=None,
    # No shrinking: a batch of 300 shrinks slowly, and the assertion lists what differs.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(texts=TEXTS)
def test_the_browser_counts_exactly_as_the_server(counter, texts):
    browser = counter.evaluate("texts => texts.map(t => window.CaseText.countedLength(t))", texts)
    server = [counted_length(text) for text in texts]
    differing = [(text, b, s) for text, b, s in zip(texts, browser, server, strict=True) if b != s]
    assert not differing, differing[:5]


def test_the_counter_handles_the_known_cases(counter):
    cases = {
        unicodedata.normalize("NFD", "융합미디어센터"): 7,
        "\u200b\u200c\u200d\u2060\ufeff": 0,
        "\U00020000\U0001f600": 2,
        "一\x85二\x0b三\u3000四": 4,
        "\u202e报告\u202c": 2,
    }
    counts = counter.evaluate("texts => texts.map(t => window.CaseText.countedLength(t))", list(cases))
    assert counts == list(cases.values()) == [counted_length(text) for text in cases]
