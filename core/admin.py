"""The admin's bases: every model admin (and inline) of the project starts from these,
so a text typed in the admin is normalised and checked like one typed in the site's
own forms (core.forms)."""

from django.contrib import admin

from core.forms import NormalisedModelForm


class NormalisedModelAdmin(admin.ModelAdmin):
    """A model admin whose form normalises every text field (core.text) before it is
    validated, and speaks the site's own Chinese."""

    form = NormalisedModelForm


class NormalisedTabularInline(admin.TabularInline):
    form = NormalisedModelForm


class ReadOnlyModelAdmin(NormalisedModelAdmin):
    """Readable in the admin, changed only by the services (workflow, audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
