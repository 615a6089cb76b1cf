"""gunicorn's settings for every way the app is served: `make run`, the systemd unit
(deploy/systemd/casework-web.service) and the two-server test. Environment:

    GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; nginx proxies to it)
    WEB_CONCURRENCY   worker processes (default 2 × cores + 1, at most 9)
    GUNICORN_THREADS  threads per worker (default 1: sync workers behind nginx)
    GUNICORN_TIMEOUT  seconds a request may take (default 120: a large PDF)
    FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1)
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# WeasyPrint's memory is returned to the system only when a process ends: recycle.
max_requests = 1000
max_requests_jitter = 100
# The app imported once, in the master, and each worker forked from it: a recycled
# worker then starts in a fork's time, not by importing Django and the project again
# (0.8 s of CPU per recycle, about 1 ms per request at 1,000 requests a worker).
# Nothing connects to the database at import. A HUP re-reads this file but keeps the
# loaded code: after an upgrade, restart (systemctl restart casework-web).
preload_app = True


def when_ready(server):
    """In the master, the app loaded, before the first worker is forked: what every
    worker would otherwise do on its first requests (config.warmup)."""
    from config.warmup import warm_up

    warm_up()


forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The request log is Django's (config.middleware.RequestIdMiddleware, JSON, request id);
# gunicorn's own messages go to stderr like everything else.
accesslog = None
errorlog = "-"
proc_name = "casework-web"
# No control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) would be shared by
# every instance on a machine (make run beside a test's servers); systemd manages ours.
control_socket_disable = True
