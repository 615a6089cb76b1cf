import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import translation

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
