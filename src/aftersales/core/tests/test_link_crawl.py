"""No dead links (issue 17, item 4): every link and button a person is shown leads somewhere
they may go.

One test over the demo company (``seed_demo``): it signs in as each demo person (one or two per
role, ``accounts.demo.PEOPLE``), opens the home page and follows every link it is shown —
``<a href>``, ``hx-get`` and GET forms submitted with their default values, exports included —
three clicks deep, with ``GET`` only. Whatever a page writes is rolled back.

It must find no server error, no 403, 404 or 405 behind a link the page offered, no redirect
to the log-in page, and no Django debug page. Skipped: links and forms carrying
``data-confirm``, form posts, log-out, the language switch, static files and other sites.

To stay fast it fetches each kind of page once per person: a URL is known by its route, with
record ids and numbers left out, and by the names of its query parameters (not their values),
so ``/service/cases/TK-…-0001/`` and ``…-0002/`` are one page, and ``?status=open`` and
``?status=closed`` one. At most ``MAX_PAGES`` pages per person (the test says when a person
reached the cap). The admin site is opened (its index) but not walked: it is Django's own.
A printout is laid out for real the first time the walk meets it; for the next people the
PDF layout (WeasyPrint, a second a page) is skipped: its template still renders, the view
still decides who may have it.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

DEPTH = 3  # clicks from the home page
MAX_PAGES = 400  # per person; none reaches it today (the report prints the counts)

# Route kwargs that name a record: left out of a URL's identity (one record of each kind).
RECORD_KWARGS = {"pk", "number", "part_no", "sku", "code", "year", "day"}
# Paths never followed: their own views, not pages (log-out and the language switch are
# posts; static files are files; the admin is Django's own beyond its index).
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/admin/")
DEBUG_PAGE_MARKERS = (
    "You’re seeing this error because you have <code>DEBUG = True</code>",
    "You're seeing this error because you have <code>DEBUG = True</code>",
    'id="traceback"',
    "Django tried these URL patterns",
)


# -- reading a page -------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The targets a page offers: ``(url, what)`` for each link, ``hx-get`` and GET form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._form: dict | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, values, selected
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        confirm = "data-confirm" in a
        if a.get("hx-get") and not confirm:
            self.found.append((a["hx-get"], "hx-get"))
        if tag == "a" and "href" in a and not confirm:
            self.found.append((a["href"], "link"))
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            if method == "get" and not confirm:
                self._form = {"action": a.get("action", ""), "fields": [], "buttons": []}
            else:
                self._form = None
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                if "data-confirm" not in a:
                    self._form["buttons"].append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind != "file":
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            name, _value = self._form["fields"].pop()
            self._form["fields"].append((name, data))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, values, selected = self._select
            chosen = selected[:1] or values[:1]
            self._form["fields"].extend((name, v) for v in chosen)
            self._select = None
        elif tag == "form" and self._form is not None:
            form, self._form = self._form, None
            base = form["action"] or "."
            fields = [(k, v) for k, v in form["fields"] if v != ""]
            self.found.append((_with_query(base, fields), "form"))
            for button in form["buttons"]:
                self.found.append((_with_query(base, [*fields, button]), "form button"))


def _with_query(url: str, fields: list[tuple[str, str]]) -> str:
    return f"{url.split('?', 1)[0]}?{urlencode(fields)}" if fields else url.split("?", 1)[0]


def offered_targets(html: str, here: str) -> list[tuple[str, str]]:
    """The same-site URLs a page offers, made absolute (path and query)."""
    parser = _Links()
    parser.feed(html)
    targets = []
    for raw, what in parser.found:
        raw = raw.strip()
        if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        parts = urlsplit(urljoin("http://testserver" + here, raw))
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue  # another site
        if parts.path.startswith(SKIP_PREFIXES) and parts.path != "/admin/":
            continue
        targets.append((parts.path + (f"?{parts.query}" if parts.query else ""), what))
    return targets


def page_key(url: str) -> str:
    """What makes two URLs the same page: the route without record ids, and the names of the
    query parameters."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        route = parts.path
    else:
        kept = {k: v for k, v in match.kwargs.items() if not _names_a_record(k)}
        route = match.view_name + (f" {sorted(kept.items())}" if kept else "")
    names = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{route}?{'&'.join(names)}" if names else route


def _names_a_record(kwarg: str) -> bool:
    return kwarg in RECORD_KWARGS or kwarg.endswith("_id")


# -- the walk ---------------------------------------------------------------------------------


@dataclass
class Walk:
    username: str
    fetched: int = 0
    capped: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)


def _get(client: Client, url: str):
    """GET ``url`` inside a transaction that is rolled back. Returns (response, error)."""
    try:
        with transaction.atomic():
            response = client.get(url)
            if response.streaming:  # read to the end so the client closes the file
                for _chunk in response.streaming_content:
                    pass
            transaction.set_rollback(True)
    except Exception as exc:  # a server error: reported with where it happened
        frames = traceback.extract_tb(exc.__traceback__)[-3:]
        where = " <- ".join(f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno}" for f in frames[::-1])
        return None, f"{type(exc).__name__}: {exc} at {where}"
    return response, ""


def _no_pdf_layout():
    """Printouts answer a stub instead of laying the PDF out (see the module's text)."""
    try:
        from weasyprint import HTML
    except ImportError:
        return contextlib.nullcontext()
    return mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7 (laid out once)")


def _follow(client: Client, url: str, login_path: str):
    """GET ``url`` and the redirects it answers with (as a click would). Returns the final
    (url, response) or a problem."""
    for _hop in range(5):
        response, error = _get(client, url)
        if response is None:
            return url, None, f"server error {error}"
        if response.status_code not in (301, 302, 303, 307, 308):
            return url, response, ""
        target = urlsplit(urljoin("http://testserver" + url, response["Location"]))
        if target.netloc != "testserver":
            return url, response, ""  # leaves the site on purpose
        if target.path == login_path:
            return url, None, "redirects to the log-in page"
        url = target.path + (f"?{target.query}" if target.query else "")
    return url, None, "redirects in a loop"


def walk(client: Client, username: str, documents: set[str]) -> Walk:
    """``documents``: the keys of the printouts laid out already (shared by the people)."""
    result = Walk(username)
    login_path = reverse("accounts:login")
    home = reverse("core:home")
    seen = {page_key(home)}
    frontier = [(home, "", "start")]  # (url, the page that offered it, what it was)
    for depth in range(DEPTH + 1):
        following = []
        for url, source, what in frontier:
            if result.fetched >= MAX_PAGES:
                result.capped = True
                break
            started, key = time.monotonic(), page_key(url)
            with _no_pdf_layout() if key in documents else contextlib.nullcontext():
                final, response, problem = _follow(client, url, login_path)
            result.fetched += 1
            result.seconds[key] += time.monotonic() - started
            offered = f"{what} on {source}" if source else what
            if problem:
                result.problems.append(f"GET {url} ({offered}): {problem}")
                continue
            status = response.status_code
            body = b"" if response.streaming else response.content
            if status >= 400:
                result.problems.append(f"GET {url} ({offered}): {status}")
            if any(marker.encode() in body for marker in DEBUG_PAGE_MARKERS):
                result.problems.append(f"GET {url} ({offered}): Django's debug page")
            if status == 200 and response.get("Content-Type", "").startswith("application/pdf"):
                documents.add(key)
            if status != 200 or depth == DEPTH or final.startswith("/admin/"):
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            for target, kind in offered_targets(body.decode(), final):
                key = page_key(target)
                if key not in seen:
                    seen.add(key)
                    following.append((target, final, kind))
        frontier = following
    return result


@pytest.mark.django_db
def test_every_link_a_person_is_shown_opens():
    from aftersales.accounts.demo import PEOPLE
    from aftersales.accounts.models import User

    started = time.monotonic()
    call_command("seed_demo", verbosity=0)
    seeded = time.monotonic() - started
    walks, documents = [], set()
    for username, *_rest in PEOPLE:
        client = Client()
        client.force_login(User.objects.get(username=username))
        walks.append(walk(client, username, documents))
    elapsed = time.monotonic() - started
    slowest = sum((w.seconds for w in walks), Counter()).most_common(5)
    print(
        f"\nlink crawl: {len(walks)} people, {sum(w.fetched for w in walks)} pages "
        f"({', '.join(f'{w.username} {w.fetched}' for w in walks)}); seed {seeded:.1f}s, "
        f"total {elapsed:.1f}s; slowest: "
        + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in slowest)
    )
    capped = [w.username for w in walks if w.capped]
    if capped:
        print(f"link crawl: stopped at {MAX_PAGES} pages for {', '.join(capped)}")
    problems = [f"{w.username}: {p}" for w in walks for p in w.problems]
    assert not problems, f"Dead links ({len(problems)}):\n  " + "\n  ".join(problems)
