"""How long the benchmark's world takes to grow, and its memory:
`python -m tests.benchmarks.grow 10000 100000` (a fresh SQLite database in a temporary
directory, or DATABASE_URL if set: use a scratch database, e.g. through
`bash .ci/with-postgres`). Prints, per size, `world.<vendor>.<cases>.seconds`, the
peak RSS, and the anonymous and file-backed parts of the resident memory at the end."""

import resource
import sys
import time


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in kB (0 where there is none: not Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


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
        emit(f"world.{connection.vendor}.{total}.peak_rss", peak, "MB")
        # On SQLite most of the peak is the database file mapped into memory (the
        # settings' mmap_size): page cache, not the builder's own memory.
        emit(f"world.{connection.vendor}.{total}.anon_rss", _status_kb("RssAnon") // 1024, "MB")
        emit(f"world.{connection.vendor}.{total}.file_rss", _status_kb("RssFile") // 1024, "MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
