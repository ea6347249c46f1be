"""Schemathesis over the whole API schema (``/api/schema/``), in-process against the WSGI app,
once as an administrator and once as a dealer's person, on the demo company (``seed_demo``)
so that path parameters meet real records.

It fails on any 5xx and wherever the schema does not tell the truth: an undocumented status,
content type or body (``status_code_conformance``, ``content_type_conformance``,
``response_schema_conformance``), a request the schema forbids that is accepted
(``negative_data_rejection``), or a request the schema allows that is refused with DRF's own
validation messages (``shape_refused``, below).

Generation is bounded and deterministic: the schema's examples and ``MAX_EXAMPLES`` generated
cases (valid and invalid) per operation, a fixed seed, derandomized, no example database, no
shrinking. ``SCHEMA_FUZZ_DEEP=1`` adds schemathesis's coverage phase (every boundary of every
parameter and property: about ten times as many requests) and more examples, for a look
before changing many endpoints.
"""

from __future__ import annotations

import functools
import os
import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.core.demo import DEMO_PASSWORD

SCHEMA_URL = "/api/schema/"
TOKEN_URL = "/api/v1/auth/token/"
DEEP = os.environ.get("SCHEMA_FUZZ_DEEP") == "1"
MAX_EXAMPLES = 25 if DEEP else 8
SEED = 20261207

# Demo people (accounts.demo): the administrator, and 周静, who holds the dealer role and is a
# DealerMember of 上海徐汇经销店 (customers.demo).
FUZZ_USERS = {"admin": "admin", "dealer": "zhoujing"}

# Left out: both revoke the API token the run signs in with, and every later request would
# answer 401 and test nothing (accounts/tests/test_api_tokens.py covers them). Nothing else
# is: a create, a transition or a merge changes the demo records, but later operations then
# meet another state (a 409, a 404), which they document, and each role has its own
# database (the test's transaction is rolled back).
EXCLUDED = [
    ("DELETE", "/api/v1/auth/token/"),
    ("DELETE", "/api/v1/users/{user_id}/token/"),
]

# A request the schema allows (positive mode) refused with one of DRF's own validation
# messages (required, blank, null, too long, not a choice, wrong type or format, …) is a
# schema mismatch. Not these: a reference to a record that does not exist
# (``does_not_exist``), and the rules of services and ``validate`` methods, which a schema
# cannot express (their messages are our own).
NOT_SHAPE_CODES = {"does_not_exist"}


@functools.cache
def _drf_shape_messages() -> tuple[re.Pattern, ...]:
    """DRF's default validation messages in English, as patterns (``{max_length}`` → .+)."""
    from rest_framework import fields

    classes, todo = set(), [fields.Field]
    while todo:
        cls = todo.pop()
        if cls not in classes:
            classes.add(cls)
            todo.extend(cls.__subclasses__())
    patterns = set()
    with translation.override("en"):
        for cls in classes:
            for code, message in vars(cls).get("default_error_messages", {}).items():
                if code not in NOT_SHAPE_CODES:
                    patterns.add(re.sub(r"\\\{\w+\\\}", ".+", re.escape(str(message))))
    return tuple(re.compile(f"^{p}$") for p in sorted(patterns))


@schemathesis.check
def shape_refused(ctx, response, case):
    """A request the schema allows must not be refused for its shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        fields = response.json().get("fields") or {}
    except (ValueError, AttributeError):
        return None
    refused = [
        f"{name}: {message}"
        for name, messages in fields.items()
        for message in messages
        if isinstance(message, str) and any(p.match(message) for p in _drf_shape_messages())
    ]
    if refused:
        raise AssertionError(
            "A request the schema allows was refused for its shape; the schema should say "
            "so: " + "; ".join(refused)
        )
    return None


@pytest.fixture
def _one_connection(monkeypatch):
    """Requests reach Django through WSGI, which closes the database connection at the start
    and end of each one; inside the test's transaction that would lose the data (on
    PostgreSQL; an in-memory SQLite database is never closed). Disconnecting the signal is not
    enough: Django's test client, used for the token, connects it again after its request."""
    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete", lambda self: None)


@pytest.fixture(params=sorted(FUZZ_USERS))
def api_schema(request, db, _one_connection):
    from aftersales.accounts.models import User
    from aftersales.customers.models import DealerMember

    # schemathesis's lazy schema names each operation's subtest through Node._nodeid, which
    # pytest 9.2 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid

    call_command("seed_demo", verbosity=0)
    username = FUZZ_USERS[request.param]
    if request.param == "dealer":
        assert DealerMember.objects.filter(user=User.objects.get(username=username)).exists()

    # The token as an integrator gets it (it expires API_TOKEN_DAYS after its issue).
    answer = APIClient().post(
        TOKEN_URL, {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    token = answer.json()["token"]

    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Health checks time generation; a busy CI machine must not fail the API.
            "suppress-health-check": ["all"],
            "headers": {"Authorization": f"Token {token}", "Accept-Language": "en"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "no-shrink": True,
                # Every request carries the token above, not generated credentials.
                "with-security-parameters": False,
                # core.input_guard refuses a NUL character in any text before a view runs.
                "allow-x00": False,
            },
            "phases": {"coverage": {"enabled": DEEP}, "stateful": {"enabled": False}},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                "negative_data_rejection": {"enabled": True},
                "shape_refused": {"enabled": True},
            },
        }
    )
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application(), config=config)


schema = schemathesis.pytest.from_fixture("api_schema")
for _method, _path in EXCLUDED:
    schema = schema.exclude(method=_method, path=_path)


@schema.parametrize()
def test_api_answers_as_documented(case):
    case.call_and_validate()
