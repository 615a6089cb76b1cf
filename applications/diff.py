"""What changed in a case between two submissions: a returned case comes back and the
reviewer reads only the changes, section by section."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from applications.figures import format_figure
from workflow.models import TransitionRecord


@dataclass(frozen=True)
class Change:
    where: str  # the section's or field's title, as the form names it
    html: SafeString  # the new text with deletions struck and insertions marked


def inline_diff(old: str, new: str) -> SafeString:
    """`new` with what was removed from `old` in <del> and what was added in <ins>,
    compared character by character (Chinese has no word boundaries to lean on)."""
    parts = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(new[b1:b2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts))  # every piece of user text above is escaped


def _figure_text(value) -> str:
    if isinstance(value, dict):
        return f"{format_figure(value.get('before'))} → {format_figure(value.get('after'))}"
    return format_figure(value)


def snapshot_changes(definition: dict, old: dict, new: dict) -> list[Change]:
    """The changed parts from one snapshot (title/header/sections/figures) to another,
    in the order of the form; unchanged parts are left out."""
    pairs = [(_("案例名称"), old.get("title", ""), new.get("title", ""))]
    pairs += [
        (f["label"], (old.get("header") or {}).get(f["key"], ""), (new.get("header") or {}).get(f["key"], ""))
        for f in definition["header_fields"]
    ]
    pairs += [
        (
            f"{n}. {s['title']}",
            (old.get("sections") or {}).get(s["key"], ""),
            (new.get("sections") or {}).get(s["key"], ""),
        )
        for n, s in enumerate(definition["sections"], start=1)
    ]
    pairs += [
        (
            f["label"],
            _figure_text((old.get("figures") or {}).get(f["key"])),
            _figure_text((new.get("figures") or {}).get(f["key"])),
        )
        for f in definition["figures"]
    ]
    return [Change(where, inline_diff(str(a or ""), str(b or ""))) for where, a, b in pairs if (a or "") != (b or "")]


def resubmission_changes(case) -> list[Change] | None:
    """Changes of the latest submission against the one before it, when the case was
    returned in between; None when there is nothing to compare."""
    records = list(
        TransitionRecord.objects.filter(case=case).order_by("-created_at", "-id").values("action", "snapshot")[:50]
    )
    submissions = [r for r in records if r["snapshot"] is not None]
    if len(submissions) < 2 or records[0]["action"] != "resubmit":
        return None
    return snapshot_changes(case.schema.definition, submissions[1]["snapshot"], submissions[0]["snapshot"])
