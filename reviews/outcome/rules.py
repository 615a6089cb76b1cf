"""The rules of the selection the services enforce (not the page): a case that failed a
gate (政治性) is never selected, and the campaign's quotas (per category, per
recommending authority, per applicant unit by its level) bind hard or soft as the
campaign's SelectionRules say. The case's `select` transition asks these through hooks
(applications/lifecycle/hooks.py); the results page shows the soft ones as warnings."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts import roles
from accounts.enums import OrgKind, UnitType
from applications.enums import CaseState
from applications.models import Campaign, Case
from applications.setup import settings_apply
from reviews.enums import CriterionKind, QuotaMode, UnitLevel
from reviews.experts.services import rubric_is_frozen
from reviews.models import Rubric, Score, SelectionRules
from workflow.exceptions import TransitionRefused

SELECTED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)


def selection_rules_for(campaign) -> SelectionRules:
    """The campaign's rules; the defaults (unsaved) when the province never set them."""
    return SelectionRules.objects.filter(campaign=campaign).first() or SelectionRules(campaign=campaign)


def level_of(*, authority_kind: str, unit_type: str) -> str:
    """省级 when the province itself recommends the unit; 县级 for a county
    media-convergence centre; every other unit (a city's station, an enterprise) 市级."""
    if authority_kind == OrgKind.PROVINCE:
        return UnitLevel.PROVINCIAL
    if unit_type == UnitType.COUNTY_CENTRE:
        return UnitLevel.COUNTY
    return UnitLevel.CITY


def unit_level(*, unit, authority) -> str:
    return level_of(authority_kind=authority.kind, unit_type=unit.unit_type)


def level_quota(rules: SelectionRules, level: str) -> int | None:
    return {
        UnitLevel.PROVINCIAL: rules.provincial_unit_quota,
        UnitLevel.CITY: rules.city_unit_quota,
        UnitLevel.COUNTY: rules.county_unit_quota,
    }[level]


def failed_gate_names(*, case) -> list[str]:
    """The gates (政治性 …) an expert failed the case on, in any round, submitted reviews only."""
    return list(
        Score.objects.filter(
            assignment__case=case,
            assignment__submitted_at__isnull=False,
            criterion__kind=CriterionKind.GATE,
            passed=False,
        )
        .values_list("criterion__name", flat=True)
        .distinct()
        .order_by("criterion__name")
    )


def gate_refusals(*, case) -> list[str]:
    return [_("该案例「%(gate)s」评审不通过，不能入选。") % {"gate": name} for name in failed_gate_names(case=case)]


@dataclass(frozen=True)
class QuotaProblem:
    mode: str
    message: str

    @property
    def hard(self) -> bool:
        return self.mode == QuotaMode.HARD


def _selected(campaign, case):
    return Case.objects.filter(campaign=campaign, state__in=SELECTED_STATES).exclude(pk=case.pk)


def quota_problems(*, case) -> list[QuotaProblem]:
    """The quotas selecting `case` would exceed (each with how it binds)."""
    campaign, rules = case.campaign, selection_rules_for(case.campaign)
    selected = _selected(campaign, case)
    problems = []
    category = case.category
    if category.selection_quota is not None:
        n = selected.filter(category=category).count()
        if n + 1 > category.selection_quota:
            problems.append(
                QuotaProblem(
                    rules.category_quota_mode,
                    _("「%(name)s」名额%(quota)d个，已入选%(n)d个。")
                    % {"name": category.name, "quota": category.selection_quota, "n": n},
                )
            )
    if rules.authority_quota is not None:
        n = selected.filter(authority=case.authority_id).count()
        if n + 1 > rules.authority_quota:
            problems.append(
                QuotaProblem(
                    rules.authority_quota_mode,
                    _("%(name)s推荐的案例最多入选%(quota)d个，已入选%(n)d个。")
                    % {"name": case.authority.name, "quota": rules.authority_quota, "n": n},
                )
            )
    level = unit_level(unit=case.unit, authority=case.authority)
    cap = level_quota(rules, level)
    if cap is not None:
        n = selected.filter(unit=case.unit_id).count()
        if n + 1 > cap:
            problems.append(
                QuotaProblem(
                    rules.unit_quota_mode,
                    _("%(name)s（%(level)s）最多入选%(quota)d个，已入选%(n)d个。")
                    % {"name": case.unit.name, "level": UnitLevel(level).label, "quota": cap, "n": n},
                )
            )
    return problems


def hard_quota_refusals(*, case) -> list[str]:
    """The hard quotas selecting `case` would exceed, as the select transition's reasons.

    Inside the transition's transaction the campaign's row is locked first, so two
    selections at once cannot both take the last place of a quota."""
    if transaction.get_connection().in_atomic_block:
        Campaign.objects.select_for_update().filter(pk=case.campaign_id).first()
    return [_("超出名额，不能入选：%(why)s") % {"why": p.message} for p in quota_problems(case=case) if p.hard]


def categories_with_selected(campaign):
    """The campaign's categories, each with `n`: how many of its cases are selected."""
    # A count per category from the cases' (campaign, state, category) index, not a join
    # over every case of the campaign.
    selected = (
        Case.objects.filter(campaign=OuterRef("campaign"), state__in=SELECTED_STATES, category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return campaign.categories.annotate(n=Coalesce(Subquery(selected), 0))


def quota_warnings(*, campaign, categories=None) -> list[str]:
    """Every quota the selected cases exceed now (soft quotas allow it; hard ones could
    only be exceeded by a quota lowered after the decisions). Three queries, two when the
    page has read `categories_with_selected` already."""
    rules = selection_rules_for(campaign)
    warnings = []
    for category in categories_with_selected(campaign) if categories is None else categories:
        if category.selection_quota is not None and category.n > category.selection_quota:
            warnings.append(
                _("「%(name)s」已入选%(n)d个，超过名额%(quota)d个。")
                % {"name": category.name, "n": category.n, "quota": category.selection_quota}
            )
    chosen = Case.objects.filter(campaign=campaign, state__in=SELECTED_STATES)
    if rules.authority_quota is not None:
        for name, n in chosen.values_list("authority__name").annotate(n=Count("id")).order_by("authority__name"):
            if n > rules.authority_quota:
                warnings.append(
                    _("%(name)s推荐的案例已入选%(n)d个，超过上限%(quota)d个。")
                    % {"name": name, "n": n, "quota": rules.authority_quota}
                )
    if any(level_quota(rules, level) is not None for level in UnitLevel):
        rows = (
            chosen.values_list("unit__name", "unit__unit_type", "authority__kind")
            .annotate(n=Count("id"))
            .order_by("unit__name")
        )
        for name, unit_type, authority_kind, n in rows:
            level = level_of(authority_kind=authority_kind, unit_type=unit_type)
            cap = level_quota(rules, level)
            if cap is not None and n > cap:
                warnings.append(
                    _("%(name)s（%(level)s）已入选%(n)d个，超过上限%(quota)d个。")
                    % {"name": name, "level": UnitLevel(level).label, "n": n, "quota": cap}
                )
    return warnings


# --- the province edits the rules ------------------------------------------------------------

RULE_FIELDS = (
    "category_quota_mode",
    "authority_quota",
    "authority_quota_mode",
    "provincial_unit_quota",
    "city_unit_quota",
    "county_unit_quota",
    "unit_quota_mode",
    "notice_min_days",
)


@transaction.atomic
def selection_rules_update(
    *, campaign, actor, aggregation: str, trim_min_experts: int, category_quotas: dict[int, int | None], **rules
) -> SelectionRules:
    """Save the campaign's selection rules, its categories' quotas and the rubric's
    aggregation. The aggregation cannot change once an expert has scored (choosing the
    rule after seeing the figures would not be fair); the quotas can, and the results
    page warns of any the decisions already taken exceed."""
    roles.require_province_admin(actor)
    section = _("评审规则")
    rubric = Rubric.objects.select_for_update().get(campaign=campaign)
    if (aggregation, trim_min_experts) != (rubric.aggregation, rubric.trim_min_experts) and rubric_is_frozen(rubric):
        raise TransitionRefused(_("已有专家评分，汇总方法不能再更改。"))
    # settings_apply validates, saves and records each changed field (who, when,
    # old → new) in the campaign's settings history, as the set-up pages do.
    settings_apply(
        campaign=campaign,
        actor=actor,
        section=section,
        instance=rubric,
        values={"aggregation": aggregation, "trim_min_experts": trim_min_experts},
    )
    for category in campaign.categories.filter(pk__in=category_quotas):
        settings_apply(
            campaign=campaign,
            actor=actor,
            section=section,
            instance=category,
            values={"selection_quota": category_quotas[category.pk]},
            subject=_("类别：%(name)s") % {"name": category.name},
        )
    saved, _created = SelectionRules.objects.get_or_create(campaign=campaign)
    settings_apply(
        campaign=campaign,
        actor=actor,
        section=section,
        instance=saved,
        values={name: rules[name] for name in RULE_FIELDS},
    )
    saved.refresh_from_db()
    return saved
