"""How long the benchmark's world takes to grow, and its peak memory:
`python -m tests.benchmarks.grow 10000 100000` (a fresh SQLite database in a temporary
directory, or DATABASE_URL if set: use a scratch database, e.g. through
`bash .ci/with-postgres`). Prints `world.<vendor>.<cases>.seconds` and `.peak_rss` per size."""

import resource
import sys
import time


def main(argv: list[str]) -> int:
    from tests.benchmarks.run import _setup_django, emit

    _setup_django()
    from django.db import connection

    from tests.benchmarks.data import World

    world = World.build()
    for total in map(int, argv or ["10000"]):
        start = time.perf_counter()
        world.grow_to(total)
        emit(f"world.{connection.vendor}.{total}.seconds", time.perf_counter() - start, "s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        emit(f"world.{connection.vendor}.{total}.peak_rss_mb", peak, "MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
