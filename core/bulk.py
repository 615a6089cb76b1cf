"""Bulk work: act on several rows at once, one service call per row.

Each row is its own transaction (a savepoint inside the request's), so a refusal on one
row leaves it exactly as it was and never undoes or blocks the others; the page then
says which rows were done and, row by row, why the others were refused.

    outcome = bulk_run(cases, lambda case: apply_transition(…), label=str,
                       refusals=(TransitionRefused, PermissionDenied))
    bulk_report(request, outcome, done=_("已推荐%(n)d个案例。"))

`core` knows no service: the caller names the exceptions that mean "refused".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)  # (row, reasons)

    @property
    def refused_count(self) -> int:
        return len(self.refused)


def reasons_of(error: Exception) -> list[str]:
    """The sentences a refusal carries: a TransitionRefused's reasons, a
    ValidationError's messages, else its text."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(reason) for reason in (getattr(error, "reasons", None) or [str(error)])]


def bulk_run(items: Iterable, act: Callable, *, label: Callable[[object], str], refusals: tuple) -> BulkOutcome:
    """Call `act(item)` for every item, each in its own savepoint; an exception among
    `refusals` rolls back that item only and is recorded with the item's label."""
    outcome = BulkOutcome()
    for item in items:
        try:
            with transaction.atomic():
                act(item)
        except refusals as error:
            outcome.refused.append((label(item), reasons_of(error)))
        else:
            outcome.done.append(label(item))
    return outcome


def bulk_report(request, outcome: BulkOutcome, *, done: str) -> None:
    """The result on the next page: how many were done (`done` with %(n)d), then one
    line per refused row naming it and every reason."""
    if outcome.done:
        messages.success(request, done % {"n": len(outcome.done)})
    if outcome.refused:
        messages.warning(
            request,
            _("%(n)d项未能处理，其余不受影响：") % {"n": outcome.refused_count},
        )
    for row, reasons in outcome.refused:
        messages.error(request, _("「%(row)s」未处理：%(reasons)s") % {"row": row, "reasons": "".join(reasons)})
