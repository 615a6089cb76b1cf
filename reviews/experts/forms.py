"""The forms of the province's expert-review page: each names what it acts on by id,
and an id that is missing, no number, or not the campaign's is a clear error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User
from applications.models import Case
from core.forms import ModelMultipleIdChoiceField, NormalisedForm, id_choice_messages
from reviews.models import ExpertAssignment, ReviewStage


class StageForm(NormalisedForm):
    """A round of the campaign: the one to assign in, to open or to close."""

    stage = forms.ModelChoiceField(
        label=_("评审轮次"),
        queryset=ReviewStage.objects.none(),
        widget=forms.HiddenInput,
        error_messages=id_choice_messages(
            required=_("请选择评审轮次。"), invalid=_("所选评审轮次不属于本次征集，请刷新页面后重试。")
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = ReviewStage.objects.filter(campaign=campaign)


class AssignForm(StageForm):
    """Assign one expert to some cases of the round, by hand."""

    compact = True
    cases = ModelMultipleIdChoiceField(
        label=_("案例（可多选）"),
        queryset=Case.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 5}),
        error_messages=id_choice_messages(
            required=_("请至少选择一个案例。"), invalid=_("所选案例不属于本次征集，请刷新页面后重试。")
        ),
    )
    expert = forms.ModelChoiceField(
        label=_("评审专家"),
        queryset=User.objects.none(),
        empty_label=_("请选择评审专家"),
        error_messages=id_choice_messages(
            required=_("请选择评审专家。"), invalid=_("所选评审专家不存在或已停用，请刷新页面后重试。")
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, campaign=campaign, **kwargs)
        # Any case of the campaign is accepted (the service says which may be assigned);
        # the page offers the round's cases (see `offer`).
        self.fields["cases"].queryset = Case.objects.filter(campaign=campaign)
        expert = self.fields["expert"]
        expert.queryset = User.objects.filter(role=Role.EXPERT, is_active=True).order_by("id")
        expert.label_from_instance = lambda user: f"{user}（{user.affiliation_name or '—'}）"

    def offer(self, cases, *, experts=None) -> "AssignForm":
        """List these cases (the round's, already read by the page) to choose from, and
        these experts (the page's, already read) rather than reading them again."""
        self.fields["cases"].choices = [(case.pk, f"{case.category.name} · {case.title}") for case in cases]
        if experts is not None:
            field = self.fields["expert"]
            field.choices = [("", field.empty_label)] + [(e.pk, field.label_from_instance(e)) for e in experts]
        return self


class AssignmentForm(NormalisedForm):
    """One expert's assignment to one case of the campaign: to cancel or to reopen."""

    assignment = forms.ModelChoiceField(
        label=_("评审分配"),
        queryset=ExpertAssignment.objects.none(),
        widget=forms.HiddenInput,
        error_messages=id_choice_messages(
            required=_("请选择评审分配。"), invalid=_("该评审分配不存在或已取消，请刷新页面后重试。")
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = ExpertAssignment.objects.filter(stage__campaign=campaign).select_related(
            "stage", "case"
        )


class ExpertSheetsForm(NormalisedForm):
    """?expert=ID on the review sheets, for the province's administrator."""

    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=User.objects.filter(role=Role.EXPERT))


class AdvanceForm(StageForm):
    """Advance cases of a round to the next: the top N of each category, or chosen cases."""

    compact = True
    top_n = forms.IntegerField(
        label=_("每类前几名晋级"),
        required=False,
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": _("请填写整数。"),
            "min_value": _("每类晋级数量至少为1。"),
            "max_value": _("不能大于%(limit_value)s。"),
        },
    )
    # Chosen by the boxes in the rows of the results (a page at a time): the round may
    # have thousands of cases, so they are never all listed as options.
    cases = ModelMultipleIdChoiceField(
        label=_("或选择晋级案例（可多选）"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages=id_choice_messages(
            required=_("请至少选择一个案例。"), invalid=_("所选案例不属于本次征集，请刷新页面后重试。")
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, campaign=campaign, **kwargs)
        # Any case of the campaign; the service refuses those that cannot advance.
        self.fields["cases"].queryset = Case.objects.filter(campaign=campaign)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("top_n")) == bool(cleaned.get("cases")):
            raise forms.ValidationError(_("请填写每类晋级数量，或选择晋级的案例（二选一）。"))
        return cleaned
