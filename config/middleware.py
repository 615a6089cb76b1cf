import logging
import re
import time
import uuid

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from applications.models import Campaign
from config.logs import request_id_var

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_access_log = logging.getLogger("casework.access")


class ChosenLanguageMiddleware:
    """Chinese first: the interface is in LANGUAGE_CODE unless the user picked another
    language with the switch in the footer (a cookie). The browser's Accept-Language is
    not consulted: an official on an English-language browser still gets Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Only for this request: a thread that serves the next one (or runs a task
        # afterwards) must not keep the last user's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestIdMiddleware:
    """Gives every request an id: the proxy's (nginx's $request_id in X-Request-ID) when
    it is a plain token, else a new one. Every log line written while serving the
    request carries it (config/logs.py), the response answers it in X-Request-ID, and
    one INFO line per request records method, path, status and duration."""

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(self.header, "")
        request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[self.header] = request_id
            _access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than any file the system accepts
    (the largest single-file limit of any campaign, plus room for the form around it)
    with 413, before a byte of the body is read: a 150 MB upload to a 100 MB campaign is
    not read in full and then refused. A body without a Content-Length is not read by
    Django at all (the WSGI stream is limited to the declared length)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isascii() or not declared.isdigit() or len(declared) > 15:
            return self._refuse(400, _("请求的长度（Content-Length）不合法。"))
        length = int(declared)
        # Ordinary forms are far below Django's in-memory limit: no query for them.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit_mb = _largest_file_mb() + settings.UPLOAD_REQUEST_SLACK_MB
            if length > limit_mb * 1024 * 1024:
                return self._refuse(
                    413,
                    _("上传的内容过大（%(size)s），超过系统允许的%(limit)dMB；较大的材料请提供网盘链接。")
                    % {"size": filesizeformat(length), "limit": limit_mb},
                )
        return self.get_response(request)

    @staticmethod
    def _refuse(status: int, message: str) -> HttpResponse:
        back = _("返回首页")
        page = (
            f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{escape(message)}</title>'
            f'<p role="alert">{escape(message)}</p><p><a href="/">{escape(back)}</a></p></html>'
        )
        response = HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
        # The client may still be sending: tell it this connection is finished.
        response["Connection"] = "close"
        return response


def _largest_file_mb() -> int:
    return Campaign.objects.aggregate(largest=Max("max_file_mb"))["largest"] or 0
