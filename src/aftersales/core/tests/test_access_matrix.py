"""The permission matrix: every page and every API ``GET`` operation, asked by every reader,
answers what ``access_matrix`` declares.

The routes come from the URL configuration and the OpenAPI schema, so a new page or endpoint
fails ``test_every_route_has_an_entry`` until it has its line in the table. The walk itself is
one test over one world (``access_world``): it collects every mismatch and every server error,
then fails once, listing them all.
"""

from __future__ import annotations

import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from .access_matrix import ALL, API, NAV_NARROWER, NOT_WALKED, PAGES, POST, Access
from .access_world import ANONYMOUS, OTHER_DEALER, READERS, SUPERUSER, build_world, sample_kwargs

HOW_TO_ADD = (
    "Add each to src/aftersales/core/tests/access_matrix.py: a page to PAGES "
    '("<namespace>:<name>": page(ok=<roles answered 200>)), an API GET operation to API '
    '("GET <path as in the schema>": api(ok=...)), or, when a plain GET cannot walk it (POST '
    "only, a stored file, a public signed link), to NOT_WALKED with a one-line reason. A new "
    "URL argument needs its sample value in access_world.sample_kwargs."
)


# -- the routes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern when it has no name
    pattern: str  # the full pattern, e.g. "orders/<int:order_id>/"
    arguments: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/v1/")

    @property
    def schema_path(self) -> str:
        """The path as drf-spectacular writes it: ``/api/v1/orders/{order_id}/``."""
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + self.pattern)
        return path.replace("{pk}", "{id}")


def url_routes() -> list[Route]:
    def walk(patterns, prefix: str, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
                yield Route(name or pattern, pattern, names)

    return list(walk(get_resolver().url_patterns, "", None))


def api_get_operations() -> set[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"GET {path}" for path, ops in schema["paths"].items() if "get" in ops}


def not_walked(key: str) -> str | None:
    if key in NOT_WALKED:
        return NOT_WALKED[key]
    for prefix, reason in NOT_WALKED.items():
        if prefix.endswith("*") and key.startswith(prefix[:-1]):
            return reason
    return None


# -- every route has its line ---------------------------------------------------------------------


def test_every_route_has_an_entry():
    routes = url_routes()
    operations = api_get_operations()
    missing, seen = [], set()
    for route in routes:
        if route.is_api:
            get = f"GET {route.schema_path}"
            if get in operations:
                seen.add(get)
                if get not in API and not_walked(get) is None:
                    missing.append(f"{get}  (API GET operation)")
            else:
                seen.add(route.schema_path)
                if not_walked(route.schema_path) is None:
                    missing.append(f"{route.schema_path}  (API path without a GET operation)")
        else:
            seen.add(route.key)
            if route.key not in PAGES and not_walked(route.key) is None:
                missing.append(f"{route.key}  (page /{route.pattern})")
    for get in operations - seen:  # in the schema, yet no URL pattern gave it
        missing.append(f"{get}  (in the schema only)")
    assert not missing, (
        "Routes without an entry in the access matrix:\n  "
        + "\n  ".join(sorted(missing))
        + "\n"
        + HOW_TO_ADD
    )

    both = (set(PAGES) | set(API)) & set(NOT_WALKED)
    assert not both, f"Walked and not walked at once: {sorted(both)}"
    stale = sorted(k for k in {*PAGES, *API, *NOT_WALKED} if not k.endswith("*") and k not in seen)
    assert not stale, (
        "Entries that match no route (remove them; an API path listed as having no GET "
        f"operation may have gained one): {stale}"
    )


def test_the_table_is_well_formed():
    problems = []
    for key, access in {**PAGES, **API}.items():
        if access.kind != ("api" if key.startswith("GET ") else "page"):
            problems.append(f"{key}: declared with {access.kind}()")
        unknown = (access.ok | access.redirect) - ALL
        if unknown:
            problems.append(f"{key}: no such role {sorted(unknown)}")
        if set(access.known) - set(READERS):
            problems.append(f"{key}: known answers for no such reader {sorted(access.known)}")
        if access.known and not access.why:
            problems.append(f"{key}: known disagreements need a `why`")
        if access.lands_on and access.lands_on not in PAGES:
            problems.append(f"{key}: lands on {access.lands_on}, which is not in PAGES")
    assert not problems, "\n".join(problems)


def _opens(access: Access, role: str) -> bool:
    """Whether ``role`` gets the page, or is redirected to one it gets."""
    status = access.known.get(role, min(predicate_answer(access, role)))
    if status == 302 and access.lands_on:
        return _opens(PAGES[access.lands_on], role)
    return status == 200


def test_the_navigation_leads_where_its_roles_may_go():
    """Each menu entry is shown to the roles that may open its page (declared exceptions in
    NAV_NARROWER), and never to a role the page answers "not found"."""
    from aftersales.core.navigation import _ITEMS

    problems = []
    for item in _ITEMS.values():
        access = PAGES.get(item.url_name)
        if access is None:
            problems.append(f"{item.key}: its page {item.url_name} is not in PAGES")
            continue
        allowed = {role for role in ALL if _opens(access, role)}
        shown = set(item.roles) or set(ALL)
        if shown - allowed:
            problems.append(f"{item.key}: shown to {sorted(shown - allowed)}, who may not open it")
        left_out = allowed - shown
        if left_out != set(NAV_NARROWER.get(item.key, ())):
            problems.append(
                f"{item.key}: hidden from {sorted(left_out)}, who may open {item.url_name}; "
                f"NAV_NARROWER says {sorted(NAV_NARROWER.get(item.key, ()))}"
            )
    assert not problems, "\n".join(problems)


# -- the walk -------------------------------------------------------------------------------------


def predicate_answer(access: Access, reader: str) -> set[int]:
    """What the declared predicates say ``reader`` gets (before the known disagreements)."""
    if reader == ANONYMOUS:
        if access.anonymous is not None:
            return {access.anonymous}
        return {302} if access.kind == "page" else {401, 403}
    role = {SUPERUSER: "admin", OTHER_DEALER: "dealer"}.get(reader, reader)
    if role in access.ok:
        if reader == OTHER_DEALER and access.scoped is not None:
            return {access.scoped}
        return {200}
    if role in access.redirect:
        return {302}
    return {access.denied}


def _get(client, url: str):
    """GET ``url``; whatever the view writes is rolled back, so the walk's order does not
    matter. Returns (status, response, traceback summary of an exception)."""
    try:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
    except Exception as exc:  # every server error is a finding, listed by the test
        frames = traceback.extract_tb(exc.__traceback__)[-3:]
        where = " <- ".join(f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno}" for f in frames[::-1])
        return 500, None, f"{type(exc).__name__}: {exc} at {where}"
    if response.streaming:  # read to the end: the test client then closes it (and the file)
        for _chunk in response.streaming_content:
            pass
    return response.status_code, response, ""


def _format(value: str, world) -> str:
    return value.format(**world.samples) if value else ""


@pytest.mark.django_db
def test_access_matrix():
    started, cpu = time.monotonic(), time.process_time()
    world = build_world()
    built = time.monotonic() - started
    login_url = reverse("accounts:login")

    page_clients, api_clients = {}, {}
    for reader in READERS:
        user = world.readers[reader]
        page_clients[reader], api_clients[reader] = Client(), APIClient()
        if user is not None:
            page_clients[reader].force_login(user)
            api_clients[reader].force_authenticate(user)

    targets = []  # (key, access, url)
    for route in url_routes():
        if route.is_api:
            continue
        if route.key in PAGES:
            access = PAGES[route.key]
            url = reverse(route.key, kwargs=sample_kwargs(route.key, route.arguments, world))
            query = _format(access.query, world)
            targets.append((route.key, access, url + ("?" + query if query else "")))
    for key, access in API.items():
        path = key.removeprefix("GET ")
        names = re.findall(r"{(\w+)}", path)
        url = path.format(**sample_kwargs(path, names, world))
        query = _format(access.query, world)
        targets.append((key, access, url + ("?" + query if query else "")))

    mismatches, errors, fixed, leaks = [], [], [], []
    requests = 0
    spent = Counter()  # seconds per route, to keep the walk fast
    for key, access, url in targets:
        clients = page_clients if access.kind == "page" else api_clients
        for reader in READERS:
            t0 = time.monotonic()
            status, response, error = _get(clients[reader], url)
            requests += 1
            spent[key] += time.monotonic() - t0
            if status >= 500:
                errors.append(f"{key}  {reader}  GET {url}  → {status} {error}")
                continue
            predicted = predicate_answer(access, reader)
            expected = {access.known[reader]} if reader in access.known else predicted
            if reader == OTHER_DEALER and access.scoped is not None and status == 200:
                leaks.append(f"{key}  GET {url}: dealer B's person sees dealer A's record")
            if status not in expected:
                mismatches.append(
                    f"{key}  {reader}: got {status}, expected {'/'.join(map(str, expected))}"
                    f"  (GET {url})"
                )
            elif reader in access.known and status in predicted:
                fixed.append(f"{key}  {reader}: answers {status} now; remove it from `known`")
            elif (
                reader == ANONYMOUS
                and status == 302
                and access.anonymous is None
                and not response["Location"].startswith(login_url)
            ):
                mismatches.append(f"{key}  anonymous: 302 to {response['Location']}")

    # Routes listed as POST only must refuse a plain GET with 405.
    superuser = page_clients[SUPERUSER]
    for route in url_routes():
        reason = NOT_WALKED.get(route.key, "")
        if route.is_api or not reason.startswith(POST):
            continue
        url = reverse(route.key, kwargs=sample_kwargs(route.key, route.arguments, world))
        status, _response, error = _get(superuser, url)
        requests += 1
        if status >= 500:
            errors.append(f"{route.key}  superuser  GET {url}  → {status} {error}")
        elif status != 405:
            mismatches.append(f"{route.key}  superuser: GET answered {status}, not 405 (POST only)")

    elapsed = time.monotonic() - started
    print(
        f"\naccess matrix: {len(PAGES)} pages, {len(API)} API GET operations, "
        f"{len(READERS)} readers, {requests} requests; world {built:.1f}s, total {elapsed:.1f}s "
        f"({time.process_time() - cpu:.1f}s CPU); slowest: "
        + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in spent.most_common(3))
    )
    problems = []
    for title, rows in (
        ("Server errors", errors),
        ("Another dealer's record answered 200", leaks),
        ("Answers that differ from the matrix", mismatches),
        ("Known disagreements that are fixed now", fixed),
    ):
        if rows:
            problems.append(f"{title} ({len(rows)}):\n  " + "\n  ".join(rows))
    assert not problems, "\n".join(problems)
