"""`make loadtest`: the deadline rush against the production stack.

    python -m tests.loadtest.run --users 300 --seconds 180 --ramp-seconds 30 --workers 4

On the database DATABASE_URL names (`make loadtest` starts a throw-away PostgreSQL),
127.0.0.1 only, stopping by itself:

1. migrate, one open campaign, one draft per simulated applicant (units of ten
   applicants), a signed-in session for each;
2. gunicorn (--workers sync workers, the project's config/gunicorn.py) and the worker;
3. the rush: --users applicants arriving over --ramp-seconds, each opening its editor
   page, then all of them autosaving their own drafts for --seconds more (locust,
   headless); then lost saves: what each client last had acknowledged vs the database.
   The autosaves' p50/p95 over the whole rush, the arrivals included, and the p95 once
   every client is running;
4. throughput at saturation, in the same run on the same server: --flat-out clients
   autosaving with no pause, then the same clients posting a trivial signed-in POST,
   --saturation-seconds each, and again, --rounds times in turn; the ratio autosave /
   trivial over all rounds, and each round's beside it. In turn, because the machine's
   own speed drifts over minutes (one phase after the other, 0.43 to 0.56 from the same
   code): what drifts then weighs on both alike.

Each throughput, and beside it the server's CPU per request (gunicorn's workers and
PostgreSQL's backends, from the kernel's accounting: a cost ratio that other load on a
shared machine hardly moves), is taken once every client has opened its editor page
(locust's per-second history): the pages' cost is in neither.

Prints one figure a line. Exit status 1 when a save was lost or a request failed.
"""

import argparse
import csv
import json
import os
import re
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
# The locustfile's marker in each saved text: "[loadtest case 12 save 7]".
MARKER = re.compile(r"\[loadtest case \d+ save (\d+)\]")
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(work: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.loadtest.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY=os.environ.get("LOADTEST_SECRET_KEY", "loadtest-only-" + "k" * 40),
        ALLOWED_HOSTS="127.0.0.1",
        TASK_BACKEND="database",
        VAR_DIR=str(work / "var"),
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="ERROR",
    )
    return environment


def _prepare(users: int, clients_file: Path) -> None:
    """In this process: schema, campaign, units, applicants, drafts, sessions."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils.crypto import get_random_string

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    # Test users' passwords are never typed: a fast hash keeps the set-up short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from accounts.enums import OrgKind, Role
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, make_case, open_campaign

    campaign = open_campaign()
    authority = OrganisationFactory(name="压力测试市文广旅局", code="loadtest-city", kind=OrgKind.AUTHORITY)
    clients = []
    unit = None
    for number in range(users):
        if number % 10 == 0:
            unit = UnitFactory(
                name=f"压力测试融媒体中心{number // 10:03d}", code=f"lt-{number // 10:03d}", authority=authority
            )
        user = UserFactory(username=f"lt-{number:04d}", organisation=unit, role=Role.APPLICANT)
        case = make_case(campaign=campaign, applicant=user, complete=False, title=f"压力测试案例{number:04d}")
        browser = Client()
        browser.force_login(user)
        clients.append(
            {
                "case": case.pk,
                "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
                # The CSRF cookie a browser would hold (its secret; the page's field masks it).
                "csrf": get_random_string(32, string.ascii_letters + string.digits),
            }
        )
    clients_file.write_text(json.dumps(clients), encoding="utf-8")


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn ended before serving")
        try:
            with urlopen(url + "/healthz", timeout=5) as answer:  # noqa: S310 - 127.0.0.1
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} not healthy after {timeout} s")


def _wait_drained(url: str, timeout: float = 180) -> float:
    """Wait until the server answers /healthz at once three times running: the requests
    of clients stopped at the end of a phase are still queued in it. Returns the wait."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < timeout:
        before = time.monotonic()
        try:
            with urlopen(url + "/healthz", timeout=30):  # noqa: S310 - 127.0.0.1
                pass
        except OSError:
            pass
        quick = quick + 1 if time.monotonic() - before < 0.5 else 0
        time.sleep(0.5)
    return time.monotonic() - started


def _tree_cpu(pid: int | None) -> float:
    """CPU seconds of process `pid` and its descendants, those that ended included (a
    gunicorn worker is recycled after max_requests; PostgreSQL's backends end with
    their connection)."""
    import psutil

    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        children = root.children(recursive=True)
    except psutil.Error:
        return 0.0
    for child in children:
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _locust(
    user_class: str,
    *,
    users: int,
    seconds: int,
    host: str,
    work: Path,
    environment,
    results=None,
    cpu=None,
    ramp_seconds: float = 5,
) -> dict:
    """Run one phase; its rows of figures by request name. With `cpu` (a function giving
    the server's CPU seconds so far: gunicorn's, PostgreSQL's), also "steady": from the
    moment every client has opened its editor page (so their cost is in neither) to the
    end, by locust's per-second history, (requests answered, their seconds, and the CPU
    seconds of each that they took)."""
    prefix = work / f"{user_class}-{time.monotonic_ns()}"
    spawn_rate = max(users / ramp_seconds, 1)
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "tests" / "loadtest" / "locustfile.py"),
        user_class,
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        f"{spawn_rate:g}",
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
    ]
    extra = {"LOADTEST_RESULTS": str(results)} if results else {}
    process = subprocess.Popen(command, env={**environment, **extra}, cwd=ROOT)
    window = None
    if cpu is not None:
        time.sleep(min(users / spawn_rate + 3, seconds / 3))
        window = (time.time(), cpu())
    try:
        process.wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stream:
        rows = {row["Name"]: row for row in csv.DictReader(stream)}
    if window is not None:
        started, cpu_before = window
        cpu_after = cpu()
        with open(f"{prefix}_stats_history.csv", encoding="utf-8") as stream:
            history = [
                (int(row["Timestamp"]), int(row["Total Request Count"]))
                for row in csv.DictReader(stream)
                if row["Name"] == "Aggregated"
            ]
        rows["steady"] = _steady(history, started, int(rows["Aggregated"]["Request Count"]), cpu_before, cpu_after)
    return rows


def _steady(history, started: float, total: int, cpu_before, cpu_after) -> dict:
    """The phase once every client ran, from the last row of locust's history written
    before `started` (rows of (second, requests so far)): "requests" and "seconds" from
    that row to the last one (the throughput), "answered" to the very end (`total`) and
    "cpu" (seconds of each process group, from `started` to the end): its cost."""
    if not history:
        history = [(0, 0)]
    before = [(stamp, count) for stamp, count in history if stamp <= started]
    # Started before locust's first row: from its start, no request yet.
    first_stamp, first_count = before[-1] if before else (history[0][0], 0)
    last_stamp, last_count = history[-1]
    return {
        "requests": last_count - first_count,
        "seconds": last_stamp - first_stamp,
        "answered": total - first_count,
        "cpu": tuple(after - earlier for after, earlier in zip(cpu_after, cpu_before, strict=True)),
    }


def _lost_saves(results: Path) -> tuple[int, int]:
    """Clients whose last acknowledged save is not in the database: the stored text
    carries an older save's marker, or none. A newer one is no loss: a save the
    server committed after the client was stopped, before it could read the answer."""
    from applications.models import Case

    acknowledged = json.loads(results.read_text(encoding="utf-8"))
    sections = dict(Case.objects.filter(pk__in=[int(pk) for pk in acknowledged]).values_list("pk", "sections"))
    lost = 0
    for case, saved in acknowledged.items():
        wanted = int(MARKER.search(saved["marker"]).group(1))
        stored = [int(number) for number in MARKER.findall(json.dumps(sections.get(int(case), {}), ensure_ascii=False))]
        if not stored or max(stored) < wanted:
            lost += 1
    return lost, len(acknowledged)


def _percentile(values: list[float], percent: int) -> float:
    """The nearest-rank percentile (exact, unlike locust's rounded buckets): the smallest
    value with at least `percent` % of the values at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # ⌈percent × n / 100⌉, in integers
    return ordered[max(rank, 1) - 1]


def _all_running_p95(results: Path) -> tuple[float, int]:
    """(p95 in ms, autosaves) of the autosaves sent once every client had started."""
    timings = json.loads(Path(str(results) + ".timings").read_text(encoding="utf-8"))
    if not timings["spawned_at"]:
        return 0.0, 0
    spawned = timings["spawned_at"][0]
    after = [response for sent, response in timings["autosaves"] if sent >= spawned]
    return _percentile(after, 95), len(after)


def _saturation(phases: list[tuple[dict | None, dict]]) -> dict:
    """One request's figures over its saturation phases ((locust's row of the request,
    the phase's `_steady` figures) each): the throughput over them all (their requests
    ÷ their seconds) and each phase's, the worst p95, the failures, and the server's CPU
    milliseconds per request of each process group."""
    requests = sum(steady["requests"] for _row, steady in phases)
    seconds = sum(steady["seconds"] for _row, steady in phases)
    answered = sum(steady["answered"] for _row, steady in phases)
    groups = len(phases[0][1]["cpu"]) if phases else 0
    cpu = [sum(steady["cpu"][group] for _row, steady in phases) for group in range(groups)]
    return {
        "rps": requests / seconds if seconds > 0 else 0.0,
        "rounds": [steady["requests"] / steady["seconds"] if steady["seconds"] > 0 else 0.0 for _row, steady in phases],
        "p95": max((_figures(row)[3] for row, _steady in phases), default=0.0),
        "failures": sum(_figures(row)[1] for row, _steady in phases),
        "cpu_ms": tuple(1000 * total / answered if answered > 0 else 0.0 for total in cpu),
    }


def _figures(row: dict | None) -> tuple[int, int, float, float, float]:
    if row is None:  # not one request of the kind finished
        return 0, 0, 0.0, 0.0, 0.0
    return (
        int(row["Request Count"]),
        int(row["Failure Count"]),
        float(row["50%"]),
        float(row["95%"]),
        float(row["Requests/s"]),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=180, help="the rush, once every client is running")
    parser.add_argument(
        "--ramp-seconds", type=int, default=30, help="the clients' arrivals, spread evenly (before --seconds)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--flat-out", type=int, default=20, help="clients in the saturation phases")
    parser.add_argument("--saturation-seconds", type=int, default=0, help="each phase (default: seconds / 6, ≥ 30)")
    parser.add_argument("--rounds", type=int, default=2, help="saturation rounds: an autosave phase, a trivial one")
    args = parser.parse_args()
    saturation = args.saturation_seconds or max(args.seconds // 6, 30)

    with tempfile.TemporaryDirectory(prefix="loadtest-") as directory:
        work = Path(directory)
        environment = _environment(work)
        os.environ.update(environment)
        clients = work / "clients.json"
        started = time.monotonic()
        _prepare(max(args.users, args.flat_out), clients)
        from django.db import connection

        engine = connection.vendor
        postmaster = None
        if engine == "postgresql":
            import psutil

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                postmaster = psutil.Process(cursor.fetchone()[0]).ppid()
        connection.close()
        print(f"loadtest.setup_s {time.monotonic() - started:.1f}  ({engine}, {args.users} applicants)", flush=True)

        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        environment.update(LOADTEST_CLIENTS=str(clients))
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "tests.loadtest.wsgi:application"],
            cwd=ROOT,
            env={**environment, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.workers)},
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "-v", "0"], cwd=ROOT, env=environment
        )

        def _server_cpu() -> tuple[float, float]:
            return _tree_cpu(web.pid), _tree_cpu(postmaster)

        try:
            _wait_healthy(host, web)
            results = work / "acknowledged.json"
            rush = _locust(
                "AutosaveUser",
                users=args.users,
                seconds=args.ramp_seconds + args.seconds,
                ramp_seconds=args.ramp_seconds,
                host=host,
                work=work,
                environment=environment,
                results=results,
            )
            drained = _wait_drained(host)
            lost, clients_saved = _lost_saves(results)
            running_p95, running_count = _all_running_p95(results)
            phases = {"autosave": [], "trivial POST": []}
            for _round in range(max(args.rounds, 1)):
                for name, user_class in (("autosave", "FlatOutAutosave"), ("trivial POST", "FlatOutTrivial")):
                    _wait_drained(host)
                    phase = _locust(
                        user_class,
                        users=args.flat_out,
                        seconds=saturation,
                        host=host,
                        work=work,
                        environment=environment,
                        cpu=_server_cpu,
                    )
                    phases[name].append((phase.get(name), phase["steady"]))
        finally:
            for process in (web, worker):
                process.terminate()
            for process in (web, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    count, failures, p50, p95, rps = _figures(rush.get("autosave"))
    total_failures = int(rush["Aggregated"]["Failure Count"])
    autosave, trivial = _saturation(phases["autosave"]), _saturation(phases["trivial POST"])
    print(f"loadtest.engine {engine}")
    print(
        f"loadtest.applicants {args.users}  arriving over {args.ramp_seconds} s, then all autosaving for "
        f"{args.seconds} s; gunicorn workers {args.workers}"
    )
    print(f"loadtest.autosaves {count}  ({rps:.1f}/s)")
    print(f"loadtest.errors {total_failures}  (autosave {failures}, all requests of the rush)")
    print(f"loadtest.backlog_after_rush_s {drained:.0f}  (until the server answered at once again)")
    print(f"loadtest.lost_saves {lost}  (of {clients_saved} clients' last acknowledged saves)")
    print(f"loadtest.autosave_p50_ms {p50:.0f}")
    print(f"loadtest.autosave_p95_ms {p95:.0f}  (the whole rush, the arrivals included)")
    print(f"loadtest.autosave_p95_all_running_ms {running_p95:.0f}  ({running_count} autosaves once every client ran)")
    rounds = f"{len(phases['autosave'])} rounds of {saturation} s each, in turn"
    for name, figures in (("autosave", autosave), ("trivial_post", trivial)):
        print(
            f"loadtest.saturation_{name}_rps {figures['rps']:.1f}  ({args.flat_out} clients, {rounds}; each "
            f"{' '.join(f'{r:.1f}' for r in figures['rounds'])}; worst p95 {figures['p95']:.0f} ms, "
            f"{figures['failures']} errors)"
        )
    ratio = autosave["rps"] / trivial["rps"] if trivial["rps"] else 0.0
    each = [a / t if t else 0.0 for a, t in zip(autosave["rounds"], trivial["rounds"], strict=True)]
    print(f"loadtest.autosave_to_trivial_post_ratio {ratio:.2f}  (each round {' '.join(f'{r:.2f}' for r in each)})")
    save_web, save_db = autosave["cpu_ms"]
    trivial_web, trivial_db = trivial["cpu_ms"]
    per_save, per_trivial = save_web + save_db, trivial_web + trivial_db
    print(
        f"loadtest.server_cpu_ms_per_autosave {per_save:.1f}  (gunicorn {save_web:.1f} + PostgreSQL {save_db:.1f}, "
        "saturation phases)"
    )
    print(
        f"loadtest.server_cpu_ms_per_trivial_post {per_trivial:.1f}  (gunicorn {trivial_web:.1f} + PostgreSQL "
        f"{trivial_db:.1f})"
    )
    if per_save:
        print(f"loadtest.server_cpu_trivial_to_autosave_ratio {per_trivial / per_save:.2f}  (the ratio by CPU cost)")
    return 1 if lost or total_failures or autosave["failures"] or trivial["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
