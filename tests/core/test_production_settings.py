"""Production settings, checked the way an operator starts Broadsheet: a process with its env."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, tmp_path, **env):
    clean = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    clean.pop("SECRET_KEY", None)
    # Set by the browser tests' fixture for Playwright; never in a deployment.
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environment = clean | {
        "BROADSHEET_ENV": "production",
        "BROADSHEET_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "news.example.org",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_variable_is_named(tmp_path):
    result = manage("check", tmp_path=tmp_path, SECRET_KEY="k" * 60, REDIS_URL="localhost:6379")
    assert result.returncode != 0
    assert "REDIS_URL takes a redis://" in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_check_is_clean(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        tmp_path=tmp_path,
        SECRET_KEY="a-long-random-production-key-" + "q7Z" * 20,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_page_cache_budget_is_read_from_page_cache_mb(tmp_path):
    show = "from django.conf import settings; print(settings.PAGE_CACHE_MAX_BYTES)"
    default = manage("shell", "-c", show, tmp_path=tmp_path, SECRET_KEY="k" * 60)
    assert default.stdout.split()[-1] == str(6 * 1024 * 1024), default.stderr
    larger = manage("shell", "-c", show, tmp_path=tmp_path, SECRET_KEY="k" * 60, PAGE_CACHE_MB="64")
    assert larger.stdout.split()[-1] == str(64 * 1024 * 1024), larger.stderr
    wrong = manage("check", tmp_path=tmp_path, SECRET_KEY="k" * 60, PAGE_CACHE_MB="6MB")
    assert wrong.returncode != 0
    assert "PAGE_CACHE_MB must be a whole number" in wrong.stderr
    assert "Traceback" not in wrong.stderr
