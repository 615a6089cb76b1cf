"""The sign-in policy applied on every request of a signed-in user: the session ends
when idle too long, older than the absolute limit, or replaced by a newer sign-in (and
the user is told why); until the password is changed (first sign-in, expired) and the
one-time code given (roles that need it), only the pages that do so are open."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

import audit
from accounts import roles
from accounts.security.sessions import HAS_DEVICE, password_change_reason, session_end_reason, session_touch

# Pages open to a signed-in user whom the policy still stops (to change the password,
# give the code, or leave).
OPEN_VIEWS = {
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "accounts:otp_recovery_codes",
    "set_language",
}


def second_factor_needed(request, user) -> bool:
    """Has this user to give a one-time code? Yes when they set one up (units may; read
    once at sign-in, kept in the session), and for the roles that must have one when
    SIGNIN_OTP_REQUIRED is on."""
    return request.session.get(HAS_DEVICE, False) or (
        settings.SIGNIN_OTP_REQUIRED and roles.requires_second_factor(user)
    )


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = session_end_reason(request, user)
            if ended is not None:
                reason, sentence = ended
                audit.record(actor=user, action="auth.session_ended", obj=user, request=request, reason=reason)
                logout(request)
                messages.warning(request, sentence)
                return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            session_touch(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_VIEWS or request.path.startswith(settings.STATIC_URL):
            return None
        if second_factor_needed(request, user) and not user.is_verified():
            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
            messages.info(request, _("您的角色须使用动态口令（双因素认证）登录，请先完成绑定。"))
            return redirect("accounts:otp_setup")
        sentence = password_change_reason(user)
        if sentence is not None:
            messages.warning(request, sentence)
            return redirect("accounts:password_change")
        return None
