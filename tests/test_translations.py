"""The English interface is complete: every msgid has a translation that is neither
empty nor fuzzy and keeps the placeholders of its msgid, and the code and templates
hold no msgid the catalogue lacks. When the last test fails, append what it lists:

    DEBUG=true .venv/bin/python -m tests.i18n >> locale/en/LC_MESSAGES/django.po

(under a `# --- <branch>` heading), translate, then compilemessages."""

import re

import polib
import pytest

from tests.i18n import CATALOGUE, missing_entries

PERCENT = re.compile(r"%\((\w+)\)[sdif]")
BRACE = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def label(entry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid[:60]}"


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_msgid_is_translated(catalogue):
    empty = [label(entry) for entry in catalogue if not all(text.strip() for text in translations(entry))]
    assert not empty, f"{len(empty)} msgids have no English: {empty}"


def test_no_translation_is_fuzzy(catalogue):
    # gettext ignores a fuzzy entry: the page would show the Chinese.
    fuzzy = [label(entry) for entry in catalogue if entry.fuzzy]
    assert not fuzzy, fuzzy


def test_every_translation_keeps_its_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        source = entry.msgid + (entry.msgid_plural or "")
        for text in translations(entry):
            for pattern in (PERCENT, BRACE):
                if set(pattern.findall(text)) != set(pattern.findall(source)):
                    wrong.append(f"{label(entry)} → {text[:60]}")
    assert not wrong, wrong


def test_the_code_holds_no_msgid_the_catalogue_lacks():
    missing = [label(entry) for entry in missing_entries()]
    assert not missing, f"{len(missing)} msgids missing from {CATALOGUE.name}: {missing}"


TEMPLATES = CATALOGUE.parents[3] / "templates"
# Pages that are Chinese in both languages by design: the benchmark's bare page.
CHINESE_BY_DESIGN = {"bench/bare.html"}
HAN = re.compile(r"[\u3400-\u9fff]")
TRANSLATED = [
    re.compile(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"\{%\s*translate\s.*?%\}", re.S),
    re.compile(r"""_\((["']).*?\1\)""", re.S),  # a translated literal: date:_("Y年n月j日 H:i")
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
]


def test_no_template_shows_chinese_outside_the_translation_tags():
    """Chinese typed straight into a template (a yesno:"是,否", a date format, a default)
    stays Chinese in English: every such text goes through {% translate %}."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in CHINESE_BY_DESIGN:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in TRANSLATED:
            text = pattern.sub("", text)
        found += [f"{name}: {line.strip()[:80]}" for line in text.splitlines() if HAN.search(line)]
    assert not found, found
