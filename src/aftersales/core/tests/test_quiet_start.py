"""`make run` starts quietly (issue 17, item 11): the demo's e-mails go to files under var/mail/
instead of the console, and loading the demo ends with the log-in table."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from .test_settings_env import MANAGE

SHOW_MAIL = (
    "from django.conf import settings; "
    "print(settings.EMAIL_BACKEND, getattr(settings, 'EMAIL_FILE_PATH', '-'))"
)


def mail_settings(**env: str) -> tuple[str, str]:
    """The local settings' e-mail backend and file path, under ``env`` only."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "EMAIL_HOST", "EMAIL_BACKEND"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.local", **env)
    result = subprocess.run(
        [sys.executable, MANAGE, "shell", "-c", SHOW_MAIL],
        env=clean, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    backend, path = result.stdout.strip().splitlines()[-1].split()
    return backend, path


def test_the_local_settings_write_mail_to_files():
    backend, path = mail_settings()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path.endswith("/var/mail")


def test_a_mail_server_or_a_backend_given_still_wins():
    assert mail_settings(EMAIL_HOST="smtp.example.cn")[0].endswith("smtp.EmailBackend")
    console = "django.core.mail.backends.console.EmailBackend"
    assert mail_settings(EMAIL_BACKEND=console)[0] == console


@pytest.mark.django_db
def test_loading_the_demo_prints_no_mail_and_ends_with_the_log_ins(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from aftersales.accounts.demo import PEOPLE

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    out, err = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out, stderr=err, skip_checks=True)
    printed = out.getvalue() + err.getvalue()
    assert "Content-Type:" not in printed and "MIME-Version" not in printed
    lines = out.getvalue().rstrip().splitlines()
    assert len(lines) <= 30, lines  # one screen, with the start-up lines around it
    assert [line.split()[0] for line in lines[-len(PEOPLE) :]] == [p[0] for p in PEOPLE]
    assert any(tmp_path.iterdir())  # the notifications' e-mails were written there
