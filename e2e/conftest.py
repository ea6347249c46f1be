"""Browser tests: Playwright (Python) driving Debian's Chromium against a live test server.

No browser is downloaded: the launch points at /usr/bin/chromium (``CHROMIUM`` overrides).
Screenshots of every page visited go to e2e/artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# set-up are still synchronous, which is what this flag allows.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """The live server runs in this process and each test gets an emptied database, so what
    the process keeps between requests (the company calendar, message texts, the cached
    company profile) must not outlive the test that built it: a 2027 schedule announced by
    one test would otherwise still count another test's deadlines."""
    from django.core.cache import cache

    from aftersales.core.messaging import forget_message_templates
    from aftersales.workdays.store import forget_company_calendar

    def forget():
        cache.clear()
        forget_company_calendar()
        forget_message_templates()

    forget()
    yield
    forget()
