"""One normalisation for every text a person types, and one counting rule.

Every text a person types (forms, the editor's autosave, registration, comments) goes
through `normalise_prose` (running text: sections, comments, reasons) or `normalise_line`
(names and titles) before it is validated, counted or stored. `counted_length` is the
one counting rule; static/js/case-editor.js mirrors it character for character
(`window.CaseText.countedLength`), and tests/browser/test_counter_parity.py runs the
browser's counter against this one on random Unicode text.

Prose:
  * NUL and lone surrogates are refused (a clear message, nothing saved).
  * CR LF and CR become LF; VT, FF, U+0085 (NEL), U+2028 and U+2029 become LF.
  * Other C0 controls (all but tab and LF), DEL and the C1 controls are removed.
  * U+FEFF, U+200B (zero-width space) and U+2060 (word joiner) are removed: no script
    needs them in typed text, they only make an empty-looking field look filled.
  * The bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
    removed: they carry state past the end of the text and can reorder what a reviewer
    sees on the page, in the Word file and in the PDF ("Trojan Source"); right-to-left
    text renders correctly without them.
  * Kept, but never counted (see NOT_COUNTED), because they serve a script: ZWJ U+200D
    (emoji sequences such as 👨‍👩‍👧, Indic conjuncts), ZWNJ U+200C (Persian, Indic and
    Uyghur shaping), the stateless direction marks LRM/RLM/ALM (U+200E, U+200F, U+061C:
    Arabic-script text such as Uyghur), the Mongolian vowel separator U+180E and the
    variation selectors (emoji presentation, ideographic variants in names). Removing
    them would change how the text reads; counting them would count what nobody sees.
  * Then NFC (Korean pasted as NFD jamo becomes syllables; é typed as e + ◌́ becomes é).
  * Prose is not trimmed: an indent of two ideographic spaces is part of the text.

Names and titles (`normalise_line`): the prose rules, and also every character of
NOT_COUNTED except the variation selectors removed (a name has no business with
direction marks or joiners; a variation selector can be part of a person's name), every
whitespace run holding a tab or a line break collapsed to one space, and trimmed.

Counting: every code point of the normalised text except whitespace (exactly
JavaScript's `\\s`, so full-width U+3000 is not counted either) and NOT_COUNTED. Code
points, not UTF-16 units: an astral Han character or an emoji counts one.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Whitespace as JavaScript's \s defines it.
WHITESPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# Turned into a line feed.
_LINE_BREAK = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")

# Removed from every text (NUL is refused before this, so it is not in the set).
_REMOVED = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")

# Kept in prose because they serve a script; never counted; removed from names and
# titles, except the variation selectors.
_SCRIPT_INVISIBLES = "\u200c\u200d\u200e\u200f\u061c\u180e"
_VARIATION_SELECTORS = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
NOT_COUNTED = frozenset(_SCRIPT_INVISIBLES) | _VARIATION_SELECTORS
_LINE_REMOVED = re.compile(f"[{_SCRIPT_INVISIBLES}]")

# A whitespace run in a name that holds a tab or a line break.
_LINE_RUN = re.compile(r"\s*[\t\n]\s*")

_SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = _("不能包含空字符（NUL）。")
SURROGATE_MESSAGE = _("含有无法识别的字符（不成对的代理码位），请删除后重新输入。")


def _refuse_unstorable(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")
    if _SURROGATE.search(value):
        raise ValidationError(SURROGATE_MESSAGE, code="lone_surrogate")


def _clean(value: str) -> str:
    """The prose rules without the refusals (NUL and surrogates pass through)."""
    value = _LINE_BREAK.sub("\n", value)
    value = _REMOVED.sub("", value)
    return unicodedata.normalize("NFC", value)


def normalise_prose(value) -> str:
    """Running text as it is stored: see the module's docstring. Raises ValidationError
    for NUL or a lone surrogate."""
    value = "" if value is None else str(value)
    _refuse_unstorable(value)
    return _clean(value)


def normalise_line(value) -> str:
    """A name or title as it is stored: see the module's docstring. Raises
    ValidationError for NUL or a lone surrogate."""
    value = "" if value is None else str(value)
    _refuse_unstorable(value)
    value = _clean(_LINE_REMOVED.sub("", value))
    return _LINE_RUN.sub(" ", value).strip()


def _counts(ch: str) -> bool:
    return ch not in WHITESPACE and ch not in NOT_COUNTED and ch != "\x00" and not "\ud800" <= ch <= "\udfff"


def _character_class(characters) -> str:
    """A regular expression's class of `characters`, runs of code points as ranges (a
    class of hundreds of single astral characters is tried one by one per character)."""
    points = sorted(ord(ch) for ch in characters)
    runs: list[list[int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return (
        "["
        + "".join(re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last))) for first, last in runs)
        + "]"
    )


# Every character _counts refuses (lone surrogates included), as one character class:
# one scan of the text in C finds them (lists count every draft's sections, each
# autosave a whole draft's).
_NOT_COUNTED = re.compile(
    _character_class(WHITESPACE | NOT_COUNTED | {"\x00"} | {chr(c) for c in range(0xD800, 0xE000)})
)


def counted_length(value) -> int:
    """Characters that count towards a limit, on the text as normalised: every code
    point but whitespace and the invisible characters kept for a script. Safe on raw
    text too (it normalises first, and does not count NUL or lone surrogates)."""
    text = _clean(value or "")
    if not text:
        return 0
    return len(text) - len(_NOT_COUNTED.findall(text))


def has_text(value) -> bool:
    """At least one letter, digit or Han character (Unicode categories L* and N*):
    a text of only spaces, invisible characters, punctuation or emoji is empty."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in _clean(value or ""))


def comparison_key(value) -> str:
    """The key two names are compared on when people would call them the same: the
    name as stored (`normalise_line`), then NFKC (full-width ＡＢＣ is ABC, ① is 1),
    every whitespace character removed ("融媒 案例" is "融媒案例") and case folded.
    Never shown; only compared (the case names of a unit in a campaign are unique on
    it, in the database). Raises ValidationError for NUL or a lone surrogate."""
    value = unicodedata.normalize("NFKC", normalise_line(value))
    return "".join(ch for ch in value if not ch.isspace() and ch not in WHITESPACE).casefold()
