"""Loaners (R15, WAR-7): lend an available unit, take it back, overdue loans told daily."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user

from ..models import LoanerIssue, LoanerUnit
from ..services import loaners
from ..tasks import daily_care_task

pytestmark = pytest.mark.django_db
U = LoanerUnit.Status


@pytest.fixture
def office(make_user):
    return make_user(Role.SERVICE, username="office1", full_name="调度甲")


@pytest.fixture
def unit(db):
    return LoanerUnit.objects.create(code="LN-001", product=ProductFactory(name="备用手机"))


@pytest.fixture
def borrower(db):
    return CustomerFactory(name="韩梅梅")


def lend(actor, unit, customer, days=5, **extra):
    return loaners.loaner_issue(
        actor=actor,
        unit=unit,
        customer=customer,
        due_back_on=timezone.localdate() + timedelta(days=days),
        condition_out="完好，带充电器",
        **extra,
    )


def test_issue_and_return(office, unit, borrower):
    issue = lend(office, unit, borrower)
    unit.refresh_from_db()
    assert unit.status == U.OUT and issue.returned_at is None and issue.issued_by == office
    back = loaners.loaner_return(actor=office, issue=issue, condition_in="屏幕轻微划痕")
    unit.refresh_from_db()
    assert back.returned_at is not None and back.received_by == office
    assert unit.status == U.AVAILABLE and unit.condition == "屏幕轻微划痕"
    with pytest.raises(Conflict) as err:
        loaners.loaner_return(actor=office, issue=issue, condition_in="again")
    assert err.value.code == "loan_returned"


def test_return_may_retire_the_unit(office, unit, borrower):
    issue = lend(office, unit, borrower)
    loaners.loaner_return(actor=office, issue=issue, condition_in="进水损坏", retire=True)
    unit.refresh_from_db()
    assert unit.status == U.RETIRED
    with pytest.raises(Conflict) as err:
        lend(office, unit, borrower)
    assert err.value.code == "loaner_unavailable"


def test_a_lent_unit_cannot_be_lent_again(office, unit, borrower):
    lend(office, unit, borrower)
    with pytest.raises(Conflict) as err:
        lend(office, unit, CustomerFactory())
    assert err.value.code == "loaner_unavailable"


def test_one_open_loan_per_unit_is_a_database_rule(office, unit, borrower):
    lend(office, unit, borrower)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanerIssue.objects.create(
            unit=unit,
            customer=borrower,
            issued_at=timezone.now(),
            due_back_on=timezone.localdate(),
            condition_out="x",
            issued_by=office,
        )


def test_the_service_turns_a_raced_second_loan_into_a_conflict(office, unit, borrower):
    lend(office, unit, borrower)
    LoanerUnit.objects.filter(pk=unit.pk).update(status=U.AVAILABLE)  # as if read before
    unit.refresh_from_db()
    with pytest.raises(Conflict) as err:
        lend(office, unit, borrower)
    assert err.value.code == "loaner_out"


def test_issue_checks_its_input(office, unit, borrower):
    with pytest.raises(InvalidInput) as err:
        loaners.loaner_issue(
            actor=office,
            unit=unit,
            customer=borrower,
            due_back_on=timezone.localdate() - timedelta(days=1),
            condition_out=" ",
        )
    assert {"due_back_on", "condition_out"} <= set(err.value.fields)
    with pytest.raises(InvalidInput):
        loaners.loaner_return(actor=office, issue=lend(office, unit, borrower), condition_in="")


def test_overdue_loans_and_the_daily_notice(office, unit, borrower, make_user):
    issue = lend(office, unit, borrower, days=1)
    other = LoanerUnit.objects.create(code="LN-002", product=unit.product)
    lend(office, other, borrower, days=10)
    today = timezone.localdate()
    assert list(loaners.loaners_overdue(today)) == []
    later = today + timedelta(days=2)
    assert list(loaners.loaners_overdue(later)) == [issue]
    assert loaners.loaners_overdue_notify(later) == 1
    note = Notification.objects.get(recipient=office)
    assert "LN-001" in note.body and note.link.endswith("?overdue=1")
    loaners.loaner_return(actor=office, issue=issue, condition_in="完好")
    assert list(loaners.loaners_overdue(later)) == []


def test_the_daily_task_notifies(office, unit, borrower):
    issue = lend(office, unit, borrower, days=0)
    LoanerIssue.objects.filter(pk=issue.pk).update(
        due_back_on=timezone.localdate() - timedelta(days=1)
    )
    result = daily_care_task.delay().get()
    assert result["overdue_loans"] == 1
    assert Notification.objects.filter(recipient=office).exists()


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES, Role.DEALER, None]
)
def test_who_may_not_lend(make_user, unit, borrower, role):
    actor = make_user(role) if role else make_user()
    with pytest.raises(PermissionDenied):
        lend(actor, unit, borrower)


@pytest.mark.parametrize("role", [Role.SERVICE, Role.LOGISTICS, Role.ADMIN])
def test_who_may_lend(make_user, unit, borrower, role):
    actor = make_user(role)
    issue = lend(actor, unit, borrower)
    loaners.loaner_return(actor=actor, issue=issue, condition_in="完好")


def test_loaner_pages(office, unit, borrower, client):
    client.force_login(office)
    page = client.get(reverse("repairs:loaner-list"))
    assert page.status_code == 200 and b"LN-001" in page.content
    issue_url = reverse("repairs:loaner-issue", args=[unit.code])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        issue_url, {"customer": borrower.pk, "due_back_on": due, "condition_out": "完好"}
    )
    assert response.status_code == 302
    issue = LoanerIssue.objects.get()
    LoanerIssue.objects.filter(pk=issue.pk).update(
        due_back_on=timezone.localdate() - timedelta(days=1)
    )
    overdue = client.get(reverse("repairs:loaner-list") + "?overdue=1")
    assert b'data-testid="loaner-overdue"' in overdue.content
    response = client.post(
        reverse("repairs:loaner-return", args=[issue.pk]), {"condition_in": "完好"}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.status == U.AVAILABLE
    response = client.post(
        reverse("repairs:loaner-new"), {"code": "LN-009", "product": unit.product_id}
    )
    assert response.status_code == 302 and LoanerUnit.objects.filter(code="LN-009").exists()


def test_loaner_pages_are_hidden_from_dealers_and_outsiders(make_user, client):
    client.force_login(dealer_user(make_user, DealerFactory()))
    assert client.get(reverse("repairs:loaner-list")).status_code == 404
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    assert client.get(reverse("repairs:loaner-list")).status_code == 200
    assert client.get(reverse("repairs:loaner-new")).status_code == 404


def test_loaner_api(office, unit, borrower, api_as):
    api = api_as(office)
    created = api.post(
        "/api/v1/loaners/", {"code": "LN-010", "product": unit.product_id}, format="json"
    )
    assert created.status_code == 201 and created.json()["status"] == "available"
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    lent = api.post(
        "/api/v1/loaners/issues/",
        {"unit": "LN-001", "customer": borrower.pk, "due_back_on": due, "condition_out": "完好"},
        format="json",
    )
    assert lent.status_code == 201, lent.json()
    again = api.post(
        "/api/v1/loaners/issues/",
        {"unit": "LN-001", "customer": borrower.pk, "due_back_on": due, "condition_out": "完好"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "loaner_unavailable"
    listing = api.get("/api/v1/loaners/?status=out").json()
    assert [u["code"] for u in listing["results"]] == ["LN-001"]
    assert listing["results"][0]["loan"]["customer"] == borrower.pk
    back = api.post(
        f"/api/v1/loaners/issues/{lent.json()['id']}/return/",
        {"condition_in": "完好", "retire": True},
        format="json",
    )
    assert back.status_code == 200 and back.json()["returned_at"]
    unit.refresh_from_db()
    assert unit.status == U.RETIRED


def test_loaner_api_permissions(make_user, unit, borrower, api_as):
    agent = api_as(make_user(Role.CUSTOMER_SERVICE))
    assert agent.get("/api/v1/loaners/").status_code == 200
    assert (
        agent.post("/api/v1/loaners/", {"code": "X", "product": unit.product_id}).status_code == 403
    )
    assert agent.post("/api/v1/loaners/issues/", {}, format="json").status_code == 404
    dealer = api_as(dealer_user(make_user, DealerFactory()))
    assert dealer.get("/api/v1/loaners/").status_code == 403  # a role without loaners
