"""The sign-in pages: sign-in and reset (rate-limited), password change (clears a forced
change), and the one-time code pages (set up, verify, recovery codes)."""

from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

import audit
from accounts.models import User
from accounts.security import otp
from accounts.security.sessions import HAS_DEVICE
from accounts.security.throttle import over_limit
from core.forms import NormalisedForm


def too_many(request, *, template: str, context: dict | None = None):
    return render(
        request,
        template,
        {**(context or {}), "throttled": True, "throttle_message": _("尝试过于频繁，请稍后再试。")},
        status=429,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if over_limit(request, scope="signin", limit=settings.SIGNIN_RATE_LIMIT, window_seconds=60):
            audit.record(action="auth.login", result="refused", request=request, reason="rate_limited")
            return too_many(request, template=self.template_name, context={"form": self.get_form_class()(request)})
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, and keeps this session (a new key)
        user = self.request.user
        user.must_change_password = False
        user.session_key = self.request.session.session_key or ""
        User.objects.filter(pk=user.pk).update(must_change_password=False, session_key=user.session_key)
        audit.record(actor=user, action="password.changed", obj=user, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Answers the same whether or not the address belongs to an account (Django's view
    does), and at most PASSWORD_RESET_RATE_LIMIT times an hour per address."""

    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if over_limit(request, scope="reset", limit=settings.PASSWORD_RESET_RATE_LIMIT, window_seconds=3600):
            audit.record(action="password.reset_requested", result="refused", request=request, reason="rate_limited")
            return too_many(request, template=self.template_name, context={"form": self.get_form_class()()})
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Links in mail point at the public address, like every other notification.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        audit.record(action="password.reset_requested", request=self.request, email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=form.user.pk).update(must_change_password=False)
        audit.record(actor=form.user, action="password.reset", obj=form.user, request=self.request)
        return response


class TokenForm(NormalisedForm):
    token = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=16,
        help_text=gettext_lazy("身份验证器应用显示的 6 位数字，或一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request, default: str = "dashboard"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def otp_setup(request):
    """Binds an authenticator app: the QR code (and the key to type), then a code from
    the app confirms it; the recovery codes are shown once."""
    device = otp.totp_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.totp_confirm(user=request.user, device=device, token=form.cleaned_data["token"], request=request)
        if codes is None:
            form.add_error("token", _("动态口令不正确，请核对手机时间后重试。"))
        else:
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})
    # The key to type by hand, in the base32 the apps expect (the QR code carries it too).
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg": otp.qr_svg(device), "secret": secret})


@login_required
def otp_verify(request):
    """The second step of sign-in: a code from the authenticator, or a recovery code."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        for device in devices_for_user(request.user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                otp_login(request, device)
                audit.record(action="otp.verified", obj=request.user, request=request, device=device.name)
                return redirect(_next(request))
        audit.record(action="otp.verified", obj=request.user, result="failed", request=request)
        form.add_error("token", _("动态口令不正确或已使用过。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request, "")})


@login_required
@require_POST
def otp_recovery_codes(request):
    """A fresh set of recovery codes (the old ones stop working)."""
    if not request.user.is_verified():
        return redirect("accounts:otp_verify")
    codes = otp.recovery_codes_renew(user=request.user, request=request)
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})


@login_required
def account_security(request):
    """The user's own security page: password, two-factor, recent sign-ins."""
    from audit.models import AuditRecord

    recent = AuditRecord.objects.filter(actor_id=request.user.pk, action__in=["auth.login", "auth.logout"])[:10]
    has_device = any(True for _device in devices_for_user(request.user, confirmed=True))
    return render(request, "accounts/account_security.html", {"recent": recent, "has_device": has_device})
