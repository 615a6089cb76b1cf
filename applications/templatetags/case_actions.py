"""What a hand-written case-action form needs from the case's transition table."""

from django import template

from applications.models import Case
from workflow.graph import transitions_of

register = template.Library()


@register.simple_tag
def case_action_confirm(action: str) -> str:
    """The consequence the transition table states before `action` (empty if none)."""
    found = transitions_of(Case).get(action)
    return str(found[0].custom.get("confirm", "")) if found else ""


@register.simple_tag
def case_action_label(action: str) -> str:
    found = transitions_of(Case).get(action)
    return str(found[0].custom["label"]) if found else action
