"""Intake with a fault code (FB-4): the ticket API takes the code customers' words were
matched to (an unknown one is a 400 naming it) and shows it on the case; the help centre's
request for service is a case with channel web and no staff author."""

from __future__ import annotations

import pytest

from aftersales.core.models import OutboundMessage
from aftersales.service.models import Case, CaseEvent
from aftersales.service.services.intake import IntakeInput, case_intake_public

from .factories import FaultCodeFactory

pytestmark = pytest.mark.django_db


def body(**more):
    return {
        "channel": "phone",
        "kind": "repair",
        "customer": {"name": "王小明", "phone": "13912345678"},
        "description": "电视屏幕有横线",
        **more,
    }


def test_a_ticket_takes_a_fault_code_and_shows_it(api_as, writer, tv, screen_lines):
    """FB-4: POST /api/v1/tickets/ with "fault_code" → the case carries it."""
    response = api_as(writer).post(
        "/api/v1/tickets/", body(product_sku=tv.sku, fault_code="tv-screen-lines"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["fault_code"] == "tv-screen-lines"
    assert Case.objects.get(number=response.json()["number"]).fault_code == screen_lines
    plain = api_as(writer).post("/api/v1/tickets/", body(), format="json")
    assert plain.status_code == 201 and plain.json()["fault_code"] is None


def test_an_unknown_or_retired_fault_code_is_a_400_naming_it(api_as, writer):
    FaultCodeFactory(code="tv-old", name="旧代码", active=False)
    for code in ("tv-nothing", "tv-old"):
        response = api_as(writer).post("/api/v1/tickets/", body(fault_code=code), format="json")
        assert response.status_code == 400
        assert "fault_code" in response.json()["fields"]
    assert not Case.objects.exists()


def test_a_request_from_the_help_centre_is_a_web_case_without_author(tv):
    """FB-4: case_intake_public — channel web, no staff author, the customer told its
    number."""
    case = case_intake_public(
        data=IntakeInput(
            channel="web",
            kind="repair",
            customer_name="李雷",
            customer_phone="13800001111",
            description="屏幕有横线，自查后仍然存在",
            product_sku=tv.sku,
        )
    )
    case.refresh_from_db()
    assert case.channel == "web" and case.created_by is None
    assert case.product == tv and case.customer.name == "李雷"
    created = CaseEvent.objects.get(case=case, action="created")
    assert created.actor is None
    sms = OutboundMessage.objects.get(to="13800001111")
    assert case.number in sms.body
