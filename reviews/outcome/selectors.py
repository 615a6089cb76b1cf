"""What the province's selection reads."""

from reviews.outcome.rules import categories_with_selected, quota_warnings, selection_rules_for

__all__ = ["categories_with_selected", "quota_warnings", "selection_rules_for"]
