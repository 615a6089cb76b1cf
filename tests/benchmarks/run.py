"""Benchmarks: `make bench` (python -m tests.benchmarks.run; `… run tables`: only the
table documents as PDF, at 500 rows).

Prints one figure per line, `name value unit`. Runs on a fresh SQLite database in a
temporary directory (or on DATABASE_URL if set, which it then fills: use a scratch
database), with DEBUG off as in production.
"""

import os
import statistics
import sys
import tempfile
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))


def _setup_django() -> None:
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="casework-bench-"))
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # Production settings in one process, as the test suite has them: plain HTTP (the
    # test client), static files from the finders (no collectstatic).
    os.environ.setdefault("HTTPS", "false")
    # The benchmark signs its users in without a one-time code, as the tests do.
    os.environ.setdefault("SIGNIN_OTP_REQUIRED", "false")
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


def sizes() -> tuple[int, ...]:
    """100 and 10,000 cases; BENCH_SHORT=1 (CI) stops at 500, BENCH_LARGE=1 goes on to 100,000."""
    if os.environ.get("BENCH_SHORT"):
        return (100, 500)
    if os.environ.get("BENCH_LARGE"):
        return (100, 10_000, 100_000)
    return (100, 10_000)


def pages(world) -> list[tuple[str, str, str]]:
    """(name, role, url) of every page the benchmark measures."""
    year = world.campaign.year
    case = world.sample_case()
    assignment = world.sample_assignment()
    return [
        ("dashboard.applicant", "applicant", "/"),
        ("dashboard.authority", "authority", "/"),
        ("dashboard.province", "province", "/"),
        ("authority.queue", "authority", f"/review/{year}/"),
        ("authority.ranking", "authority", f"/review/{year}/ranking/"),
        ("province.overview", "province", f"/province/{year}/"),
        ("province.assignment", "province", f"/province/{year}/review/"),
        ("province.results", "province", f"/province/{year}/results/"),
        ("province.publication", "province", f"/province/{year}/publication/"),
        ("province.nrta", "province", f"/province/{year}/nrta/"),
        ("expert.queue", "expert", "/expert/"),
        ("expert.score", "expert", f"/expert/assignments/{assignment.pk}/"),
        ("case.applicant", "applicant", f"/cases/{case.pk}/"),
        ("case.authority", "authority", f"/cases/{case.pk}/"),
        ("case.province", "province", f"/cases/{case.pk}/"),
    ]


def measure_ratio(
    trivial_client, client, url: str, *, repeat: int = REPEAT, warmup: int = WARMUP
) -> tuple[float, float, float, int]:
    """(median ms of the page, median ms of the trivial view, their ratio, queries of
    the page): the two requested in turn, so that both see the same load on a shared
    machine; the ratio is the median of the per-pair ratios. On SQLite (the database
    in the process) the times are this process's CPU time, which other engineers'
    load does not inflate; on PostgreSQL, wall time (the server's work counts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock = time.process_time if connection.vendor == "sqlite" else time.perf_counter

    for _ in range(warmup):
        assert client.get(url).status_code == 200
        trivial_client.get("/bench/trivial/")
    pages, floors, ratios = [], [], []
    for _ in range(repeat):
        start = clock()
        trivial_client.get("/bench/trivial/")
        floor = (clock() - start) * 1000
        start = clock()
        response = client.get(url)
        page = (clock() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        pages.append(page)
        floors.append(floor)
        ratios.append(page / floor)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(pages), statistics.median(floors), statistics.median(ratios), len(queries)


def main() -> int:
    _setup_django()
    if sys.argv[1:] == ["tables"]:
        # Only the table documents at 500 rows (the ranking table, the NRTA list, 公示, 通报).
        from tests.benchmarks.documents import bench_tables_only

        bench_tables_only(emit)
        return 0
    from django.test import Client

    from tests.benchmarks.data import World

    world = World.build()
    roles = {
        "applicant": world.applicant,
        "authority": world.reviewer,
        "province": world.province_admin,
        "expert": world.expert,
    }
    clients = {}
    for role, user in roles.items():
        clients[role] = Client()
        clients[role].force_login(user)
    only = set(filter(None, os.environ.get("BENCH_PAGES", "").split(",")))
    short = bool(os.environ.get("BENCH_SHORT"))
    for total in sizes():
        world.grow_to(total)
        # The floor: a logged-in view rendering a small template (the session and user
        # queries every page pays), measured in the same process as the pages.
        median, p95, queries = measure(clients["applicant"], "/bench/trivial/")
        emit(f"trivial.{total}.median", median, "ms")
        emit(f"trivial.{total}.queries", queries, "queries")
        for name, role, url in pages(world):
            if only and name not in only:
                continue
            median, floor, ratio, queries = measure_ratio(
                clients["applicant"], clients[role], url, repeat=3 if short else REPEAT, warmup=1 if short else WARMUP
            )
            emit(f"page.{name}.{total}.median", median, "ms")
            emit(f"page.{name}.{total}.queries", queries, "queries")
            emit(f"page.{name}.{total}.ratio", ratio, "x_trivial")
        for role, user in roles.items():
            emit(f"visible.{role}.{total}", world.visible_to(user), "cases")
    if os.environ.get("BENCH_PAGES_ONLY"):
        return 0
    from tests.benchmarks.documents import bench_documents

    bench_documents(emit)
    from tests.benchmarks.aggregation import bench_aggregation

    bench_aggregation(emit)
    from tests.benchmarks.nrta import bench_nrta

    bench_nrta(emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
