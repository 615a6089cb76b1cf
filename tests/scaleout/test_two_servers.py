"""Scale-out: two application servers (gunicorn, on two ports) and one worker against
one PostgreSQL and one S3-compatible store (moto's server). An upload through one
server is downloaded through the other; an NRTA package is built by the worker and
downloaded from either; one session serves on both.

Needs DATABASE_URL to name PostgreSQL (`.ci/with-postgres`; .ci/run runs the suite
there): SQLite cannot be shared by servers on several machines. Select it with
`-m scaleout`. The servers use the test database, so the test commits its data
(transactional_db) and ends them before the database goes.
"""

import os
import socket
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.models import Attachment
from core.models import Job, JobStatus
from tests.factories import make_case, pdf_upload
from tests.s3 import s3_storage_settings

pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="the scale-out test needs DATABASE_URL to name PostgreSQL",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "casework-scaleout"
# A real (blank) PDF: uploads are parsed with pypdf, a bare header is refused.
PDF = pdf_upload("年度报告.pdf").read()
START_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def moto_s3(settings):
    """moto's S3 server on a port of 127.0.0.1, one bucket, and the test process's
    default storage pointed at it (so what the test creates is where the servers look)."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="t"
    ).create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(bucket=BUCKET, endpoint_url=endpoint)}
    yield endpoint
    server.stop()


def _environment(endpoint: str, tmp_path: Path) -> dict[str, str]:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY=django_settings.SECRET_KEY,  # the test's sessions are signed with it
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=url,
        TASK_BACKEND="database",
        FILE_STORE="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=endpoint,
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media-unused"),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        LOG_LEVEL="WARNING",
        # The sessions are made by the test (force_login): no one-time code was given,
        # as in every test but the sign-in policy's.
        SIGNIN_OTP_REQUIRED="false",
    )
    return environment


@pytest.fixture
def stack(moto_s3, tmp_path):
    """Two gunicorn servers and one worker; yields their base URLs."""
    environment = _environment(moto_s3, tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )
    ports = [_free_port(), _free_port()]
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = []
    handles = []

    def start(name, command, **extra):
        log = (logs / f"{name}.log").open("wb")
        handles.append(log)
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env={**environment, **extra}, stdout=log, stderr=subprocess.STDOUT)
        )

    for number, port in enumerate(ports):
        start(
            f"web{number}",
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application"],
            GUNICORN_BIND=f"127.0.0.1:{port}",
        )
    start("worker", [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"])
    urls = [f"http://127.0.0.1:{port}/" for port in ports]
    try:
        for url in urls:
            _wait_healthy(url, processes, logs)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in handles:
            log.close()


def _wait_healthy(url: str, processes, logs: Path) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break
        try:
            response = requests.get(urljoin(url, "healthz"), timeout=5)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    output = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs.iterdir())
    pytest.fail(f"{url} did not become healthy:\n{output}")


def _session_for(user):
    """A browser's session: signed in once (Django's own login), then the same cookie
    is sent to either server."""
    import requests

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(django_settings.SESSION_COOKIE_NAME, client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    return session


def _csrf(session, url: str) -> str:
    response = session.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    return session.cookies[django_settings.CSRF_COOKIE_NAME]


def test_two_servers_one_worker_one_database_one_store(transactional_db, stack, world, cast):
    first, second = stack

    # --- one session, either server; an upload through one, the download through the other
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    applicant = _session_for(cast.applicant_a)
    token = _csrf(applicant, urljoin(first, reverse("case_edit", args=[draft.pk])))
    response = applicant.post(
        urljoin(first, reverse("attachment_upload", args=[draft.pk])),
        data={"kind": "evidence", "description": "佐证", "csrfmiddlewaretoken": token},
        files={"file": ("年度报告.pdf", PDF, "application/pdf")},
        headers={"Referer": urljoin(first, reverse("case_edit", args=[draft.pk]))},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    attachment = Attachment.objects.get(case=draft)
    download = applicant.get(
        urljoin(second, reverse("attachment_download", args=[draft.pk, attachment.pk])), timeout=30
    )
    assert download.status_code == 200 and download.content == PDF
    # The same session on the other server, unchanged (the session lives in the database).
    assert applicant.get(urljoin(second, reverse("case_edit", args=[draft.pk])), timeout=30).status_code == 200

    # --- the package: requested through the second server, built by the worker
    province = _session_for(cast.province_admin)
    nrta_page = urljoin(second, reverse("reviews:nrta", args=[2024]))
    token = _csrf(province, nrta_page)
    response = province.post(
        urljoin(second, reverse("reviews:nrta_package_request", args=[2024])),
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": nrta_page},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    package = Job.objects.get(kind="nrta_package")
    deadline = time.monotonic() + 90
    while package.status in (JobStatus.QUEUED, JobStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.5)
        package.refresh_from_db()
    assert package.status == JobStatus.DONE, package.error

    url = reverse("job_download", args=[package.pk])
    from_first = province.get(urljoin(first, url), timeout=60)
    from_second = province.get(urljoin(second, url), timeout=60)
    assert from_first.status_code == from_second.status_code == 200
    assert from_first.content == from_second.content and len(from_first.content) == package.size
    with zipfile.ZipFile(BytesIO(from_first.content)) as archive:
        assert archive.testzip() is None and "00-推荐名单.pdf" in archive.namelist()

    # --- both servers see the worker alive and the queue empty
    for base in (first, second):
        health = province.get(urljoin(base, "healthz"), timeout=30).json()
        assert health["status"] == "ok" and health["worker"]["queued"] == 0
