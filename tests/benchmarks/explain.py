"""The plans of the pages' queries on PostgreSQL: `bash .ci/with-postgres python -m
tests.benchmarks.explain [cases [page,…]]` grows the benchmark's world to `cases`
(10,000 by default), requests every page (or those named) as its role, captures its
queries, and prints each with EXPLAIN (ANALYZE, BUFFERS), slowest first (the plans of
those faster than BENCH_EXPLAIN_MIN_MS, default 1 ms, left out). Not against the
database of a running benchmark: signing its users in ends their sessions there (one
session per account)."""

import os
import sys
import time


def main(argv: list[str]) -> int:
    from tests.benchmarks.run import _setup_django

    size, argv = int(argv[0]) if argv else 10_000, argv[1:]
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from applications.models import Case
    from tests.benchmarks.data import World
    from tests.benchmarks.run import pages

    assert connection.vendor == "postgresql", "EXPLAIN (ANALYZE, BUFFERS) is PostgreSQL's"
    world = World.build()
    world.grow_to(size)
    roles = {
        "applicant": world.applicant,
        "authority": world.reviewer,
        "province": world.province_admin,
        "expert": world.expert,
    }
    print("cases:", Case.objects.count(), flush=True)
    only = set(filter(None, ",".join(argv).split(",")))
    least = float(os.environ.get("BENCH_EXPLAIN_MIN_MS", "1"))
    for name, role, url in pages(world):
        if only and name not in only:
            continue
        client = Client()
        client.force_login(roles[role])
        client.get(url)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        total = (time.perf_counter() - start) * 1000
        print(f"\n======== {name} {url}: {len(captured)} queries, {total:.1f} ms", flush=True)
        plans = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
                took = next((float(line.split()[2]) for line in lines if line.startswith("Execution Time")), 0.0)
                plans.append((took, sql, lines))
        for took, sql, lines in sorted(plans, key=lambda p: -p[0]):
            if took < least:
                print(f"-- {took:.2f} ms: {sql[:160]}")
                continue
            print(f"\n-- {took:.2f} ms\n{sql}\n" + "\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
