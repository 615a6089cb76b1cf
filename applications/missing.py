"""What each draft on a list still lacks, without reading every draft's narratives on
every view of the list.

`case_problems` is the truth (the submit transition checks it); a list shows its
messages for every draft on the page, which meant reading and checking some 30 KB of
text per draft per view. The case stores the messages (`Case.missing`) beside a key of
everything they were computed from (`Case.missing_key`): the content's version and time
(every save of the content bumps both), the form version, whether the stamped scan is
there, the code of the rules and the language the messages are in. A list uses the
stored messages only when the key it builds from the row it already read is the same;
otherwise it computes them from the case again and stores them for the next view. So a
stored summary is never shown stale: a save, an upload or removal of the scan, a new
form version, a new release of the rules or another language each make a new key.

The messages are stored as they read (not as codes): they embed the form's labels and
the validators' own translated messages. The language is part of the key, so a reader
in another language gets them computed in theirs."""

import hashlib
import importlib
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import translation

from applications.content import case_problems
from applications.enums import EDITABLE_STATES
from applications.models import Case

# The code that decides what a draft lacks: a release that changes any of it changes
# every key (its source's digest), so no summary outlives the rules it was computed by.
_RULE_MODULES = ("applications.content", "applications.figures", "core.text", "accounts.validators")


def _rules_digest() -> str:
    digest = hashlib.sha256()
    for name in _RULE_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()[:12]


RULES = _rules_digest()


def missing_key(case, *, language: str | None = None) -> str:
    """The key of what `case`'s messages depend on, from columns a list reads anyway:
    version, updated_at, schema_id and the `has_stamped_scan` annotation."""
    return "|".join(
        (
            str(case.version),
            case.updated_at.isoformat(),
            str(case.schema_id),
            "scan" if case.has_stamped_scan else "noscan",
            RULES,
            language or translation.get_language() or "",
        )
    )


def missing_refresh(*, cases) -> None:
    """Set `case.missing` (the messages of case_problems) on each editable case of
    `cases` (each read with `has_stamped_scan`, version, updated_at, schema_id, missing
    and missing_key); the others get []. Stored summaries whose key still matches are
    used as they are; the rest are computed from the cases' content, read in one query,
    and stored in one more. A summary that cannot be stored (the database busy) is
    only computed again next time."""
    stale = []
    for case in cases:
        if case.state not in EDITABLE_STATES:
            case.missing = []
        elif case.missing_key != missing_key(case):
            stale.append(case)
    if not stale:
        return
    by_pk = {case.pk: case for case in stale}
    # Content and key columns from one read: the key names exactly the version computed.
    contents = (
        Case.objects.filter(pk__in=by_pk)
        .select_related("schema")
        .only("pk", "state", "version", "updated_at", "title", "header", "sections", "figures", "schema__definition")
    )
    fresh = []
    for current in contents.order_by():
        case = by_pk[current.pk]
        current.has_stamped_scan = case.has_stamped_scan
        case.missing = [problem.message for problem in case_problems(current)]
        fresh.append(Case(pk=current.pk, missing=case.missing, missing_key=missing_key(current)))
    computed = {summary.pk for summary in fresh}
    for case in stale:
        if case.pk not in computed:
            case.missing = []  # deleted since the list was read
    if connection.in_atomic_block:
        # Inside the caller's transaction: its errors are the caller's to handle.
        Case.objects.bulk_update(fresh, ["missing", "missing_key"])
        return
    try:
        Case.objects.bulk_update(fresh, ["missing", "missing_key"])
    except DatabaseError:
        pass  # the database busy (SQLite's lock): computed again on the next view
