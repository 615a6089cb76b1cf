"""Benchmarks: `make bench` (python -m tests.benchmarks.run; `… run tables`: only the
table documents as PDF, at 500 rows).

Prints one figure per line, `name value unit`: the world's build time, every page at
each size with its queries and its ratio to a trivial view, the documents, the
aggregation, the NRTA package, the figures of the last `make loadtest`, then a summary
table of the pages against the issue's targets (lines starting with `#`). The same lines
go to var/bench/<engine>-<sizes>.txt (BENCH_OUT to choose), to compare two runs.

Runs on a fresh SQLite database in a temporary directory (or on DATABASE_URL if set,
which it then fills: use a scratch database, as `make bench-pg` does), with DEBUG off as
in production.

Variables: BENCH_SHORT=1 (CI: 100 and 500 cases, few repeats), BENCH_LARGE=1 (on to
100,000 cases), BENCH_PAGES=name,… (only those pages), BENCH_PAGES_ONLY=1 (no documents,
aggregation, package), BENCH_REPEAT / BENCH_WARMUP (requests per page), LOADTEST_RESULT
(the load test's output to read; default var/bench/loadtest.txt, which `make loadtest`
writes).
"""

import atexit
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))


def _setup_django() -> None:
    if "VAR_DIR" not in os.environ:
        # The world's SQLite file (3 GB at 100,000 cases) and files go to a directory of
        # this run's own, removed when it ends: runs left 3 GB each in /tmp.
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="casework-bench-")
        atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)
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


# Every figure emitted in this run, for the summary; and the file they also go to.
FIGURES: dict[str, float] = {}
_out = None


def emit(name: str, value: float, unit: str) -> None:
    line = f"{name} {value:.2f} {unit}" if isinstance(value, float) else f"{name} {value} {unit}"
    FIGURES[name] = value
    print(line, flush=True)
    if _out is not None:
        _out.write(line + "\n")
        _out.flush()


def note(text: str = "") -> None:
    """A line for people, not a figure: starts with `#`."""
    line = f"# {text}".rstrip()
    print(line, flush=True)
    if _out is not None:
        _out.write(line + "\n")
        _out.flush()


def _open_out(vendor: str):
    label = "short" if os.environ.get("BENCH_SHORT") else "large" if os.environ.get("BENCH_LARGE") else "default"
    path = Path(os.environ.get("BENCH_OUT") or ROOT / "var" / "bench" / f"{vendor}-{label}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, path.open("w", encoding="utf-8")


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


# The targets (issue 12): every page within 10x the trivial view at 10,000
# cases and 15x at 100,000, with at most 12 queries, the same at every size.
RATIO_TARGETS = {10_000: 10.0, 100_000: 15.0}
MAX_QUERIES = 12


def loadtest_figures() -> None:
    """The figures of the last `make loadtest` (its `loadtest.*` lines, as it printed
    them), with the result's age. The load test is not run here: it needs PostgreSQL,
    gunicorn and the machine to itself for 3 minutes and more; run within `make bench`
    it would double its time and its load would blur the pages' figures."""
    path = Path(os.environ.get("LOADTEST_RESULT") or ROOT / "var" / "bench" / "loadtest.txt")
    if not path.is_file():
        note(f"no load test result in {path}: run `make loadtest` (it writes that file)")
        return
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("loadtest.")]
    note(f"the last load test: {path}")
    emit("loadtest.result_age", (time.time() - path.stat().st_mtime) / 3600, "hours")
    for line in lines:
        print(line, flush=True)
        if _out is not None:
            _out.write(line + "\n")
    if not lines:
        note("(no loadtest.* figure in it: did the load test finish?)")


def summary(sizes_run: tuple[int, ...]) -> None:
    """A table of the pages: queries and ratio at each size, and what misses a target."""
    # In the order they were measured.
    names = list(dict.fromkeys(".".join(key.split(".")[1:3]) for key in FIGURES if key.startswith("page.")))
    if not names:
        return
    note()
    note("summary: × trivial view (queries) at " + ", ".join(f"{n:,}" for n in sizes_run) + " cases")
    missed = []
    for name in names:
        cells = []
        for total in sizes_run:
            ratio = FIGURES.get(f"page.{name}.{total}.ratio")
            queries = FIGURES.get(f"page.{name}.{total}.queries")
            if ratio is None:
                cells.append(f"{'—':>14}")
                continue
            cells.append(f"{ratio:>8.1f}× ({queries:>2})")
            target = RATIO_TARGETS.get(total)
            if target is not None and ratio > target:
                missed.append(f"{name} {ratio:.1f}× > {target:.0f}× at {total:,}")
            if queries > MAX_QUERIES:
                missed.append(f"{name} {queries} queries > {MAX_QUERIES} at {total:,}")
        counts = {FIGURES.get(f"page.{name}.{total}.queries") for total in sizes_run} - {None}
        if len(counts) > 1:
            missed.append(f"{name} queries not constant: {sorted(counts)}")
        note(f"{name:<24} " + "  ".join(cells))
    ratios = ", ".join(f"≤ {target:.0f}× at {total:,}" for total, target in RATIO_TARGETS.items())
    note(f"targets: ≤ {MAX_QUERIES} queries, constant; {ratios}")
    for miss in missed:
        note(f"missed: {miss}")
    if not missed:
        note("every page within its targets")


def main() -> int:
    global _out
    _setup_django()
    if sys.argv[1:] == ["tables"]:
        # Only the table documents at 500 rows (the ranking table, the NRTA list, 公示, 通报).
        from tests.benchmarks.documents import bench_tables_only

        bench_tables_only(emit)
        return 0
    from django.db import connection
    from django.test import Client

    out_path, _out = _open_out(connection.vendor)

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
        start = time.perf_counter()
        world.grow_to(total)
        emit(f"world.{total}.seconds", time.perf_counter() - start, "s")
        emit(f"world.{total}.peak_rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MB")
        # The floor: a logged-in view rendering a small template (the session and user
        # queries every page pays), measured in the same process as the pages.
        median, p95, queries = measure(clients["applicant"], "/bench/trivial/")
        emit(f"trivial.{total}.median", median, "ms")
        emit(f"trivial.{total}.queries", queries, "queries")
        for name, role, url in pages(world):
            if only and name not in only:
                continue
            # Signed in again: a role whose pages were measured long ago (the slow
            # pages at 100,000 cases take minutes) has outlived the idle timeout.
            clients[role].force_login(roles[role])
            median, floor, ratio, queries = measure_ratio(
                clients["applicant"], clients[role], url, repeat=3 if short else REPEAT, warmup=1 if short else WARMUP
            )
            emit(f"page.{name}.{total}.median", median, "ms")
            emit(f"page.{name}.{total}.queries", queries, "queries")
            emit(f"page.{name}.{total}.ratio", ratio, "x_trivial")
        for role, user in roles.items():
            emit(f"visible.{role}.{total}", world.visible_to(user), "cases")
    if not os.environ.get("BENCH_PAGES_ONLY"):
        from tests.benchmarks.documents import bench_documents

        bench_documents(emit)
        from tests.benchmarks.aggregation import bench_aggregation

        bench_aggregation(emit)
        from tests.benchmarks.nrta import bench_nrta

        bench_nrta(emit)
        loadtest_figures()
    summary(sizes())
    note(f"engine {connection.vendor}; these lines are also in {out_path}")
    _out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
