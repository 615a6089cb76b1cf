"""Start-up refuses a production configuration that is unsafe or malformed."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _start(*command, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    # The settings a deployment gets, not the test suite's (tests/settings.py).
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_needs_a_secret_key(tmp_path):
    # Checked where it is needed, serving: the servers refuse to start without it …
    serving = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={**serving, "DEBUG": "false", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    # … and the deployment check fails on it.
    deploy = _start("check", "--deploy", "--fail-level", "WARNING", DEBUG="false", VAR_DIR=str(tmp_path))
    assert deploy.returncode != 0 and "SECRET_KEY" in deploy.stderr


def test_building_needs_no_secret_key(tmp_path):
    # What serves nothing runs on a fresh machine with no settings at all.
    result = _start("makemigrations", "--check", "--dry-run", DEBUG="false", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_malformed_variable_stops_start_up(tmp_path):
    result = _start("check", DEBUG="perhaps", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DEBUG='perhaps' is not a boolean" in result.stderr
    result = _start("check", DEBUG="true", DATABASE_URL="nosuchdb://x", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_a_complete_production_configuration_starts(tmp_path):
    result = _start(
        "check", DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="cases.example.gov.cn", VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


def _documented_production_environment(tmp_path) -> dict[str, str]:
    """The variables of deploy/casework.env (the template the README points to), with
    the secret filled in as its comment says and the directories made temporary."""
    variables = {}
    for line in (ROOT / "deploy" / "casework.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            variables[name.strip()] = value.strip()
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    for name in ("VAR_DIR", "STATIC_ROOT", "MEDIA_ROOT"):
        variables[name] = str(tmp_path / name.lower())
    return variables


def test_check_deploy_is_clean_under_the_documented_production_environment(tmp_path):
    result = _start("check", "--deploy", "--fail-level", "WARNING", **_documented_production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_environment_sends_the_security_headers(tmp_path):
    environment = _documented_production_environment(tmp_path)
    result = _start(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])",
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("False True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https') [\"'self'\"]")


def test_debug_is_off_unless_set(tmp_path):
    result = _start(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="y" * 50,
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
