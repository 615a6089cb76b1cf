"""The case's `Machine`: what the engine needs to know around the transition table."""

from django.utils.translation import pgettext_lazy

from applications.enums import Party
from applications.lifecycle.grants import STATE_GRANTS, case_holders
from applications.lifecycle.notifications import queue_transition_notifications
from applications.models import Case, CaseGroupGrantCount
from workflow.machines import Machine


def content_snapshot(case) -> dict:
    return {"title": case.title, "header": case.header, "sections": case.sections, "figures": case.figures}


def section_keys(case) -> set[str]:
    return {section["key"] for section in case.schema.definition["sections"]}


def case_machine() -> Machine:
    return Machine(
        model=Case,
        record_field="case",
        noun=pgettext_lazy("within a sentence", "案例"),
        parties=Party,
        lock_related=("campaign", "unit", "authority", "schema"),
        grants=STATE_GRANTS,
        holders=case_holders,
        snapshot=content_snapshot,
        comment_keys=section_keys,
        notify=queue_transition_notifications,
        grant_counts=CaseGroupGrantCount,
    )
