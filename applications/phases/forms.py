from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import AUTHORITY_KINDS, OrgKind
from accounts.models import Organisation
from applications.enums import EDITABLE_STATES
from applications.phases.services import REASON_MAX_LENGTH
from core.forms import NormalisedForm


class ExtensionForm(NormalisedForm):
    """One extension: a unit, an authority or a case (exactly one), until when, why."""

    organisation = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("申报单位：其全部案例（含新建）可提交至延期截止；推荐单位：推荐排序表可报送至延期截止。"),
        error_messages={"invalid_choice": _("所选单位不存在。")},
    )
    case = forms.ModelChoiceField(
        label=_("或单个案例"),
        queryset=None,
        required=False,
        help_text=_("尚未提交的案例（草稿、退回修改、已撤回）。"),
        error_messages={"invalid_choice": _("所选案例不存在或已提交。")},
    )
    until = forms.DateTimeField(
        label=_("延期至"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请填写延期截止时间。"), "invalid": _("请按“年-月-日 时:分”填写时间。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("请填写延期理由。")},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind__in=[OrgKind.UNIT, *AUTHORITY_KINDS], is_active=True
        ).order_by("kind", "name")
        self.fields["case"].queryset = (
            campaign.cases.filter(state__in=EDITABLE_STATES).select_related("unit").order_by("unit__name", "title")
        )
        self.fields["case"].label_from_instance = lambda case: f"{case.title}（{case.unit.name}）"

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("organisation")) == bool(data.get("case")):
            raise forms.ValidationError(_("请选择一个单位或一个案例（二选一）。"))
        return data


class PhaseMoveForm(NormalisedForm):
    comment = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
