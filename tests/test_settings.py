"""Start-up refuses a production configuration that is unsafe or malformed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _start(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_needs_a_secret_key(tmp_path):
    result = _start(DEBUG="false", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_malformed_variable_stops_start_up(tmp_path):
    result = _start(DEBUG="perhaps", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DEBUG='perhaps' is not a boolean" in result.stderr
    result = _start(DATABASE_URL="nosuchdb://x", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_a_complete_production_configuration_starts(tmp_path):
    result = _start(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="cases.example.gov.cn", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
