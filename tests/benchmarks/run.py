"""Benchmarks: `make bench` (python -m tests.benchmarks.run).

Prints one figure per line, `name value unit`. Runs on a fresh SQLite database in a
temporary directory (or on DATABASE_URL if set, which it then fills: use a scratch
database), with DEBUG off as in production.
"""

import os
import statistics
import sys
import tempfile
import time

REPEAT = 40
WARMUP = 5


def _setup_django() -> None:
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="casework-bench-"))
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # Production settings in one process, as the test suite has them: plain HTTP (the
    # test client), static files from the finders (no collectstatic).
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "tests.benchmarks.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def emit(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:.2f} {unit}" if isinstance(value, float) else f"{name} {value} {unit}", flush=True)


def measure(client, url: str) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries) of GET url, after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, len(queries)


def main() -> int:
    _setup_django()
    from django.test import Client

    from tests.benchmarks.data import World

    world = World.build()
    roles = {
        "applicant": world.applicant,
        "authority": world.reviewer,
        "province": world.province_admin,
        "expert": world.expert,
    }
    for total in (100, 10_000):
        world.grow_to(total)
        bare = Client()
        median, p95, queries = measure(bare, "/bench/bare/")
        emit(f"bare_template.{total}.median", median, "ms")
        emit(f"bare_template.{total}.p95", p95, "ms")
        for role, user in roles.items():
            client = Client()
            client.force_login(user)
            # An expert's landing page is the queue of assigned cases.
            median, p95, queries = measure(client, "/expert/" if role == "expert" else "/")
            emit(f"dashboard.{role}.{total}.median", median, "ms")
            emit(f"dashboard.{role}.{total}.p95", p95, "ms")
            emit(f"dashboard.{role}.{total}.queries", queries, "queries")
            emit(f"dashboard.{role}.{total}.visible", world.visible_to(user), "cases")
    from tests.benchmarks.documents import bench_documents

    bench_documents(emit)
    from tests.benchmarks.aggregation import bench_aggregation

    bench_aggregation(emit)
    from tests.benchmarks.nrta import bench_nrta

    bench_nrta(emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
