"""Mail about ranking tables: the province when one is submitted, the authority when
the province returns it. One message per table, not one per case."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.enums import OrgKind


def queue_table_notification(*, table, event: str) -> None:
    table_id = table.pk
    transaction.on_commit(lambda: send_table_notification.enqueue(table_id=table_id, event=event))


@task()
def send_table_notification(*, table_id: int, event: str) -> int:
    from accounts.models import User
    from reviews.models import RankingTable

    table = RankingTable.objects.select_related("campaign", "authority").get(pk=table_id)
    if event == "submitted":
        recipients = User.objects.filter(organisation__kind=OrgKind.PROVINCE, role="province_admin")
        url = settings.SITE_URL + reverse("reviews:tables", args=[table.campaign.year])
    else:
        recipients = User.objects.filter(organisation=table.authority)
        url = settings.SITE_URL + reverse("reviews:ranking", args=[table.campaign.year])
    addresses = list(dict.fromkeys(recipients.filter(is_active=True).exclude(email="").values_list("email", flat=True)))
    if not addresses:
        return 0
    context = {"table": table, "event": event, "url": url}
    subject = render_to_string("reviews/email/table_subject.txt", context).strip()
    body = render_to_string("reviews/email/table_body.txt", context)
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses], fail_silently=False)
