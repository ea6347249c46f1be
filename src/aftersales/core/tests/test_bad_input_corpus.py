"""A bad-input corpus generated from the API schema (``/api/schema/``): every text property of
every JSON ``POST`` body, sent with each hostile value, on the demo company (``seed_demo`` and
``access_world``) with the records each step needs.

- **NUL** (``"a\\x00b"``) and **1 MB of text** are refused with a 400 that names the field
  (``core.input_guard``): never a 500 (PostgreSQL cannot store a NUL), never a stalled worker.
  A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (1 M Chinese characters, 3 MB) is refused by
  Django before any parser reads it: a 413 ``too_large`` that can name no field.
- **Formula prefixes** (``=HYPERLINK(…)``, ``+1+1``, ``-2+3``, ``@SUM(A1)``) and **PDF/HTML
  markup** are refused (4xx) or stored as typed: read back from the answer, a ``GET`` of the
  record or, for text kept only in a record's history, the database.
- **Exports and printouts stay safe**: the records stored with formula text are exported to
  Excel, where every such cell is text (never a formula); those stored with markup are printed,
  and the PDF shows the markup as typed (no link, no image; printed without the letterhead's
  logo, so that an image could only come from the text).

Each field meets the same world: every request runs in a savepoint that is rolled back. Each
body starts from a valid base (the schema's required properties and examples, references to
demo records by property name, ``recipes()`` below for what a schema cannot tell, and any
text field the service asks for, filled in); an operation no base can make valid is listed in
``NO_VALID_BASE`` and still gets every hostile value (and must not answer a 5xx).
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.core.demo import DEMO_PASSWORD
from aftersales.core.excel import FORMULA_STARTS
from aftersales.core.testing import assert_pdf_prints_as_typed

from .access_world import build_world, sample_kwargs

SCHEMA_URL = "/api/schema/?format=json"
TOKEN_URL = "/api/v1/auth/token/"

NUL = "a\x00b"
HUGE = "x" * 1_048_576  # 1 MB; a 3 MB body has its own check in the test
FORMULAS = ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)")
MARKUP = (
    "<script>alert(1)</script>",
    "<para><font size=40>x</font></para>",
    "</td></tr></table><h1>x</h1>",
)
HOSTILE = {
    "nul": NUL,
    "1mb": HUGE,
    **{f"formula {v}": v for v in FORMULAS},
    **{f"markup {v}": v for v in MARKUP},
}
REFUSED = ("nul", "1mb")  # always a 400 naming the field

# Operations no base body can make valid: their hostile variants are still sent, and must not
# answer a 5xx (NUL and 1 MB must still be a 400 naming the field). Keep it short.
NO_VALID_BASE: dict[str, str] = {}

# POST operations outside the corpus, and why.
NOT_WALKED = {
    "/api/v1/customers/{customer_id}/merge/": "no text property (a customer's id)",
    "/api/v1/customers/{customer_id}/reveal-phone/": "no text property (a choice)",
    "/api/v1/warranty/claims/{number}/settle/": "no text property (a version)",
    "/api/v1/written-promises/{promise_id}/submit/": "no text property (a version)",
    "/api/v1/quality/liaison-forms/{form_id}/nonconformance/": "no body",
    "/api/v1/quality/recalls/{recall_id}/close/": "no body",
    "/api/v1/webhooks/deliveries/{delivery_id}/resend/": "no body (a delivery sent again)",
    "/api/v1/tickets/{number}/attachments/": "a multipart upload of a file (form values pass "
    "core.input_guard's middleware)",
}

# Text an operation accepts and rightly keeps nowhere: nothing to read back.
NOT_STORED = {
    ("/api/v1/auth/token/", "username"): "a sign-in: looked up, never stored",
    ("/api/v1/auth/token/", "password"): "a sign-in: checked, never stored",
    ("/api/v1/users/", "password"): "kept as a hash",
    ("/api/v1/warranty/evaluate/", "*"): "answers what the rules give; stores nothing",
    **dict.fromkeys(
        [
            ("/api/v1/orders/{order_id}/submit/", "reason"),
            ("/api/v1/orders/{order_id}/rework/", "reason"),
            ("/api/v1/orders/{order_id}/start-fulfilment/", "reason"),
        ],
        "the order steps share one body (ReasonRequest); only reject, cancel and close "
        "read its reason",
    ),
}
# Codes kept in capitals (a SKU or serial differing only in case is the same one).
UPPER_CASE_CODES = {("/api/v1/products/", "sku"), ("/api/v1/serials/", "serial")}

USERS = (
    "admin", "zhangwei", "liuyang", "lina", "zhaolei", "chenjie", "sunli",
)  # fmt: skip
PHONE = "13912345678"
FUTURE_DATES = {"delivery_date", "due_back_on", "next_due_on", "due_on"}
# A 1×1 PNG, as the technician's page sends the drawn signature.
SIGNATURE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
RETURN_ADDRESS = {
    "return_address": "上海市徐汇区",
    "return_contact": "王先生",
    "return_phone": PHONE,
}
NOTICE_2027 = (
    Path(__file__).parents[2] / "workdays" / "tests" / "notices" / "2027-sample.txt"
).read_text(encoding="utf-8")


# -- the schema -------------------------------------------------------------------------------


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def branches(schema, node) -> list[dict]:
    node = resolve(schema, node)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return [resolve(schema, b) for b in node[key]]
    if "allOf" in node:
        return [resolve(schema, node["allOf"][0])]
    return [node]


def is_text(schema, node) -> bool:
    """A string people type: no enum, no format (date, e-mail, …); not an amount (a string
    or a number)."""
    options = branches(schema, node)
    if any(b.get("type") in ("number", "integer", "boolean") for b in options):
        return False
    return any(
        b.get("type") == "string"
        and "enum" not in b
        and "format" not in b
        and b.get("maxLength", 1) != 0
        for b in options
    )


def text_fields(schema, node, prefix="", keys=()):
    """Every text property of a body: (``lines[0].specification``, its keys, its schema)."""
    node = resolve(schema, node)
    if is_text(schema, node):
        yield prefix, keys, node
        return
    for option in branches(schema, node):
        if option.get("type") == "object":
            for name, prop in option.get("properties", {}).items():
                if not resolve(schema, prop).get("readOnly"):
                    path = f"{prefix}.{name}" if prefix else name
                    yield from text_fields(schema, prop, path, (*keys, name))
        elif option.get("type") == "array" and "items" in option:
            yield from text_fields(schema, option["items"], f"{prefix}[0]", (*keys, 0))


def post_operations(schema):
    """Every ``POST`` with a JSON body: (path, its body's schema and examples)."""
    for path, item in schema["paths"].items():
        content = item.get("post", {}).get("requestBody", {}).get("content", {})
        if "application/json" in content:
            yield path, content["application/json"]


class Values:
    """Valid values by the schema's rules, and demo records by property name (``refs``)."""

    def __init__(self, schema, refs):
        self.schema, self.refs = schema, refs

    def value(self, name, node):
        node = resolve(self.schema, node)
        options = branches(self.schema, node)
        first, kind = options[0], options[0].get("type")
        if name in self.refs:
            ref = self.refs[name]
            return ref.get(kind, ref.get("*")) if isinstance(ref, dict) else ref
        if "example" in first:
            return first["example"]
        if node.get("default") not in (None, ""):
            return node["default"]
        if any(b.get("type") == "number" for b in options):  # an amount
            return "10.00"
        if "enum" in first:
            return next(v for v in first["enum"] if v not in ("", None))
        if kind == "boolean":
            return False
        if kind == "integer":
            return max(first.get("minimum", 1), min(1, first.get("maximum", 1)))
        if first.get("format") == "date":
            days = 5 if name in FUTURE_DATES else 0  # a delivery date lies ahead
            return (timezone.localdate() + timedelta(days=days)).isoformat()
        if first.get("format") == "date-time":
            return (timezone.now() + timedelta(hours=1)).isoformat()
        if kind == "string" and ("phone" in name or "mobile" in name):
            return PHONE
        if kind == "string":
            return f"corpus-{name}"[: first.get("maxLength", 40)]
        if kind == "array":
            return [self.value(name, first["items"])]
        if kind == "object":
            return self.body(first)
        return None

    def body(self, node, *, extra=()):
        node = resolve(self.schema, node)
        return {
            name: self.value(name, prop)
            for name, prop in node.get("properties", {}).items()
            if not resolve(self.schema, prop).get("readOnly")
            and (name in node.get("required", ()) or name in extra)
        }


def put(body, keys, value):
    """A copy of ``body`` with the value at ``keys`` (``("lines", 0, "note")``) replaced."""
    body = copy.deepcopy(body)
    target = body
    for key, after in itertools.pairwise(keys):
        empty = [] if isinstance(after, int) else {}
        if isinstance(key, int):
            if len(target) <= key:
                target.append(empty)
        elif not isinstance(target.get(key), dict | list):
            target[key] = empty
        target = target[key]
    if isinstance(keys[-1], int) and len(target) <= keys[-1]:
        target.append(value)
    else:
        target[keys[-1]] = value
    return body


def get(body, keys):
    for key in keys:
        try:
            body = body[key]
        except (KeyError, IndexError, TypeError):
            return None
    return body


# -- the world --------------------------------------------------------------------------------


def application_fields() -> dict:
    """A desk application for a TV bought five days ago (with the 三包 facts it needs)."""
    today = timezone.localdate()
    facts = {"category": "彩色电视机", "channel": "offline", "problem": "quality"}
    facts.update(
        report_date=today.isoformat(),
        purchase_date=(today - timedelta(days=5)).isoformat(),
        has_invoice_or_card=True,
    )
    return {"reason": "无法开机", "price": "3299.00", "facts": facts}


def prepare(world, api) -> dict:
    """The records the steps need, each walked to its state through the API by the people
    who do it; by name (``@order_submitted`` in ``recipes()``)."""
    from aftersales.accounts.models import User
    from aftersales.catalog.models import Batch, Product, SerialNumber
    from aftersales.quality.models import InspectionPlan
    from aftersales.sales.models import Order, ShipmentLine
    from aftersales.service.models import Case

    s, today = world.samples, timezone.localdate()
    refs = {f"user:{u.username}": u.pk for u in User.objects.filter(username__in=USERS)}
    refs.update(customer=s["customer"], sku=s["sku"], product=s["product"])
    refs["kb_article"] = s["article"]  # a public support article (knowledge.demo)

    def call(user, url, body=None):
        answer = api(user).post(url, body or {}, format="json")
        assert answer.status_code in (200, 201), (user, url, answer.status_code, answer.content)
        return answer.json()

    # -- sales: a table (not serial-tracked) in every state of an order ------------------------
    table = Product.objects.get(sku="DT-140")
    batch = table.batches.filter(quality_status="passed").order_by("production_date").first()
    refs["table_batch"] = batch.pk

    def order(quantity=1, *, to):
        line = {"product": table.sku, "quantity": quantity, "unit_price": "1980.00"}
        made = call(
            "zhangwei",
            "/api/v1/orders/",
            {
                "customer": s["customer"],
                "delivery_date": (today + timedelta(days=7)).isoformat(),
                "delivery_place": "上海市徐汇区",
                "lines": [line],
            },
        )
        pk, line = made["id"], made["lines"][0]["id"]
        if to == "draft":
            return pk, line
        call("zhangwei", f"/api/v1/orders/{pk}/submit/")  # 10 tables need the VP's approval
        if to == "rejected":
            call("liuyang", f"/api/v1/orders/{pk}/reject/", {"reason": "价格不对"})
        if to in ("submitted", "rejected", "approved"):
            return pk, line
        shipment = call(
            "zhaolei",
            f"/api/v1/orders/{pk}/shipments/",
            {
                "lines": [{"order_line": line, "batch": batch.pk, "quantity": quantity}],
                "documents": ["contract"],
            },
        )
        if to == "shipped":
            return pk, shipment
        call("zhaolei", f"/api/v1/shipments/{shipment['id']}/deliver/")
        if to == "delivered":
            return pk, shipment
        row = shipment["lines"][0]["id"]
        accepted, problem = (quantity, "") if to == "accepted" else (quantity - 1, "shortage")
        call(
            "zhangwei",
            f"/api/v1/shipments/{shipment['id']}/accept/",
            {"lines": [{"shipment_line": row, "accepted_quantity": accepted, "problem": problem}]},
        )
        return pk, row

    refs["order_draft"], _ = order(to="draft")
    refs["order_submitted"], _ = order(10, to="submitted")
    refs["order_rejected"], _ = order(10, to="rejected")
    refs["order_approved"], refs["order_line"] = order(to="approved")
    _, shipped = order(to="shipped")
    refs["shipment_shipped"] = shipped["id"]
    _, delivered = order(to="delivered")
    refs["shipment_delivered"], refs["delivered_line"] = (
        delivered["id"],
        delivered["lines"][0]["id"],
    )
    refs["order_accepted"], _ = order(to="accepted")
    refs["order_disputed"], refs["disputed_line"] = order(2, to="disputed")

    # -- service: cases -------------------------------------------------------------------------
    serial = SerialNumber.objects.get(pk=s["serial"])

    def intake(kind="repair", **extra):
        caller = {"name": serial.owner.name, "phone": serial.owner.mobile}
        body = {"channel": "phone", "kind": kind, "description": "电视无法开机", **extra}
        return call("sunli", "/api/v1/tickets/", {**body, "customer": caller})["number"]

    def case(*steps):
        number = intake(serial_no=serial.serial)
        for action, body in steps:
            call("sunli", f"/api/v1/tickets/{number}/{action}/", body)
        return number

    refs["case_new"] = case()
    refs["case_accepted"] = case(("accept", {}))
    refs["case_in_progress"] = case(("accept", {}), ("start", {}))
    refs["case_resolved"] = case(("accept", {}), ("resolve", {"solution": "更换屏幕"}))
    # Delivery-delay cases of an order promised three weeks ago; one has an offer waiting.
    late = Case.objects.get(number=s["delay_case"]).order
    Order.objects.filter(pk=late.pk).update(delivery_date=today - timedelta(days=21))
    refs["case_late"] = s["delay_case"]
    refs["case_offered"] = intake("delivery_delay", order_no=late.number)
    call("sunli", f"/api/v1/tickets/{refs['case_offered']}/compensation/", {"company_caused": True})

    # -- repairs: work orders on site and mailed in ---------------------------------------------
    def work_order(kind, *steps):
        made = call("admin", "/api/v1/work-orders/", {"case": refs["case_accepted"], "kind": kind})
        for action, body in steps:
            call("admin", f"/api/v1/work-orders/{made['number']}/{action}/", body)
        return made["number"]

    received = ("receive", {"condition": "外观完好"})
    done = {"diagnosis": "电源板", "work_done": "更换", "result": "fixed"}
    start = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    visit = {
        "technician": refs["user:chenjie"],
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
    }
    refs["wo_onsite_new"] = work_order("onsite_repair")
    refs["wo_onsite_working"] = work_order("onsite_repair", ("schedule", visit), ("check_in", {}))
    refs["wo_mail_new"] = work_order("mail_in")
    refs["wo_mail_working"] = work_order("mail_in", received, ("start", {}))
    refs["wo_mail_done"] = work_order(
        "mail_in", received, ("start", {}), ("test", {"result": "正常"}), ("complete", done)
    )
    refs["wo_quoted"] = work_order("mail_in", received, ("start", {}))
    call(
        "admin",
        f"/api/v1/work-orders/{refs['wo_quoted']}/charges/",
        {"kind": "labour", "quantity": "1", "unit_price": "80.00", "free": False},
    )
    call("admin", f"/api/v1/work-orders/{refs['wo_quoted']}/quote/send/")

    # -- quality --------------------------------------------------------------------------------
    refs["batch_pending"] = Batch.objects.filter(quality_status="pending").order_by("id")[0].pk
    plan = InspectionPlan.objects.get(pk=s["plan"])
    refs["plan_results"] = [
        {"item": item.pk, "passed": True}
        if item.result_type == "pass_fail"
        else {"item": item.pk, "measured_value": str(item.lower_limit or item.upper_limit)}
        for item in plan.items.all()
    ]
    refs["batch_fresh"] = call(  # pending, and no release asked for yet
        "admin",
        "/api/v1/batches/",
        {"product": s["sku"], "batch_no": "TV-CORPUS-1", "production_date": today.isoformat()},
    )["id"]
    form = call(
        "lina",
        "/api/v1/quality/liaison-forms/",
        {"kind": "complaint", "content": "包装破损", "department": "quality", "contact": "王先生"},
    )
    analysis = {"analysis": "运输", "measures": "加固包装"}
    call("lina", f"/api/v1/quality/liaison-forms/{form['id']}/handle/", analysis)
    refs["liaison_handled"] = form["id"]
    nc = call(
        "lina",
        "/api/v1/quality/nonconformances/",
        {"source": "inspection", "title": "屏幕坏点", "description": "抽检发现坏点"},
    )
    action = call(
        "lina",
        f"/api/v1/quality/nonconformances/{nc['id']}/actions/",
        {"description": "更换供应商", "owner": refs["user:lina"], "due_in_working_days": 5},
    )
    call("lina", f"/api/v1/quality/actions/{action['id']}/complete/", {"result": "已更换"})
    refs["nc_done"] = nc["id"]

    # -- feedback: a self-inspection with every result in, a meeting with an item (FB-5) ------
    started = call("admin", "/api/v1/feedback/self-inspections/", {"checklist": "service-records"})
    refs["si_open"], refs["si_case"] = started["number"], started["sampled"][0]["case"]
    refs["si_item"] = started["items"][0]["id"]
    every = [
        {"case": row["case"], "item": item["id"], "result": "pass"}
        for row in started["sampled"]
        for item in started["items"]
    ]
    every[0]["result"] = "fail"
    call(
        "admin", f"/api/v1/feedback/self-inspections/{refs['si_open']}/results/", {"results": every}
    )
    meeting = call(
        "admin",
        "/api/v1/feedback/meetings/",
        {
            "held_on": today.isoformat(),
            "title": "服务例会",
            "actions": [
                {"text": "复核", "owner": "lina", "due_on": (today + timedelta(7)).isoformat()}
            ],
        },
    )
    refs["fb_meeting"], refs["fb_meeting_action"] = meeting["number"], meeting["actions"][0]["id"]

    # -- partners: an API key its webhooks belong to -------------------------------------------
    refs["partner_key"] = call(
        "admin", "/api/v1/partner-keys/", {"name": "商城", "scopes": ["tickets:read"]}
    )["id"]

    # -- warranty: applications at each step ----------------------------------------------------
    def application(remedy, *steps):
        body = {**application_fields(), "customer_id": s["customer"], "product_sku": s["sku"]}
        number = call("admin", "/api/v1/warranty/applications/", {**body, "requested": remedy})[
            "number"
        ]
        for action, step_body in steps:
            call("admin", f"/api/v1/warranty/applications/{number}/{action}/", step_body)
        return number

    exchange = ("approve", {"remedy": "exchange", "note": "同意换货"})
    repair = ("approve", {"remedy": "free_repair", "note": "免费修理"})
    # S2: the customer agrees to the handling plan before the goods are asked for.
    agreed = ("plan_answer", {"agree": True, "via": "phone", "note": "顾客来电同意"})
    request = ("request_goods", RETURN_ADDRESS)
    receive = ("receive", {"intact": True, "disposition": "stock"})
    refs["app_applied"] = application("exchange")
    refs["app_approved"] = application("exchange", exchange, agreed)
    refs["app_plan_waiting"] = application("exchange", exchange)
    refs["app_awaiting"] = application("exchange", exchange, agreed, request)
    refs["app_received"] = application("exchange", exchange, agreed, request, receive)
    refs["app_repairing"] = application("free_repair", repair, agreed, request, receive)
    spare = SerialNumber.objects.filter(product__sku=s["sku"], owner__isnull=True).exclude(
        pk__in=ShipmentLine.serials.through.objects.values("serialnumber_id")
    )
    refs["spare_serial"] = spare.order_by("serial")[0].serial
    from aftersales.warranty.models import WarrantyCard

    # A unit sold today with its certificate and no extended warranty yet: one may be sold.
    sold = (
        WarrantyCard.objects.filter(serial__isnull=False, void=False)
        .exclude(serial__extended_warranties__status="active")
        .order_by("-created_at")
    )
    refs["card_serial"] = sold.first().serial.serial
    return refs


def references(world) -> dict:
    """Demo records by the property name that refers to them (by type where it varies)."""
    s = world.samples
    return {
        "customer": s["customer"],
        "customer_id": s["customer"],
        "product": {"integer": s["product"], "*": s["sku"]},
        "product_sku": s["sku"],
        "batch": s["batch"],
        "batches": [s["batch"]],
        "plan": s["plan"],
        "case": s["case"],
        "part_no": s["part_no"],
        "department": "service",
        "location": "wh-main",
        "from_location": "wh-main",
        "to_location": "repair-centre",
        "subject_type": "sales.shipment",
        "subject_id": s["shipment"],
        "manufacturer": "hd-elec",
        "policy": "national",
        "policy_key": "national",
    }


@dataclass
class Recipe:
    """What an operation needs beyond its schema: who does it, the records its path names,
    base values, and for a step endpoint (``{action}``) the step each field belongs to, with
    the record that step needs."""

    actor: str = "admin"
    path: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)  # field → (action, {path argument: value})


def recipes() -> dict[str, Recipe]:
    """``@name`` is a record ``prepare`` made."""
    onsite, mail = {"number": "@wo_onsite_working"}, {"number": "@wo_mail_working"}
    soon = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {
        "/api/v1/auth/token/": Recipe(body={"username": "admin", "password": DEMO_PASSWORD}),
        "/api/v1/batches/{batch_id}/emergency-release/": Recipe(
            actor="liuyang", path={"batch_id": "@batch_pending"}
        ),
        "/api/v1/customers/": Recipe(body={"mobile": PHONE}),
        "/api/v1/warranty/extended/": Recipe(body={"serial_no": "@card_serial", "plan": "tv-2y"}),
        "/api/v1/surveys/responses/": Recipe(
            body={"case": "@case_resolved", "channel": "phone", "answers": {"overall": 4, "nps": 9}}
        ),
        "/api/v1/feedback/self-inspections/": Recipe(body={"checklist": "service-records"}),
        "/api/v1/feedback/self-inspections/{number}/results/": Recipe(
            path={"number": "@si_open"},
            body={"results": [{"case": "@si_case", "item": "@si_item", "result": "fail"}]},
        ),
        "/api/v1/feedback/self-inspections/{number}/finish/": Recipe(
            path={"number": "@si_open"},
            body={"findings": [{"text": "复核回访记录", "owner": "lina", "due_on": soon}]},
        ),
        "/api/v1/feedback/meetings/": Recipe(
            body={
                "attendees": ["sunli"],
                "actions": [{"text": "复核", "owner": "lina", "due_on": soon}],
            }
        ),
        "/api/v1/feedback/meetings/{number}/actions/{id}/done/": Recipe(
            path={"number": "@fb_meeting", "id": "@fb_meeting_action"}
        ),
        "/api/v1/loaners/issues/": Recipe(body={"unit": "LN-TV-01"}),
        "/api/v1/webhooks/": Recipe(
            body={
                "url": "https://partner.example.com/hooks",
                "events": ["ticket.created"],
                "key": "@partner_key",
            }
        ),
        "/api/v1/knowledge/uses/": Recipe(
            body={"case": "@case_accepted", "action": "attach", "article": "@kb_article"}
        ),
        "/api/v1/orders/{order_id}/submit/": Recipe(path={"order_id": "@order_draft"}),
        "/api/v1/orders/{order_id}/cancel/": Recipe(path={"order_id": "@order_draft"}),
        "/api/v1/orders/{order_id}/approve/": Recipe(
            actor="liuyang", path={"order_id": "@order_submitted"}
        ),
        "/api/v1/orders/{order_id}/reject/": Recipe(
            actor="liuyang", path={"order_id": "@order_submitted"}
        ),
        "/api/v1/orders/{order_id}/rework/": Recipe(path={"order_id": "@order_rejected"}),
        "/api/v1/orders/{order_id}/start-fulfilment/": Recipe(path={"order_id": "@order_approved"}),
        "/api/v1/orders/{order_id}/shipments/": Recipe(
            path={"order_id": "@order_approved"},
            body={
                "lines": [{"order_line": "@order_line", "batch": "@table_batch", "quantity": 1}],
                "documents": ["contract"],
            },
        ),
        "/api/v1/shipments/{shipment_id}/deliver/": Recipe(
            path={"shipment_id": "@shipment_shipped"}
        ),
        "/api/v1/shipments/{shipment_id}/accept/": Recipe(
            path={"shipment_id": "@shipment_delivered"},
            body={
                "lines": [
                    {
                        "shipment_line": "@delivered_line",
                        "accepted_quantity": 0,
                        "problem": "damage",
                    }
                ]
            },
        ),
        "/api/v1/orders/{order_id}/close/": Recipe(path={"order_id": "@order_accepted"}),
        "/api/v1/orders/{order_id}/reship/": Recipe(
            path={"order_id": "@order_disputed"},
            body={
                "lines": [
                    {"shipment_line": "@disputed_line", "batch": "@table_batch", "quantity": 1}
                ]
            },
        ),
        "/api/v1/orders/{order_id}/credit/": Recipe(
            path={"order_id": "@order_disputed"}, body={"shipment_line": "@disputed_line"}
        ),
        "/api/v1/parts/": Recipe(body={"part_no": "P-CORPUS-1"}),
        "/api/v1/parts/work-orders/{number}/consume/": Recipe(path=mail),
        "/api/v1/products/": Recipe(body={"category": "tv"}),
        "/api/v1/quality/emergency-releases/": Recipe(body={"batch": "@batch_fresh"}),
        "/api/v1/quality/emergency-releases/{release_id}/approve/": Recipe(actor="liuyang"),
        "/api/v1/quality/emergency-releases/{release_id}/reject/": Recipe(actor="liuyang"),
        "/api/v1/quality/inspections/": Recipe(
            body={"batch": "@batch_pending", "results": "@plan_results"}
        ),
        "/api/v1/quality/liaison-forms/{form_id}/verify/": Recipe(
            path={"form_id": "@liaison_handled"}
        ),
        "/api/v1/quality/nonconformances/{nc_id}/actions/": Recipe(
            body={"owner": "@user:lina", "due_in_working_days": 5}
        ),
        "/api/v1/quality/nonconformances/{nc_id}/verify/": Recipe(path={"nc_id": "@nc_done"}),
        "/api/v1/quality/plans/": Recipe(body={"product": "@product"}),
        "/api/v1/quality/recall-tasks/{task_id}/": Recipe(body={"outcome": "contacted"}),
        "/api/v1/tickets/": Recipe(body={"customer": {"name": "王小明", "phone": PHONE}}),
        "/api/v1/tickets/{number}/{action}/": Recipe(
            steps={
                "note": ("cancel", {"number": "@case_new"}),
                "solution": ("resolve", {"number": "@case_accepted"}),
                "result": ("resolve", {"number": "@case_accepted"}),
            }
        ),
        "/api/v1/tickets/{number}/substatus/": Recipe(path={"number": "@case_in_progress"}),
        "/api/v1/tickets/{number}/compensation/": Recipe(
            path={"number": "@case_late"}, body={"company_caused": True}
        ),
        "/api/v1/tickets/{number}/compensation/answer/": Recipe(path={"number": "@case_offered"}),
        "/api/v1/tickets/assign/": Recipe(body={"cases": ["@case_new"]}),
        "/api/v1/warranty/applications/": Recipe(
            body={
                "customer_id": "@customer",
                "product_sku": "@sku",
                "payments": [{"method": "cash", "amount": "3299.00"}],
                **application_fields(),
            }
        ),
        "/api/v1/warranty/applications/{number}/{action}/": Recipe(
            steps={
                "remedy": ("approve", {"number": "@app_applied"}),
                "note": ("reject", {"number": "@app_applied"}),
                **dict.fromkeys(
                    [*RETURN_ADDRESS, "carrier", "tracking_no", "shipping_payer"],
                    ("request_goods", {"number": "@app_approved"}),
                ),
                **dict.fromkeys(
                    ["condition", "received_serial", "disposition"],
                    ("receive", {"number": "@app_awaiting"}),
                ),
                "replacement_serial": ("ship_replacement", {"number": "@app_received"}),
                **dict.fromkeys(
                    ["timetable", "replacement_sku"], ("plan", {"number": "@app_plan_waiting"})
                ),
                "work_done": ("repaired", {"number": "@app_repairing"}),
            },
            body={
                "remedy": "exchange",
                "intact": True,
                "disposition": "stock",
                "replacement_serial": "@spare_serial",
                **RETURN_ADDRESS,
            },
        ),
        "/api/v1/warranty/claims/": Recipe(body={"case": "@case_resolved", "parts_cost": "100.00"}),
        "/api/v1/work-orders/{number}/{action}/": Recipe(
            steps={
                "reason": ("cancel", {"number": "@wo_onsite_new"}),
                "condition": ("receive", {"number": "@wo_mail_new"}),
                "accessories": ("receive", {"number": "@wo_mail_new"}),
                "result": ("test", mail),
                "waiting_for": ("pause", mail),
                "diagnosis": ("complete", mail),
                "work_done": ("complete", mail),
                "signed_name": ("complete", onsite),
                "signature": ("complete", onsite),
                "waybill": ("return", {"number": "@wo_mail_done"}),
            },
            body={"waiting_for": "parts", "result": "fixed", "signature": SIGNATURE},
        ),
        "/api/v1/work-orders/{number}/quote/{action}/": Recipe(
            steps={"note": ("decline", {"number": "@wo_quoted"})}
        ),
        "/api/v1/workdays/notices/": Recipe(body={"year": 2027, "text": NOTICE_2027}),
    }


def deref(value, prepared):
    if isinstance(value, str) and value.startswith("@"):
        return prepared[value[1:]]
    if isinstance(value, dict):
        return {k: deref(v, prepared) for k, v in value.items()}
    if isinstance(value, list):
        return [deref(v, prepared) for v in value]
    return value


@dataclass
class Target:
    """One address of an operation (a step endpoint has one per step), its base body and the
    text fields sent there."""

    operation: str
    url: str
    actor: str
    base: dict
    fields: list  # (path, keys, schema) of the text fields sent here
    known: list  # every text field of the body
    kwargs: dict = field(default_factory=dict)  # the path's arguments
    valid: bool = False
    why_invalid: str = ""


def targets(schema, world, prepared) -> list[Target]:
    values, book, out = Values(schema, references(world)), recipes(), []
    for path, content in post_operations(schema):
        recipe = book.get(path, Recipe())
        fields = list(text_fields(schema, content["schema"]))
        if content.get("examples"):
            base = copy.deepcopy(next(iter(content["examples"].values()))["value"])
        else:  # the required properties, and the lists and objects holding text fields
            nested = {k[0] for _p, k, _n in fields if any(isinstance(x, str) for x in k[1:])}
            base = values.body(content["schema"], extra=nested)
        base.update(deref(recipe.body, prepared))
        steps: dict[tuple, list] = {}
        for item in fields:
            action, arguments = recipe.steps.get(item[0]) or next(
                iter(recipe.steps.values()), (None, {})
            )
            steps.setdefault((action, tuple(arguments.items())), []).append(item)
        for (action, arguments), group in steps.items():
            kwargs = deref({**recipe.path, **dict(arguments)}, prepared)
            if action:
                kwargs["action"] = action
            names = [n for n in re.findall(r"{(\w+)}", path) if n not in kwargs]
            kwargs.update(sample_kwargs(path, names, world))
            url = path.format(**kwargs)
            out.append(Target(path, url, recipe.actor, base, group, fields, kwargs))
    return out


# -- asking and reading back ------------------------------------------------------------------


def names_field(answer: dict, path: str) -> bool:
    fields = answer.get("fields") or {} if isinstance(answer, dict) else {}
    return any(key == path or key.startswith(path) or path.startswith(key) for key in fields)


def contains(data, value) -> bool:
    if isinstance(data, str):
        return value in data
    if isinstance(data, dict):
        return any(contains(v, value) for v in data.values())
    if isinstance(data, list):
        return any(contains(v, value) for v in data)
    return False


def as_json(response):
    try:
        return response.json()
    except (ValueError, TypeError):
        return None


@functools.cache
def text_columns():
    from django.apps import apps
    from django.db import models

    columns = [
        (model, f.name)
        for model in apps.get_models()
        if not model._meta.proxy
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
    ]

    # Where text outside a record's own fields usually lands first: its history and timeline.
    def unlikely(column):
        name = column[0].__name__
        return not (name.startswith("Historical") or name.endswith(("Event", "Notification")))

    return tuple(sorted(columns, key=unlikely))


def read_back(client, target: Target, answer, value: str, seen: list) -> str | None:
    """Where ``value`` reads back as typed: the answer, a ``GET`` of the record (or of the
    record a step belongs to), or a column of the database (text kept in a record's history
    or timeline). ``seen`` carries the column an earlier value of the field was found in."""
    data = as_json(answer)
    if contains(data, value):
        return "the answer"
    urls = []
    if isinstance(data, dict):
        urls += [f"{target.url}{data[k]}/" for k in ("number", "id") if data.get(k)]
    parts = target.url.rstrip("/").split("/")
    urls += ["/".join(parts[:n]) + "/" for n in range(len(parts), 4, -1)]
    for url in urls:
        got = client.get(url)
        if got.status_code == 200 and contains(as_json(got), value):
            return f"GET {url}"
    columns = seen or ([] if seen == [None] else text_columns())
    for model, name in [c for c in columns if c]:
        # ``contains`` is a LIKE, without case on SQLite: the value must be there as typed.
        rows = model._default_manager.filter(**{f"{name}__contains": value})
        if any(value in text for text in rows.values_list(name, flat=True)[:50]):
            seen[:] = [(model, name)]
            return f"{model._meta.label}.{name}"
    seen[:] = [None]  # in no column: the next value of this field need not look again
    return None


def rolled_back(call):
    """``call()`` in a savepoint rolled back afterwards: every request meets the same world."""
    with transaction.atomic():
        try:
            return call()
        finally:
            transaction.set_rollback(True)


@dataclass
class Walk:
    problems: dict = field(default_factory=dict)  # operation → [problem]
    stored: dict = field(default_factory=dict)  # (operation, field) → {value}
    requests: int = 0

    def problem(self, target: Target, text: str) -> None:
        self.problems.setdefault(target.operation, []).append(text)


def settle_base(api, target: Target, values: Values) -> None:
    """Post the base body (rolled back); while the service names a text field it needs that
    the schema calls optional (a reason, a contact), fill it in and try again."""
    base = target.base
    for _attempt in range(4):
        answer = rolled_back(lambda b=base: api(target.actor).post(target.url, b, format="json"))
        if answer.status_code < 300:
            target.base, target.valid = base, True
            return
        data = as_json(answer) or {}
        wanted = [
            (path, keys, node)
            for path, keys, node in target.known
            if answer.status_code == 400 and names_field(data, path) and get(base, keys) is None
        ]
        if not wanted:
            break
        for path, keys, node in wanted:
            base = put(base, keys, values.value(path.rsplit(".", 1)[-1], node))
    target.base = base
    target.why_invalid = f"{answer.status_code} {answer.content.decode()[:300]}"


def walk_target(api, target: Target, walk: Walk) -> None:
    client = api(target.actor)
    for path, keys, _node in target.fields:
        quiet = {(target.operation, path), (target.operation, "*")} & set(NOT_STORED)
        seen: list = []
        for kind, value in HOSTILE.items():
            body = put(target.base, keys, value)

            def ask(body=body, value=value, kind=kind, path=path, seen=seen, quiet=quiet):
                answer = client.post(target.url, body, format="json")
                found = None
                if answer.status_code < 300 and kind not in REFUSED and not quiet:
                    found = read_back(client, target, answer, typed(target, path, value), seen)
                return answer, found

            answer, found = rolled_back(ask)
            walk.requests += 1
            said = f"{path} = {kind[:40]!r}: {answer.status_code} {answer.content[:200]!r}"
            if answer.status_code >= 500:
                walk.problem(target, f"server error on {said}")
            elif kind in REFUSED:
                if answer.status_code != 400 or not names_field(as_json(answer), path):
                    walk.problem(target, f"not a 400 naming the field: {said}")
            elif answer.status_code < 300:
                walk.stored.setdefault((target.operation, path), set()).add(value)
                if found is None and not quiet:
                    walk.problem(target, f"stored, but nowhere as typed: {said}")


def typed(target: Target, path: str, value: str) -> str:
    """The value as the record keeps it: codes in capitals."""
    return value.upper() if (target.operation, path) in UPPER_CASE_CODES else value


# -- exports and printouts --------------------------------------------------------------------

# Where the records an operation stores are exported (.xlsx) or printed (.pdf): ``{…}`` from
# its answer or the prepared records.
EXPORTS = {
    "/api/v1/customers/": ["/customers/export/"],
    "/api/v1/products/": ["/products/export/"],
    "/api/v1/batches/": ["/products/batches/export/"],
    "/api/v1/serials/": ["/products/serials/export/"],
    "/api/v1/orders/": ["/orders/register/?format=xlsx", "/orders/{id}/contract.pdf"],
    "/api/v1/shipments/{shipment_id}/deliver/": [
        "/orders/delivery-notes/?format=xlsx",
        "/orders/shipments/{id}/delivery-note.pdf",
    ],
    "/api/v1/tickets/": [
        "/service/register/?format=xlsx",
        "/service/register/complaints/?format=xlsx",
        "/service/cases/{number}/request-form.pdf",
        "/service/cases/{number}/service-sheet.pdf",
    ],
    "/api/v1/quality/inspections/": ["/quality/inspections/{id}/report.pdf"],
    "/api/v1/work-orders/{number}/charges/": ["/repairs/work-orders/{number}/charges/pdf/"],
}


def is_pdf(url: str) -> bool:
    return "pdf" in url


def excel_problems(data: bytes, value: str) -> list[str]:
    from openpyxl import load_workbook

    problems, shown = [], False
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if cell.data_type == "f":
                    problems.append(f"{cell.coordinate} is a formula: {cell.value!r}")
                elif text.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                    problems.append(f"{cell.coordinate} turns into a formula when edited: {text!r}")
                shown = shown or value in text
    if not shown:
        problems.append(f"{value!r} is in no cell")
    return problems


def export_stored(api, page, target: Target, walk: Walk, prepared) -> dict[str, list[str]]:
    """For each hostile value, the operation once more with every field that stored it set to
    it (rolled back afterwards), then its exports: formulas in Excel, markup in PDFs."""
    problems: dict[str, list[str]] = {}
    for value in (*FORMULAS, *MARKUP):
        keys = [
            keys
            for path, keys, _node in target.fields
            if value in walk.stored.get((target.operation, path), ())
            and (target.operation, path) not in NOT_STORED
        ]
        if not keys:
            continue
        body = target.base
        for k in keys:
            body = put(body, k, value)
        printout = value in MARKUP  # markup matters in a PDF, a formula in Excel

        def look(body=body, value=value, printout=printout):
            answer = api(target.actor).post(target.url, body, format="json")
            if answer.status_code >= 300:
                return {target.url: [f"storing every field failed: {answer.content[:300]!r}"]}
            record = {**prepared, **(as_json(answer) or {}), **target.kwargs}
            found = {}
            for template in EXPORTS[target.operation]:
                if is_pdf(template) != printout:
                    continue
                url = template.format(**record)
                got = page.get(url)
                data = b"".join(got.streaming_content) if got.streaming else got.content
                if got.status_code != 200:
                    found[url] = [f"{got.status_code}"]
                elif not printout:
                    found[url] = excel_problems(data, typed(target, "", value))
                else:
                    try:
                        assert_pdf_prints_as_typed(data, value)
                        found[url] = []
                    except AssertionError as exc:
                        found[url] = [f"{value!r} does not print as typed ({exc})"]
            return found

        for url, seen in rolled_back(look).items():
            if seen:
                problems.setdefault(url, []).extend(seen)
            else:
                problems.setdefault(url, [])
    return problems


# -- the test ---------------------------------------------------------------------------------


@pytest.fixture
def quiet_refusals():
    """Some thousand refusals are expected: Django's warning for each 4xx is noise (and slow
    to capture). Server errors are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_hostile_text_is_refused_or_stored_as_typed_and_exported_safely(
    db, subtests, quiet_refusals
):
    world = build_world()
    clients = {}

    def api(username):
        """An API client signed in the way an integrator signs in: a token from the API."""
        if username not in clients:
            client = APIClient(raise_request_exception=False)
            answer = client.post(
                TOKEN_URL, {"username": username, "password": DEMO_PASSWORD}, format="json"
            )
            assert answer.status_code == 200, answer.content
            client.credentials(
                HTTP_AUTHORIZATION=f"Token {answer.json()['token']}", HTTP_ACCEPT_LANGUAGE="en"
            )
            clients[username] = client
        return clients[username]

    for name in USERS:
        api(name)  # every token before any sign-in is tried with hostile text
    schema = api("admin").get(SCHEMA_URL).json()
    prepared = prepare(world, api)
    values = Values(schema, references(world))
    walked = [t for t in targets(schema, world, prepared) if t.fields]
    for target in walked:
        settle_base(api, target, values)

    with subtests.test("every POST operation is in the corpus, or said why not"):
        posts = {path for path, item in schema["paths"].items() if "post" in item}
        assert posts - {t.operation for t in walked} == set(NOT_WALKED)

    with subtests.test("a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413"):
        # 1 M characters of Chinese are 3 MB of UTF-8: Django refuses the body before the
        # input guard can read it, so no field is named; the API's JSON error, never a 500.
        answer = rolled_back(
            lambda: api("admin").post(
                "/api/v1/customers/", {"name": "长" * 1_000_000, "mobile": PHONE}, format="json"
            )
        )
        assert answer.status_code == 413, answer.content[:300]
        assert answer.json()["code"] == "too_large"

    with subtests.test("every operation with text starts from a valid body, or is listed"):
        invalid = {t.operation: t.why_invalid for t in walked if not t.valid}
        assert set(invalid) == set(NO_VALID_BASE), json.dumps(invalid, ensure_ascii=False)

    walk = Walk()
    for target in walked:
        walk_target(api, target, walk)
    for operation in dict.fromkeys(t.operation for t in walked):
        with subtests.test(operation=operation):
            assert not walk.problems.get(operation), "\n".join(walk.problems[operation])

    from aftersales.core.company import forget_company
    from aftersales.core.models import CompanyProfile

    # Printed without the letterhead's logo: an image in a printout can only come from text.
    CompanyProfile.objects.update(logo="")
    forget_company()
    page = Client(raise_request_exception=False)
    page.force_login(world_user("admin"))
    exported = {t.operation: t for t in walked if t.operation in EXPORTS}
    assert set(exported) == set(EXPORTS), set(EXPORTS) - set(exported)
    for operation, target in exported.items():
        with subtests.test(exports_of=operation):
            problems = export_stored(api, page, target, walk, prepared)
            assert problems, "nothing it stored was exported"
            assert not any(problems.values()), json.dumps(problems, ensure_ascii=False, indent=1)


def world_user(username):
    from aftersales.accounts.models import User

    return User.objects.get(username=username)
