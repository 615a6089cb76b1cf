"""/healthz, the request id and JSON logs, the worker's heartbeat and queue on the
province's dashboard."""

import json
import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.logs import JsonFormatter, RequestIdFilter, request_id_var
from core.worker_status import HEARTBEAT_KEY, record_heartbeat

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


def test_healthz_answers_without_sign_in_and_names_nothing_private(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": "ok", "storage": "ok", "worker": "ok"}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_fails_while_the_worker_is_silent_and_recovers_with_its_heartbeat(client, db, database_tasks):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "fail"
    assert response.json()["worker"] == {"queued": 0, "running": 0, "heartbeat_age_s": None}

    record_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["worker"]["heartbeat_age_s"] < 5


def test_an_old_heartbeat_is_a_dead_worker(client, db, database_tasks, settings):
    cache.set(HEARTBEAT_KEY, time.time() - settings.WORKER_STALE_AFTER_SECONDS - 1)
    assert client.get(reverse("healthz")).status_code == 503


def test_healthz_reports_a_failing_store_without_its_error(client, db, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(name):
        raise OSError("/secret/path: permission denied")

    monkeypatch.setattr(default_storage, "exists", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "fail"
    assert b"secret" not in response.content


def test_healthz_refuses_other_methods(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept(client, db):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert len(first) == 32 and first != second
    assert client.get(reverse("healthz"), HTTP_X_REQUEST_ID="nginx-0123456789abcdef")["X-Request-ID"] == (
        "nginx-0123456789abcdef"
    )
    # Anything that is not a plain token is replaced, never echoed into logs or headers.
    forged = client.get(reverse("healthz"), HTTP_X_REQUEST_ID='x" injected: 1')["X-Request-ID"]
    assert "injected" not in forged


def test_log_lines_are_json_with_the_request_id():
    record = logging.makeLogRecord(
        {"name": "casework.access", "levelno": logging.INFO, "levelname": "INFO", "msg": "GET %s", "args": ("/案例",)}
    )
    record.status = 200
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /案例"
    assert line["request_id"] == "abc123def456"
    assert line["status"] == 200 and line["level"] == "INFO" and line["logger"] == "casework.access"


def test_the_province_sees_the_queue_and_a_dead_worker(client, cast, database_tasks):
    from applications.lifecycle.notifications import send_transition_notification

    client.force_login(cast.province_admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert "处理进程未运行，排队 0 项" in page

    send_transition_notification.enqueue(record_id=1, parties=[])
    send_transition_notification.enqueue(record_id=2, parties=[])
    record_heartbeat()
    page = client.get(reverse("dashboard")).content.decode()
    assert "运行正常，排队 2 项" in page


def test_no_one_else_sees_the_worker_line(client, cast, database_tasks):
    record_heartbeat()
    for user in (cast.applicant_a, cast.reviewer_a):
        client.force_login(user)
        assert 'id="worker-status"' not in client.get(reverse("dashboard")).content.decode()
