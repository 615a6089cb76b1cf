"""The request being served, for records written deep inside a service (which knows the
actor but not the address). Set by audit.middleware.AuditMiddleware."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def client_address(request) -> str | None:
    """The client's address as the web server saw it (behind a reverse proxy the
    deployment sets REMOTE_ADDR from the proxy's header, see README)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
