"""Applicants hear of the result: when the 公示 is published and when the 通报 is, each
unit whose cases reached the expert review is told, with its cases' outcome. One
message per unit. Sent after commit, through accounts.inbox."""

from collections import defaultdict

from django.urls import reverse
from django_tasks import task

from accounts.enums import NotificationEvent
from accounts.inbox import notify
from accounts.models import User
from applications.enums import PROVINCIAL_STATES
from applications.models import Case
from core.mail import queue_after_commit
from reviews.enums import PublicationKind
from reviews.models import Publication


def queue_publication(*, publication) -> None:
    queue_after_commit(send_publication, publication_id=publication.pk)


@task()
def send_publication(*, publication_id: int) -> int:
    publication = Publication.objects.select_related("campaign").get(pk=publication_id)
    cases = (
        Case.objects.filter(campaign=publication.campaign, state__in=PROVINCIAL_STATES)
        .select_related("unit")
        .order_by("unit_id", "id")
    )
    by_unit = defaultdict(list)
    for case in cases:
        by_unit[case.unit].append(case)
    notice = publication.kind == PublicationKind.NOTICE
    event = NotificationEvent.NOTICE_PUBLISHED if notice else NotificationEvent.ANNOUNCEMENT_PUBLISHED
    sent = 0
    for unit, unit_cases in by_unit.items():
        outcome = "；".join(f"「{case.title}」{case.get_state_display()}" for case in unit_cases)
        sent += notify(
            users=User.objects.filter(organisation=unit),
            event=event,
            template="reviews/email/publication",
            context={"publication": publication, "unit": unit, "cases": unit_cases, "notice": notice},
            placeholders={
                "unit": unit.name,
                "case": "、".join(case.title for case in unit_cases),
                "campaign": publication.campaign.title,
                "deadline": f"{publication.ends_on:%Y-%m-%d}" if publication.ends_on else "",
                "detail": outcome,
            },
            link=reverse("dashboard"),
        )
    return sent
