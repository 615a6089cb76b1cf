"""Experts hear of their work: new assignments (one message per expert per batch, not
one per case) and an assignment taken away. Sent after commit, through accounts.inbox."""

from django.urls import reverse
from django_tasks import task

from accounts.enums import NotificationEvent
from accounts.inbox import notify
from accounts.models import User
from core.mail import queue_after_commit
from reviews.models import ReviewStage


def queue_assigned(*, stage, counts: dict[int, int]) -> None:
    """`counts`: expert id -> number of cases just assigned to them in `stage`."""
    if counts:
        queue_after_commit(send_assigned, stage_id=stage.pk, counts={str(k): v for k, v in counts.items()})


def queue_unassigned(*, stage, expert_id: int, case_title: str) -> None:
    queue_after_commit(send_unassigned, stage_id=stage.pk, expert_id=expert_id, case_title=case_title)


@task()
def send_assigned(*, stage_id: int, counts: dict[str, int]) -> int:
    stage = ReviewStage.objects.select_related("campaign").get(pk=stage_id)
    sent = 0
    for expert in User.objects.filter(pk__in=[int(k) for k in counts]).order_by("id"):
        count = counts[str(expert.pk)]
        sent += notify(
            users=User.objects.filter(pk=expert.pk),
            event=NotificationEvent.EXPERT_ASSIGNED,
            template="reviews/email/assigned",
            context={"stage": stage, "count": count, "expert": expert},
            placeholders={"campaign": stage.campaign.title, "detail": f"{stage.name}：{count}"},
            link=reverse("reviews:expert_queue"),
        )
    return sent


@task()
def send_unassigned(*, stage_id: int, expert_id: int, case_title: str) -> int:
    stage = ReviewStage.objects.select_related("campaign").get(pk=stage_id)
    return notify(
        users=User.objects.filter(pk=expert_id),
        event=NotificationEvent.EXPERT_UNASSIGNED,
        template="reviews/email/unassigned",
        context={"stage": stage, "case_title": case_title},
        placeholders={"campaign": stage.campaign.title, "case": case_title, "detail": stage.name},
        link=reverse("reviews:expert_queue"),
    )
