from django.contrib import messages

# Messages meant for one place of a page rather than its top carry this prefix in their
# extra tags ("at-attachments"): base.html leaves them out, the place shows them beside
# the control that caused them (templates/includes/messages_at.html).
PLACE_PREFIX = "at-"


def report_errors(request, error, *, place: str = "") -> None:
    """Show a refusal to the user: every reason of a TransitionRefused, every message of
    a ValidationError, or the text of any other error (PermissionDenied …). `place`
    names the part of the page where it is shown (beside the control), else at the top."""
    extra_tags = PLACE_PREFIX + place if place else ""
    for reason in getattr(error, "reasons", None) or getattr(error, "messages", None) or [str(error)]:
        messages.error(request, reason, extra_tags=extra_tags)


def report_at(request, level: int, text: str, *, place: str) -> None:
    """A message shown at `place` of the next page instead of its top."""
    messages.add_message(request, level, text, extra_tags=PLACE_PREFIX + place)
