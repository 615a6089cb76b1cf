import audit
from audit.context import current_request


class AuditMiddleware:
    """Makes the request known to records written deep inside services (for the
    address), and records every file handed out: core.http.download_response marks its
    responses (`audit_download`), so each download of a case file and each export is
    written with who, what and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            filename = getattr(response, "audit_download", None)
            if filename is not None and 200 <= response.status_code < 300:
                audit.record(
                    action="file.downloaded",
                    obj=("file", "", filename),
                    request=request,
                    path=request.get_full_path()[:500],
                )
            return response
        finally:
            current_request.reset(token)
