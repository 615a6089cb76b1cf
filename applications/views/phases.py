"""The province's page of the campaign: its phase, the moves open from it with what
blocks each, its history, and the deadline extensions granted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from applications.enums import PHASE_ORDER, phase_index
from applications.models import Campaign
from applications.phases.forms import ExtensionForm, PhaseMoveForm
from applications.phases.services import extension_grant
from core.feedback import report_errors
from core.forms import add_refusal
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition, available_actions


def _campaign(request, year: int) -> Campaign:
    # The province's administrator's page: anyone else learns nothing, not even that it exists.
    if not roles.is_province_admin(request.user):
        raise Http404
    return get_object_or_404(Campaign, year=year)


def _render(request, campaign, *, extension_form=None, status=200):
    current = phase_index(campaign.state)
    return render(
        request,
        "applications/phases/campaign_phase.html",
        {
            "campaign": campaign,
            "phases": [(phase, index < current, index == current) for index, phase in enumerate(PHASE_ORDER)],
            "actions": available_actions(subject=campaign, user=request.user),
            "history": campaign.transitions.select_related("actor", "organisation").order_by("-created_at", "-id"),
            "extensions": campaign.extensions.select_related("organisation", "case__unit", "granted_by"),
            "extension_form": extension_form or ExtensionForm(campaign=campaign),
            "move_form": PhaseMoveForm(),
        },
        status=status,
    )


@login_required
def campaign_phase(request, year: int):
    return _render(request, _campaign(request, year))


@login_required
@require_POST
def campaign_phase_move(request, year: int, action: str):
    """Move the campaign's phase: the engine decides and records; refusals list the blockers."""
    campaign = _campaign(request, year)
    form = PhaseMoveForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        record = apply_transition(subject=campaign, action=action, actor=request.user, comment=comment)
    except TransitionRefused as refused:
        report_errors(request, refused)
    else:
        messages.success(
            request,
            _("已完成「%(action)s」，征集活动进入「%(phase)s」阶段。")
            % {"action": record.action_label, "phase": record.to_state_label},
        )
    return redirect("campaign_phase", year=campaign.year)


@login_required
@require_POST
def extension_create(request, year: int):
    campaign = _campaign(request, year)
    form = ExtensionForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            extension = extension_grant(
                campaign=campaign,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                case=form.cleaned_data["case"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except TransitionRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("已批准%(whom)s延期。") % {"whom": extension.whom})
            return redirect("campaign_phase", year=campaign.year)
    return _render(request, campaign, extension_form=form, status=400)
