"""Setting up a campaign (the province's set-up pages): create one from the official
defaults or by cloning a previous year, change its settings, publish a form version.

Every path builds a campaign whole inside one transaction, and every change of a
setting leaves a CampaignSettingChange (who, when, field, old → new)."""

import copy
import re
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

import audit
from accounts import roles
from applications.lifecycle import hooks
from applications.models import Campaign, CampaignSettingChange, Category, FormSchema
from applications.schema import validate_definition
from applications.services import campaign_create, campaign_require_open, schema_add_version

# Sections of the history, as the settings page names them.
SECTION_CREATED = _("创建")


def shown_value(value, field: models.Field | None = None) -> str:
    """A setting's value as the history prints it."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def settings_record(
    *, campaign: Campaign, actor, section: str, changes: list[tuple[str, str, str]], subject: str = ""
) -> list[CampaignSettingChange]:
    """Append one history row per (field label, old, new), and one record of the change
    in the security audit log (等保: settings changes are audited events). Refused
    once the campaign is archived: every recorded change passes here."""
    campaign_require_open(campaign)
    now = timezone.now()
    audit.record(
        actor=actor,
        action="campaign.settings_changed",
        obj=campaign,
        section=str(section),
        subject=str(subject),
        changes=[[str(label), str(old), str(new)] for label, old, new in changes],
    )
    return CampaignSettingChange.objects.bulk_create(
        CampaignSettingChange(
            campaign=campaign,
            actor=actor,
            changed_at=now,
            section=str(section)[:50],
            subject=str(subject)[:200],
            field=str(label)[:100],
            old_value=old,
            new_value=new,
        )
        for label, old, new in changes
    )


def settings_apply(
    *, campaign: Campaign, actor, section: str, instance: models.Model, values: dict, subject: str = ""
) -> list[CampaignSettingChange]:
    """Set `values` on `instance` (the campaign or a row that belongs to it), validate the
    row whole and save it, recording each field that changed. Nothing is written when the
    row is invalid (ValidationError) or the actor is not the province's administrator."""
    roles.require_province_admin(actor)
    campaign_require_open(campaign)
    model = type(instance)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=instance.pk)
        changed = []
        for name, value in values.items():
            old = getattr(locked, name)
            if old != value:
                changed.append((model._meta.get_field(name), old, value))
                setattr(locked, name, value)
        if not changed:
            return []
        # A protected state field (the campaign's phase) moves only by its machine.
        locked.full_clean(exclude=[f.name for f in model._meta.concrete_fields if getattr(f, "protected", False)])
        locked.save(update_fields=[field.name for field, _old, _new in changed])
        rows = settings_record(
            campaign=campaign,
            actor=actor,
            section=section,
            subject=subject,
            changes=[
                (field.verbose_name, shown_value(old, field), shown_value(new, field)) for field, old, new in changed
            ],
        )
    for field, _old, new in changed:
        setattr(instance, field.name, new)
    return rows


# --- creating a campaign --------------------------------------------------------------


def campaign_create_official(
    *, actor, year: int, title: str, submission_deadline, ranking_deadline, notice_number: str = "", contact: str = ""
) -> Campaign:
    """A campaign from the official defaults: the notice's four categories on their
    official forms, the default rubric and first round (campaign_create). It starts
    not open; opening it is the campaign's own move."""
    roles.require_province_admin(actor)
    with transaction.atomic():
        campaign = campaign_create(
            year=year,
            title=title,
            submission_deadline=submission_deadline,
            ranking_deadline=ranking_deadline,
            notice_number=notice_number,
            contact=contact,
        )
        settings_record(
            campaign=campaign, actor=actor, section=SECTION_CREATED, changes=[(_("来源"), "—", _("官方默认设置"))]
        )
    return campaign


def shift_years(moment: datetime, years: int) -> datetime:
    """The same local date and time `years` later (29 February becomes the 28th)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def with_year(text: str, old_year: int, new_year: int) -> str:
    """A title or 文号 with the source's year replaced: 〔2024〕 → 〔2025〕."""
    return re.sub(rf"(?<![0-9]){old_year}(?![0-9])", str(new_year), text or "")


def campaign_clone(
    *,
    source: Campaign,
    actor,
    year: int,
    title: str,
    notice_number: str,
    contact: str | None = None,
    submission_deadline: datetime | None = None,
    ranking_deadline: datetime | None = None,
) -> Campaign:
    """A new campaign built from `source`: its settings (contact, file limits, deadlines
    moved by the years between them unless given), its categories with their quotas and
    the current version of each form (as version 1), and, through the review app's hook,
    its rubric with criteria and its review rounds. Copies, never shared rows or JSON.
    All in one transaction: any failure leaves no campaign behind."""
    roles.require_province_admin(actor)
    years = year - source.year
    with transaction.atomic():
        campaign = Campaign(
            year=year,
            title=title,
            notice_number=notice_number,
            contact=source.contact if contact is None else contact,
            submission_deadline=submission_deadline or shift_years(source.submission_deadline, years),
            ranking_deadline=ranking_deadline or shift_years(source.ranking_deadline, years),
            max_file_mb=source.max_file_mb,
            max_case_mb=source.max_case_mb,
        )
        campaign.full_clean(exclude=["state"])  # the phase: set by its machine only
        campaign.save()
        for category in source.categories.order_by("position", "id"):
            latest = category.schemas.order_by("-version").first()
            copied = Category.objects.create(
                campaign=campaign,
                code=category.code,
                name=category.name,
                description=category.description,
                position=category.position,
                selection_quota=category.selection_quota,
            )
            if latest is not None:
                definition = copy.deepcopy(latest.definition)
                validate_definition(definition)
                FormSchema.objects.create(category=copied, version=1, definition=definition)
        hooks.campaign_cloned(source=source, campaign=campaign)
        settings_record(
            campaign=campaign,
            actor=actor,
            section=SECTION_CREATED,
            changes=[(_("来源"), "—", _("复制自%(year)d年度") % {"year": source.year})],
        )
    return campaign


# --- form versions --------------------------------------------------------------------


def _by_key(items: list[dict]) -> dict[str, dict]:
    return {item["key"]: item for item in items}


def definition_changes(old: dict, new: dict) -> list[str]:
    """What a new form version changes, in words for the history."""
    said = []
    if old.get("narrative_limit") != new.get("narrative_limit"):
        said.append(
            _("正文字数上限 %(old)s → %(new)s") % {"old": old.get("narrative_limit"), "new": new["narrative_limit"]}
        )
    for part, noun, label in (("sections", _("材料部分"), "title"), ("figures", _("量化数据"), "label")):
        before, after = _by_key(old.get(part, [])), _by_key(new.get(part, []))
        for key in after.keys() - before.keys():
            said.append(_("新增%(noun)s「%(label)s」") % {"noun": noun, "label": after[key][label]})
        for key in before.keys() - after.keys():
            said.append(_("删除%(noun)s「%(label)s」") % {"noun": noun, "label": before[key][label]})
        for key in before.keys() & after.keys():
            if before[key] != after[key]:
                said.append(_("修改%(noun)s「%(label)s」") % {"noun": noun, "label": after[key][label]})
        if [k for k in before if k in after] != [k for k in after if k in before]:
            said.append(_("调整%(noun)s顺序") % {"noun": noun})
    return sorted(said) if said else [_("其他设置")]


def schema_publish(*, category: Category, actor, definition: dict) -> FormSchema:
    """Publish a new version of the category's form: new drafts use it, cases already
    written keep theirs. ValidationError when the definition is invalid or unchanged."""
    roles.require_province_admin(actor)
    campaign_require_open(category.campaign)
    validate_definition(definition)
    with transaction.atomic():
        latest = category.schemas.select_for_update().order_by("-version").first()
        if latest is not None and latest.definition == definition:
            raise ValidationError(_("申请表没有改动，无需发布新版本。"), code="unchanged")
        schema = schema_add_version(category=category, definition=copy.deepcopy(definition))
        summary = "；".join(definition_changes(latest.definition if latest else {}, definition))
        settings_record(
            campaign=category.campaign,
            actor=actor,
            section=_("申请表"),
            subject=_("类别：%(name)s") % {"name": category.name},
            changes=[
                (
                    _("版本"),
                    f"v{latest.version}" if latest else "—",
                    f"v{schema.version}（{summary}）",
                )
            ],
        )
    return schema
