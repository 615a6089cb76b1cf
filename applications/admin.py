from django.contrib import admin

from applications.models import Campaign, Case, Category, DeadlineExtension, FormSchema
from core.admin import ReadOnlyModelAdmin


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "state", "submission_deadline", "ranking_deadline"]
    list_filter = ["state"]
    # The phase moves only through the province's phase page (the workflow engine).
    readonly_fields = ["state"]
    inlines = [CategoryInline]


@admin.register(FormSchema)
class FormSchemaAdmin(admin.ModelAdmin):
    list_display = ["category", "version", "created_at"]
    list_filter = ["category__campaign"]
    list_select_related = ["category", "category__campaign"]

    def get_readonly_fields(self, request, obj=None):
        # A version in use is frozen: cases keep the form they were written against.
        if obj is not None and obj.cases.exists():
            return ["category", "version", "definition"]
        return []


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
