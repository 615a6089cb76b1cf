"""Emails about a unit's registration: its authority is told a registration waits, the
unit's members are told the decision. Who hears of what; core.mail sends, after commit."""

from django.urls import reverse
from django_tasks import task

from accounts.enums import NotificationEvent
from accounts.inbox import notify
from accounts.models import Organisation, User
from core.mail import queue_after_commit


def queue_registration_submitted(*, unit) -> None:
    queue_after_commit(send_registration_submitted, unit_id=unit.pk)


def queue_registration_decided(*, unit) -> None:
    queue_after_commit(send_registration_decided, unit_id=unit.pk)


def members(*, organisation_id: int):
    return User.objects.filter(organisation_id=organisation_id)


@task()
def send_registration_submitted(*, unit_id: int) -> int:
    """Mail the members of the unit's authority that a registration waits for them."""
    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    return notify(
        users=members(organisation_id=unit.authority_id),
        event=NotificationEvent.REGISTRATION_SUBMITTED,
        template="accounts/email/registration_submitted",
        context={"unit": unit, "contact": unit.members.order_by("id").first()},
        placeholders={"unit": unit.name},
        link=reverse("accounts:registrations"),
    )


@task()
def send_registration_decided(*, unit_id: int) -> int:
    """Mail the unit's members the authority's decision on their registration."""
    unit = Organisation.objects.select_related("authority").get(pk=unit_id)
    return notify(
        users=members(organisation_id=unit.pk),
        event=NotificationEvent.REGISTRATION_DECIDED,
        template="accounts/email/registration_decided",
        context={"unit": unit},
        placeholders={"unit": unit.name, "detail": unit.get_registration_status_display()},
        link=reverse("accounts:login"),
    )
