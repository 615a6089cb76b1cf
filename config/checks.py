"""The one rule about the secret key that building does not need and serving does: the
servers (config/wsgi.py, config/asgi.py) refuse to start without it. Django itself
refuses every use of an empty key, and `check --deploy` fails on it."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = "SECRET_KEY must be set when DEBUG is off"


def require_secret_key() -> None:
    """Raise at a server's start when it would serve without a secret key."""
    try:
        settings.SECRET_KEY  # noqa: B018  (Django refuses to read an empty key)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(MISSING_SECRET_KEY) from None
