"""The review side of a campaign's set-up: its rubric (criteria, weights, max scores)
and its review rounds, copied when a campaign is cloned and changed on the set-up page,
every change recorded in the campaign's settings history (applications.setup)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from applications.setup import settings_apply, settings_record, shown_value
from reviews.enums import CriterionKind
from reviews.experts.services import rubric_create_default, rubric_is_frozen
from reviews.models import Criterion, Panel, ReviewStage, Rubric, SelectionRules
from workflow.exceptions import TransitionRefused

RUBRIC_SECTION = _("评审细则")
STAGE_SECTION = _("评审轮次")
# Lazy: shown on the page in the reader's language (the section names above are stored).
FROZEN_MESSAGE = gettext_lazy("已有专家评分，评审细则（评审项、权重、满分）已冻结，不能再修改。")

# What a clone copies: every setting of the rubric, its criteria and the rounds (new
# setting fields come along with no change here), never progress, state or shortlists.
RUBRIC_NOT_COPIED = {"id", "campaign", "frozen_at"}
CRITERION_NOT_COPIED = {"id", "rubric"}
STAGE_NOT_COPIED = {"id", "campaign", "status"}
SELECTION_RULES_NOT_COPIED = {"id", "campaign", "updated_at"}


def _settings_of(row, not_copied: set[str]) -> dict:
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.name not in not_copied and field.attname not in not_copied
    }


@transaction.atomic
def rubric_clone(*, source, campaign) -> Rubric:
    """The source campaign's rubric, criteria and rounds, copied into `campaign` (the
    applications.campaign_cloned hook). The new rubric is not frozen: nobody has scored."""
    old = Rubric.objects.filter(campaign=source).first()
    if old is None:  # nothing to copy: the notice's default, as a new campaign gets
        return rubric_create_default(campaign=campaign)
    rubric = Rubric.objects.create(campaign=campaign, **_settings_of(old, RUBRIC_NOT_COPIED))
    Criterion.objects.bulk_create(
        Criterion(rubric=rubric, **_settings_of(c, CRITERION_NOT_COPIED))
        for c in old.criteria.order_by("position", "id")
    )
    ReviewStage.objects.bulk_create(
        ReviewStage(campaign=campaign, **_settings_of(stage, STAGE_NOT_COPIED))
        for stage in ReviewStage.objects.filter(campaign=source).order_by("order")
    )
    rules = SelectionRules.objects.filter(campaign=source).first()
    if rules is not None:
        SelectionRules.objects.create(campaign=campaign, **_settings_of(rules, SELECTION_RULES_NOT_COPIED))
    _panels_clone(source=source, campaign=campaign)
    return rubric


def _panels_clone(*, source, campaign) -> None:
    """The source's expert panels (评审组), each with its experts and its category (the
    new campaign's category of the same code): 自动分配 works in the new campaign
    without the admin. Panels are kept in the admin only, so they are carried over."""
    categories = {category.code: category for category in campaign.categories.all()}
    for old in Panel.objects.filter(campaign=source).select_related("category").prefetch_related("experts"):
        category = categories.get(old.category.code) if old.category_id else None
        if old.category_id and category is None:
            continue  # its category was not copied: nothing for it to review
        panel = Panel.objects.create(campaign=campaign, name=old.name, category=category)
        panel.experts.set(old.experts.all())


def _refuse_frozen(rubric: Rubric) -> None:
    if rubric_is_frozen(rubric):
        raise TransitionRefused(str(FROZEN_MESSAGE))


def criteria_update(*, rubric: Rubric, actor, rows: list[dict], added: dict | None = None, removed=()) -> list:
    """Change the rubric's criteria in one go: `rows` are {criterion, values} for the
    existing ones, `added` a new criterion's values, `removed` criteria to delete. Only
    until the first score; the score items' weights must sum to 100. One transaction:
    all or nothing. Returns the history rows."""
    roles.require_province_admin(actor)
    campaign = rubric.campaign
    with transaction.atomic():
        Rubric.objects.select_for_update().get(pk=rubric.pk)
        _refuse_frozen(rubric)
        history = []
        removed_ids = {c.pk for c in removed}
        for criterion in removed:
            history += settings_record(
                campaign=campaign,
                actor=actor,
                section=RUBRIC_SECTION,
                subject=_("评审项：%(name)s") % {"name": criterion.name},
                changes=[(_("评审项"), criterion.name, _("（已删除）"))],
            )
            criterion.delete()
        for row in rows:
            criterion = row["criterion"]
            if criterion.pk in removed_ids:
                continue
            history += settings_apply(
                campaign=campaign,
                actor=actor,
                section=RUBRIC_SECTION,
                instance=criterion,
                values=row["values"],
                subject=_("评审项：%(name)s") % {"name": criterion.name},
            )
        if added:
            position = max([c.position for c in rubric.criteria.all()], default=0) + 1
            criterion = Criterion(rubric=rubric, position=position, **added)
            criterion.full_clean()
            criterion.save()
            history += settings_record(
                campaign=campaign,
                actor=actor,
                section=RUBRIC_SECTION,
                subject=_("评审项：%(name)s") % {"name": criterion.name},
                changes=[
                    (
                        _("新增评审项"),
                        "—",
                        f"{criterion.name}（{shown_value(criterion.weight)}%，满分{criterion.max_score}）",
                    )
                ],
            )
        weights = sum((c.weight for c in rubric.criteria.filter(kind=CriterionKind.SCORE)), Decimal(0))
        if rubric.criteria.filter(kind=CriterionKind.SCORE).exists() and weights != 100:
            raise ValidationError(
                _("评分项的权重合计应为100%%，现为%(total)s%%。") % {"total": shown_value(weights)}, code="weights"
            )
    return history


def stage_update(*, stage: ReviewStage, actor, values: dict) -> list:
    """Change a round's settings (reviewers per case, max load, blind …), recorded."""
    return settings_apply(
        campaign=stage.campaign,
        actor=actor,
        section=STAGE_SECTION,
        instance=stage,
        values=values,
        subject=_("第%(order)d轮：%(name)s") % {"order": stage.order, "name": stage.name},
    )


def stage_add(*, campaign, actor, values: dict) -> ReviewStage:
    """A further round after the last one (not open: opening is the review page's)."""
    roles.require_province_admin(actor)
    with transaction.atomic():
        last = ReviewStage.objects.select_for_update().filter(campaign=campaign).order_by("-order").first()
        stage = ReviewStage(campaign=campaign, order=(last.order + 1) if last else 1, **values)
        stage.full_clean()
        stage.save()
        settings_record(
            campaign=campaign,
            actor=actor,
            section=STAGE_SECTION,
            subject=_("第%(order)d轮：%(name)s") % {"order": stage.order, "name": stage.name},
            changes=[(_("新增轮次"), "—", stage.name)],
        )
    return stage
