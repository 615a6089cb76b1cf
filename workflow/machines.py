"""The registry of state machines the engine moves.

A model with a django-fsm `state` field declares its transition table itself (the
case in `applications/lifecycle/machine.py`); its app registers a `Machine` here in
`AppConfig.ready()`, saying what the engine needs to know around the table: where the
transition record points, who the parties are, which object permissions each state
grants to whom, what to keep with a record and whom to tell. The engine (services,
permissions, graph) knows no model by name.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class Holders:
    """Who stands in one party's place for one subject: groups and single users."""

    group_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    # The TransitionRecord foreign key that points at this model's subjects.
    record_field: str
    # What the users call one subject, for messages ("案例").
    noun: str
    # The parties of a subject (TextChoices); each transition's `actor` is one of them.
    parties: type[models.TextChoices]
    # Related objects read by conditions, loaded with the locked row.
    lock_related: tuple[str, ...] = ()
    # state -> party -> object permission codenames: the grant table, pure data.
    grants: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    # subjects -> {subject pk: {party: Holders}}: who holds each party's grants, in bulk.
    holders: Callable[[list], dict[int, dict[str, Holders]]] | None = None
    # What to keep with a record whose transition says `snapshot`.
    snapshot: Callable[[models.Model], dict] | None = None
    # The keys of the parts a reviewer may comment on one by one (a form's sections).
    comment_keys: Callable[[models.Model], set[str]] | None = None
    # Queue the mail of one transition; called inside the transaction, must send on commit.
    notify: Callable[..., None] | None = None
    # A table counting the group object-permission rows per (group_id, permission_id,
    # the subject's state, bucket) in `n`, kept exact by the database (its triggers): a
    # reader proves it reads every subject of a state from a few of its rows
    # (workflow.selectors.visible_with_state_counts) instead of counting guardian's rows.
    grant_counts: type[models.Model] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def state_field(self):
        return self.model._meta.get_field("state")


_machines: dict[type[models.Model], Machine] = {}


def register(machine: Machine) -> Machine:
    existing = _machines.get(machine.model)
    if existing is not None and existing != machine:
        raise ImproperlyConfigured(f"{machine.label} has two machines")
    _machines[machine.model] = machine
    return machine


def machine_for(model_or_instance) -> Machine:
    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    model = model._meta.concrete_model
    try:
        return _machines[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model._meta.label} has no registered machine") from None


def all_machines() -> list[Machine]:
    return list(_machines.values())
