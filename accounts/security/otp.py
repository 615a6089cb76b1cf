"""Two-factor sign-in with TOTP (django-otp): set up and confirmed in our own pages, with
ten single-use recovery codes (django-otp's static device)."""

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit

RECOVERY_CODES = 10


def totp_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator (made on first visit of the set-up page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@transaction.atomic
def totp_confirm(*, user, device: TOTPDevice, token: str, request=None) -> list[str] | None:
    """Confirms the authenticator when `token` is right: it replaces any earlier one, and
    a fresh set of recovery codes is returned (shown once). None when the code is wrong."""
    if not device.verify_token(token):
        audit.record(actor=user, action="otp.device_added", obj=user, result="failed", request=request)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user, request=request)
    audit.record(actor=user, action="otp.device_added", obj=user, request=request)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, request=None) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit.record(actor=user, action="otp.recovery_codes_renewed", obj=user, request=request)
    return codes


@transaction.atomic
def otp_reset(*, user, actor, request=None) -> None:
    """The security administrator removes a user's devices (a lost phone): the user sets
    up a new authenticator at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action="otp.reset", obj=user, request=request)
