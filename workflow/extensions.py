"""Extension points: how a lower layer lets a higher one plug in, without importing it.

A transition table in `applications` needs to know whether a ranking table is locked,
and recommending a case must add it to that table; both live in `reviews`, which
`applications` may not import. So `applications` declares a `Hook` by name, uses it in
its table, and `reviews` implements it in its `AppConfig.ready()`. A reader follows
`hook.implement` with grep, and a linter follows the imports of the implementation.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """A named function a higher layer supplies once, in its `AppConfig.ready()`."""

    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._implementation: Callable | None = None

    def implement(self, function: Callable) -> Callable:
        if self._implementation is not None and self._implementation is not function:
            raise ImproperlyConfigured(f"hook {self.name} is implemented twice")
        self._implementation = function
        return function

    @property
    def implemented(self) -> bool:
        return self._implementation is not None

    def __call__(self, *args, **kwargs):
        if self._implementation is None:
            # Deny rather than guess: a table that names a hook cannot work without it.
            raise ImproperlyConfigured(f"hook {self.name} has no implementation (is its app installed?)")
        return self._implementation(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"
