"""The test suite's settings: config.settings as a developer's machine gets them, with
static files served by the finders (no collectstatic before a test run)."""

import os

_LOCAL = {
    "SECRET_KEY": "tests-only-insecure-key-do-not-use-anywhere-else",
    "HTTPS": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_FORMAT": "text",
}
_before = {name: os.environ.get(name) for name in _LOCAL}
for _name, _value in _LOCAL.items():
    os.environ.setdefault(_name, _value)
try:
    from config.settings import *  # noqa: E402,F403
    from config.settings import MIDDLEWARE, STORAGES
finally:
    # Not left in the environment: a test that starts manage.py or gunicorn chooses its own.
    for _name, _value in _before.items():
        if _value is None:
            os.environ.pop(_name, None)
        else:
            os.environ[_name] = _value

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MIDDLEWARE = [entry for entry in MIDDLEWARE if entry != "whitenoise.middleware.WhiteNoiseMiddleware"]
# The cache in memory: the autouse fixture clears it before every test, also in tests
# with no database (the shared database cache of production needs one). The scale-out
# test starts its servers with config.settings, so the shared cache is tested there.
# The production cache's table is still created in the test database (createcachetable
# makes one for every database cache listed), for the servers the scale-out test starts.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "production_table": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"},
}
