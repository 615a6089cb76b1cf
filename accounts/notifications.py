"""Emails about a unit's registration: its authority is told a registration waits, the
unit's members are told the decision. Who hears of what; core.mail sends, after commit."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from accounts.models import Organisation, User
from core.mail import active_addresses, queue_after_commit, send_templated_mail


def queue_registration_submitted(*, unit) -> None:
    queue_after_commit(send_registration_submitted, unit_id=unit.pk)


def queue_registration_decided(*, unit) -> None:
    queue_after_commit(send_registration_decided, unit_id=unit.pk)


def member_emails(*, organisation_id: int) -> list[str]:
    return active_addresses(User.objects.filter(organisation_id=organisation_id))


@task()
def send_registration_submitted(*, unit_id: int) -> int:
    """Mail the members of the unit's authority that a registration waits for them."""
    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    context = {
        "unit": unit,
        "contact": unit.members.order_by("id").first(),
        "url": settings.SITE_URL + reverse("accounts:registrations"),
    }
    return send_templated_mail(
        recipients=member_emails(organisation_id=unit.authority_id),
        template="accounts/email/registration_submitted",
        context=context,
    )


@task()
def send_registration_decided(*, unit_id: int) -> int:
    """Mail the unit's members the authority's decision on their registration."""
    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    return send_templated_mail(
        recipients=member_emails(organisation_id=unit.pk),
        template="accounts/email/registration_decided",
        context={"unit": unit, "url": settings.SITE_URL + reverse("accounts:login")},
    )
