"""Emails that follow a case's transition: who hears of it (the parties the transition
names) and what they read. core.mail sends them, once the transaction commits."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from accounts.enums import OrgKind
from accounts.models import Organisation, User
from applications.enums import Party
from core.mail import active_addresses, queue_after_commit, send_templated_mail
from workflow.models import TransitionRecord


def queue_transition_notifications(*, record, parties) -> None:
    parties = [str(Party(party)) for party in parties]
    if parties:
        queue_after_commit(send_transition_notification, record_id=record.pk, parties=parties)


def recipients_for(*, case, parties) -> list[str]:
    org_ids = []
    if Party.APPLICANT in parties:
        org_ids.append(case.unit_id)
    if Party.AUTHORITY in parties:
        org_ids.append(case.authority_id)
    if Party.PROVINCE in parties:
        org_ids += list(Organisation.objects.filter(kind=OrgKind.PROVINCE).values_list("id", flat=True))
    return active_addresses(User.objects.filter(organisation_id__in=org_ids))


@task()
def send_transition_notification(*, record_id: int, parties: list[str]) -> int:
    """Mail the parties of one transition. Returns the number of messages sent."""
    record = TransitionRecord.objects.select_related("case", "case__unit", "case__authority", "actor").get(pk=record_id)
    context = {
        "record": record,
        "case": record.case,
        "url": settings.SITE_URL + reverse("case_detail", args=[record.case_id]),
    }
    return send_templated_mail(
        recipients=recipients_for(case=record.case, parties=parties),
        template="applications/email/transition",
        context=context,
    )
