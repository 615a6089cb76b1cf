"""Mail about ranking tables: the province when one is submitted, the authority when
the province returns it. One message per table, not one per case; core.mail sends it
once the transaction commits."""

from django.urls import reverse
from django_tasks import task

from accounts.enums import NotificationEvent, OrgKind, Role
from accounts.inbox import deadline_text, notify
from accounts.models import User
from core.mail import queue_after_commit
from reviews.models import RankingTable


def queue_table_notification(*, table, event: str) -> None:
    queue_after_commit(send_table_notification, table_id=table.pk, event=event)


@task()
def send_table_notification(*, table_id: int, event: str) -> int:
    table = RankingTable.objects.select_related("campaign", "authority").get(pk=table_id)
    if event == "submitted":
        recipients = User.objects.filter(organisation__kind=OrgKind.PROVINCE, role=Role.PROVINCE_ADMIN)
        link = reverse("reviews:tables", args=[table.campaign.year])
        kind = NotificationEvent.TABLE_SUBMITTED
    else:
        recipients = User.objects.filter(organisation=table.authority)
        link = reverse("reviews:ranking", args=[table.campaign.year])
        kind = NotificationEvent.TABLE_RETURNED
    return notify(
        users=recipients,
        event=kind,
        template="reviews/email/table",
        context={"table": table, "event": event},
        placeholders={
            "unit": table.authority.name,
            "campaign": table.campaign.title,
            "deadline": deadline_text(table.campaign.ranking_deadline),
            "detail": table.return_reason,
        },
        link=link,
    )
