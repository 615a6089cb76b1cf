"""core.text: the one normalisation of typed text and the one counting rule."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.text import NOT_COUNTED, WHITESPACE, counted_length, has_text, normalise_line, normalise_prose

HANGUL = "융합미디어센터"  # 7 syllables
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# Where JavaScript's \s and Python's isspace() disagree, and other invisible ones.
AWKWARD = "\u1680\u180e\u2028\u2029\u3000\ufeff\u0085\u00a0\x1c\x1d\x1e\x1f\u200b\u200c\u200d\u2060\ufe0f"


def test_nfd_hangul_is_stored_composed_and_counts_one_per_syllable():
    decomposed = unicodedata.normalize("NFD", HANGUL)
    assert len(decomposed) > 7
    assert normalise_prose(decomposed) == normalise_line(decomposed) == HANGUL
    assert counted_length(decomposed) == counted_length(HANGUL) == 7


def test_vertical_tab_form_feed_and_nel_become_line_breaks():
    assert normalise_prose("一\v二\f三\x85四\r\n五\r六") == "一\n二\n三\n四\n五\n六"


def test_c0_controls_and_bom_are_removed_tab_and_line_breaks_kept():
    assert normalise_prose("\ufeff一\x01\x07\x1b\x1f\x7f\x9b\t二\n") == "一\t二\n"


def test_prose_keeps_its_indent_and_the_joiners_a_script_needs():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalise_prose("　　开头") == "　　开头"
    assert normalise_prose(family) == family  # ZWJ kept: one emoji sequence
    assert counted_length(family) == 3  # the joiners are not counted
    assert normalise_prose("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ serves Persian
    assert normalise_prose("a\u200bb\u2060c") == "abc"  # zero-width space and word joiner go


def test_bidi_embeddings_and_overrides_are_removed_even_from_prose():
    assert normalise_prose("报告\u202e告报\u202c完") == "报告告报完"
    assert normalise_prose("\u2067عربي\u2069") == "عربي"


def test_a_title_loses_bidi_and_zero_width_characters_and_inner_line_breaks():
    assert normalise_line("  \u202e融媒\u200b体\u200d中心\u200f\n\t 建设 \u2066案例\u2069 ") == "融媒体中心 建设 案例"
    assert normalise_line("甲\r\n\r\n乙\t丙") == "甲 乙 丙"
    assert normalise_line("甲　乙") == "甲　乙"  # spaces alone are the author's
    assert normalise_line("\u845b\U000e0100") == "\u845b\U000e0100"  # an ideographic variant stays


@pytest.mark.parametrize("normalise", [normalise_prose, normalise_line])
@pytest.mark.parametrize("bad", ["前\x00后", "\x00", "前\ud800后", "\udfff"])
def test_nul_and_lone_surrogates_are_refused_with_a_clear_message(normalise, bad):
    with pytest.raises(ValidationError) as refused:
        normalise(bad)
    assert refused.value.messages[0] in (
        "不能包含空字符（NUL）。",
        "含有无法识别的字符（不成对的代理码位），请删除后重新输入。",
    )


def test_counting_skips_whitespace_and_invisibles_and_counts_code_points():
    assert counted_length("“四全媒体”，388条。") == 12
    assert counted_length("a\u3000b\u00a0c\td\ne") == 5
    assert counted_length("\U00020000\U0001f600") == 2  # astral: one each, not two UTF-16 units
    assert counted_length(ZERO_WIDTH + BIDI + "\x01\x85\u180e\ufe0f") == 0
    assert counted_length(None) == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u3000\u3000\n",
        ZERO_WIDTH,
        "\u2060\ufeff\u200b",
        "\U0001f600\U0001f44d\u200d\u2764\ufe0f",
        "\x01\x02\x85\x1f",
        "。，！——",
    ],
)
def test_text_without_a_letter_digit_or_han_character_is_empty(text):
    assert not has_text(text)


@pytest.mark.parametrize("text", ["融", "a", "3", "３", "한", "\U00020000", "\u2166"])
def test_a_letter_digit_or_han_character_is_text(text):
    assert has_text(text)


# Any storable text (NUL and lone surrogates are refused, tested above), with the
# awkward characters over-represented.
texts = st.text(
    st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(AWKWARD + BIDI + "\v\f\r\n\t")),
    max_size=40,
).map(lambda s: s.replace("\x00", ""))


@given(texts)
def test_normalisation_is_idempotent(text):
    prose = normalise_prose(text)
    assert normalise_prose(prose) == prose
    line = normalise_line(text)
    assert normalise_line(line) == line
    assert unicodedata.is_normalized("NFC", prose) and unicodedata.is_normalized("NFC", line)


@given(texts)
def test_counting_never_counts_what_normalisation_removes_or_hides(text):
    prose = normalise_prose(text)
    assert counted_length(text) == counted_length(prose)
    assert counted_length(prose) == sum(1 for ch in prose if ch not in WHITESPACE and ch not in NOT_COUNTED)
    removed = "".join(ch for ch in text if ch in ZERO_WIDTH + BIDI + "\x01\x1f\x7f")
    assert counted_length(removed) == 0
    # Inserting removed or uncounted characters anywhere changes nothing.
    assert counted_length(ZERO_WIDTH.join(prose) + BIDI) == counted_length(prose)


def test_the_counting_class_refuses_exactly_what_the_rule_does_on_every_code_point():
    # counted_length finds what does not count with one character class (core.text);
    # the rule it must agree with is _counts, character by character.
    from core.text import _NOT_COUNTED, _counts

    disagree = [hex(c) for c in range(0x110000) if bool(_NOT_COUNTED.fullmatch(chr(c))) is _counts(chr(c))]
    assert disagree == []
