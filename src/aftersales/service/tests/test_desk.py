"""The agent's desk: the overview's counts (W4), the queue's filters and bulk assignment
(SVC-3, SVC-5)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory

from ..models import Case
from ..selectors import desk_overview
from ..services import workflow
from ..services.intake import IntakeInput, case_intake
from ..services.routing import case_assign

pytestmark = pytest.mark.django_db


def take(agent, name, phone, kind="repair", text="空调不制冷"):
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind=kind,
            customer_name=name,
            customer_phone=phone,
            description=text,
        ),
    )
    return case


@pytest.fixture
def desk(agent, technician):
    """Four cases: one routed to after-sales and overdue, one unassigned, one mine, one closed."""
    aftersales = DepartmentFactory(code="aftersales", name="售后服务部")
    technician.department = aftersales
    technician.save()
    routed = take(agent, "王一", "13900000001")
    case_assign(actor=agent, case=routed, department=aftersales, assignee=technician)
    Case.objects.filter(pk=routed.pk).update(next_due_at=timezone.now() - timedelta(hours=2))
    unassigned = take(agent, "王二", "13900000002", kind="complaint", text="态度差")
    mine = take(agent, "王三", "13900000003", kind="installation")
    Case.objects.filter(pk=mine.pk).update(assignee=agent)
    closed = take(agent, "王四", "13900000004", text="洗衣机漏水")
    workflow.case_transition(actor=agent, case=closed, action="cancel", note="重复来电")
    return {"aftersales": aftersales, "routed": routed, "unassigned": unassigned, "mine": mine}


def test_the_overview_counts_open_cases_by_status_department_and_kind(
    agent, desk, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        o = desk_overview(agent)
    assert o["total"] == 3  # the cancelled one is not open work
    assert o["overdue"] == 1 and o["unassigned"] == 1 and o["mine"] == 1
    assert {s["code"]: s["count"] for s in o["statuses"]}["new"] == 3
    rows = {d["name"]: d["total"] for d in o["departments"]}
    assert rows == {"售后服务部": 1, "": 2}
    assert {k["code"]: k["count"] for k in o["kinds"]} == {
        "repair": 1,
        "complaint": 1,
        "installation": 1,
    }


def test_the_overview_page_shows_the_numbers_and_links_to_the_queue(client, agent, desk):
    client.force_login(agent)
    html = client.get("/service/overview/").content.decode()
    assert 'data-testid="kpi-overdue">1<' in html and 'data-testid="kpi-open">3<' in html
    assert "售后服务部" in html and "?overdue=1" in html


def test_a_dealer_sees_only_its_own_dealers_counts(agent, desk, make_user):
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory

    person = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=person)
    assert desk_overview(person)["total"] == 0


def test_the_queue_filters_by_department_assignee_and_overdue(client, agent, desk):
    client.force_login(agent)

    def listed(query):
        html = client.get(f"/service/?{query}").content.decode()
        return {n for n, c in desk.items() if n != "aftersales" and c.number in html}

    assert listed("") == {"routed", "unassigned", "mine"}
    assert listed(f"department={desk['aftersales'].pk}") == {"routed"}
    assert listed("department=none") == {"unassigned", "mine"}
    assert listed("assignee=me") == {"mine"}
    assert listed("assignee=none") == {"unassigned"}
    assert listed("overdue=1") == {"routed"}
    assert listed("department=abc") == set()  # a broken id matches nothing


def test_an_id_filter_that_is_no_id_matches_nothing_instead_of_failing(api_as, agent, desk):
    """Schemathesis found a 500: ``?assignee=`` with 5,000 digits (or "²", a digit to
    ``str.isdigit`` that ``int`` refuses) reached ``int()``."""
    api = api_as(agent)
    for value in ("0" * 5000, "9" * 30, "²", "١٢"):
        for name in ("assignee", "department"):
            response = api.get("/api/v1/tickets/", {name: value})
            assert response.status_code == 200, (name, value)
            assert response.json()["count"] == 0, (name, value)
    pk = desk["aftersales"].pk
    assert api.get("/api/v1/tickets/", {"department": pk}).json()["count"] == 1


def test_a_search_looks_through_closed_cases_too(client, agent, desk):
    client.force_login(agent)
    html = client.get("/service/?q=13900000004").content.decode()
    assert "王四" in html


def test_bulk_assign_hands_every_ticked_case_to_the_department(client, agent, technician, desk):
    client.force_login(agent)
    numbers = [desk["unassigned"].number, desk["mine"].number]
    response = client.post(
        "/service/assign/",
        {"cases": numbers, "department": desk["aftersales"].pk, "assignee": technician.pk},
        follow=True,
    )
    assert "2" in response.content.decode()
    for case in Case.objects.filter(number__in=numbers):
        assert case.department == desk["aftersales"] and case.assignee == technician
        assert case.events.filter(action="assign").exists()


def test_bulk_assign_is_all_or_nothing_and_names_the_case_that_stopped_it(
    client, agent, technician, desk
):
    client.force_login(agent)
    closed = Case.objects.get(status=Case.Status.CANCELLED)
    response = client.post(
        "/service/assign/",
        {
            "cases": [desk["unassigned"].number, closed.number],
            "department": desk["aftersales"].pk,
        },
        follow=True,
    )
    assert closed.number in response.content.decode()
    desk["unassigned"].refresh_from_db()
    assert desk["unassigned"].department is None


def test_bulk_assign_refuses_a_case_changed_since_the_queue_was_read(
    client, agent, technician, desk
):
    """The tick box carries the version the agent saw: a colleague's assignment made since is
    not silently overwritten."""
    case = desk["unassigned"]
    seen = case.version
    case_assign(actor=technician, case=case, department=desk["aftersales"])
    client.force_login(agent)
    other = DepartmentFactory(code="install", name="安装部")
    response = client.post(
        "/service/assign/",
        {"cases": [f"{case.number}:{seen}"], "department": other.pk},
        follow=True,
    )
    assert case.number in response.content.decode()
    case.refresh_from_db()
    assert case.department == desk["aftersales"]


@pytest.mark.parametrize("role", [Role.QUALITY_INSPECTION, Role.SALES, Role.LOGISTICS, Role.DEALER])
def test_bulk_assign_is_refused_to_people_who_do_not_handle_cases(client, make_user, desk, role):
    """Checked in the service, not only by hiding the tick boxes: a dealer's person posting
    the form by hand is refused too."""
    person = make_user(role)
    client.force_login(person)
    client.post(
        "/service/assign/",
        {"cases": [desk["unassigned"].number], "department": desk["aftersales"].pk},
    )
    desk["unassigned"].refresh_from_db()
    assert desk["unassigned"].department is None


def test_the_queue_page_query_count_does_not_grow_with_the_cases(
    client, agent, desk, django_assert_max_num_queries
):
    """W2: the page's queries are fixed (keys sorted and sliced, then the 25 rows with their
    customer, product and handler in one query)."""
    for n in range(30):
        take(agent, f"客户{n}", f"1370000{n:04d}")
    client.force_login(agent)
    with django_assert_max_num_queries(14):
        html = client.get("/service/").content.decode()
    assert html.count("data-case-link") == 25


def test_a_long_search_is_counted_up_to_the_limit(agent, desk, monkeypatch, client):
    """W3: a search with many matches counts up to SEARCH_COUNT_LIMIT and says "more than"."""
    from .. import views

    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 1)
    client.force_login(agent)
    html = client.get("/service/", {"q": "空调"}).content.decode()  # two of them match
    assert 'data-testid="case-count">1<' in html and "超过" in html


def test_the_overview_and_the_queue_filters_through_the_api(api_as, agent, desk):
    """The same numbers and filters for integrations as on the pages."""
    client = api_as(agent)
    o = client.get("/api/v1/tickets/overview/").json()
    assert o["total"] == 3 and o["overdue"] == 1 and o["unassigned"] == 1 and o["mine"] == 1
    assert {d["name"]: d["total"] for d in o["departments"]} == {"售后服务部": 1, "": 2}

    def numbers(**params):
        return {c["number"] for c in client.get("/api/v1/tickets/", params).json()["results"]}

    assert numbers(status="open", overdue="1") == {desk["routed"].number}
    assert numbers(status="open", assignee="me") == {desk["mine"].number}
    assert numbers(status="open", department=str(desk["aftersales"].pk)) == {desk["routed"].number}


def test_bulk_assign_through_the_api_is_all_or_nothing(api_as, agent, technician, desk):
    client = api_as(agent)
    first, second = desk["unassigned"], desk["mine"]
    stale = {"number": second.number, "version": second.version - 1}
    refused = client.post(
        "/api/v1/tickets/assign/",
        {"cases": [first.number, stale], "department": "aftersales"},
        format="json",
    )
    assert refused.status_code == 409 and second.number in refused.json()["message"]
    first.refresh_from_db()
    assert first.department is None  # nothing half-done
    done = client.post(
        "/api/v1/tickets/assign/",
        {
            "cases": [first.number, {"number": second.number, "version": second.version}],
            "department": "aftersales",
            "assignee": technician.pk,
        },
        format="json",
    )
    assert done.status_code == 200
    assert {c["assignee"] for c in done.json()} == {"陈杰"}
    bad = client.post("/api/v1/tickets/assign/", {"cases": [], "department": "x"}, format="json")
    assert bad.status_code == 400 and {"cases", "department"} <= set(bad.json()["fields"])
