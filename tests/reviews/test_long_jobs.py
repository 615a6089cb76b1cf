"""Long jobs (core/jobs.py): progress recorded as the worker goes, the file stored and
linked when done, a Chinese reason when it fails, 404 to whoever may not see it; the
NRTA package and the large list exports are such jobs."""

import zipfile
from io import BytesIO
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import Role
from core import jobs
from core.models import Job, JobStatus
from reviews.outcome.nrta_package import nrta_package_request

SEEN = []


def _counting(job, stream, progress):
    for done in range(1, 4):
        progress(done, 3)
        # What the page would read now, while the job runs.
        SEEN.append(Job.objects.values_list("status", "done", "total").get(pk=job.pk))
    stream.write(b"three steps")
    return "结果.txt"


def _failing(job, stream, progress):
    progress(0, 5)
    raise jobs.JobFailed("第2个案例的附件在存储中找不到。")


@pytest.fixture
def kinds():
    SEEN.clear()
    jobs.register_kind("test_counting", run=_counting, extension="txt")
    jobs.register_kind("test_failing", run=_failing, extension="txt")
    yield
    jobs.KINDS.pop("test_counting")
    jobs.KINDS.pop("test_failing")


def _run(kind, actor, django_capture_on_commit_callbacks, **extra) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_request(kind=kind, actor=actor, title="测试任务", **extra)
        assert job.status == JobStatus.QUEUED
    job.refresh_from_db()
    return job


def test_progress_is_recorded_while_the_job_runs_and_the_file_is_stored(
    kinds, cast, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)  # every step written, for the test to see each
    job = _run("test_counting", cast.applicant_a, django_capture_on_commit_callbacks)

    assert SEEN == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    assert job.status == JobStatus.DONE and (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.filename == "结果.txt" and job.size == len(b"three steps")
    assert job.file.name == f"jobs/test_counting/{job.pk}.txt"
    with job.file.open("rb") as stored:
        assert stored.read() == b"three steps"
    assert job.started_at is not None and job.finished_at is not None and job.error == ""


def test_progress_between_the_first_and_the_last_step_is_written_now_and_then(
    kinds, cast, django_capture_on_commit_callbacks
):
    # With the default pace the first and the last step are always written.
    job = _run("test_counting", cast.applicant_a, django_capture_on_commit_callbacks)
    assert SEEN[0] == ("running", 1, 3) and SEEN[-1] == ("running", 3, 3)
    assert job.status == JobStatus.DONE


def test_a_failure_is_recorded_with_its_chinese_reason_and_no_file(kinds, cast, django_capture_on_commit_callbacks):
    job = _run("test_failing", cast.applicant_a, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED and job.error == "第2个案例的附件在存储中找不到。"
    assert not job.file and job.size is None and job.finished_at is not None
    assert (job.done, job.total) == (0, 5)


def test_the_job_page_shows_the_failure_and_stops_refreshing(kinds, cast, client, django_capture_on_commit_callbacks):
    job = _run("test_failing", cast.applicant_a, django_capture_on_commit_callbacks)
    client.force_login(cast.applicant_a)
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "失败" in page and "失败原因：第2个案例的附件在存储中找不到。" in page
    assert 'http-equiv="refresh"' not in page
    assert 'class="job-link d-none"' in page  # the link stays hidden
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_queued_job_page_refreshes_itself_without_javascript(kinds, cast, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.job_request(kind="test_counting", actor=cast.applicant_a, title="测试任务")
    client.force_login(cast.applicant_a)
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "排队中" in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert state["status"] == "queued" and state["pending"] and state["download_url"] == ""


def test_a_job_is_its_requesters_alone_by_default(kinds, cast, client, django_capture_on_commit_callbacks):
    job = _run("test_counting", cast.applicant_a, django_capture_on_commit_callbacks)
    for other in (cast.applicant_b, cast.reviewer_a, cast.province_admin):
        client.force_login(other)
        for name in ("job", "job_status", "job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
    client.force_login(cast.applicant_a)
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"three steps"
    response.close()


def test_a_lost_job_is_failed_with_a_reason_and_a_new_request_starts_another(
    world, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        lost = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    Job.objects.filter(pk=lost.pk).update(requested_at=lost.requested_at - jobs.STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=False):
        again = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    lost.refresh_from_db()
    assert again != lost and lost.status == JobStatus.FAILED and "中断" in lost.error


# --- the NRTA page ----------------------------------------------------------------------


def test_the_nrta_page_shows_the_package_progress_then_its_link(
    world, cast, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.province_admin)
    url = reverse("reviews:nrta", args=[2024])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reviews:nrta_package_request", args=[2024]))
    assert response.status_code == 302
    job = Job.objects.get(kind="nrta_package")
    page = client.get(url).content.decode()
    assert "排队中" in page and "0 / 3" in page and '<meta http-equiv="refresh"' in page
    assert reverse("job_status", args=[job.pk]) in page

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    page = client.get(url).content.decode()
    assert "已完成" in page and "3 / 3" in page and 'http-equiv="refresh"' not in page
    assert f'href="{reverse("job_download", args=[job.pk])}" class="job-link"' in page
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert state["status"] == "done" and state["download_url"] == reverse("job_download", args=[job.pk])

    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and quote("推荐材料.zip") in response["Content-Disposition"]
    with zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))) as archive:
        assert "00-推荐名单.pdf" in archive.namelist()
    response.close()


def test_the_nrta_page_shows_why_a_package_failed(world, cast, client, django_capture_on_commit_callbacks):
    attachment = world["files"][world["cases"][2].pk][0]
    attachment.file.storage.delete(attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:nrta", args=[2024])).content.decode()
    assert "失败原因：" in page and "用户数据.png" in page and "找不到" in page


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "province_reviewer", "expert_assigned"])
def test_nobody_but_the_province_sees_a_package(world, cast, client, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    client.force_login(getattr(cast, who))
    for name in ("job", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


# --- the list exports -------------------------------------------------------------------


def test_a_long_list_is_exported_by_the_worker_with_a_link(
    world, cast, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "LARGE_EXPORT_ROWS", 1)
    client.force_login(cast.province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("dashboard_xlsx"), {"q": "融媒"})
    job = Job.objects.get(kind="list_export")
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.params["query"] == "q=%E8%9E%8D%E5%AA%92" and job.done == job.total > 1

    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "已完成" in page and reverse("job_download", args=[job.pk]) in page

    # Only the one who asked.
    other = Client()
    other.force_login(cast.reviewer_a)
    assert other.get(reverse("job", args=[job.pk])).status_code == 404

    # Last: closing a streamed response ends the request (and, on PostgreSQL, the test's connection).
    response = client.get(reverse("job_download", args=[job.pk]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    response.close()
    assert sheet.max_row - 2 == job.total  # the title, the header, then one row per case


def test_a_short_list_is_sent_at_once(world, cast, client):
    client.force_login(cast.province_admin)
    response = client.get(reverse("dashboard_xlsx"))
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    assert not Job.objects.exists()


def test_an_export_whose_requester_lost_the_right_fails_with_a_reason(
    world, cast, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "LARGE_EXPORT_ROWS", 1)
    client.force_login(cast.reviewer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(reverse("reviews:queue_xlsx", args=[2024]))
    assert response.status_code == 302
    job = Job.objects.get(kind="list_export")
    # Meanwhile the reviewer lost the role: the worker, reading their rights now, exports nothing.
    type(cast.reviewer_a).objects.filter(pk=cast.reviewer_a.pk).update(role=Role.EXPERT)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "您已无权导出此列表。" and not job.file
