"""What one autosave costs, in this process: queries, their SQL, time, beside the
load test's trivial POST, both through the full middleware stack with CSRF enforced.

    python -m tests.loadtest.profile_autosave [--saves 200] [--profile 25]

On the database DATABASE_URL names (a temporary SQLite file when unset;
`bash .ci/with-postgres …` for PostgreSQL). Prints queries per request (with the SQL
of one autosave), the median in-process time of each, their ratio, and with
--profile N the N costliest functions of the autosaves (cProfile, cumulative).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode


class _Recorder:
    """Every statement sent on the connection while inside (a request opens and closes
    its own connection when CONN_MAX_AGE is 0, so the debug cursor's log would miss
    them): connection.execute_wrapper."""

    def __init__(self, connection):
        self.connection = connection
        self.captured_queries = []

    def __call__(self, execute, sql, params, many, context):
        self.captured_queries.append({"sql": sql})
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def prepare():
    """A throw-away database (SQLite under a temporary directory unless DATABASE_URL is
    set), one applicant signed in on a CSRF-enforcing test client, their draft's editor
    loaded. Returns (client, case, the editor's fields, the CSRF token)."""
    directory = tempfile.mkdtemp(prefix="profile-autosave-")
    work = Path(directory)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.loadtest.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="profile-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        TASK_BACKEND="database",
        VAR_DIR=str(work / "var"),
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from accounts.enums import OrgKind, Role
    from tests.factories import OrganisationFactory, UnitFactory, UserFactory, make_case, open_campaign
    from tests.loadtest.editor_form import editor_fields

    campaign = open_campaign()
    authority = OrganisationFactory(name="剖析市文广旅局", code="profile-city", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="剖析融媒体中心", code="profile-unit", authority=authority)
    user = UserFactory(username="profile-0001", organisation=unit, role=Role.APPLICANT)
    case = make_case(campaign=campaign, applicant=user, complete=False, title="剖析案例")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get(f"/cases/{case.pk}/edit/")
    assert page.status_code == 200, page.status_code
    fields = editor_fields(page.content.decode())
    return browser, case, fields, browser.cookies[settings.CSRF_COOKIE_NAME].value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one autosave")
    parser.add_argument(
        "--multipart",
        action="store_true",
        help="send the autosave as multipart/form-data (default: urlencoded, as the editor)",
    )
    args = parser.parse_args()
    browser, case, fields, csrf = prepare()
    from django.db import connection

    section = next(name for name in fields if name.startswith("section__"))
    headers = {"HTTP_X_CSRFTOKEN": csrf, "HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}
    if not args.multipart:
        headers["content_type"] = "application/x-www-form-urlencoded"

    state = {"saves": 0}

    def autosave():
        state["saves"] += 1
        fields[section] = "本案例以县级融媒体中心为主体，推进新闻宣传与政务服务融合。" + f"[save {state['saves']}]"
        body = fields if args.multipart else urlencode(fields)
        answer = browser.post(f"/cases/{case.pk}/autosave/", body, **headers)
        assert answer.status_code == 200, (answer.status_code, answer.content[:300])
        fields["version"] = str(answer.json()["version"])

    def trivial():
        answer = browser.post(
            "/loadtest/trivial/",
            urlencode({"csrfmiddlewaretoken": csrf}),
            content_type="application/x-www-form-urlencoded",
        )
        assert answer.status_code == 200, answer.status_code

    def measure(request, count):
        """Median wall time and median CPU time of this process (the database server's
        is not counted in the latter; other load on the machine inflates it little)."""
        wall, cpu = [], []
        for _ in range(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            request()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        return statistics.median(wall) * 1000, statistics.median(cpu) * 1000

    for _ in range(10):
        autosave()
        trivial()
    with _Recorder(connection) as one_save:
        autosave()
    with _Recorder(connection) as one_trivial:
        trivial()
    autosave_ms = measure(autosave, args.saves)
    trivial_ms = measure(trivial, args.saves)

    print(f"profile.engine {connection.vendor}  (load average {os.getloadavg()[0]:.2f})")
    print(f"profile.autosave_queries {len(one_save.captured_queries)}")
    print(f"profile.trivial_post_queries {len(one_trivial.captured_queries)}")
    print(f"profile.autosave_median_ms {autosave_ms[0]:.2f}  (CPU {autosave_ms[1]:.2f})")
    print(f"profile.trivial_post_median_ms {trivial_ms[0]:.2f}  (CPU {trivial_ms[1]:.2f})")
    print(
        f"profile.autosave_to_trivial_cost {autosave_ms[0] / trivial_ms[0]:.2f}"
        f"  (CPU {autosave_ms[1] / trivial_ms[1]:.2f})"
    )
    if args.sql:
        for kind, captured in (("autosave", one_save), ("trivial POST", one_trivial)):
            print(f"--- SQL of one {kind}")
            for query in captured.captured_queries:
                print(f"  {query['sql'][:220]}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(min(args.saves, 100)):
            autosave()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
