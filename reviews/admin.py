from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import NormalisedModelAdmin, NormalisedTabularInline, ReadOnlyModelAdmin
from reviews.experts.services import rubric_is_frozen
from reviews.models import (
    ConflictDeclaration,
    Criterion,
    ExpertAssignment,
    Objection,
    Panel,
    Publication,
    RankingTable,
    ReviewStage,
    Rubric,
    Score,
)


@admin.register(RankingTable)
class RankingTableAdmin(NormalisedModelAdmin):
    list_display = ["campaign", "authority", "status", "submitted_at"]
    list_filter = ["campaign", "status"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "order_version", "scan_order_version"]


class CriterionInline(NormalisedTabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "name", "kind", "weight", "max_score", "comment_required", "description"]

    # Frozen once anyone has scored against the rubric: the results must stay comparable.
    def has_add_permission(self, request, obj=None):
        return obj is None or not rubric_is_frozen(obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or not rubric_is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not rubric_is_frozen(obj)


@admin.register(Rubric)
class RubricAdmin(NormalisedModelAdmin):
    list_display = ["campaign", "aggregation", "dispersion_threshold", "frozen_at"]
    readonly_fields = ["frozen_at"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and rubric_is_frozen(obj):
            return ["campaign", "aggregation", "trim_min_experts", "dispersion_threshold", "frozen_at"]
        return ["frozen_at"]


@admin.register(ReviewStage)
class ReviewStageAdmin(NormalisedModelAdmin):
    list_display = [
        "campaign",
        "order",
        "name",
        "status",
        "blind",
        "experts_may_score",
        "reviewers_per_case",
        "max_load",
    ]
    list_filter = ["campaign", "status"]
    filter_horizontal = ["shortlist"]


@admin.register(Panel)
class PanelAdmin(NormalisedModelAdmin):
    list_display = ["campaign", "name", "category"]
    list_filter = ["campaign"]
    filter_horizontal = ["experts"]


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(ReadOnlyModelAdmin):
    """Assignments carry object permissions: they are made on the province's pages."""

    list_display = ["stage", "case", "expert", "assigned_at", "submitted_at"]
    list_filter = ["stage"]
    list_select_related = ["stage", "case", "expert"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyModelAdmin):
    list_display = ["assignment", "criterion", "value", "passed", "updated_at"]
    list_select_related = ["assignment", "criterion"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyModelAdmin):
    list_display = ["case", "expert", "declared_at"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyModelAdmin):
    list_display = ["campaign", "kind", "title", "published_at"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyModelAdmin):
    list_display = ["publication", "case", "objector", "received_at", "answered_at"]


admin.site.empty_value_display = _("—")
