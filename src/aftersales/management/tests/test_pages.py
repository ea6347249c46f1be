"""RPT-1 pages and API: who opens the cockpit, every bar leading to a list of the same count,
the tables in Excel, bad filters named, and the reads going to the replica when there is one."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from aftersales.accounts.roles import Role
from aftersales.management import facts

from .conftest import NOW

pytestmark = pytest.mark.django_db

COUNT_CHARTS = {
    "service": (
        "intake_channel",
        "intake_kind",
        "backlog_age",
        "work_department",
        "work_person",
        "sanbao",
    ),
    "sales": ("deliveries", "acceptance"),
    "quality": ("failed_items",),
    "satisfaction": ("overall_scores",),
}


@pytest.fixture
def summed(world):
    facts.rebuild()
    return world


def _charts(html: str) -> dict[str, dict]:
    out = {}
    for key, body in re.findall(
        r'<script id="chart-data-([\w-]+)" type="application/json">(.*?)</script>', html, re.S
    ):
        out[key] = json.loads(body)
    return out


def _count(html: str) -> int:
    m = re.search(r'data-testid="records-count">(\d+)', html)
    assert m, "no count on the records page"
    return int(m.group(1))


@pytest.mark.parametrize("area", list(COUNT_CHARTS))
def test_every_bar_opens_a_list_of_the_same_count(client, summed, area):
    client.force_login(summed.vp)
    page = client.get(f"/management/{area}/", {"period": "2026-11"})
    assert page.status_code == 200
    charts = _charts(page.content.decode())
    checked = 0
    for key in COUNT_CHARTS[area]:
        data = charts[key]
        for value, link in zip(data["series"][0]["data"], data["series"][0]["links"], strict=True):
            listing = client.get(link)
            assert listing.status_code == 200, link
            assert _count(listing.content.decode()) == value, (key, link)
            checked += 1
    assert checked


def test_cards_lead_to_their_records(client, summed):
    client.force_login(summed.vp)
    html = client.get("/management/service/", {"period": "2026-11"}).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="value-intake"', html).group(1)
    assert _count(client.get(link.replace("&amp;", "&")).content.decode()) == 3
    link = re.search(r'href="([^"]+)" data-testid="value-backlog"', html).group(1)
    assert _count(client.get(link.replace("&amp;", "&")).content.decode()) == 2


def test_repeat_repairs_list_matches_the_rate(client, summed):
    client.force_login(summed.vp)
    listing = client.get(
        "/management/records/",
        {"measure": "case.repair", "from": "2026-11-01", "to": "2026-11-30", "key": "repeat"},
    )
    assert _count(listing.content.decode()) == 1 and "TK-T-0003" in listing.content.decode()


def test_a_chart_table_exports_to_excel(client, summed):
    from openpyxl import load_workbook

    client.force_login(summed.vp)
    response = client.get(
        "/management/service/", {"period": "2026-11", "format": "xlsx", "table": "intake_channel"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 3 and sorted(r[1] for r in rows[1:]) == [1, 2]


def test_the_records_export_to_excel(client, summed):
    from openpyxl import load_workbook

    client.force_login(summed.vp)
    response = client.get(
        "/management/records/",
        {"measure": "case.intake", "from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    numbers = sorted(r[0] for r in list(sheet.values)[1:])
    assert numbers == ["TK-T-0001", "TK-T-0002", "TK-T-0003"]


@pytest.mark.parametrize(
    "url, field",
    [
        ("/management/service/?period=2026-13", "period"),
        ("/management/sales/?department=abc", "department"),
        ("/management/records/?measure=nope&from=2026-11-01&to=2026-11-30", "measure"),
        ("/management/records/?measure=case.intake&from=2026-11-31&to=2026-11-30", "from"),
        ("/management/records/?measure=case.intake&from=2026-11-20&to=2026-11-01", "to"),
    ],
)
def test_a_wrong_filter_is_a_400_naming_it(client, summed, url, field):
    client.force_login(summed.vp)
    response = client.get(url)
    assert response.status_code == 400
    assert field in response.content.decode()


def test_who_opens_the_cockpit(client, summed, make_user):
    from aftersales.customers.tests.factories import DealerFactory, dealer_user

    allowed = [summed.vp, make_user(Role.ADMIN), make_user(Role.QUALITY)]
    head = make_user(Role.SERVICE)
    summed.dept_a.head = head
    summed.dept_a.save()
    allowed.append(head)
    for person in allowed:
        client.force_login(person)
        assert client.get("/management/quality/").status_code == 200, person
    refused = [
        summed.tech,
        summed.agent,
        summed.seller,
        make_user(Role.HR),
        dealer_user(make_user, DealerFactory()),
    ]
    for person in refused:
        client.force_login(person)
        for url in (
            "/management/service/",
            "/management/records/?measure=case.intake&from=2026-11-01&to=2026-11-30",
            "/management/reports/",
        ):
            assert client.get(url).status_code == 403, (person, url)


def test_the_dashboard_page_query_count_is_pinned(client, summed, django_assert_max_num_queries):
    client.force_login(summed.vp)
    with django_assert_max_num_queries(60):
        assert client.get("/management/service/", {"period": "2026-11"}).status_code == 200


def test_the_api_gives_the_dashboard(api_client, summed):
    api_client.force_authenticate(summed.vp)
    data = api_client.get("/api/v1/management/dashboards/service/", {"period": "2026-11"}).json()
    assert data["period"] == "2026-11" and data["previous_period"] == "2026-10"
    assert data["year_before"] == "2025-11"
    cards = {c["key"]: c for c in data["cards"]}
    assert cards["intake"]["value"] == 3 and cards["intake"]["last_year"] == 1
    assert cards["intake"]["url"].startswith("/management/records/?measure=case.intake")
    charts = {c["key"]: c for c in data["charts"]}
    assert sorted(charts["intake_channel"]["series"][0]["data"]) == [1, 2]
    bad = api_client.get("/api/v1/management/dashboards/service/", {"period": "11-2026"})
    assert bad.status_code == 400 and "period" in bad.json()["fields"]
    assert api_client.get("/api/v1/management/dashboards/nope/").status_code == 404
    api_client.force_authenticate(summed.tech)
    assert api_client.get("/api/v1/management/dashboards/service/").status_code == 403


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_read_from_the_replica_when_one_is_configured(client, summed):
    """RPT-2: with a replica, the cockpit's reads go through the second alias; without one,
    everything stays on the default database."""
    client.force_login(summed.vp)
    with (
        override_settings(REPORTING_DATABASE="replica"),
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        page = client.get("/management/service/", {"period": "2026-11"})
    assert page.status_code == 200
    sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "management_fact" in sql
    with CaptureQueriesContext(connections["replica"]) as unused:
        client.get("/management/service/", {"period": "2026-11"})
    assert not unused.captured_queries
    assert NOW  # the world's day
