from django.contrib import messages


def report_errors(request, error) -> None:
    """Show a refusal to the user: every reason of a TransitionRefused, every message of
    a ValidationError, or the text of any other error (PermissionDenied …)."""
    for reason in getattr(error, "reasons", None) or getattr(error, "messages", None) or [str(error)]:
        messages.error(request, reason)
