from django.contrib import admin

from reviews.models import ExpertAssignment, RankingTable


@admin.register(RankingTable)
class RankingTableAdmin(admin.ModelAdmin):
    list_display = ["campaign", "authority", "status", "submitted_at"]
    list_filter = ["campaign", "status"]
    readonly_fields = ["status", "submitted_at", "submitted_by"]


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(admin.ModelAdmin):
    list_display = ["case", "expert", "assigned_at", "submitted_at"]
    list_select_related = ["case", "expert"]
    readonly_fields = ["case", "expert", "submitted_at"]

    # Assignments carry object permissions: they are made by reviews.services only.
    def has_add_permission(self, request):
        return False
