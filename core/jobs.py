"""Long jobs: work the background worker does that reports its progress and ends with a
file to download (the NRTA package, a large list exported to Excel), one mechanism for all.

    register_kind("nrta_package", run=…, may_see=…, extension="zip")   (at import time)
    job = job_request(kind=…, actor=…, title=…, scope=…, params=…)     queued on commit
    run_job.enqueue(job_id=…)                                          the worker's task
    visible_job(user, pk) -> Job, or Http404 for anyone the kind does not let see it
    export_list(request, name, build)     a list as Excel: at once when short, as a job when long

A kind's `run(job, stream, progress)` writes the file into the binary `stream`, calls
`progress(done, total)` as it goes, and returns the download name; a `JobFailed` it
raises is the Chinese reason shown to the user. The file is stored through Django's
storage API: written in place on the local disk (atomically, no copy of a package of
gigabytes), else into a temporary file uploaded once complete (django-storages sends
it to S3 in parts: memory holds a part, never the file). The page shows the jobs with
templates/includes/job.html: a progress bar that static/js/job-progress.js keeps
current from `job_status` (JSON), or, without JavaScript, a page that refreshes
itself while a job is pending; when done, the link.
"""

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from core.files import atomic_write
from core.models import PENDING, Job, JobStatus

logger = logging.getLogger(__name__)

JOB_DIRECTORY = "jobs"
# A job still queued or running after this long is taken for lost (a worker that died):
# it is marked failed with a reason, and a new request starts a new one.
STALE_AFTER = timedelta(hours=2)
# Progress is written at most this often (and always at the first and the last step):
# a row update per case would make the worker wait on the database.
PROGRESS_EVERY = 1.0  # seconds
# A list with more rows than this is exported by the worker, with progress and a link;
# a shorter one is sent at once.
LARGE_EXPORT_ROWS = 2000


class JobFailed(Exception):
    """The job cannot finish; the message is a Chinese sentence for the user."""


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable  # (job, stream, progress) -> download filename
    may_see: Callable  # (user, job) -> bool
    extension: str


KINDS: dict[str, JobKind] = {}


def requester_only(user, job) -> bool:
    return job.requested_by_id == user.pk


def register_kind(name: str, *, run, extension: str, may_see=requester_only) -> None:
    KINDS[name] = JobKind(name=name, run=run, may_see=may_see, extension=extension)


# --- asking for a job and finding it --------------------------------------------------


def _fail_stale() -> None:
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("后台处理程序长时间未完成此任务（可能已中断），请重新生成。")
    Job.objects.filter(status__in=PENDING, requested_at__lt=timezone.now() - STALE_AFTER).update(
        status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
    )


def job_request(*, kind: str, actor, title: str, scope: str = "", params: dict | None = None, total: int = 0) -> Job:
    """Queue a job of `kind`; the worker starts it once the transaction commits. A job
    of the same kind and scope (when it has one) already pending, and not lost, is
    returned instead of doing the same work twice."""
    if kind not in KINDS:
        raise LookupError(kind)
    _fail_stale()
    with transaction.atomic():
        pending = None
        if scope:
            pending = Job.objects.select_for_update().filter(kind=kind, scope=scope, status__in=PENDING).first()
        if pending is not None:
            return pending
        job = Job.objects.create(
            kind=kind, scope=scope, params=params or {}, title=title, total=total, requested_by=actor
        )
        job_id = job.pk
        transaction.on_commit(lambda: run_job.enqueue(job_id=job_id))
    return job


def visible_job(user, pk: int) -> Job:
    """The job `pk` if its kind lets `user` see it, else 404 (ids leak nothing)."""
    job = Job.objects.select_related("requested_by").filter(pk=pk).first()
    kind = KINDS.get(job.kind) if job is not None else None
    if kind is None or not user.is_authenticated or not kind.may_see(user, job):
        raise Http404
    return job


# --- the worker -----------------------------------------------------------------------


class Progress:
    """progress(done, total): written to the job now and then (PROGRESS_EVERY), always
    at the first and the last step."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.written_at is not None and done < total and now - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = now
        Job.objects.filter(pk=self.job_id).update(done=done, total=total)


def stored_name(job: Job) -> str:
    return f"{JOB_DIRECTORY}/{job.kind}/{job.pk}.{KINDS[job.kind].extension}"


def _run_into_storage(job: Job, kind: JobKind, progress: Progress) -> tuple[str, str, int]:
    """Run the job into the file store; (stored name, download name, size)."""
    storage = job.file.storage
    name = stored_name(job)
    try:
        local = Path(storage.path(name))
    except NotImplementedError:
        local = None
    if local is not None:
        local.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(local) as stream:
            filename = kind.run(job, stream, progress)
        return name, filename, local.stat().st_size
    with tempfile.TemporaryFile(prefix="job-") as stream:
        filename = kind.run(job, stream, progress)
        size = stream.tell()
        stream.seek(0)
        return storage.save(name, File(stream, name=Path(name).name)), filename, size


@task()
def run_job(*, job_id: int) -> str:
    """Run a queued job and record its outcome on it; returns the final status."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        # Already taken by another worker, or no longer waiting: nothing to do.
        return Job.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            name, filename, size = _run_into_storage(job, KINDS[job.kind], Progress(job_id))
    except Exception as error:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        with translation.override(settings.LANGUAGE_CODE):
            if isinstance(error, JobFailed):
                message = str(error)
            else:
                message = _("生成时出错：%(error)s") % {"error": str(error) or type(error).__name__}
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=message, file="", size=None, finished_at=timezone.now()
        )
        return JobStatus.FAILED
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        file=name,
        filename=filename,
        size=size,
        error="",
        done=F("total"),
        finished_at=timezone.now(),
    )
    return JobStatus.DONE


# --- lists exported to Excel ----------------------------------------------------------


@dataclass
class ListTable:
    """What a list's export holds: the rows of every page the user may see."""

    title: str
    columns: list
    rows: object  # an iterable of rows (sequences of values, in the columns' order)
    count: int
    filename: str


def list_export(function):
    """Marks `function(request, **url_kwargs) -> ListTable` as a list export the worker
    may run (export_list stores its dotted path in the job)."""
    function.list_export = True
    return function


class _DroppedMessages:
    # The list's "value ignored" warnings were shown on the page that asked; the worker drops them.
    def add(self, *args, **kwargs) -> None:
        pass


def _request_for(job: Job) -> HttpRequest:
    """The request the list was exported from, as the worker rebuilds it: who asked, and
    the query string (search, filters, sorting) they had."""
    request = HttpRequest()
    request.method = "GET"
    request.user = job.requested_by
    request.GET = QueryDict(job.params.get("query", ""))
    request.path = job.params.get("path", "/")
    request._messages = _DroppedMessages()
    return request


def _run_list_export(job: Job, stream, progress) -> str:
    from core.documents.excel import list_workbook

    build = import_string(job.params["export"])
    if not getattr(build, "list_export", False):
        raise JobFailed(_("未知的导出。"))
    try:
        # With the requester's rights as they are now, not as they were when they asked.
        table = build(_request_for(job), **job.params.get("kwargs", {}))
    except Http404 as refused:
        raise JobFailed(_("您已无权导出此列表。")) from refused
    total = table.count
    progress(0, total)

    def counted(rows):
        for number, row in enumerate(rows, start=1):
            yield row
            if number % 100 == 0 or number == total:
                progress(number, total)

    list_workbook(title=table.title, columns=table.columns, rows=counted(table.rows), stream=stream)
    return table.filename


register_kind("list_export", run=_run_list_export, extension="xlsx")


def export_list(request, build, **kwargs):
    """The list `build(request, **kwargs)` describes, as Excel: sent at once when it has
    at most LARGE_EXPORT_ROWS rows, else exported by the worker (a job only its
    requester sees), the user sent to the job's page to watch it and download it."""
    from core.documents.excel import list_workbook
    from core.http import download_response

    table = build(request, **kwargs)
    if table.count <= LARGE_EXPORT_ROWS:
        content = list_workbook(title=table.title, columns=table.columns, rows=table.rows)
        return download_response(content, filename=table.filename)
    job = job_request(
        kind="list_export",
        actor=request.user,
        title=_("导出：%(title)s") % {"title": table.title},
        params={
            "export": f"{build.__module__}.{build.__qualname__}",
            "kwargs": kwargs,
            "query": request.GET.urlencode(),
            "path": request.path,
        },
        total=table.count,
    )
    return redirect("job", pk=job.pk)
