"""Settings from the environment: DATABASE_URL parsing and start-up errors as one line."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import BASE_DIR, ConfigError, parse_database_url

MANAGE = str(Path(BASE_DIR) / "manage.py")
GOOD_KEY = "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=clean, capture_output=True, text=True, timeout=120
    )


def test_sqlite_relative_path_is_under_the_project_and_uses_wal():
    db = parse_database_url("sqlite:///var/x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(Path(BASE_DIR) / "var" / "x.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_keeps_its_connections_when_told():
    """DB_CONN_MAX_AGE applies to SQLite too: a new connection per request re-runs the
    PRAGMAs and starts with a cold page cache."""
    assert parse_database_url("sqlite:////tmp/a.db", conn_max_age=600)["CONN_MAX_AGE"] == 600
    assert parse_database_url("sqlite:////tmp/a.db")["CONN_MAX_AGE"] == 0


def test_sqlite_absolute_path_and_memory():
    assert parse_database_url("sqlite:////tmp/a.db")["NAME"] == "/tmp/a.db"
    assert parse_database_url("sqlite://:memory:")["NAME"] == ":memory:"


def test_postgres_url():
    db = parse_database_url("postgres://app:s3cret@db.internal:6432/aftersales", conn_max_age=60)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {"options": "-c jit=off"}
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "aftersales",
        "app",
        "s3cret",
        "db.internal",
        "6432",
    )
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/x", "unsupported scheme 'mysql'"),
        ("postgres://u:pw@localhost:port/x", "malformed"),
        ("postgres://localhost", "names no database"),
        ("localhost:5432/db", "unsupported scheme"),
        ("postgres:///dbname", "names no host"),
    ],
)
def test_bad_database_urls_are_named(url, says):
    with pytest.raises(ConfigError) as err:
        parse_database_url(url)
    assert says in str(err.value)


def test_password_is_not_echoed_in_errors():
    with pytest.raises(ConfigError) as err:
        parse_database_url("postgres://u:topsecret@host:bad/db")
    assert "topsecret" not in str(err.value)


def test_malformed_database_url_stops_start_up_with_one_line():
    result = run_manage("check", DATABASE_URL="mysql//nonsense")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aftersales: configuration error: DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_production_without_secret_key_stops_start_up_with_one_line():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="service.example.cn",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "aftersales: configuration error: SECRET_KEY is not set; production needs a long random "
        "secret, e.g. from `openssl rand -base64 48`."
    )


def test_production_settings_pass_the_deploy_check():
    """No security warning. The R43 reminder (workdays.W001) depends on the day the check
    runs, in a process whose clock the tests do not control, so it is the one allowed."""
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="service.example.cn",
        DATABASE_URL="sqlite://:memory:",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", output)) <= {"workdays.W001"}, output


def test_production_static_files_collect_with_the_manifest_storage(tmp_path):
    """Every vendored CSS/JS file's references resolve (a missing map or font would fail)."""
    result = run_manage(
        "collectstatic",
        "--noinput",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="service.example.cn",
        DATABASE_URL="sqlite://:memory:",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))


def test_a_development_install_makes_its_own_secret_key(tmp_path):
    """Security finding 5: `make run` must not sign customer links with the key printed in
    the source. The key is made on first start, kept in var/, readable by the owner only."""
    from config.env import local_secret_key

    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) >= 50
    assert local_secret_key(path) == first  # kept across restarts
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_secret_key(tmp_path / "other" / "secret_key") != first


def test_the_local_settings_do_not_use_the_published_key():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and "insecure" not in key
