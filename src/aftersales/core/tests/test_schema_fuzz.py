"""Schemathesis over the whole API schema, in-process, as an administrator and as a dealer's
person, against the demo company (``seed_demo``), so path parameters can meet real records.

It fails on any 5xx, and on any answer the schema does not tell the truth about: an
undocumented status, content type or body, a schema-violating request accepted, or a
schema-valid request refused for its shape (see ``shape_refused``).

Generation is bounded and derandomized (``MAX_EXAMPLES`` per operation, a fixed seed, no
example database, no shrinking), so a run is the same every time and fits in CI.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from aftersales.core.demo import DEMO_PASSWORD

SCHEMA_URL = "/api/schema/"
TOKEN_URL = "/api/v1/auth/token/"
MAX_EXAMPLES = 8
SEED = 20261207

# Demo people (core.demo, accounts.demo, customers.demo): zhoujing holds the dealer role and is
# a DealerMember of 上海徐汇经销店.
FUZZ_USERS = {"admin": "admin", "dealer": "zhoujing"}

# Left out: both revoke the token this run signs in with, and every later request would then
# answer 401 and test nothing (accounts/tests/test_api_tokens.py covers them).
EXCLUDED = [
    ("DELETE", "/api/v1/auth/token/"),
    ("DELETE", "/api/v1/users/{user_id}/token/"),
]

# DRF validation codes that say a request's shape is wrong: what the schema should have
# refused already. A schema-valid request refused with one of these is a schema mismatch.
# Not here: references to missing records (``does_not_exist``, ``incorrect_type``) and the
# rules of serializers' own ``validate`` methods (``invalid``), which a schema cannot express.
SHAPE_CODES = {
    "required",
    "null",
    "blank",
    "max_length",
    "min_length",
    "invalid_choice",
    "max_value",
    "min_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "not_a_list",
    "not_a_dict",
    "empty",
    "max_string_length",
    "overflow",
    "parse_error",
    "unsupported_media_type",
}
CODES_HEADER = "X-Test-Validation-Codes"


def _codes(detail) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_codes(v) for v in detail.values())) if detail else set()
    if isinstance(detail, list):
        return set().union(*(_codes(v) for v in detail)) if detail else set()
    return {str(detail)}


@pytest.fixture
def _validation_codes(monkeypatch):
    """Tell the shape check which DRF validation codes refused a request (a test-only header)."""
    handler = api_settings.EXCEPTION_HANDLER

    def recording_handler(exc, context):
        response = handler(exc, context)
        if response is not None and isinstance(exc, exceptions.ValidationError):
            response[CODES_HEADER] = json.dumps(sorted(_codes(exc.get_codes())))
        return response

    monkeypatch.setattr(api_settings, "EXCEPTION_HANDLER", recording_handler)


@pytest.fixture
def _one_connection():
    """Requests reach Django through WSGI, which closes the database connection after each
    one; inside the test's transaction that would lose the data. Django's test client does
    the same as this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schemathesis.check
def shape_refused(ctx, response, case):
    """A schema-valid request (positive mode) must not be refused for its shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    codes = set(json.loads(response.headers.get(CODES_HEADER.lower(), ["[]"])[0]))
    shape = sorted(codes & SHAPE_CODES)
    if shape:
        raise AssertionError(
            f"A schema-valid request was refused for its shape ({', '.join(shape)}): "
            f"{response.text[:500]}"
        )
    return None


@pytest.fixture(params=sorted(FUZZ_USERS))
def api_schema(request, db, _one_connection, _validation_codes):
    from aftersales.accounts.models import User
    from aftersales.customers.models import DealerMember

    # schemathesis 4's lazy schema renames the test for each operation through Node._nodeid,
    # which pytest 9.2 no longer has; give it one.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid

    call_command("seed_demo", verbosity=0)
    username = FUZZ_USERS[request.param]
    if request.param == "dealer":
        user = User.objects.get(username=username)
        assert DealerMember.objects.filter(user=user).exists()

    answer = APIClient().post(
        TOKEN_URL, {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    token = answer.json()["token"]

    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Token {token}", "Accept-Language": "en"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "no-shrink": True,
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                "negative_data_rejection": {"enabled": True},
                "positive_data_acceptance": {"enabled": True},
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
    import os
    try:
        case.call_and_validate()
    except BaseException as exc:  # DISCOVERY ONLY
        log = os.environ.get("FUZZ_LOG")
        if log:
            fails = getattr(exc, "exceptions", [exc])
            with open(log, "a") as fh:
                fh.write(json.dumps({
                    "op": case.operation.label,
                    "mode": str(case.meta.generation.mode) if case.meta else None,
                    "phase": str(case.meta.phase.name) if case.meta else None,
                    "desc": getattr(case.meta.phase.data, "description", None) if case.meta else None,
                    "path": case.formatted_path, "query": case.query, "body": repr(case.body)[:400],
                    "media": case.media_type,
                    "fails": [f"{getattr(f, 'title', type(f).__name__)}: {getattr(f, 'message', str(f))}"[:300] for f in fails],
                    "status": getattr(getattr(exc, "response", None), "status_code", None),
                    "text": str(exc)[:1500],
                }, ensure_ascii=False) + "\n")
        raise
