from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Readable in the admin, changed only by the services (workflow, audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
