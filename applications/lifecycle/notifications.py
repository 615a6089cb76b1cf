"""Emails that follow a case's transition. They are queued only once the transaction
commits, so nobody is told of a change that was rolled back."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.enums import OrgKind
from accounts.models import Organisation, User
from applications.enums import Party
from workflow.models import TransitionRecord


def queue_transition_notifications(*, record, parties) -> None:
    parties = [str(Party(party)) for party in parties]
    if not parties:
        return
    record_id = record.pk
    transaction.on_commit(lambda: send_transition_notification.enqueue(record_id=record_id, parties=parties))


def recipients_for(*, case, parties) -> list[str]:
    org_ids = []
    if Party.APPLICANT in parties:
        org_ids.append(case.unit_id)
    if Party.AUTHORITY in parties:
        org_ids.append(case.authority_id)
    if Party.PROVINCE in parties:
        org_ids += list(Organisation.objects.filter(kind=OrgKind.PROVINCE).values_list("id", flat=True))
    emails = (
        User.objects.filter(organisation_id__in=org_ids, is_active=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


@task()
def send_transition_notification(*, record_id: int, parties: list[str]) -> int:
    """Mail the parties of one transition. Returns the number of messages sent."""
    record = TransitionRecord.objects.select_related("case", "case__unit", "case__authority", "actor").get(pk=record_id)
    recipients = recipients_for(case=record.case, parties=parties)
    if not recipients:
        return 0
    context = {
        "record": record,
        "case": record.case,
        "url": settings.SITE_URL + reverse("case_detail", args=[record.case_id]),
    }
    subject = render_to_string("applications/email/transition_subject.txt", context).strip()
    body = render_to_string("applications/email/transition_body.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)
