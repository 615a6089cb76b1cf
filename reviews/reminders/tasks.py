"""The reminders as a django-tasks task, for a scheduler that enqueues work for the
background worker (`manage.py send_reminders --enqueue` does that from cron)."""

from django.conf import settings
from django_tasks import task

from reviews.reminders.services import reminders_send


@task()
def send_reminders_task(*, days: int | None = None) -> int:
    """Send the due reminders; returns how many were sent."""
    return reminders_send(days=settings.REMINDER_DAYS_BEFORE_DEADLINE if days is None else days).sent
