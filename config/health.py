"""GET /healthz: is this application server fit to serve? For the load balancer and
the monitoring, without sign-in, and naming nothing private (no host, no path, no
error text: only which check failed).

    200 {"status": "ok", "checks": {"database": "ok", "storage": "ok", "worker": "ok"},
         "worker": {"queued": 0, "running": 0, "heartbeat_age_s": 3.2}}
    503 {"status": "fail", "checks": {"database": "ok", "storage": "fail", …}, …}
"""

import logging

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.worker_status import worker_status

logger = logging.getLogger(__name__)


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _storage() -> bool:
    # A lookup of a name that is never written: reaches the disk or the bucket (and
    # its credentials) without listing anything.
    default_storage.exists("healthz/probe")
    return True


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, probe in (("database", _database), ("storage", _storage)):
        try:
            checks[name] = "ok" if probe() else "fail"
        except Exception:
            logger.exception("health check %s failed", name)
            checks[name] = "fail"
    body = {}
    try:
        status = worker_status()
        checks["worker"] = "ok" if status.alive else "fail"
        if not status.inline:
            age = status.heartbeat_age
            body["worker"] = {
                "queued": status.queued,
                "running": status.running,
                "heartbeat_age_s": None if age is None else round(age, 1),
            }
    except Exception:
        logger.exception("health check worker failed")
        checks["worker"] = "fail"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks, **body}, status=200 if healthy else 503
    )
