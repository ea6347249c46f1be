"""The release gate between quality and the warehouse (QC-2) and the emergency release of
uninspected goods (QC-3): sales or logistics ask, the vice-president alone decides, and a
released batch that fails after all is chased down delivery by delivery."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from aftersales.catalog.models import Batch, EmergencyRelease
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.quality import selectors
from aftersales.quality.models import InspectionKind, Nonconformance
from aftersales.quality.services.inspections import inspection_record
from aftersales.quality.services.releases import (
    batch_release_by_exception,
    emergency_release_approve,
    emergency_release_reject,
    emergency_release_request,
)
from aftersales.sales import services as sales
from aftersales.sales.models import Shipment

from .factories import BatchFactory, backdate, findings, plan_with_items, ship, units_of

pytestmark = pytest.mark.django_db

Q = Batch.QualityStatus
R = EmergencyRelease.Status


@pytest.fixture
def customer():
    return CustomerFactory(name="王小明", mobile="13812345678")


def ship_from(people, batch, customer, quantity=1):
    return ship(
        batch=batch,
        customer=customer,
        quantity=quantity,
        seller=people["sales"],
        warehouse=people["logistics"],
    )


def ask(people, batch, who="sales", reason="客户急需，质检报告明日补"):
    return emergency_release_request(actor=people[who], batch=batch, reason=reason)


# --- the gate (QC-2) ------------------------------------------------------------------------


def test_qc2_a_batch_waiting_for_inspection_cannot_ship(people, batch, customer):
    with pytest.raises(Conflict) as err:
        ship_from(people, batch, customer)
    assert err.value.code == "batch_not_released"
    assert "B-20261101" in err.value.message
    assert not Shipment.objects.exists()


def test_qc2_a_failed_batch_cannot_ship_and_a_passed_one_can(people, batch, plan, customer):
    inspection_record(
        actor=people["inspector"], batch=batch, plan=plan, results=findings(plan, 耐压测试=False)
    )
    with pytest.raises(Conflict) as err:
        ship_from(people, batch, customer)
    assert err.value.code == "batch_not_released" and "B-20261101" in err.value.message

    # After rework the quality department re-inspects; then the batch ships.
    inspection_record(actor=people["quality"], batch=batch, plan=plan, results=findings(plan))
    shipment = ship_from(people, batch, customer, quantity=2)
    assert shipment.lines.get().batch == batch


def test_qc2_the_order_api_refuses_the_uninspected_batch_until_it_is_released(
    api_as, people, batch, customer
):
    order = sales.order_create(
        actor=people["sales"],
        customer=customer,
        lines=[sales.LineInput(product=batch.product, quantity=1, unit_price=Decimal("99.00"))],
        delivery_date=soon(),
        delivery_place="上海市徐汇区漕溪北路88号",
    )
    order = sales.order_submit(actor=people["sales"], order=order)
    warehouse = api_as(people["logistics"])
    line = {"order_line": order.lines.get().pk, "batch": batch.pk, "quantity": 1}
    body = {"lines": [{**line, "serials": [units_of(batch, 1)[0].serial]}]}

    response = warehouse.post(f"/api/v1/orders/{order.pk}/shipments/", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "batch_not_released"
    assert "B-20261101" in response.json()["message"]

    emergency_release_approve(actor=people["vp"], release=ask(people, batch, who="logistics"))
    response = warehouse.post(f"/api/v1/orders/{order.pk}/shipments/", body, format="json")
    assert response.status_code == 201


# --- asking (QC-3) --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "急" * 301])
def test_qc3_a_request_needs_a_reason(people, batch, reason):
    with pytest.raises(InvalidInput) as err:
        ask(people, batch, reason=reason)
    assert list(err.value.fields) == ["reason"]
    assert not EmergencyRelease.objects.exists()


@pytest.mark.parametrize("who", ["sales", "logistics"])
def test_qc3_sales_or_logistics_ask_and_the_vice_president_hears(people, batch, who):
    release = ask(people, batch, who=who)
    assert (release.status, release.requested_by) == (R.REQUESTED, people[who])
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING  # asking releases nothing
    told = Notification.objects.get(recipient=people["vp"])
    assert "B-20261101" in told.title and "客户急需" in told.body
    assert told.level == "warning"


@pytest.mark.parametrize("who", ["inspector", "quality", "cs", "service"])
def test_qc3_others_may_not_ask(people, batch, who):
    with pytest.raises(PermissionDenied):
        ask(people, batch, who=who)


def test_qc3_a_second_open_request_for_the_batch_is_a_conflict(people, batch):
    ask(people, batch, who="sales")
    with pytest.raises(Conflict) as err:
        ask(people, batch, who="logistics", reason="另一个急单")
    assert err.value.code == "already_requested"
    assert EmergencyRelease.objects.count() == 1


def test_qc3_only_a_batch_waiting_for_inspection_can_be_asked_for(people, batch, plan):
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    with pytest.raises(InvalidInput) as err:
        ask(people, batch)
    assert list(err.value.fields) == ["batch"]


# --- deciding (QC-3) ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "quality", "logistics", "sales", "admin"])
def test_qc3_only_the_vice_president_decides(people, batch, who):
    """Not even an administrator: the decision is the vice-president's by office."""
    release = ask(people, batch)
    with pytest.raises(PermissionDenied):
        emergency_release_approve(actor=people[who], release=release)
    with pytest.raises(PermissionDenied):
        emergency_release_reject(actor=people[who], release=release, note="不行")
    release.refresh_from_db()
    assert release.status == R.REQUESTED


def test_qc3_approval_releases_the_batch_and_then_it_ships(people, batch, customer):
    release = ask(people, batch, who="logistics")
    released = emergency_release_approve(actor=people["vp"], release=release, note=" 同意 ")
    assert released.quality_status == Q.RELEASED_BY_EXCEPTION
    release.refresh_from_db()
    assert (release.status, release.decided_by, release.decision_note) == (
        R.APPROVED,
        people["vp"],
        "同意",
    )
    assert release.decided_at is not None
    # The one who asked hears of it; quality inspection is told to inspect it first.
    assert Notification.objects.filter(
        recipient=people["logistics"], title__contains="B-20261101"
    ).exists()
    assert Notification.objects.filter(
        recipient=people["inspector"], title__contains="B-20261101"
    ).exists()
    shipment = ship_from(people, batch, customer, quantity=3)
    assert shipment.lines.get().quantity == 3
    assert list(selectors.release_list(status=R.APPROVED).values_list("delivered", flat=True)) == [
        3
    ]
    with pytest.raises(Conflict) as err:
        emergency_release_approve(actor=people["vp"], release=release)
    assert err.value.code == "already_decided"


def test_qc3_a_rejection_needs_a_note_and_leaves_the_batch_blocked(people, batch, customer):
    release = ask(people, batch)
    with pytest.raises(InvalidInput) as err:
        emergency_release_reject(actor=people["vp"], release=release, note=" ")
    assert list(err.value.fields) == ["note"]
    emergency_release_reject(actor=people["vp"], release=release, note="先完成检验")
    release.refresh_from_db()
    assert (release.status, release.decision_note) == (R.REJECTED, "先完成检验")
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING
    told = Notification.objects.get(recipient=people["sales"])
    assert "B-20261101" in told.title and told.body == "先完成检验"
    assert told.level == "warning"
    with pytest.raises(Conflict):
        ship_from(people, batch, customer)
    with pytest.raises(Conflict):
        emergency_release_approve(actor=people["vp"], release=release)
    # Once decided, the batch may be asked for again.
    assert ask(people, batch, reason="客户再次催货").status == R.REQUESTED


def test_qc3_the_vice_president_may_release_directly_and_it_is_on_the_register(
    people, batch, customer
):
    released = batch_release_by_exception(actor=people["vp"], batch=batch, reason="展会样机")
    assert released.quality_status == Q.RELEASED_BY_EXCEPTION
    release = EmergencyRelease.objects.get()
    assert (release.status, release.requested_by, release.decided_by, release.reason) == (
        R.APPROVED,
        people["vp"],
        people["vp"],
        "展会样机",
    )
    assert ship_from(people, batch, customer).lines.get().batch == batch


@pytest.mark.parametrize("who", ["admin", "sales", "quality"])
def test_qc3_nobody_else_releases_directly(people, batch, who):
    with pytest.raises(PermissionDenied):
        batch_release_by_exception(actor=people[who], batch=batch, reason="急")
    assert not EmergencyRelease.objects.exists()


def test_qc3_a_superuser_is_not_the_vice_president(make_user, batch):
    """Security finding 12: the release needs the vice-president's role itself."""
    boss = make_user(is_superuser=True, username="root")
    with pytest.raises(PermissionDenied):
        batch_release_by_exception(actor=boss, batch=batch, reason="急")
    assert not EmergencyRelease.objects.exists()


def test_qc3_the_direct_release_needs_a_reason_too(people, batch):
    with pytest.raises(InvalidInput) as err:
        batch_release_by_exception(actor=people["vp"], batch=batch, reason="")
    assert list(err.value.fields) == ["reason"]


# --- a released batch that fails after all (QC-3) -------------------------------------------


def test_qc3_a_released_batch_that_fails_names_every_delivery_that_carried_it(
    people, batch, plan, customer
):
    emergency_release_approve(actor=people["vp"], release=ask(people, batch, who="sales"))
    first = ship_from(people, batch, customer, quantity=2)
    other = CustomerFactory(name="李娜")
    second = ship_from(people, batch, other, quantity=1)
    # Shipped at 01:30 in Shanghai: still the 28th there, though the 27th in UTC.
    backdate(first, datetime(2026, 11, 28, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    backdate(second, datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    Notification.objects.all().delete()

    inspection = inspection_record(
        actor=people["inspector"], batch=batch, plan=plan, results=findings(plan, 耐压测试=False)
    )
    batch.refresh_from_db()
    assert batch.quality_status == Q.FAILED
    nc = Nonconformance.objects.get()
    assert (nc.source, nc.inspection, nc.severity) == (
        Nonconformance.Source.EMERGENCY_RELEASE,
        inspection,
        Nonconformance.Severity.CRITICAL,
    )
    assert f"- {first.number} 王小明 × 2 (2026-11-28)" in nc.description
    assert f"- {second.number} 李娜 × 1 (2026-11-20)" in nc.description

    alert = Notification.objects.get(recipient=people["vp"], level="danger")
    assert "B-20261101" in alert.title and "2" in alert.title.replace("B-20261101", "")
    assert first.number in alert.body and second.number in alert.body
    assert "王小明" in alert.body and "李娜" in alert.body
    # The one who asked for the release, and everyone who must now call customers back.
    for who in ("sales", "quality", "logistics", "cs"):
        assert Notification.objects.filter(recipient=people[who], level="danger").exists(), who
    # ... but not the engineers.
    assert not Notification.objects.filter(recipient=people["service"]).exists()


def test_qc3_a_released_batch_that_fails_before_shipping_says_so(people, batch, plan):
    batch_release_by_exception(actor=people["vp"], batch=batch, reason="客户急需")
    with translation.override("en"):
        inspection_record(
            actor=people["inspector"],
            batch=batch,
            plan=plan,
            results=findings(plan, 耐压测试=False),
        )
    nc = Nonconformance.objects.get()
    assert nc.source == Nonconformance.Source.EMERGENCY_RELEASE
    assert nc.description.rstrip().endswith("none yet")
    alert = Notification.objects.get(recipient=people["vp"], level="danger")
    assert alert.title.endswith(": 0 deliveries")
    assert alert.body == "No delivery has carried it yet."


def test_qc3_a_released_batch_that_passes_is_simply_passed(people, batch, plan, customer):
    batch_release_by_exception(actor=people["vp"], batch=batch, reason="客户急需")
    ship_from(people, batch, customer)
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED
    assert not Nonconformance.objects.exists()


def test_qc3_a_passed_batch_failing_a_later_sample_is_an_ordinary_nonconformance(
    people, batch, plan, customer
):
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    ship_from(people, batch, customer)
    sample = plan_with_items(batch.product, kind=InspectionKind.SAMPLE)
    inspection_record(
        actor=people["inspector"],
        batch=batch,
        plan=sample,
        results=findings(sample, 耐压测试=False),
        party="customer",
        party_name="王小明",
    )
    assert Nonconformance.objects.get().source == Nonconformance.Source.INSPECTION
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED


def test_qc3_requests_are_listed_by_status(people, batch, tv):
    waiting = ask(people, batch)
    other = BatchFactory(product=tv)
    rejected = ask(people, other, who="logistics")
    emergency_release_reject(actor=people["vp"], release=rejected, note="不同意")
    assert list(selectors.release_list(status=R.REQUESTED)) == [waiting]
    assert set(selectors.release_list()) == {waiting, rejected}
    # The vice-president was asked twice.
    assert Notification.objects.filter(recipient=people["vp"]).count() == 2


def test_qc3_an_inspection_answers_an_open_request(people, batch, plan):
    """The batch was inspected before the vice-president decided: the request leaves the
    waiting list, the register says why, and the requester hears the result."""
    request = emergency_release_request(actor=people["logistics"], batch=batch, reason="急需")
    inspection = inspection_record(
        actor=people["inspector"], batch=batch, plan=plan, results=findings(plan)
    )
    request.refresh_from_db()
    assert request.status == "superseded" and request.decided_by is None
    assert inspection.number in request.decision_note
    assert not selectors.release_list(status="requested").exists()
    told = Notification.objects.filter(recipient=people["logistics"]).latest("id")
    assert batch.batch_no in told.title
