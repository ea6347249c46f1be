"""English that is English (issue 17, item 10): in English mode no page shows Chinese where it
shows the program's own words.

One test over the demo company (``seed_demo``): it signs in as each demo person (the
administrator included), sets the language cookie to English, opens the home page and follows
the links it is shown — one click deep for everyone, two for the administrator, GET only, one
page of each kind, everything rolled back — plus the pages of the demo's records that carry
the most engine text (a case with its 三包 panel, an application, a certificate, the policies).
On every page it reads the program's own words: headings, table headers, labels, buttons,
legends, summaries, card headers, badges, breadcrumbs, navigation, menu items, options and the
placeholder, title and aria-label attributes.

Chinese is allowed there only where it is the company's data: any text stored in a record
(names, addresses, descriptions, policy data …) is taken out first. Names the program seeds
itself (departments, complaint categories, service skills, product categories, the shipped
三包 policies) are *not* taken out: they have English names. Chinese shown on purpose is
marked ``lang="zh-Hans"`` and skipped (the 三包 texts' originals, a Chinese document's title as
an example), and "Three Guarantees (三包)" is how English names the 三包.

``EN_PAGES_REPORT=1`` prints every finding instead of failing at the first person;
``EN_PAGES_DEPTH=3`` walks deeper for everyone.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
DEPTH = int(os.environ.get("EN_PAGES_DEPTH", "1"))  # clicks from the home page
ADMIN_DEPTH = max(DEPTH, 2)
MAX_PAGES = 150  # per person
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/admin/", "/api/")
UI_TAGS = {"h1", "h2", "h3", "h4", "h5", "th", "label", "button", "legend", "dt", "summary"}
UI_TAGS |= {"option", "title", "caption"}
UI_CLASSES = {
    "card-header",
    "badge",
    "btn",
    "breadcrumb-item",
    "nav-link",
    "dropdown-item",
    "form-text",
    "navbar-brand",
    "empty-state",
    "list-group-item-heading",
}
UI_ATTRIBUTES = ("placeholder", "title", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
# Fields whose stored values are names the program seeds and translates: not user data here.
SEEDED_NAME_FIELDS = {
    ("accounts", "department", "name"),
    ("service", "casecategory", "name"),
    ("service", "serviceskill", "name"),
    ("catalog", "category", "name"),
    ("warranty", "rulebook", "name"),
    ("catalog", "warrantypolicy", "name"),
    ("sla", "slapolicy", "name"),
    ("sla", "slatarget", "source"),
}


class _UiText(HTMLParser):
    """The program's own words on a page: ``(where, text)`` pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.links: list[str] = []
        # One entry per open element: (tag, is UI, is Chinese on purpose, is skipped).
        self._stack: list[tuple[str, bool, bool, bool]] = []

    def _inside(self) -> tuple[str, bool, bool, bool]:
        ui = next((tag for tag, is_ui, _zh, _skip in reversed(self._stack) if is_ui), "")
        zh = any(z for _t, _u, z, _s in self._stack)
        skip = any(s for _t, _u, _z, s in self._stack)
        return ui, bool(ui), zh, skip

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href") and "data-confirm" not in a:
            self.links.append(a["href"])
        classes = set(a.get("class", "").split())
        lang = a.get("lang", "").lower()
        zh = lang.startswith("zh") and tag != "html"
        skip = tag in ("script", "style", "textarea", "pre", "code")
        is_ui = tag in UI_TAGS or bool(classes & UI_CLASSES)
        _where, _ui, zh_parent, skip_parent = self._inside()
        if not (zh or zh_parent or skip or skip_parent):
            for name in UI_ATTRIBUTES:
                if a.get(name):
                    self.found.append((f"{tag}[{name}]", a[name]))
        if tag not in VOID:
            label = f"{tag}.{'.'.join(sorted(classes & UI_CLASSES))}".rstrip(".")
            self._stack.append((label, is_ui, zh, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0].split(".", 1)[0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data):
        where, is_ui, zh, skip = self._inside()
        if is_ui and not zh and not skip and data.strip():
            self.found.append((where, data.strip()))


def user_data() -> list[str]:
    """Every text stored in a record (longest first), but the seeded names."""
    values: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy:
            continue
        fields = [
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and (meta.app_label, meta.model_name, f.name) not in SEEDED_NAME_FIELDS
            and not (meta.model_name.startswith("historical"))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                _collect(value, values)
    from aftersales.warranty.seeded import POLICIES

    values -= {chinese for chinese, _label in POLICIES.values()}  # also in the policies' data
    return sorted((v for v in values if CJK.search(v)), key=len, reverse=True)


def _collect(value, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value.strip())
        # A record's text shown cut short, or one line of it.
        into.update(line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, into)
            _collect(v, into)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, into)


# Chinese that belongs in English text: the name of the 三包, and the example of a text
# message signature on the company profile (signatures are Chinese: 【华东电器】).
ALLOWED = re.compile(r"Three Guarantees \(三包\)|【[^】]*】")


def chinese_left(text: str, data: list[str]) -> str:
    """``text`` with the user data taken out; returns what Chinese is left ("" for none)."""
    text = ALLOWED.sub(" ", text)
    if not CJK.search(text):
        return ""
    for value in data:
        if value in text:
            text = text.replace(value, " ")
            if not CJK.search(text):
                return ""
    # A record's text cut short for a list ends in an ellipsis.
    text = re.sub(r"\S*[…]", " ", text)
    return text.strip() if CJK.search(text) else ""


def page_key(url: str) -> str:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path
    query = sorted({k.split("=")[0] for k in parts.query.split("&") if k})
    return f"{match.view_name}?{'&'.join(query)}"


def walk(client: Client, data: list[str], start: list[str], depth: int) -> tuple[list[str], int]:
    """Follow the links from the ``start`` pages; returns the findings and the pages read."""
    findings: list[str] = []
    seen = {page_key(url) for url in start}
    frontier = list(start)
    read = 0
    for _depth in range(depth + 1):
        following = []
        for url in frontier:
            if read >= MAX_PAGES:
                break
            with transaction.atomic():
                response = client.get(url, follow=True)
                transaction.set_rollback(True)
            read += 1
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            if getattr(response, "streaming", False):
                continue
            parser = _UiText()
            parser.feed(response.content.decode())
            for where, text in parser.found:
                left = chinese_left(text, data)
                if left:
                    findings.append(f"{url} <{where}> {text!r}")
            for href in parser.links:
                target = urlsplit(urljoin("http://testserver" + url, href))
                if target.netloc != "testserver" or target.path.startswith(SKIP_PREFIXES):
                    continue
                path = target.path + (f"?{target.query}" if target.query else "")
                key = page_key(path)
                if key in seen:
                    continue
                seen.add(key)
                following.append(path)
        frontier = following
    return findings, read


def record_pages() -> list[str]:
    """The demo records whose pages carry the most of the engine's and the seeds' words."""
    from aftersales.repairs.models import WorkOrder
    from aftersales.service.models import Case
    from aftersales.warranty.models import Application, WarrantyCard

    pages = ["/warranty/policies/national/", "/warranty/policies/demo-company/"]
    pages += [c.get_absolute_url() for c in Case.objects.exclude(product=None)[:2]]
    pages += [a.get_absolute_url() for a in Application.objects.all()[:1]]
    pages += [c.get_absolute_url() for c in WarrantyCard.objects.all()[:2]]
    pages += [w.get_absolute_url() for w in WorkOrder.objects.all()[:1]]
    return pages


@pytest.mark.django_db
def test_english_pages_show_no_chinese_outside_the_company_data():
    from aftersales.accounts.demo import PEOPLE
    from aftersales.accounts.models import User

    call_command("seed_demo", verbosity=0)
    data = user_data()
    report = os.environ.get("EN_PAGES_REPORT")
    everything: dict[str, list[str]] = {}
    for username, *_rest in PEOPLE:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if username == "admin":
            findings, read = walk(client, data, ["/", *record_pages()], ADMIN_DEPTH)
        else:
            findings, read = walk(client, data, ["/"], DEPTH)
        assert read > 3, f"{username} saw only {read} pages"
        everything[username] = findings
        if findings and not report:
            pytest.fail(
                f"Chinese UI text in English mode for {username}:\n" + "\n".join(findings[:40])
            )
    if report:
        seen: set[str] = set()
        for username, findings in everything.items():
            for line in findings:
                text = line.split(" ", 1)[1]
                if text not in seen:
                    seen.add(text)
                    print(f"[{username}] {line}")
