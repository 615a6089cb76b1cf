"""Several cases moved at once by one action, each through the one door
(`workflow.services.apply_transition`) in a transaction of its own: the cases the
machine refuses are listed with their reasons, the others move; no case is ever left
half-moved.

The form names the cases by id among those the page may act on (the view gives the
queryset: what the user sees in that list); an id outside it refuses the whole form,
nothing done, and says nothing about the case."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from core.bulk import BulkOutcome, bulk_run
from core.forms import ModelMultipleIdChoiceField, NormalisedForm, id_choice_messages
from workflow.exceptions import TransitionRefused
from workflow.services import COMMENT_MAX_LENGTH, apply_transition


def case_label(case: Case) -> str:
    return f"#{case.pk} {case.title}"


def cases_transition_each(*, cases, action: str, actor, comment: str = "") -> BulkOutcome:
    """Take `action` on every case of `cases` (in id order), each in its own transaction."""
    return bulk_run(
        sorted(cases, key=lambda case: case.pk),
        lambda case: apply_transition(subject=case, action=action, actor=actor, comment=comment),
        label=case_label,
        refusals=(TransitionRefused, PermissionDenied),
    )


class CaseBulkForm(NormalisedForm):
    """The cases ticked in a list, the action chosen for all of them, and the comment
    that goes with it (required by the actions in `comment_required`)."""

    compact = True
    action = forms.ChoiceField(label=_("批量操作"), choices=())
    cases = ModelMultipleIdChoiceField(
        label=_("所选案例"),
        queryset=Case.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages=id_choice_messages(
            required=_("请先勾选要处理的案例。"),
            invalid=_("所选案例不存在或不在本列表中，请刷新页面后重试。"),
        ),
    )
    comment = forms.CharField(
        label=_("意见或理由"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.TextInput,
    )

    def __init__(self, *args, actions, queryset, comment_required=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("请选择操作")), *actions]
        self.fields["action"].error_messages["required"] = _("请选择要执行的批量操作。")
        self.fields["cases"].queryset = queryset
        self.comment_required = dict(comment_required)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in self.comment_required and not data.get("comment"):
            self.add_error("comment", self.comment_required[action])
        return data
