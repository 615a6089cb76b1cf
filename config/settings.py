"""The one settings module. Every knob is an environment variable, parsed strictly
(see config/env.py); unset, the result is safe for production (DEBUG off, HTTPS
expected); `make run` and `make dev` set what a machine of one's own needs."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_str, env_timezone

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- Production stack: debug, HTTPS, proxy -------------------------------------------
# DEBUG is off unless set: an unset variable never exposes debug pages. `make dev` sets it.
DEBUG = env_bool("DEBUG", False)
# The site is reached over HTTPS (TLS ends at the proxy in deploy/nginx). Turns on the
# SSL redirect, HSTS and secure cookies unless each is set on its own. `make run`
# (plain HTTP on 127.0.0.1) sets it off.
HTTPS = env_bool("HTTPS", not DEBUG)
# A reverse proxy (nginx) fronts the app: trust its X-Forwarded-Proto, and hand
# protected downloads to it by X-Accel-Redirect (core/http.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
DOWNLOADS_VIA_NGINX = env_bool("DOWNLOADS_VIA_NGINX", False)
# The internal nginx location that serves MEDIA_ROOT (deploy/nginx/casework.conf).
NGINX_PROTECTED_PREFIX = "/" + env_str("NGINX_PROTECTED_PREFIX", "/protected-media/").strip("/") + "/"
# Needed to serve (sessions, signed links), not to build: unset with DEBUG off it stays
# empty, so `manage.py makemigrations`, `compilemessages`… run on any machine, while
# Django refuses every use of the empty key, the servers refuse to start without it
# (config/wsgi.py, config/asgi.py) and `check --deploy` names it (config/checks.py).
SECRET_KEY = env_str("SECRET_KEY") or ("dev-only-insecure-key-do-not-use-in-production" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "storages",
    "guardian",
    "django_fsm",
    "django_tasks",
    "django_tasks_db",
    # Sign-in and audit (signin-audit): lockouts, one-time codes, the audit log.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    # The one model of core: long jobs with progress and a file (core/jobs.py).
    "core",
    "accounts",
    "applications",
    "workflow",
    "reviews",
    "demo",
    # Operations commands (run_worker, backup, restore) and /healthz.
    "config",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (the CSRF check reads POST): see config/middleware.py.
    "config.middleware.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Irreversible actions ask first, also without JavaScript.
    "core.confirm.ConfirmIrreversibleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sign-in and audit (signin-audit); axes last, as its documentation asks.
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "accounts.security.middleware.SignInPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.roles.roles_context",
                "applications.context_processors.page_chrome",
            ],
        },
    },
]

# One field template for every form (templates/includes/field.html), Bootstrap's classes
# on the widgets, help and error tied to the field: see core/forms.py.
FORM_RENDERER = "core.forms.FormRenderer"

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
_database_url = env_str("DATABASE_URL")
if _database_url is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Wait for a writer instead of failing at once: two reviewers can act together.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
else:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not usable: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Read the database file through memory mapping rather than a read() per page: a
    # case row carries its narratives (kilobytes), and a list of a province's cases
    # touches thousands of them (7x faster at 10,000 cases). Address space, not memory.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA mmap_size=4294967296;"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation (set per connection, as libpq's startup `options`): PostgreSQL
    # compiles any query its planner costs above jit_above_cost, which the province's
    # counts over a whole campaign are from ~20,000 cases on, and compiling then takes
    # longer than running (0.7 s of the results page's 1.1 s at 50,000 cases; the query
    # itself 0.1 s). A page's queries are short: JIT never pays here. Behind a pooler
    # that refuses startup options (PgBouncer without ignore_startup_parameters), set
    # it on the role instead: ALTER ROLE casework_app SET jit = off (README).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user in guardian: every page but login requires an account.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
# The password policy (figures in the "Sign-in and audit" block below).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.security.passwords.LengthAndClassesValidator"},
    {"NAME": "accounts.security.passwords.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.security.passwords.NotRecentlyUsedValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Production stack: static files and the file store --------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploads, scans and packages: never served as public URLs, only through the views that
# check the reader (core/http.py). MEDIA_URL exists for Django's checks only.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# The file store every server shares: the local disk under MEDIA_ROOT (one machine, or
# a shared mount), or an S3-compatible bucket (MinIO, a cloud bucket) through
# django-storages. Every file goes through Django's storage API, never a path.
FILE_STORE = env_choice("FILE_STORE", "local", ("local", "s3"))
if FILE_STORE == "s3":
    _s3_bucket = env_str("S3_BUCKET")
    if _s3_bucket is None:
        raise ImproperlyConfigured("S3_BUCKET must be set when FILE_STORE=s3")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION", "us-east-1"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            # Private objects: no ACL, no public URL; the app streams each file after its checks.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env_str("S3_PREFIX", ""),
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Compressed (gzip, brotli) copies and hashed names, served by WhiteNoise from
    # STATIC_ROOT after `collectstatic` (make run, deploy/README).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "媒体融合典型案例征集系统 <noreply@localhost>")
# The public address of the site, used in links inside notification emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (mail now, bulk exports later). "immediate" runs a task on the spot,
# which suits a developer's machine; production sets "database" and runs
# `manage.py db_worker` beside the web server.
_task_backend = env_choice("TASK_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[_task_backend]
    }
}

# Reminders (manage.py send_reminders) go this many days before a deadline.
REMINDER_DAYS_BEFORE_DEADLINE = env_int("REMINDER_DAYS_BEFORE_DEADLINE", 3, minimum=1, maximum=60)

# --- Production stack: caches and sessions across servers ------------------------------
# One cache every application server shares: a table in the database
# (`manage.py createcachetable`, run by make run and the systemd unit). Sessions live
# in the database, so a user keeps one session whichever server answers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache_entries",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Production stack: HTTPS, cookies, headers, Content Security Policy -----------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# The health check answers the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# django-csp: every script and style from our own origin, none inline (the pages keep
# their scripts in static/js and styles in static/css). CSP_REPORT_ONLY=true reports
# instead of blocking (to try a change); CSP_REPORT_URI collects the reports.
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_str("CSP_REPORT_URI"):
    _csp_directives["report-uri"] = [env_str("CSP_REPORT_URI")]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

# --- Production stack: logs and health --------------------------------------------------
# One JSON object per line on stderr (journald keeps it), each with the request id that
# config.middleware.RequestIdMiddleware gives every request (and answers in the
# X-Request-ID header). LOG_FORMAT=text for a developer's terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_choice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text")),
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
}
# Backups (config/backup.py) write rows with times to the microsecond.
SERIALIZATION_MODULES = {"exactjson": "config.exact_json"}
# /healthz calls the worker dead when its last heartbeat is older than this.
WORKER_HEARTBEAT_SECONDS = 15
WORKER_STALE_AFTER_SECONDS = env_int("WORKER_STALE_AFTER_SECONDS", 60, minimum=10)

# --- Uploads that cannot carry a payload (applications/uploads.py, config/middleware.py).
# An Office file (a zip) whose declared content exceeds these is refused unopened.
UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = env_int("UPLOAD_ZIP_MAX_UNCOMPRESSED_MB", 512, minimum=1)
UPLOAD_ZIP_MAX_MEMBERS = env_int("UPLOAD_ZIP_MAX_MEMBERS", 5000, minimum=10)
UPLOAD_ZIP_MAX_RATIO = env_int("UPLOAD_ZIP_MAX_RATIO", 200, minimum=10)
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_PIXELS", 60_000_000, minimum=1_000_000)
# A request body larger than the largest single file a campaign accepts, plus this much
# for the form around it, is refused (413) before a byte of it is read. The proxy in
# front (nginx client_max_body_size) should refuse it even earlier: see the README.
UPLOAD_REQUEST_SLACK_MB = env_int("UPLOAD_REQUEST_SLACK_MB", 2, minimum=1)

# --- Sign-in and audit (等保 level 3; branch signin-audit) ------------------------------
# Every figure of the sign-in policy is a setting; the defaults are the issue's (#10).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10, minimum=8, maximum=128)
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", 3, minimum=1, maximum=4)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=0, maximum=50)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0, maximum=3650)  # 0: never expires
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
SIGNIN_LOCKOUT_MINUTES = env_int("SIGNIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=24 * 7)
SESSION_SINGLE = env_bool("SESSION_SINGLE", True)  # a new sign-in ends the older session
# One-time codes (TOTP) for the province, authorities, experts and administrators. On
# wherever DEBUG is off; the demo (`make run`, DEBUG on) signs in with passwords alone.
SIGNIN_OTP_REQUIRED = env_bool("SIGNIN_OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "媒体融合典型案例征集评选系统"
# Nobody reads another person's second factor: the admin shows no TOTP key, QR code or
# recovery code (its device pages would otherwise show them to whoever may view devices,
# and answer 500 to staff for a device id that does not exist).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Requests per address per window on the public forms (sign-in, registration, reset).
SIGNIN_RATE_LIMIT = env_int("SIGNIN_RATE_LIMIT", 20, minimum=1)  # per minute
REGISTRATION_RATE_LIMIT = env_int("REGISTRATION_RATE_LIMIT", 10, minimum=1)  # per hour
PASSWORD_RESET_RATE_LIMIT = env_int("PASSWORD_RESET_RATE_LIMIT", 5, minimum=1)  # per hour
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: 5 failures per account and, separately, per address lock for 15 minutes;
# the security administrator lifts a lockout early (账号安全 page).
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # the audit log records every sign-in
# The address is the one the web server saw, never a header the client can forge.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# The audit log: kept at least 180 days (《网络安全法》第二十一条); its hash chain is keyed
# by a secret the database does not hold.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY") or SECRET_KEY
