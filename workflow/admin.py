from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from workflow.models import TransitionRecord


@admin.register(TransitionRecord)
class TransitionRecordAdmin(ReadOnlyModelAdmin):
    """The audit trail, readable and nothing else."""

    list_display = ["created_at", "case", "campaign", "action", "from_state", "to_state", "actor", "organisation"]
    list_filter = ["action", "to_state"]
    list_select_related = ["case", "campaign", "actor", "organisation"]
    search_fields = ["case__title", "actor__username", "comment"]
    date_hierarchy = "created_at"
