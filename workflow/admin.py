from django.contrib import admin

from workflow.models import TransitionRecord


@admin.register(TransitionRecord)
class TransitionRecordAdmin(admin.ModelAdmin):
    """The audit trail, readable and nothing else."""

    list_display = ["created_at", "case", "action", "from_state", "to_state", "actor", "organisation"]
    list_filter = ["action", "to_state"]
    list_select_related = ["case", "actor", "organisation"]
    search_fields = ["case__title", "actor__username", "comment"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
