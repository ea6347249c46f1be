"""Global search in the top bar (issue 17): one box finds any document number, a serial or
batch number, a customer by name or phone (the last 4 digits for readers who see phones),
grouped by kind and scoped to the reader exactly like the lists; an exact number opens the
record; the same results at ``GET /api/v1/search/``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from aftersales.catalog.models import SerialNumber
from aftersales.core.search import global_search
from aftersales.customers.models import PhoneReveal
from aftersales.quality.models import Inspection
from aftersales.quality.tests.factories import InspectionPlanFactory
from aftersales.service.services.intake import IntakeInput, case_intake
from aftersales.warranty.models import WarrantyCard

from .test_workbench import NOW, TODAY, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    w = World(make_user)
    # A case taken at the desk (its search words made as usual) for 王小明's phone.
    w.phoned, _created = case_intake(
        actor=w.cs,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="王小明",
            customer_phone="13912344444",
            description="冰箱冷藏室不制冷",
        ),
    )
    w.serial = SerialNumber.objects.create(
        serial="SN55E0001", product=w.product, batch=w.pending[0], owner=w.customer
    )
    w.serial_b = SerialNumber.objects.create(
        serial="SN55E0002", product=w.product, owner=w.customer_b
    )
    w.card = WarrantyCard.objects.create(
        number="SB-20261216-0001",
        product=w.product,
        customer=w.customer,
        serial=w.serial,
        invoice_date=TODAY,
        starts_on=TODAY,
        policy_key="default",
        terms={},
    )
    w.inspection = Inspection.objects.create(
        number="QI-20261216-0001",
        kind="finished",
        batch=w.pending[1],
        plan=InspectionPlanFactory(product=w.product),
        inspector=w.inspector,
        inspected_at=NOW - timedelta(hours=1),
        sample_size=5,
        verdict="passed",
    )
    return w


def groups(user, q) -> dict[str, list[str]]:
    return {g.key: [h.title for h in g.hits] for g in global_search(user, q).groups}


def page_groups(html: str) -> set[str]:
    return set(re.findall(r'data-testid="search-group-([^"]+)"', html))


def test_the_top_bar_has_the_search_box(client, world):
    client.force_login(world.cs)
    html = client.get("/").content.decode()
    assert 'data-testid="global-search"' in html and 'action="/search/"' in html


def test_a_document_number_typed_in_full_opens_the_record(client, world):
    client.force_login(world.admin)
    records = {
        world.case_overdue.number: world.case_overdue.get_absolute_url(),
        world.to_approve.number: reverse("sales:order-detail", args=[world.to_approve.pk]),
        world.on_the_road.number: reverse("sales:order-detail", args=[world.to_ship_b.pk]),
        world.app_applied.number: world.app_applied.get_absolute_url(),
        world.claim_judged.number: world.claim_judged.get_absolute_url(),
        world.wo_waiting.number: reverse(
            "repairs:work-order-detail", args=[world.wo_waiting.number]
        ),
        world.nc_open.number: reverse("quality:nc-detail", args=[world.nc_open.pk]),
        world.liaison.number: reverse("quality:liaison-detail", args=[world.liaison.pk]),
        world.card.number: world.card.get_absolute_url(),
        world.inspection.number: reverse("quality:inspection-detail", args=[world.inspection.pk]),
    }
    for number, url in records.items():
        response = client.get("/search/", {"q": number})
        assert response.status_code == 302, number
        assert response["Location"] == url, number
        assert client.get(url).status_code == 200, number
    # Typed in lower case, with spaces around: the same record.
    response = client.get("/search/", {"q": f"  {world.case_overdue.number.lower()} "})
    assert response["Location"] == world.case_overdue.get_absolute_url()


def test_a_number_begun_lists_every_match_grouped_by_kind(client, world):
    found = groups(world.admin, "SO-20261215")
    assert len(found["orders"]) == 5  # of seven: the first five, and "show all"
    assert set(found["delivery_notes"]) == {"DN-20261215-0001", "DN-20261215-0002"}
    client.force_login(world.admin)
    response = client.get("/search/", {"q": "SO-20261215"})
    html = response.content.decode()
    assert response.status_code == 200
    assert page_groups(html) == {"orders", "delivery_notes"}
    assert 'href="/orders/?q=SO-20261215"' in html  # the order list, searched alike


def test_serial_batch_and_customer_name(world):
    assert groups(world.cs, "SN55E0001") == {
        "serials": ["SN55E0001"],
        "cards": ["SB-20261216-0001"],
    }
    found = groups(world.inspector, "B-P")
    assert found["batches"] == ["B-P1", "B-P2"]
    found = groups(world.cs, "王小明")
    assert found["customers"] == ["王小明"]
    assert world.phoned.number in found["cases"]  # the customer's name is in the case's words


def test_a_phone_number_in_full_or_its_last_four_digits(client, world):
    for query in ("13912344444", "139-1234-4444", "4444"):
        found = global_search(world.cs, query)
        by_kind = {g.key: g for g in found.groups}
        assert [h.title for h in by_kind["customers"].hits] == ["王小明"], query
        assert "13912344444" in by_kind["customers"].hits[0].subtitle  # in full for the desk
        assert world.phoned.number in [h.title for h in by_kind["cases"].hits], query
    client.force_login(world.cs)
    html = client.get("/search/", {"q": "4444"}).content.decode()
    assert {"customers", "cases"} <= page_groups(html)


def test_a_masked_reader_finds_by_the_whole_number_only_and_it_is_recorded(client, world):
    """The vice-president sees numbers masked: the last 4 digits are no search for them; the
    whole number finds the customer, shown masked, and the find is recorded as a reveal."""
    assert "customers" not in groups(world.vp, "4444")
    assert "cases" not in groups(world.vp, "4444")
    assert not PhoneReveal.objects.exists()
    found = {g.key: g for g in global_search(world.vp, "13912344444").groups}
    subtitle = found["customers"].hits[0].subtitle
    assert "139****4444" in subtitle and "13912344444" not in subtitle
    assert PhoneReveal.objects.filter(user=world.vp, customer=world.customer).exists()
    client.force_login(world.vp)
    html = client.get("/search/", {"q": "13912344444"}).content.decode()
    hits = " ".join(re.findall(r'data-testid="search-hit">(.*?)</a>', html, flags=re.S))
    assert "139****4444" in hits and "13912344444" not in hits


def test_a_dealer_never_finds_another_dealers_records(client, world):
    dealer = world.dealer
    for query in (
        "乙店客户",  # dealer B's customer
        world.case_b.number,
        world.to_ship_b.number,
        "SN55E0002",  # dealer B's customer's unit
    ):
        found = groups(dealer, query)
        for titles in found.values():
            assert world.case_b.number not in titles
            assert world.to_ship_b.number not in titles
            assert "乙店客户" not in titles and "SN55E0002" not in titles
    assert groups(dealer, "乙店客户") == {}
    # Quality records are the company's staff's.
    assert groups(dealer, world.nc_open.number) == {}
    # Its own case opens.
    client.force_login(dealer)
    response = client.get("/search/", {"q": world.case_a.number})
    assert response["Location"] == world.case_a.get_absolute_url()
    response = client.get("/search/", {"q": world.case_b.number})
    assert response.status_code == 200
    assert 'data-testid="search-empty"' in response.content.decode()


def test_a_technician_finds_only_their_own_visits(world):
    """Work orders are found as their list finds them (by the whole number)."""
    hit = global_search(world.tech, "WO-20261216-0003").exact
    assert hit.url == reverse("repairs:my-visit", args=["WO-20261216-0003"])
    assert groups(world.tech, world.wo_waiting.number) == {}  # not theirs
    assert groups(world.dispatcher, world.wo_waiting.number) == {
        "work_orders": [world.wo_waiting.number]
    }


def test_short_and_fruitless_queries_say_so(client, world):
    client.force_login(world.cs)
    html = client.get("/search/", {"q": "王"}).content.decode()
    assert 'data-testid="search-too-short"' in html
    html = client.get("/search/", {"q": "不存在的东西"}).content.decode()
    assert 'data-testid="search-empty"' in html


def test_the_search_costs_a_query_or_two_per_kind(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    client.get("/search/", {"q": "王小明"})  # warm the session and the content types
    with django_assert_max_num_queries(40):
        assert client.get("/search/", {"q": "王小明"}).status_code == 200


def test_the_api_answers_the_same_groups(api_as, api_client, world):
    body = api_as(world.cs).get("/api/v1/search/", {"q": "4444"}).json()
    kinds = {g["kind"]: g for g in body["groups"]}
    assert body["query"] == "4444" and body["exact_url"] is None
    assert kinds["customers"]["results"][0]["title"] == "王小明"
    assert kinds["customers"]["label"]
    assert world.phoned.number in [r["title"] for r in kinds["cases"]["results"]]
    body = api_as(world.admin).get("/api/v1/search/", {"q": world.nc_open.number}).json()
    assert body["exact_url"] == reverse("quality:nc-detail", args=[world.nc_open.pk])
    assert body["groups"][0]["results"][0]["exact"] is True
    # Scoped: a dealer's people find nothing of another dealer's.
    body = api_as(world.dealer).get("/api/v1/search/", {"q": world.case_b.number}).json()
    assert body["groups"] == [] and body["exact_url"] is None
    masked = api_as(world.vp).get("/api/v1/search/", {"q": "13912344444"}).json()
    shown = str([g["results"] for g in masked["groups"]])
    assert "139****4444" in shown and "13912344444" not in shown
    assert api_client.get("/api/v1/search/", {"q": "4444"}).status_code in (401, 403)
    missing = api_as(world.cs).get("/api/v1/search/")
    assert missing.status_code == 400 and "q" in missing.json()["fields"]
