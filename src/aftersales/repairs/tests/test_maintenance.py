"""Maintenance plans (WAR-16): visits generated ahead of their due day, idempotently, the
plan moving on by whole calendar months (Civil Code art. 202)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user

from ..models import MaintenancePlan, WorkOrder
from ..services import maintenance
from ..tasks import daily_care_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user):
    return make_user(Role.SERVICE, username="office1", full_name="调度甲")


@pytest.fixture
def owner(db):
    return CustomerFactory(name="张伟", district="徐汇区", street="漕溪北路 1 号")


def plan(actor, customer, due: date, **extra) -> MaintenancePlan:
    values = {
        "address": "上海市徐汇区漕溪北路 1 号",
        "interval_months": 6,
        "work": "清洗空调滤网，检查冷媒",
        "lead_days": 14,
    }
    values.update(extra)
    return maintenance.plan_create(
        actor=actor, customer=customer, product=ProductFactory(), next_due_on=due, **values
    )


def test_a_visit_is_generated_ahead_and_the_plan_moves_on(office, owner):
    today = date(2026, 3, 10)
    p = plan(office, owner, date(2026, 3, 20))
    created = maintenance.maintenance_generate(today=today)
    assert len(created) == 1
    wo = created[0]
    assert wo.kind == WorkOrder.Kind.MAINTENANCE and wo.customer == owner
    assert wo.problem == p.work and wo.address == p.address and wo.product == p.product
    p.refresh_from_db()
    assert p.next_due_on == date(2026, 9, 20)
    assert wo.events.filter(action="maintenance_plan").exists()


def test_not_yet_within_the_lead_time(office, owner):
    plan(office, owner, date(2026, 4, 1), lead_days=14)
    assert maintenance.maintenance_generate(today=date(2026, 3, 17)) == []
    assert len(maintenance.maintenance_generate(today=date(2026, 3, 18))) == 1


def test_generation_is_idempotent(office, owner):
    plan(office, owner, date(2026, 3, 20))
    first = maintenance.maintenance_generate(today=date(2026, 3, 10))
    second = maintenance.maintenance_generate(today=date(2026, 3, 10))
    assert len(first) == 1 and second == []
    assert WorkOrder.objects.filter(kind=WorkOrder.Kind.MAINTENANCE).count() == 1


def test_a_missed_plan_gets_one_visit_not_a_backlog(office, owner):
    p = plan(office, owner, date(2025, 1, 15), interval_months=3)
    created = maintenance.maintenance_generate(today=date(2026, 3, 10))
    assert len(created) == 1
    p.refresh_from_db()
    assert p.next_due_on == date(2026, 4, 15)  # the first visit beyond the window
    assert maintenance.maintenance_generate(today=date(2026, 3, 10)) == []


def test_month_ends_follow_the_civil_code(office, owner):
    p = plan(office, owner, date(2026, 8, 31), interval_months=6)
    maintenance.maintenance_generate(today=date(2026, 8, 25))
    p.refresh_from_db()
    assert p.next_due_on == date(2027, 2, 28)


def test_inactive_plans_are_skipped(office, owner):
    p = plan(office, owner, date(2026, 3, 12))
    maintenance.plan_set_active(actor=office, plan=p, active=False)
    assert maintenance.maintenance_generate(today=date(2026, 3, 10)) == []


def test_plan_input_is_checked(office, owner):
    with pytest.raises(InvalidInput) as err:
        maintenance.plan_create(
            actor=office,
            customer=owner,
            product=ProductFactory(),
            address=" ",
            interval_months=0,
            next_due_on=None,
            work="",
        )
    assert {"address", "interval_months", "next_due_on", "work"} <= set(err.value.fields)
    with pytest.raises(InvalidInput) as err:
        plan(office, owner, date(2026, 3, 1), interval_months=1, lead_days=40)
    assert "lead_days" in err.value.fields


@pytest.mark.parametrize("role", [Role.QUALITY, Role.LOGISTICS, Role.SALES, None])
def test_who_may_not_set_up_plans(make_user, owner, role):
    actor = make_user(role) if role else make_user()
    with pytest.raises(PermissionDenied):
        plan(actor, owner, date(2026, 3, 20))


@pytest.mark.parametrize("role", [Role.SERVICE, Role.CUSTOMER_SERVICE, Role.ADMIN])
def test_who_may_set_up_plans(make_user, owner, role):
    assert plan(make_user(role), owner, date(2026, 3, 20)).pk


def test_a_dealer_plans_for_its_own_customers_only(make_user):
    own, other = DealerFactory(), DealerFactory()
    seller = dealer_user(make_user, own)
    assert plan(seller, CustomerFactory(dealer=own), date(2026, 3, 20)).pk
    with pytest.raises(PermissionDenied):
        plan(seller, CustomerFactory(dealer=other), date(2026, 3, 20))
    assert list(maintenance.plan_list_for_user(seller).values_list("customer__dealer", flat=True))
    assert {p.customer.dealer_id for p in maintenance.plan_list_for_user(seller)} == {own.pk}


def test_the_daily_task_generates(office, owner):
    plan(office, owner, timezone.localdate() + timedelta(days=3))
    result = daily_care_task.delay().get()
    assert len(result["maintenance_work_orders"]) == 1
    assert daily_care_task.delay().get()["maintenance_work_orders"] == []


def test_maintenance_pages(office, owner, client):
    client.force_login(office)
    product = ProductFactory()
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        reverse("repairs:maintenance-new"),
        {
            "customer": owner.pk,
            "product": product.pk,
            "work": "保养",
            "interval_months": 12,
            "next_due_on": due,
            "lead_days": 14,
        },
    )
    assert response.status_code == 302
    p = MaintenancePlan.objects.get()
    assert p.address  # the customer's own address
    listing = client.get(reverse("repairs:maintenance-list"))
    assert listing.status_code == 200 and f'data-testid="plan-{p.pk}"'.encode() in listing.content
    response = client.post(reverse("repairs:maintenance-generate"))
    assert response.status_code == 302
    assert WorkOrder.objects.filter(kind=WorkOrder.Kind.MAINTENANCE).count() == 1


def test_only_dispatchers_generate_from_the_page(make_user, client):
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    assert client.get(reverse("repairs:maintenance-list")).status_code == 200
    assert client.post(reverse("repairs:maintenance-generate")).status_code == 404
    client.force_login(make_user(Role.QUALITY))
    assert client.get(reverse("repairs:maintenance-list")).status_code == 404


def test_maintenance_api(office, owner, make_user, api_as):
    api = api_as(office)
    product = ProductFactory()
    body = {
        "customer": owner.pk,
        "product": product.pk,
        "address": "上海市徐汇区",
        "interval_months": 6,
        "next_due_on": "2026-12-01",
        "work": "清洗",
    }
    created = api.post("/api/v1/maintenance-plans/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["lead_days"] == 14
    listing = api.get("/api/v1/maintenance-plans/?active=true").json()
    assert [p["id"] for p in listing["results"]] == [created.json()["id"]]
    bad = api.post("/api/v1/maintenance-plans/", {**body, "interval_months": 0}, format="json")
    assert bad.status_code == 400
    outsider = api_as(make_user(Role.QUALITY))
    assert outsider.get("/api/v1/maintenance-plans/").status_code == 403
    assert outsider.post("/api/v1/maintenance-plans/", body, format="json").status_code == 404


def test_a_plan_included_in_the_contract_makes_free_visits_linked_to_it(office, owner):
    """WAR-16: upkeep the customer bought with the product is free; each visit knows its plan,
    and is due on the plan's day (not the repair time limit)."""
    p = plan(office, owner, date(2026, 3, 20), covered=True)
    (wo,) = maintenance.maintenance_generate(today=date(2026, 3, 10))
    assert wo.in_warranty is True and wo.maintenance_plan == p
    assert timezone.localtime(wo.onsite_due_at).date() == date(2026, 3, 20)
    plain = plan(office, owner, date(2026, 3, 21))
    (other,) = maintenance.maintenance_generate(today=date(2026, 3, 10))
    assert other.in_warranty is None and other.maintenance_plan == plain
