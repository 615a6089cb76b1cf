"""Each control of the sign-in policy (等保 level 3, 身份鉴别), shown working."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import OrgKind, Role
from accounts.models import User
from accounts.security.sessions import LAST_SEEN, SIGNED_IN_AT
from audit.models import AuditRecord
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

GOOD = "Jilin-融媒-2024"


def _actions(**filters) -> list[str]:
    return list(AuditRecord.objects.filter(**filters).order_by("seq").values_list("action", flat=True))


# --- password policy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("xinmeiti", "至少 10 个字符"),
        ("xinmeitixinmeiti", "至少 3 类"),
        ("applicant_a-2024", "不能包含登录账号"),
        ("Applicant_A-2024", "不能包含登录账号"),
    ],
)
def test_the_password_policy_refuses(cast, password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password, cast.applicant_a)
    assert message in " ".join(error.value.messages)


def test_a_password_of_three_classes_and_ten_characters_passes(cast):
    validate_password(GOOD, cast.applicant_a)
    validate_password("农安融媒-2024-春", cast.applicant_a)  # Chinese characters count as letters


def test_none_of_the_last_five_passwords_again(cast):
    user = cast.applicant_a
    used = [f"Jilin-{n}-融媒体中心" for n in range(6)]
    for password in used:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    for password in used[1:]:  # the current one and the four before it
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(password, user)
    validate_password(used[0], user)  # the sixth back is allowed again


# --- lockout ----------------------------------------------------------------------------


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_until_the_security_admin_lifts_it(cast, client, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert _sign_in(client, "applicant_a", "wrong-password").status_code == 200
    assert _sign_in(client, "applicant_a", "wrong-password").status_code == 429  # the fifth locks
    # The right password from another address is refused too: the account is locked.
    refused = _sign_in(client, "applicant_a", PASSWORD, address="10.0.0.9")
    assert refused.status_code == 429
    assert "已被锁定" in refused.content.decode()
    assert "auth.locked_out" in _actions()

    security = _operations_admin(Role.SECURITY_ADMIN)
    admin_client = type(client)()
    admin_client.force_login(security)
    page = admin_client.get(reverse("accounts:security_admin"))
    attempt = page.context["locked"][0]
    admin_client.post(reverse("accounts:lockout_lift", args=[attempt.pk]))
    assert "auth.unlocked" in _actions()

    assert _sign_in(client, "applicant_a", PASSWORD, address="10.0.0.9").status_code == 302


def test_five_failures_from_one_address_lock_the_address(cast, client, settings):
    settings.AXES_ENABLED = True
    for n in range(5):
        _sign_in(client, f"nobody{n}", "wrong-password", address="10.0.0.7")
    assert _sign_in(client, "applicant_b", PASSWORD, address="10.0.0.7").status_code == 429
    assert _sign_in(client, "applicant_b", PASSWORD, address="10.0.0.8").status_code == 302


def test_a_lockout_ends_by_itself_after_fifteen_minutes(cast, client, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        _sign_in(client, "applicant_a", "wrong-password")
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "applicant_a", PASSWORD).status_code == 302


# --- sessions ---------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = int(time.time()) - ago
    session.save()


def test_an_idle_session_ends_and_says_why(cast, client):
    client.force_login(cast.applicant_a)
    assert client.get(reverse("dashboard")).status_code == 200
    _age_session(client, **{LAST_SEEN: 31 * 60})
    response = client.get(reverse("dashboard"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "30 分钟未操作" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.session_ended", details__reason="idle").exists()


def test_a_session_ends_after_the_absolute_limit_however_busy(cast, client):
    client.force_login(cast.applicant_a)
    _age_session(client, **{SIGNED_IN_AT: 12 * 3600 + 60, LAST_SEEN: 0})
    response = client.get(reverse("dashboard"), follow=True)
    assert "已超过 12 小时" in response.content.decode()


def test_a_new_sign_in_ends_the_older_session_which_is_told_why(cast, client):
    other = type(client)()
    client.force_login(cast.applicant_a)
    other.force_login(cast.applicant_a)
    assert other.get(reverse("dashboard")).status_code == 200
    response = client.get(reverse("dashboard"), follow=True)
    assert "已在其他地方登录" in response.content.decode()
    assert other.get(reverse("dashboard")).status_code == 200  # the newer one goes on


def test_the_last_sign_in_is_shown(cast, client):
    client.force_login(cast.applicant_a)
    client.post(reverse("accounts:logout"))
    response = _sign_in(client, "applicant_a", PASSWORD, address="10.1.2.3")
    page = client.get(response.url)
    assert "上次登录：" in page.content.decode()
    client.post(reverse("accounts:logout"))
    response = _sign_in(client, "applicant_a", PASSWORD, address="10.9.9.9")
    assert "10.1.2.3" in client.get(response.url).content.decode()


# --- forced password change ----------------------------------------------------------------


def test_a_password_set_by_the_administrator_is_changed_at_first_sign_in(cast, client):
    User.objects.filter(pk=cast.applicant_a.pk).update(must_change_password=True)
    client.force_login(cast.applicant_a)
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert client.get(reverse("dashboard")).status_code == 200
    assert "password.changed" in _actions()


def test_a_password_older_than_ninety_days_must_be_changed(cast, client):
    User.objects.filter(pk=cast.applicant_a.pk).update(password_changed_at=timezone.now() - timedelta(days=90))
    client.force_login(cast.applicant_a)
    assert client.get(reverse("dashboard")).url == reverse("accounts:password_change")
    User.objects.filter(pk=cast.applicant_a.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get(reverse("dashboard")).status_code == 200


# --- two factors ---------------------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize(
    ("who", "required"),
    [
        ("reviewer_a", True),
        ("province_admin", True),
        ("expert_assigned", True),
        ("applicant_a", False),
    ],
)
def test_two_factors_required_by_role(cast, client, settings, who, required):
    settings.SIGNIN_OTP_REQUIRED = True
    client.force_login(getattr(cast, who))
    response = client.get(reverse("dashboard"))
    if required:
        assert response.url == reverse("accounts:otp_setup")
    else:
        assert response.status_code == 200


def test_two_factors_set_up_verified_and_recovered(cast, client, settings):
    settings.SIGNIN_OTP_REQUIRED = True
    # django-otp's delay after a wrong code (2^n seconds) is its own, tested there.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    reviewer = cast.reviewer_a
    client.force_login(reviewer)
    page = client.get(reverse("accounts:otp_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=reviewer)
    assert client.post(reverse("accounts:otp_setup"), {"token": "000000"}).status_code == 200
    done = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("dashboard")).status_code == 200

    # A new sign-in asks for the code; a recovery code works once.
    fresh = type(client)()
    fresh.force_login(reviewer)
    assert fresh.get(reverse("dashboard")).url.startswith(reverse("accounts:otp_verify"))
    wrong = fresh.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert "不正确" in wrong.content.decode()
    assert fresh.post(reverse("accounts:otp_verify"), {"token": codes[0]}).status_code == 302
    assert fresh.get(reverse("dashboard")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert {"otp.device_added", "otp.verified"} <= set(_actions())


def test_a_unit_that_chose_two_factors_is_asked_for_the_code(cast, client, settings):
    settings.SIGNIN_OTP_REQUIRED = False
    TOTPDevice.objects.create(user=cast.applicant_a, name="authenticator", confirmed=True)
    client.force_login(cast.applicant_a)
    assert client.get(reverse("dashboard")).url.startswith(reverse("accounts:otp_verify"))


# --- rate limits -------------------------------------------------------------------------


def test_sign_in_and_password_reset_are_rate_limited(cast, client, settings):
    settings.SIGNIN_RATE_LIMIT = 3
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    from django.core.cache import cache

    cache.clear()
    statuses = [_sign_in(client, "applicant_a", "wrong", address="10.3.3.3").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    resets = [
        client.post(reverse("accounts:password_reset"), {"email": "x@example.com"}, REMOTE_ADDR="10.3.3.4").status_code
        for _ in range(3)
    ]
    assert resets == [302, 302, 429]
    cache.clear()


def _operations_admin(role: Role) -> User:
    operations = OrganisationFactory(name=f"系统运维{role}", code=f"ops-{role}", kind=OrgKind.OPERATIONS)
    return UserFactory(username=str(role), organisation=operations, role=role)
