from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import audit
from accounts import inbox, roles
from accounts.enums import NotificationEvent
from accounts.forms import MailTemplateForm, RegistrationBulkApproveForm, RegistrationForm, RegistrationRejectForm
from accounts.models import MailTemplate, Organisation
from accounts.security.throttle import over_limit
from accounts.selectors import (
    overlapping_names,
    registrations_decided,
    registrations_for_reviewer,
    registrations_pending,
    unit_members,
)
from accounts.services import RegistrationRefused, unit_register, unit_registration_approve, unit_registration_reject
from core.bulk import bulk_report, bulk_run

REGISTERED_UNIT_SESSION_KEY = "registered_unit_id"


def _only_duplicates(form) -> bool:
    """Every error of the form says a name, code or login exists already."""
    errors = form.errors.as_data()
    return bool(errors) and all(error.code == "duplicate" for errors_ in errors.values() for error in errors_)


def _hide_duplicates(form) -> None:
    """Drops the errors that would tell whether a unit, a credit code or a login exists."""
    for field, errors_ in list(form.errors.as_data().items()):
        kept = [error for error in errors_ if error.code != "duplicate"]
        if kept:
            form.errors[field] = form.error_class([message for error in kept for message in error.messages])
        else:
            del form.errors[field]


def register(request):
    """Public: an applicant unit registers; its authority then approves it. The answer
    is the same whether or not the unit, its credit code or the login exist already
    (nothing is created then, and the attempt is in the audit log): a stranger learns
    no name from this page. At most REGISTRATION_RATE_LIMIT submissions an hour per address."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    if request.method == "POST" and over_limit(
        request, scope="register", limit=settings.REGISTRATION_RATE_LIMIT, window_seconds=3600
    ):
        audit.record(action="registration.submitted", result="refused", request=request, reason="rate_limited")
        form = RegistrationForm()
        return render(request, "accounts/register.html", {"form": form, "throttled": True}, status=429)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and not form.is_valid() and _only_duplicates(form):
        audit.record(action="registration.submitted", result="refused", request=request, reason="exists")
        request.session.pop(REGISTERED_UNIT_SESSION_KEY, None)
        return redirect("accounts:register_done")
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
    if form.is_bound:
        _hide_duplicates(form)
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
def registrations_bulk_approve(request):
    """通过 several registrations at once: each unit decided on its own (locked, checked,
    saved, mailed); a unit another reviewer decided meanwhile is named with the reason."""
    _reviewer_or_404(request)
    form = RegistrationBulkApproveForm(request.POST, queryset=registrations_for_reviewer(user=request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("accounts:registrations")
    outcome = bulk_run(
        form.cleaned_data["units"].order_by("id"),
        lambda unit: unit_registration_approve(unit=unit, actor=request.user),
        label=lambda unit: unit.name,
        refusals=(RegistrationRefused,),
    )
    bulk_report(request, outcome, done=_("已通过%(n)d个单位的注册申请，并已邮件通知各单位。"))
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


# --- the inbox -------------------------------------------------------------------------

INBOX_PAGE_SIZE = 30


@login_required
def inbox_page(request):
    """Everyone's own messages, newest first; unread ones marked."""
    unread_only = request.GET.get("unread") == "1"
    messages_ = inbox.inbox_for(user=request.user)
    if unread_only:
        messages_ = messages_.filter(read_at__isnull=True)
    page = Paginator(messages_, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Mark one message read and follow its link (another person's message: 404)."""
    notification = get_object_or_404(inbox.inbox_for(user=request.user), pk=pk)
    inbox.notification_mark_read(user=request.user, notification_id=notification.pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("accounts:inbox")


@login_required
@require_POST
def inbox_read(request, pk: int):
    notification = get_object_or_404(inbox.inbox_for(user=request.user), pk=pk)
    inbox.notification_mark_read(user=request.user, notification_id=notification.pk)
    return redirect("accounts:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    count = inbox.notification_mark_read(user=request.user)
    messages.success(request, _("已将%(n)d条消息标为已读。") % {"n": count})
    return redirect("accounts:inbox")


# --- the province's mail texts -----------------------------------------------------------


def _province_admin_or_404(request) -> None:
    if not roles.is_province_admin(request.user):
        raise Http404


@login_required
def mail_templates(request):
    _province_admin_or_404(request)
    edited = {template.event: template for template in MailTemplate.objects.all()}
    rows = [(value, label, edited.get(value)) for value, label in NotificationEvent.choices]
    return render(request, "accounts/mail_templates.html", {"rows": rows})


@login_required
def mail_template_edit(request, event: str):
    """Edit one event's subject and body, starting from the default text until the
    province saves its own; 预览 shows them filled with sample values without saving;
    恢复默认 drops the edit (or the unsaved changes) and shows the default again."""
    _province_admin_or_404(request)
    if event not in NotificationEvent.values:
        raise Http404
    event = NotificationEvent(event)
    current = MailTemplate.objects.select_related("updated_by").filter(event=event).first()
    preview = None
    if request.method == "POST":
        if "reset" in request.POST:
            inbox.mail_template_reset(event=event)
            messages.success(request, _("已恢复「%(event)s」的默认邮件内容。") % {"event": event.label})
            return redirect("accounts:mail_template_edit", event=event.value)
        form = MailTemplateForm(request.POST)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            if "preview" in request.POST:
                sample = inbox.sample_placeholders(event)
                preview = (inbox.fill(subject, sample), inbox.fill(body, sample))
            else:
                saved = inbox.mail_template_save(event=event, subject=subject, body=body, actor=request.user)
                if saved is None:
                    messages.info(
                        request,
                        _("「%(event)s」的内容与系统默认相同，未另存，继续使用系统默认内容。") % {"event": event.label},
                    )
                else:
                    messages.success(request, _("已保存「%(event)s」的邮件内容。") % {"event": event.label})
                return redirect("accounts:mail_templates")
    else:
        subject, body = (current.subject, current.body) if current else inbox.default_text(event)
        form = MailTemplateForm(initial={"subject": subject, "body": body})
    return render(
        request,
        "accounts/mail_template_edit.html",
        {
            "event": event,
            "current": current,
            "form": form,
            "preview": preview,
            "placeholders": inbox.PLACEHOLDERS.items(),
        },
    )


@login_required
def unit_profile(request):
    """An applicant unit's own record, read-only: its name, credit code, authority and
    registration, its people and when each last signed in. Changes go through the
    authority (names and codes are checked on registration)."""
    if not roles.is_applicant(request.user):
        raise Http404
    unit = request.user.organisation
    return render(request, "accounts/unit_profile.html", {"unit": unit, "members": unit_members(unit=unit)})
