"""The pages of a long job (core/jobs.py): its own page, its state as JSON for the
progress script, its file. Each answers 404 to anyone the job's kind does not let see it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from core.http import download_response
from core.jobs import visible_job
from core.models import JobStatus


@login_required
def job_detail(request, pk: int):
    job = visible_job(request.user, pk)
    return render(request, "core/job.html", {"job": job, "refresh": job.pending})


def job_state(job) -> dict:
    """What the progress script shows of a job (static/js/job-progress.js)."""
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "pending": job.pending,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download_url": reverse("job_download", args=[job.pk]) if job.status == JobStatus.DONE else "",
        "size": filesizeformat(job.size) if job.size is not None else "",
    }


@login_required
def job_status(request, pk: int):
    response = JsonResponse(job_state(visible_job(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job_download(request, pk: int):
    job = visible_job(request.user, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return download_response(job.file, filename=job.filename)
