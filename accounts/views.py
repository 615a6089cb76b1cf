from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.forms import RegistrationForm, RegistrationRejectForm
from accounts.models import Organisation
from accounts.selectors import (
    overlapping_names,
    registrations_decided,
    registrations_for_reviewer,
    registrations_pending,
    unit_members,
)
from accounts.services import RegistrationRefused, unit_register, unit_registration_approve, unit_registration_reject

REGISTERED_UNIT_SESSION_KEY = "registered_unit_id"


def register(request):
    """Public: an applicant unit registers; its authority then approves it."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = unit_register(
                name=data["name"],
                unit_type=data["unit_type"],
                authority=data["authority"],
                credit_code=data["credit_code"],
                display_name=data["display_name"],
                phone=data["phone"],
                email=data["email"],
                username=data["username"],
                password=data["password1"],
            )
        except ValidationError as error:
            # Someone registered the same name, code or login a moment ago.
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            request.session[REGISTERED_UNIT_SESSION_KEY] = user.organisation_id
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    unit_id = request.session.get(REGISTERED_UNIT_SESSION_KEY)
    unit = Organisation.objects.select_related("authority").filter(pk=unit_id).first() if unit_id else None
    # Registered, but the name is close to another unit's: say so, as the reviewer will.
    similar = overlapping_names(units=[unit])[unit.pk] if unit else []
    return render(request, "accounts/register_done.html", {"unit": unit, "similar": similar})


def _reviewer_or_404(request) -> None:
    # Applicants and experts learn nothing, not even that the page exists.
    if not roles.is_registration_reviewer(request.user):
        raise Http404


def _registrations_page(request, *, reject_forms: dict | None = None, status: int = 200):
    reject_forms = reject_forms or {}
    pending = list(registrations_pending(user=request.user))
    similar = overlapping_names(units=pending)
    rows = [
        (unit, reject_forms.get(unit.pk) or RegistrationRejectForm(prefix=f"reject-{unit.pk}"), similar[unit.pk])
        for unit in pending
    ]
    return render(
        request,
        "accounts/registrations.html",
        {"pending": rows, "decided": registrations_decided(user=request.user)},
        status=status,
    )


@login_required
def registrations(request):
    """Registrations of the units this user's organisation recommends: pending ones to
    decide, recently decided ones to look back on."""
    _reviewer_or_404(request)
    return _registrations_page(request)


@login_required
@require_POST
def registration_approve(request, pk: int):
    _reviewer_or_404(request)
    unit = get_object_or_404(registrations_for_reviewer(user=request.user), pk=pk)
    try:
        unit_registration_approve(unit=unit, actor=request.user)
    except RegistrationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已通过「%(unit)s」的注册申请，并已邮件通知该单位。") % {"unit": unit.name})
    return redirect("accounts:registrations")


@login_required
@require_POST
def registration_reject(request, pk: int):
    _reviewer_or_404(request)
    unit = get_object_or_404(registrations_for_reviewer(user=request.user), pk=pk)
    form = RegistrationRejectForm(request.POST, prefix=f"reject-{unit.pk}")
    if not form.is_valid():
        return _registrations_page(request, reject_forms={unit.pk: form})
    try:
        unit_registration_reject(unit=unit, actor=request.user, reason=form.cleaned_data["reason"])
    except RegistrationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("「%(unit)s」的注册申请未通过，已邮件通知该单位。") % {"unit": unit.name})
    return redirect("accounts:registrations")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links in mail point at the public address, like every other notification.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def unit_profile(request):
    """An applicant unit's own record, read-only: its name, credit code, authority and
    registration, its people and when each last signed in. Changes go through the
    authority (names and codes are checked on registration)."""
    if not roles.is_applicant(request.user):
        raise Http404
    unit = request.user.organisation
    return render(request, "accounts/unit_profile.html", {"unit": unit, "members": unit_members(unit=unit)})
