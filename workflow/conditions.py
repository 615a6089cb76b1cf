"""The condition protocol of every transition table.

A condition is a callable django-fsm accepts (subject -> bool) that can also say, in
the user's language, why it does not hold, so a refused action always tells the user
what to do. The engine asks for the reasons once per attempt and hands django-fsm the
answer it already has (see `explained`), so no condition runs twice.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Reasons already computed for a subject during one attempt: {condition: [reasons]}.
_CACHE_ATTRIBUTE = "_workflow_condition_reasons"


class Condition:
    def __init__(self, name: str, explain: Callable[[object], list[str]]):
        # explain(subject) returns the reasons the condition fails; empty means it holds.
        self.name = name
        self._explain = explain
        self.__name__ = name

    def explain(self, subject) -> list[str]:
        cache = getattr(subject, _CACHE_ATTRIBUTE, None)
        if cache is not None and self in cache:
            return cache[self]
        reasons = list(self._explain(subject))
        if cache is not None:
            cache[self] = reasons
        return reasons

    def __call__(self, subject) -> bool:
        return not self.explain(subject)

    def __repr__(self) -> str:
        return f"<Condition {self.name}>"


@contextmanager
def explained(subject) -> Iterator[None]:
    """Within this block each condition is evaluated at most once for `subject`."""
    setattr(subject, _CACHE_ATTRIBUTE, {})
    try:
        yield
    finally:
        delattr(subject, _CACHE_ATTRIBUTE)


class HasObjectPermission:
    """A transition permission: the actor holds this object permission on the subject.

    Object permissions follow the subject's state (the machine's grant table), so this
    one check covers both "who" and "when". `granted` lets a caller that already knows
    the actor's permissions on the subject (one query for a whole page of buttons)
    decide without asking the database again.
    """

    def __init__(self, codename: str):
        self.codename = codename

    @staticmethod
    def actor_may_act(user) -> bool:
        # Only members of an active organisation act: a superuser outside every
        # organisation is no party to any subject, whatever Django would let it do.
        organisation = getattr(user, "organisation", None)
        return bool(user.is_active and organisation is not None and organisation.is_active)

    def granted(self, user, perms: set[str]) -> bool:
        return self.actor_may_act(user) and self.codename in perms

    def __call__(self, subject, user) -> bool:
        if not self.actor_may_act(user):
            return False
        return user.has_perm(f"{subject._meta.app_label}.{self.codename}", subject)

    def __repr__(self) -> str:
        return f"<HasObjectPermission {self.codename}>"
