"""The sections of a campaign's settings page. Each section is one small form with its
own POST view (reviews/setup/views.py makes one per section, urls name it
`reviews:setup_<key>`), so a new section slots in by adding a `Section` to SECTIONS:

    key       the URL's last part and the view's name
    title     the heading on the page
    template  renders the section's form (gets `section`, `form`, `campaign`)
    build     (campaign, data or None) -> the form, bound when data is given
    save      (campaign, form, actor) -> None; raises ValidationError/TransitionRefused
    locked    (campaign) -> a reason the section cannot be changed now, or ""
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.setup import settings_apply
from reviews.experts.services import rubric_is_frozen
from reviews.models import ReviewStage, Rubric
from reviews.setup.forms import BasicsForm, CriterionForm, DeadlinesForm, FileLimitsForm, QuotasForm, RoundForm
from reviews.setup.services import FROZEN_MESSAGE, criteria_update, stage_add, stage_update


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    build: Callable
    save: Callable
    locked: Callable = field(default=lambda campaign: "")


def _campaign_fields(form_class, names, title):
    """build and save of a section that edits fields of the campaign itself."""

    def build(campaign, data=None):
        return form_class(data, initial={name: getattr(campaign, name) for name in names})

    def save(campaign, form, actor):
        values = {}
        for name in names:
            new, old = form.cleaned_data[name], getattr(campaign, name)
            # The form shows minutes: the same minute is no change of a stored time.
            if isinstance(new, datetime) and old is not None and new == old.replace(second=0, microsecond=0):
                new = old
            values[name] = new
        settings_apply(campaign=campaign, actor=actor, section=title, instance=campaign, values=values)

    return build, save


# --- quotas ---------------------------------------------------------------------------


def _quotas_build(campaign, data=None):
    return QuotasForm(data, categories=campaign.categories.order_by("position", "id"))


def _quotas_save(campaign, form, actor):
    with transaction.atomic():
        for category in form.categories:
            settings_apply(
                campaign=campaign,
                actor=actor,
                section=_("入选名额"),
                instance=category,
                values={"selection_quota": form.cleaned_data[f"quota_{category.pk}"]},
                subject=_("类别：%(name)s") % {"name": category.name},
            )


# --- rubric ---------------------------------------------------------------------------


class CriteriaForms:
    """One CriterionForm per criterion (prefix c<id>, with a 删除 box) and one for a new one."""

    def __init__(self, campaign, data=None):
        self.rubric = Rubric.objects.filter(campaign=campaign).first()
        criteria = list(self.rubric.criteria.order_by("position", "id")) if self.rubric else []
        self.rows = []
        for criterion in criteria:
            form = CriterionForm(
                data,
                prefix=f"c{criterion.pk}",
                initial={name: getattr(criterion, name) for name in CriterionForm.base_fields},
            )
            self.rows.append((criterion, form, data is not None and data.get(f"c{criterion.pk}-remove") == "on"))
        # A new criterion is asked for by typing its name; otherwise the blank row is ignored.
        self.adding = data is not None and bool((data.get("new-name") or "").strip())
        self.new = CriterionForm(
            data if self.adding else None, prefix="new", initial={"kind": "score", "max_score": 100, "weight": 0}
        )
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        rows_valid = all([form.is_valid() for criterion, form, removed in self.rows if not removed])
        return rows_valid and (not self.adding or self.new.is_valid())

    def __iter__(self):
        return iter(self.rows)


def _rubric_save(campaign, forms, actor):
    rows = [
        {"criterion": criterion, "values": dict(form.cleaned_data)}
        for criterion, form, removed in forms.rows
        if not removed
    ]
    added = dict(forms.new.cleaned_data) if forms.adding else None
    criteria_update(
        rubric=forms.rubric,
        actor=actor,
        rows=rows,
        added=added,
        removed=[criterion for criterion, _form, removed in forms.rows if removed],
    )


def _rubric_locked(campaign) -> str:
    rubric = Rubric.objects.filter(campaign=campaign).first()
    return str(FROZEN_MESSAGE) if rubric is not None and rubric_is_frozen(rubric) else ""


# --- rounds ---------------------------------------------------------------------------

ROUND_FIELDS = tuple(RoundForm.base_fields)


class RoundForms:
    def __init__(self, campaign, data=None):
        self.rows = [
            (stage, RoundForm(data, prefix=f"s{stage.pk}", initial={n: getattr(stage, n) for n in ROUND_FIELDS}))
            for stage in ReviewStage.objects.filter(campaign=campaign).order_by("order")
        ]
        self.adding = data is not None and bool((data.get("new-name") or "").strip())
        self.new = RoundForm(
            data if self.adding else None,
            prefix="new",
            initial={"reviewers_per_case": 3, "max_load": 30, "blind": True, "experts_may_score": True},
        )
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        rows_valid = all([form.is_valid() for _stage, form in self.rows])
        return rows_valid and (not self.adding or self.new.is_valid())

    def __iter__(self):
        return iter(self.rows)


def _rounds_save(campaign, forms, actor):
    with transaction.atomic():
        for stage, form in forms.rows:
            stage_update(stage=stage, actor=actor, values=dict(form.cleaned_data))
        if forms.adding:
            stage_add(campaign=campaign, actor=actor, values=dict(forms.new.cleaned_data))


SECTIONS = [
    Section(
        "basics",
        _("基本信息"),
        "reviews/setup/section_form.html",
        *_campaign_fields(BasicsForm, ("title", "notice_number", "contact"), _("基本信息")),
    ),
    Section(
        "deadlines",
        _("截止时间"),
        "reviews/setup/section_form.html",
        *_campaign_fields(DeadlinesForm, ("submission_deadline", "ranking_deadline"), _("截止时间")),
    ),
    Section("quotas", _("入选名额"), "reviews/setup/section_form.html", _quotas_build, _quotas_save),
    Section(
        "files",
        _("附件上限"),
        "reviews/setup/section_form.html",
        *_campaign_fields(FileLimitsForm, ("max_file_mb", "max_case_mb"), _("附件上限")),
    ),
    Section("rubric", _("评审细则"), "reviews/setup/section_rubric.html", CriteriaForms, _rubric_save, _rubric_locked),
    Section("rounds", _("评审轮次"), "reviews/setup/section_rounds.html", RoundForms, _rounds_save),
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
