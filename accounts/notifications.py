"""Emails about a unit's registration: its authority is told a registration waits, the
unit's members are told the decision. Queued once the transaction commits, so nobody
hears of a registration that was rolled back."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task


def queue_registration_submitted(*, unit) -> None:
    unit_id = unit.pk
    transaction.on_commit(lambda: send_registration_submitted.enqueue(unit_id=unit_id))


def queue_registration_decided(*, unit) -> None:
    unit_id = unit.pk
    transaction.on_commit(lambda: send_registration_decided.enqueue(unit_id=unit_id))


def member_emails(*, organisation_id: int) -> list[str]:
    from accounts.models import User

    emails = (
        User.objects.filter(organisation_id=organisation_id, is_active=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


def _send(*, recipients: list[str], template: str, context: dict) -> int:
    if not recipients:
        return 0
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)


@task()
def send_registration_submitted(*, unit_id: int) -> int:
    """Mail the members of the unit's authority that a registration waits for them."""
    from accounts.models import Organisation

    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    contact = unit.members.order_by("id").first()
    context = {
        "unit": unit,
        "contact": contact,
        "url": settings.SITE_URL + reverse("accounts:registrations"),
    }
    return _send(
        recipients=member_emails(organisation_id=unit.authority_id), template="registration_submitted", context=context
    )


@task()
def send_registration_decided(*, unit_id: int) -> int:
    """Mail the unit's members the authority's decision on their registration."""
    from accounts.models import Organisation

    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    context = {"unit": unit, "url": settings.SITE_URL + reverse("accounts:login")}
    return _send(recipients=member_emails(organisation_id=unit.pk), template="registration_decided", context=context)
