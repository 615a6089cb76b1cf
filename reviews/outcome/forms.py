"""The forms of the province's publication and NRTA pages. Limits come from the models;
ids are checked against the campaign, dates parsed here."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from core.forms import NormalisedForm, id_choice_messages
from reviews.enums import Aggregation, QuotaMode
from reviews.models import Objection, Publication
from reviews.outcome.publication import BODY_LIMIT, SELECTED_STATES, notice_period_problems
from reviews.outcome.rules import RULE_FIELDS


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


TITLE_LIMIT = _limit(Publication, "title")
NUMBER_LIMIT = _limit(Publication, "document_number")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker reads and writes ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


# 发文字号 after GB/T 9704: the year in 六角括号 〔〕, the number without 第 or a
# leading zero, then 号: 吉广电发〔2025〕3号. Brackets typed otherwise are made 〔〕.
_YEAR_BRACKETS = re.compile(r"[\[［【(（]\s*([0-9]{4})\s*[\]］】)）]")
_DOCUMENT_NUMBER = re.compile(r"^\S+〔[0-9]{4}〕[1-9][0-9]*号$")


def clean_document_number(value: str) -> str:
    value = _YEAR_BRACKETS.sub(r"〔\1〕", "".join((value or "").split()))
    if value and not _DOCUMENT_NUMBER.match(value):
        raise forms.ValidationError(
            _("文号应为「机关代字〔年份〕序号号」，如：吉广电发〔2025〕3号（序号不加“第”，不编虚位）。")
        )
    return value


class _OfficialDocumentForm(NormalisedForm):
    """The parts of a 公文 the province writes: who issues it, to whom, what it says and
    when (GB/T 9704). The 名单 goes with it as 附件."""

    compact = True
    document_number = forms.CharField(
        label=_("发文字号"), max_length=NUMBER_LIMIT, required=False, help_text=_("如：吉广电发〔2025〕3号")
    )
    issuer = forms.CharField(
        label=_("发文机关"),
        max_length=_limit(Publication, "issuer"),
        error_messages={"required": _("请填写发文机关。")},
    )
    addressee = forms.CharField(label=_("主送机关"), max_length=_limit(Publication, "addressee"), required=False)
    body = forms.CharField(
        label=_("正文"),
        max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("一行一段；以“一、”“（一）”开头的行排作标题。名单作为附件附后。"),
        error_messages={"required": _("请填写正文。")},
    )
    issued_on = forms.DateField(
        label=_("成文日期"),
        widget=_DateInput,
        error_messages={"required": _("请填写成文日期。"), "invalid": _("请填写有效的日期。")},
    )

    def clean_document_number(self):
        return clean_document_number(self.cleaned_data.get("document_number", ""))


class NoticeForm(_OfficialDocumentForm):
    """The 公示: title, document number, the period for objections and the 公文's text."""

    title = forms.CharField(
        label=_("公示标题"), max_length=TITLE_LIMIT, error_messages={"required": _("请填写公示标题。")}
    )
    starts_on = forms.DateField(
        label=_("公示开始"),
        widget=_DateInput,
        error_messages={"required": _("请填写公示开始日期。"), "invalid": _("请填写有效的日期。")},
    )
    ends_on = forms.DateField(
        label=_("公示结束"),
        widget=_DateInput,
        error_messages={"required": _("请填写公示结束日期。"), "invalid": _("请填写有效的日期。")},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends:
            # The service checks the same rules; here they land beside their field.
            for field, message in notice_period_problems(campaign=self.campaign, starts_on=starts, ends_on=ends):
                self.add_error(field, message)
        return cleaned


class AnnouncementForm(_OfficialDocumentForm):
    """The final 通报 and the 公文's text."""

    title = forms.CharField(
        label=_("通报标题"), max_length=TITLE_LIMIT, error_messages={"required": _("请填写通报标题。")}
    )


class ObjectionForm(NormalisedForm):
    """An objection received during the 公示, against a case of the list."""

    compact = True
    case = forms.ModelChoiceField(
        label=_("案例"),
        queryset=Case.objects.none(),
        empty_label=_("请选择案例"),
        error_messages=id_choice_messages(
            required=_("请选择异议针对的案例。"), invalid=_("所选案例不在本次公示名单中，请刷新页面后重试。")
        ),
    )
    objector = forms.CharField(
        label=_("异议人（单位）"),
        max_length=_limit(Objection, "objector"),
        error_messages={"required": _("请填写异议人和异议内容。")},
    )
    contact = forms.CharField(label=_("联系方式"), max_length=_limit(Objection, "contact"), required=False)
    content = forms.CharField(
        label=_("异议内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写异议人和异议内容。")},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.fields["case"]
        case.queryset = Case.objects.filter(campaign=campaign, state__in=SELECTED_STATES).order_by(
            "category__position", "title"
        )
        case.label_from_instance = lambda c: c.title


class ObjectionAnswerForm(NormalisedForm):
    """The province's answer to one objection."""

    compact = True
    objection = forms.ModelChoiceField(
        label=_("异议"),
        queryset=Objection.objects.none(),
        widget=forms.HiddenInput,
        error_messages=id_choice_messages(
            required=_("请选择要处理的异议。"), invalid=_("该异议不属于本次公示，请刷新页面后重试。")
        ),
    )
    answer = forms.CharField(
        label=_("处理意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写处理意见。")},
    )
    upheld = forms.BooleanField(
        label=_("异议成立，取消该案例入选"),
        required=False,
        help_text=_("勾选后该案例改为未入选，并记入案例的流转记录；通报发布后不能再更改。"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objection"].queryset = Objection.objects.filter(publication__campaign=campaign)


class NrtaCaseForm(NormalisedForm):
    """A case of the province's recommendation list, to move up or down."""

    case = forms.ModelChoiceField(
        label=_("推荐案例"),
        queryset=Case.objects.none(),
        widget=forms.HiddenInput,
        error_messages=id_choice_messages(
            required=_("请选择要移动的案例。"), invalid=_("该案例不在本次推荐名单中，请刷新页面后重试。")
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(nrta_entry__campaign=campaign)


def _count_field(label, *, required=False, minimum=0, maximum=999, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=maximum,
        help_text=help_text,
        error_messages={
            "required": _("请填写此项。"),
            "invalid": _("请填写整数。"),
            "min_value": _("不能小于%(limit_value)s。"),
            "max_value": _("不能大于%(limit_value)s。"),
        },
    )


class SelectionRulesForm(NormalisedForm):
    """The campaign's rules of the selection (reviews.outcome.rules): the aggregation of
    the experts' totals, quotas per category, per recommending authority and per unit by
    its level, each hard or soft, and the shortest 公示. Empty quota: no limit."""

    aggregation = forms.ChoiceField(label=_("汇总方法"), choices=Aggregation.choices)
    trim_min_experts = _count_field(
        _("去掉最高分和最低分所需的最少专家人数"),
        required=True,
        minimum=3,
        maximum=30,
        help_text=_("专家人数少于此数时按算术平均汇总。"),
    )
    category_quota_mode = forms.ChoiceField(label=_("类别名额的约束方式"), choices=QuotaMode.choices)
    authority_quota = _count_field(_("每个推荐单位最多入选（个）"), help_text=_("留空为不限。"))
    authority_quota_mode = forms.ChoiceField(label=_("推荐单位上限的约束方式"), choices=QuotaMode.choices)
    provincial_unit_quota = _count_field(_("每个省级单位最多入选（个）"), help_text=_("留空为不限。"))
    city_unit_quota = _count_field(_("每个市级单位最多入选（个）"), help_text=_("留空为不限。"))
    county_unit_quota = _count_field(_("每个县级单位最多入选（个）"), help_text=_("留空为不限。"))
    unit_quota_mode = forms.ChoiceField(label=_("申报单位上限的约束方式"), choices=QuotaMode.choices)
    notice_min_days = _count_field(
        _("公示期最短天数"), required=True, minimum=1, maximum=60, help_text=_("含首尾两日。")
    )

    def __init__(self, *args, campaign, rules, rubric, frozen: bool, **kwargs):
        initial = {name: getattr(rules, name) for name in RULE_FIELDS}
        initial |= {"aggregation": rubric.aggregation, "trim_min_experts": rubric.trim_min_experts}
        self.categories = list(campaign.categories.order_by("position", "id"))
        initial |= {f"category_{c.pk}": c.selection_quota for c in self.categories}
        super().__init__(*args, initial=initial, **kwargs)
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = _count_field(
                _("「%(name)s」入选名额（个）") % {"name": category.name}, help_text=_("留空为不限。")
            )
        if frozen:
            # Fixed once an expert has scored; a disabled field keeps its initial value.
            for name in ("aggregation", "trim_min_experts"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("已有专家评分，汇总方法不能再更改。")

    def category_fields(self):
        return [self[f"category_{category.pk}"] for category in self.categories]

    def rule_values(self) -> dict:
        data = self.cleaned_data
        return {
            "aggregation": data["aggregation"],
            "trim_min_experts": data["trim_min_experts"],
            "category_quotas": {c.pk: data[f"category_{c.pk}"] for c in self.categories},
            **{name: data[name] for name in RULE_FIELDS},
        }
