"""Reading the state machine's table: the transitions as data, for the service, the
pages and the documentation. Everything here is derived from workflow/machine.py."""

from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django_fsm import Transition

from workflow.enums import FINAL_STATES, CaseState, Party


@dataclass(frozen=True)
class Edge:
    action: str
    source: CaseState
    target: CaseState
    transition: Transition


@cache
def all_transitions() -> dict[str, list[Transition]]:
    """Action name -> its Transition objects (one per source state)."""
    from applications.models import Case

    by_action: dict[str, list[Transition]] = {}
    declared = Case._meta.get_field("state").get_all_transitions(Case)
    # In the order machine.py declares them, so the documentation reads like the code.
    for t in sorted(declared, key=lambda t: t.method.__code__.co_firstlineno):
        by_action.setdefault(t.name, []).append(t)
    return by_action


def transition_by_action(action: str) -> Transition | None:
    found = all_transitions().get(action)
    return found[0] if found else None


def edges() -> list[Edge]:
    """Every (action, source, target) in declaration order."""
    result = []
    for action, transitions in all_transitions().items():
        for t in transitions:
            result.append(Edge(action, CaseState(t.source), CaseState(t.target), t))
    return result


def mermaid() -> str:
    """The transition table as a Mermaid state diagram, labelled in Chinese:
    each arrow says the action, its label and the party that may take it."""
    lines = ["stateDiagram-v2"]
    with translation.override("zh-hans"):
        for state in CaseState:
            lines.append(f"    {state.value}: {state.label}")
        lines.append(f"    [*] --> {CaseState.DRAFT.value}")
        for edge in edges():
            meta = edge.transition.custom
            who = Party(meta["actor"]).label
            lines.append(f"    {edge.source.value} --> {edge.target.value}: {edge.action}（{meta['label']}，{who}）")
        for state in CaseState:
            if state in FINAL_STATES:
                lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines) + "\n"
