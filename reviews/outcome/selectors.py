"""What the province's selection reads."""

from reviews.outcome.rules import quota_warnings, selection_rules_for

__all__ = ["quota_warnings", "selection_rules_for"]
