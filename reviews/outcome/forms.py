"""The forms of the province's publication and NRTA pages. Limits come from the models;
ids are checked against the campaign, dates parsed here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from core.forms import NormalisedForm, id_choice_messages
from reviews.models import Objection, Publication
from reviews.outcome.publication import SELECTED_STATES


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


TITLE_LIMIT = _limit(Publication, "title")
NUMBER_LIMIT = _limit(Publication, "document_number")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker reads and writes ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


class NoticeForm(NormalisedForm):
    """The 公示: title, document number and the period for objections."""

    compact = True
    title = forms.CharField(
        label=_("公示标题"), max_length=TITLE_LIMIT, error_messages={"required": _("请填写公示标题。")}
    )
    document_number = forms.CharField(label=_("文号"), max_length=NUMBER_LIMIT, required=False)
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

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("公示结束日期不能早于开始日期。"))
        return cleaned


class AnnouncementForm(NormalisedForm):
    """The final 通报."""

    compact = True
    title = forms.CharField(
        label=_("通报标题"), max_length=TITLE_LIMIT, error_messages={"required": _("请填写通报标题。")}
    )
    document_number = forms.CharField(label=_("文号"), max_length=NUMBER_LIMIT, required=False)


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
