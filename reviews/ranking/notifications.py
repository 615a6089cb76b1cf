"""Mail about ranking tables: the province when one is submitted, the authority when
the province returns it. One message per table, not one per case; core.mail sends it
once the transaction commits."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from accounts.enums import OrgKind, Role
from accounts.models import User
from core.mail import active_addresses, queue_after_commit, send_templated_mail
from reviews.models import RankingTable


def queue_table_notification(*, table, event: str) -> None:
    queue_after_commit(send_table_notification, table_id=table.pk, event=event)


@task()
def send_table_notification(*, table_id: int, event: str) -> int:
    table = RankingTable.objects.select_related("campaign", "authority").get(pk=table_id)
    if event == "submitted":
        recipients = User.objects.filter(organisation__kind=OrgKind.PROVINCE, role=Role.PROVINCE_ADMIN)
        url = settings.SITE_URL + reverse("reviews:tables", args=[table.campaign.year])
    else:
        recipients = User.objects.filter(organisation=table.authority)
        url = settings.SITE_URL + reverse("reviews:ranking", args=[table.campaign.year])
    return send_templated_mail(
        recipients=active_addresses(recipients),
        template="reviews/email/table",
        context={"table": table, "event": event, "url": url},
    )
