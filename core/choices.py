"""Labels of choices for lists: Django's get_FOO_display() builds a dict of every choice
on each call, and hashing each lazy label translates it, so a list of 50 cases showing
a state and a unit type paid some 800 translations. An enum member's label is one."""

from django.db.models import TextChoices


def choice_label(choices: type[TextChoices], value: str) -> str:
    """The translated label of `value`, or `value` itself when it is no choice (as
    get_FOO_display answers)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
