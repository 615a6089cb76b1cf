"""The forms of the set-up pages: a new campaign (cloned or from the defaults), each
section of the settings page, and the form-schema editor. Every message in Chinese,
beside its field."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Campaign
from core.forms import NormalisedForm
from reviews.enums import CriterionKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_MB = 10240


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("北京时间。"),
        error_messages={
            "required": _("请填写%(label)s。") % {"label": label},
            "invalid": _("请按“年-月-日 时:分”填写。"),
        },
    )


def _deadlines_in_order(form) -> None:
    submission = form.cleaned_data.get("submission_deadline")
    ranking = form.cleaned_data.get("ranking_deadline")
    if submission and ranking and ranking < submission:
        form.add_error("ranking_deadline", _("推荐排序表截止时间不能早于申报截止时间。"))


class CampaignNewForm(NormalisedForm):
    """A new campaign from the official defaults."""

    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("请填写年度。"),
            "invalid": _("年度应为四位数字。"),
            "min_value": _("年度应在2000至2100之间。"),
            "max_value": _("年度应在2000至2100之间。"),
        },
    )
    title = forms.CharField(label=_("名称"), max_length=200, error_messages={"required": _("请填写名称。")})
    notice_number = forms.CharField(
        label=_("通知文号"), max_length=100, required=False, help_text=_("如：吉广发〔2025〕12号。")
    )
    contact = forms.CharField(label=_("联系方式"), max_length=200, required=False)
    submission_deadline = _datetime_field(_("申报截止时间"))
    ranking_deadline = _datetime_field(_("推荐排序表报送截止时间"))

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Campaign.objects.filter(year=year).exists():
            raise forms.ValidationError(_("%(year)d年度的征集活动已存在。") % {"year": year}, code="unique")
        return year

    def clean(self):
        cleaned = super().clean()
        _deadlines_in_order(self)
        return cleaned


class CampaignCloneForm(CampaignNewForm):
    """A new campaign copied from a previous one; the page fills it from the source."""

    source = forms.ModelChoiceField(
        label=_("复制自"),
        queryset=Campaign.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("请选择要复制的征集活动。"), "invalid_choice": _("所选征集活动不存在。")},
    )


# --- the sections of the settings page ----------------------------------------------------


class BasicsForm(NormalisedForm):
    title = forms.CharField(label=_("名称"), max_length=200, error_messages={"required": _("请填写名称。")})
    notice_number = forms.CharField(label=_("通知文号"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("联系方式"), max_length=200, required=False, help_text=_("如：媒体融合发展处，0431-XXXXXXXX。")
    )


class DeadlinesForm(NormalisedForm):
    submission_deadline = _datetime_field(_("申报截止时间"))
    ranking_deadline = _datetime_field(_("推荐排序表报送截止时间"))

    def clean(self):
        cleaned = super().clean()
        _deadlines_in_order(self)
        return cleaned


def _mb_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_MB,
        error_messages={
            "required": _("请填写%(label)s。") % {"label": label},
            "invalid": _("请填写整数。"),
            "min_value": _("至少为1MB。"),
            "max_value": _("不能超过%(max)dMB。") % {"max": MAX_MB},
        },
    )


class FileLimitsForm(NormalisedForm):
    max_file_mb = _mb_field(_("单个附件上限（MB）"))
    max_case_mb = _mb_field(_("每个案例附件总量上限（MB）"))

    def clean(self):
        cleaned = super().clean()
        one, total = cleaned.get("max_file_mb"), cleaned.get("max_case_mb")
        if one and total and total < one:
            self.add_error("max_case_mb", _("附件总量上限不能小于单个附件上限。"))
        return cleaned


class QuotasForm(NormalisedForm):
    """入选名额 of each category, one field per category (empty: no quota)."""

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"quota_{category.pk}"] = forms.IntegerField(
                label=category.name,
                required=False,
                min_value=0,
                max_value=999,
                help_text=_("留空表示不设名额。"),
                error_messages={
                    "invalid": _("请填写整数。"),
                    "min_value": _("名额不能为负数。"),
                    "max_value": _("名额不能超过999。"),
                },
            )
            self.initial.setdefault(f"quota_{category.pk}", category.selection_quota)


class CriterionForm(NormalisedForm):
    """One criterion of the rubric (a row of the rubric's table)."""

    compact = True
    name = forms.CharField(label=_("评审项"), max_length=50, error_messages={"required": _("请填写评审项名称。")})
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=CriterionKind.choices,
        error_messages={"required": _("请选择类型。"), "invalid_choice": _("请选择评分项或否决项。")},
    )
    weight = forms.DecimalField(
        label=_("权重（%）"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": _("请填写权重。"),
            "invalid": _("请填写数字。"),
            "min_value": _("权重不能为负数。"),
            "max_value": _("权重不能超过100。"),
            "max_decimal_places": _("权重最多保留2位小数。"),
        },
    )
    max_score = forms.IntegerField(
        label=_("满分"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("请填写满分。"),
            "invalid": _("请填写整数。"),
            "min_value": _("满分至少为1。"),
            "max_value": _("满分不能超过1000。"),
        },
    )
    comment_required = forms.BooleanField(label=_("须填写评语"), required=False)
    description = forms.CharField(
        label=_("评分要点"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        kind, weight = cleaned.get("kind"), cleaned.get("weight")
        if kind == CriterionKind.GATE and weight not in (None, 0):
            self.add_error("weight", _("否决项不计权重，请填0。"))
        if kind == CriterionKind.SCORE and weight is not None and weight <= 0:
            self.add_error("weight", _("评分项的权重应大于0。"))
        return cleaned


class RoundForm(NormalisedForm):
    """A review round's settings."""

    compact = True
    name = forms.CharField(label=_("名称"), max_length=30, error_messages={"required": _("请填写轮次名称。")})
    reviewers_per_case = forms.IntegerField(
        label=_("每案评审专家数"),
        min_value=1,
        max_value=50,
        error_messages={
            "required": _("请填写每案评审专家数。"),
            "min_value": _("至少1位专家。"),
            "max_value": _("不能超过50位。"),
            "invalid": _("请填写整数。"),
        },
    )
    max_load = forms.IntegerField(
        label=_("每位专家最多评审案例数"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("请填写每位专家最多评审案例数。"),
            "min_value": _("至少为1。"),
            "max_value": _("不能超过1000。"),
            "invalid": _("请填写整数。"),
        },
    )
    blind = forms.BooleanField(label=_("匿名评审（专家看不到申报单位）"), required=False)
    show_others_scores = forms.BooleanField(label=_("专家可见他人评分"), required=False)
    experts_may_score = forms.BooleanField(label=_("专家可评分"), required=False)
