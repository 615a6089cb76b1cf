"""Reading a transition table: the transitions as data, for the service, the pages and
the documentation. Everything here is derived from the model's django-fsm declarations."""

from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django_fsm import Transition

from workflow.machines import Machine, machine_for


@dataclass(frozen=True)
class Edge:
    action: str
    source: str
    target: str
    transition: Transition


@cache
def transitions_of(model) -> dict[str, tuple[Transition, ...]]:
    """Action name -> its Transition objects (one per source state), in declaration order."""
    declared = model._meta.get_field("state").get_all_transitions(model)
    by_action: dict[str, list[Transition]] = {}
    # In the order the table declares them, so the documentation reads like the code.
    for t in sorted(declared, key=lambda t: t.method.__code__.co_firstlineno):
        by_action.setdefault(t.name, []).append(t)
    return {action: tuple(found) for action, found in by_action.items()}


def transition_for(model, action: str, source: str) -> Transition | None:
    return next((t for t in transitions_of(model).get(action, ()) if t.source == source), None)


def action_label(model, action: str) -> str:
    found = transitions_of(model).get(action)
    return str(found[0].custom["label"]) if found else action


def state_label(model, state: str) -> str:
    return str(dict(model._meta.get_field("state").flatchoices).get(state, state))


def edges(model) -> list[Edge]:
    """Every (action, source, target) in declaration order."""
    return [Edge(action, t.source, t.target, t) for action, found in transitions_of(model).items() for t in found]


def final_states(model) -> list[str]:
    """States no transition leaves, in the order of the state choices."""
    sources = {edge.source for edge in edges(model)}
    return [value for value, _label in model._meta.get_field("state").choices if value not in sources]


def mermaid(machine: Machine | type) -> str:
    """The transition table as a Mermaid state diagram, labelled in Chinese: each arrow
    says the action, its label and the party that may take it."""
    machine = machine if isinstance(machine, Machine) else machine_for(machine)
    model, field = machine.model, machine.state_field
    lines = ["stateDiagram-v2"]
    with translation.override("zh-hans"):
        for value, label in field.choices:
            lines.append(f"    {value}: {label}")
        lines.append(f"    [*] --> {field.get_default()}")
        for edge in edges(model):
            meta = edge.transition.custom
            who = machine.parties(meta["actor"]).label
            lines.append(f"    {edge.source} --> {edge.target}: {edge.action}（{meta['label']}，{who}）")
        for state in final_states(model):
            lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"
