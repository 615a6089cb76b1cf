"""What the English catalogue lacks: the msgids `makemessages` extracts from the code
and templates that locale/en/LC_MESSAGES/django.po does not hold. The file itself is
never touched (makemessages would reorder it). Used by tests/test_translations.py, and
by hand to append the missing entries (untranslated, to fill in) at the end:

    DEBUG=true .venv/bin/python -m tests.i18n >> locale/en/LC_MESSAGES/django.po
"""

import os
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "var"]  # as the README's makemessages command, plus run-time files


def key(entry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def extracted_template() -> polib.POFile:
    """Every msgid in the code and templates, as `makemessages -l en` extracts them
    (its .pot), without merging into any catalogue: the real file is left alone."""
    from django.core.management.commands.makemessages import Command as MakeMessages

    captured = {}

    class Extract(MakeMessages):
        def write_po_file(self, potfile, locale):
            captured["pot"] = polib.pofile(potfile)

    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        Extract().run_from_argv(
            ["manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"]
            + [f"--ignore={pattern}" for pattern in IGNORED]
        )
    finally:
        os.chdir(cwd)
    return captured["pot"]


def missing_entries() -> list[polib.POEntry]:
    """The entries `makemessages` would add: msgids in the code with no English yet."""
    known = {key(entry) for entry in polib.pofile(str(CATALOGUE))}
    return [entry for entry in extracted_template() if key(entry) not in known]


def as_po(entries) -> str:
    out = []
    for entry in entries:
        entry.occurrences = []
        entry.fuzzy = False
        entry.previous_msgid = entry.previous_msgctxt = None
        out.append(str(entry))
    return "\n".join(out)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(as_po(missing_entries()))
