from django.contrib import admin

from applications.models import Campaign, CampaignSettingChange, Case, Category, DeadlineExtension, FormSchema
from core.admin import NormalisedTabularInline, ReadOnlyModelAdmin


class CategoryInline(NormalisedTabularInline):
    model = Category
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyModelAdmin):
    """Read-only: campaigns are created whole (applications.setup: cloned or from the
    official defaults) and changed on the province's set-up pages, which record every
    change. An admin form would build half a campaign and leave no history."""

    list_display = ["year", "title", "state", "submission_deadline", "ranking_deadline"]
    list_filter = ["state"]
    inlines = [CategoryInline]


@admin.register(FormSchema)
class FormSchemaAdmin(ReadOnlyModelAdmin):
    """Read-only: a new version is published in the schema editor (schema_publish)."""

    list_display = ["category", "version", "created_at"]
    list_filter = ["category__campaign"]
    list_select_related = ["category", "category__campaign"]


@admin.register(CampaignSettingChange)
class CampaignSettingChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["campaign", "changed_at", "actor", "section", "subject", "field", "old_value", "new_value"]
    list_filter = ["campaign", "section"]
    list_select_related = ["campaign", "actor"]


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    """Read-only: cases change only through the workflow and the case pages."""

    list_display = ["title", "unit", "authority", "category", "state", "updated_at"]
    list_filter = ["campaign", "category__code", "state", "authority"]
    list_select_related = ["unit", "authority", "category"]
    search_fields = ["title", "unit__name"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyModelAdmin):
    """Read-only: the province grants extensions on its phase page, recorded as granted."""

    list_display = ["campaign", "organisation", "case", "until", "granted_by", "granted_at"]
    list_select_related = ["campaign", "organisation", "case", "granted_by"]
