"""`manage.py run_worker`: django-tasks-db's `db_worker` (mail, exports, NRTA packages)
plus a heartbeat in the shared cache every WORKER_HEARTBEAT_SECONDS, which /healthz and
the province's dashboard read (core/worker_status.py). Every option of db_worker applies."""

import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.worker_status import record_heartbeat


class _Heartbeat(threading.Thread):
    def __init__(self, interval: float):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                record_heartbeat()
            except Exception:  # noqa: BLE001 - a missed beat must not stop the worker
                pass
            self.stopped.wait(self.interval)
        connections.close_all()


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks-db's db_worker) with a heartbeat for /healthz."

    def handle(self, *args, **options):
        heartbeat = _Heartbeat(settings.WORKER_HEARTBEAT_SECONDS)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
