"""Emails that follow a case's transition: who hears of it (the parties the transition
names) and what they read. core.mail sends them, once the transaction commits."""

from django.urls import reverse
from django_tasks import task

from accounts.enums import NotificationEvent, OrgKind
from accounts.inbox import notify
from accounts.models import Organisation, User
from applications.enums import Party
from core.mail import queue_after_commit
from workflow.models import TransitionRecord


def queue_transition_notifications(*, record, parties) -> None:
    parties = [str(Party(party)) for party in parties]
    if parties:
        queue_after_commit(send_transition_notification, record_id=record.pk, parties=parties)


def recipients_for(*, case, parties):
    """The people of the parties' organisations (a queryset of users)."""
    org_ids = []
    if Party.APPLICANT in parties:
        org_ids.append(case.unit_id)
    if Party.AUTHORITY in parties:
        org_ids.append(case.authority_id)
    if Party.PROVINCE in parties:
        org_ids += list(Organisation.objects.filter(kind=OrgKind.PROVINCE).values_list("id", flat=True))
    return User.objects.filter(organisation_id__in=org_ids)


@task()
def send_transition_notification(*, record_id: int, parties: list[str]) -> int:
    """Tell the parties of one transition. Returns the number of messages sent."""
    record = TransitionRecord.objects.select_related(
        "case", "case__unit", "case__authority", "case__campaign", "actor"
    ).get(pk=record_id)
    link = reverse("case_detail", args=[record.case_id])
    case = record.case
    return notify(
        users=recipients_for(case=case, parties=parties),
        event=NotificationEvent.CASE_TRANSITION,
        template="applications/email/transition",
        context={"record": record, "case": case},
        placeholders={
            "unit": case.unit.name,
            "case": case.title,
            "campaign": case.campaign.title,
            "detail": f"{record.from_state_label} → {record.to_state_label}（{record.action_label}）"
            + (f"：{record.comment}" if record.comment else ""),
        },
        link=link,
    )
