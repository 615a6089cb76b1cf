"""What the background worker is doing: its heartbeat and the length of its queue.

    record_heartbeat()        the worker (manage.py run_worker), every few seconds
    worker_status() -> WorkerStatus(queued=3, last_heartbeat=…, alive=True, inline=False)

The heartbeat lives in the shared cache (a database table), so every application
server sees the one worker pool; the queue is the django-tasks-db table.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

HEARTBEAT_KEY = "casework:worker-heartbeat"


@dataclass(frozen=True)
class WorkerStatus:
    queued: int  # tasks waiting to start
    running: int
    last_heartbeat: float | None  # seconds since the epoch
    alive: bool
    # Tasks run inside the request (TASK_BACKEND=immediate): no worker to wait for.
    inline: bool

    @property
    def heartbeat_age(self) -> float | None:
        return None if self.last_heartbeat is None else max(0.0, time.time() - self.last_heartbeat)


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def uses_worker() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def worker_status() -> WorkerStatus:
    """Two queries: the queue's counts by status, the heartbeat."""
    if not uses_worker():
        return WorkerStatus(queued=0, running=0, last_heartbeat=None, alive=True, inline=True)
    counts = dict(
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    beat = cache.get(HEARTBEAT_KEY)
    alive = beat is not None and time.time() - beat <= settings.WORKER_STALE_AFTER_SECONDS
    return WorkerStatus(
        queued=counts.get(TaskResultStatus.READY, 0),
        running=counts.get(TaskResultStatus.RUNNING, 0),
        last_heartbeat=beat,
        alive=alive,
        inline=False,
    )
