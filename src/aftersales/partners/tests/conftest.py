import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from aftersales.customers.tests.factories import DealerFactory

from .. import services


@pytest.fixture
def dealer_a(db):
    return DealerFactory(code="dealer-a", name="甲经销店")


@pytest.fixture
def dealer_b(db):
    return DealerFactory(code="dealer-b", name="乙经销店")


@pytest.fixture
def make_key(admin_user):
    """``make_key(scopes, dealer=..., **fields)`` → (record, the key itself)."""

    def make(scopes, **fields):
        return services.key_create(
            actor=admin_user, name=fields.pop("name", "商城系统"), scopes=scopes, **fields
        )

    return make


@pytest.fixture
def as_key():
    """An API client that sends ``Authorization: Api-Key <key>``."""

    def client(raw: str, **extra):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}", **extra)
        return c

    return client


class Receiver:
    """A partner's endpoint on 127.0.0.1: records each request, answers ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "raw": raw}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/aftersales"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self) -> list[dict]:
        return [json.loads(r["raw"]) for r in self.requests]


@pytest.fixture
def receiver(settings):
    # The test endpoint is on this machine, which deployments refuse by default.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def intake_body(**overrides):
    body = {
        "channel": "web",
        "kind": "repair",
        "customer": {"name": "王小明", "phone": "13912345678"},
        "description": "电视屏幕有横线，开机十分钟后出现",
    }
    body.update(overrides)
    return body
