"""Traceability both ways (QC-4, QC-5) and recalls (QC-5): from a batch to every customer who
received it, back from a serial number, a batch number or a delivery note to the batch; the
recall list as Excel and one follow-up task per customer."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SerialNumber
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory
from aftersales.quality import exports, selectors
from aftersales.quality.models import Recall, RecallTask
from aftersales.quality.services.inspections import inspection_record
from aftersales.quality.services.recalls import recall_close, recall_create, recall_task_record
from aftersales.sales.models import Shipment
from aftersales.workdays import add_working_days

from .factories import BatchFactory, backdate, findings, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(people, batch, plan):
    """The batch after a passing finished-goods inspection."""
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def second_batch(people, tv, plan):
    other = BatchFactory(product=tv, batch_no="B-20261102")
    inspection_record(actor=people["inspector"], batch=other, plan=plan, results=findings(plan))
    other.refresh_from_db()
    return other


@pytest.fixture
def customers():
    dealer = DealerFactory(name="徐汇经销店")
    return {
        "wang": CustomerFactory(
            name="王小明",
            mobile="13812345678",
            landline="021-64871234",
            province="上海市",
            city="上海市",
            district="徐汇区",
            street="漕溪北路88号",
            dealer=dealer,
        ),
        "li": CustomerFactory(name="李娜", mobile="13900001111", province="江苏省", city="苏州市"),
    }


def send(people, batch, customer, quantity=1, serials=()):
    return ship(
        batch=batch,
        customer=customer,
        quantity=quantity,
        seller=people["sales"],
        warehouse=people["logistics"],
        serials=serials,
    )


@pytest.fixture
def deliveries(people, released, second_batch, customers):
    """王小明 got 3 + 2 pieces of the first batch on two deliveries and 4 of the second; 李娜
    got 1 of the first."""
    return [
        send(people, released, customers["wang"], 3),
        send(people, released, customers["wang"], 2),
        send(people, second_batch, customers["wang"], 4),
        send(people, released, customers["li"], 1),
    ]


# --- from the batch forwards (QC-4) ---------------------------------------------------------


def test_qc4_the_batch_trace_shows_inspections_certificate_and_deliveries(
    people, released, deliveries
):
    trace = selectors.batch_trace(released, people["quality"])
    (inspection,) = trace["inspections"]
    assert inspection.verdict == "passed" and inspection.cert.batch == released
    assert inspection.inspector == people["inspector"]
    shipped = {
        (d["shipment_number"], d["customer_name"], d["quantity"]) for d in trace["deliveries"]
    }
    assert shipped == {
        (deliveries[0].number, "王小明", 3),
        (deliveries[1].number, "王小明", 2),
        (deliveries[3].number, "李娜", 1),
    }
    assert all(d["order_number"].startswith("SO-") for d in trace["deliveries"])
    assert trace["deliveries"][0]["shipment_id"] == deliveries[3].pk  # newest first
    summary = trace["summary"]
    assert (summary["lines"], summary["pieces"], summary["customers"]) == (3, 6, 2)
    assert summary["first"] <= summary["last"]
    assert trace["releases"] == [] and trace["nonconformances"] == []


def test_qc4_a_batch_not_yet_shipped_has_an_empty_trace(people, batch):
    trace = selectors.batch_trace(batch, people["quality"])
    assert trace["inspections"] == [] and trace["deliveries"] == []
    assert trace["summary"]["lines"] == 0 and trace["summary"]["pieces"] is None
    assert trace["serial_count"] == 0


def test_qc4_the_trace_costs_the_same_queries_however_far_the_batch_went(
    people, released, customers, django_assert_num_queries
):
    for _ in range(3):
        send(people, released, customers["wang"])
    baseline = _trace_queries(people, released)
    for n in range(10):
        send(people, released, CustomerFactory(name=f"客户{n}"))
    with django_assert_num_queries(baseline):
        trace = selectors.batch_trace(released, people["quality"])
    assert len(trace["deliveries"]) == 13 and trace["summary"]["customers"] == 11


def _trace_queries(people, batch) -> int:
    selectors.batch_trace(batch, people["quality"])  # the reader's roles are then known
    with CaptureQueriesContext(connection) as queries:
        selectors.batch_trace(batch, people["quality"])
    # Pinned: a change here is a deliberate one. Inspections and their certificates,
    # releases, nonconformances, the summary, delivery ids then rows, serials, their count,
    # recalls and judgements, one query each; the cases on the batch (the service app's
    # section): their count and the first rows.
    assert len(queries) == 13
    return len(queries)


# --- back from a serial, a batch number or a delivery note (QC-4, QC-5) ---------------------


def test_qc5_a_serial_number_leads_back_to_its_batch_and_delivery(people, released, customers):
    for n in (1, 2, 3):
        SerialNumber.objects.create(serial=f"SN-55-{n}", product=released.product, batch=released)
    units = list(SerialNumber.objects.filter(serial__in=["SN-55-1", "SN-55-2"]))
    shipment = send(people, released, customers["wang"], 2, serials=units)

    (hit,) = selectors.trace_lookup(" sn-55-1 ", people["cs"])
    assert (hit["kind"], hit["batch_id"]) == ("serial", released.pk)
    assert "SN-55-1" in hit["label"] and "55英寸电视" in hit["label"]

    unit = SerialNumber.objects.get(serial="SN-55-1")
    trace = selectors.serial_trace(unit)
    assert trace["batch"] == released
    assert [line.shipment for line in trace["deliveries"]] == [shipment]
    assert trace["deliveries"][0].shipment.order.customer.name == "王小明"
    # A unit still in the warehouse went nowhere.
    assert selectors.serial_trace(SerialNumber.objects.get(serial="SN-55-3"))["deliveries"] == []

    trace = selectors.batch_trace(released, people["quality"])
    assert trace["serial_count"] == 3
    assert [s.serial for s in trace["serials"]] == ["SN-55-1", "SN-55-2", "SN-55-3"]


def test_qc5_a_batch_number_or_a_delivery_note_leads_to_the_batch(
    people, released, deliveries, second_batch
):
    (hit,) = selectors.trace_lookup("b-20261101", people["cs"])
    assert (hit["kind"], hit["batch_id"]) == ("batch", released.pk)
    assert hit["url"].endswith(f"/{released.pk}/")

    (hit,) = selectors.trace_lookup(deliveries[2].number, people["cs"])
    assert (hit["kind"], hit["batch_id"]) == ("delivery", second_batch.pk)
    assert deliveries[2].number in hit["label"] and "B-20261102" in hit["label"]

    assert selectors.trace_lookup("无此号码", people["cs"]) == []
    assert selectors.trace_lookup(" \x00 ", people["cs"]) == []


def test_qc5_other_apps_may_add_lookups_and_trace_sections(people, released):
    def case_lookup(query, user):
        return [{"kind": "case", "label": query, "batch_id": released.pk, "url": "/x/"}]

    def no_section(batch, user):
        return None

    selectors.register_trace_lookup(case_lookup)
    selectors.register_batch_trace_section(no_section)
    try:
        assert [h["kind"] for h in selectors.trace_lookup("TK-1", people["cs"])] == ["case"]
        # A source with nothing to say adds no section; the cases app's own section is there.
        sections = selectors.batch_trace(released, people["cs"])["sections"]
        assert [s.key for s in sections] == ["cases"]
    finally:
        selectors._LOOKUPS.remove(case_lookup)
        selectors._BATCH_SECTIONS.remove(no_section)


# --- the recall list (QC-5) -----------------------------------------------------------------


def test_qc5_the_recall_list_has_one_row_per_customer_with_the_pieces(
    released, second_batch, deliveries, customers
):
    rows = list(selectors.recall_rows([released.pk]))
    assert [(r["name"], r["pieces"], r["deliveries"]) for r in rows] == [
        ("王小明", 5, 2),
        ("李娜", 1, 1),
    ]
    assert rows[0]["dealer"] == "徐汇经销店" and rows[1]["dealer"] is None
    both = {r["name"]: r["pieces"] for r in selectors.recall_rows([released.pk, second_batch.pk])}
    assert both == {"王小明": 9, "李娜": 1}
    assert list(selectors.recall_rows([])) == []


def _sheet(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_qc5_the_recall_export_masks_phones_for_quality(people, released, deliveries):
    shanghai = ZoneInfo("Asia/Shanghai")
    backdate(deliveries[0], datetime(2026, 11, 20, 23, 30, tzinfo=shanghai))
    backdate(deliveries[1], datetime(2026, 11, 28, 1, 30, tzinfo=shanghai))  # the 27th in UTC
    response, count = exports.recall_export(
        people["quality"], [released.pk], filename="召回名单.xlsx"
    )
    assert count == 2
    assert "%E5%8F%AC%E5%9B%9E" in response["Content-Disposition"]
    header, wang, li = _sheet(response)
    assert len(header) == 9
    assert wang[:7] == (
        "王小明",
        "138****5678",
        "021*****1234",
        "上海市徐汇区漕溪北路88号",
        "徐汇经销店",
        5,
        2,
    )
    # First and last delivery, as dates in Shanghai.
    assert (wang[7].date(), wang[8].date()) == (date(2026, 11, 20), date(2026, 11, 28))
    assert li[:7] == ("李娜", "139****1111", None, "江苏省苏州市", None, 1, 1)


def test_qc5_customer_service_gets_the_full_numbers_to_call(people, released, deliveries):
    response, _count = exports.recall_export(people["cs"], [released.pk], filename="召回.xlsx")
    _header, wang, li = _sheet(response)
    assert wang[1:3] == ("13812345678", "021-64871234")
    assert li[1] == "13900001111"


def test_qc5_a_recall_makes_one_task_per_customer(people, released, second_batch, deliveries):
    recall = recall_create(
        actor=people["quality"],
        batches=[released, second_batch],
        reason="  电源板电容批次缺陷  ",
    )
    assert recall.number.startswith("RC-") and recall.reason == "电源板电容批次缺陷"
    assert recall.due_on == add_working_days(timezone.localdate(), 5)
    assert set(recall.batches.all()) == {released, second_batch}
    tasks = {t.customer.name: t for t in recall.tasks.select_related("customer")}
    assert {name: t.quantity for name, t in tasks.items()} == {"王小明": 9, "李娜": 1}
    assert {t.outcome for t in tasks.values()} == {"pending"}
    assert all(t.assignee is None for t in tasks.values())
    told = Notification.objects.get(recipient=people["cs"])
    assert recall.number in told.title and "2" in told.title and told.level == "danger"
    assert list(selectors.batch_trace(released, people["quality"])["recalls"]) == [recall]


def test_qc5_a_recall_may_go_to_one_person(people, released, deliveries, make_user):
    caller = make_user(Role.CUSTOMER_SERVICE, full_name="郑爽")
    recall = recall_create(
        actor=people["quality"],
        batches=[released],
        reason="召回",
        assignee=caller,
        due_in_working_days=2,
    )
    assert set(recall.tasks.values_list("assignee", flat=True)) == {caller.pk}
    assert recall.due_on == add_working_days(timezone.localdate(), 2)
    assert Notification.objects.filter(recipient=caller).exists()
    # The rest of customer service is not asked to call as well.
    assert not Notification.objects.filter(recipient=people["cs"]).exists()


def test_qc5_recall_input_and_who_may_start_one(people, released, make_user):
    with pytest.raises(InvalidInput) as err:
        recall_create(actor=people["quality"], batches=[], reason=" ", due_in_working_days=61)
    assert set(err.value.fields) == {"batches", "reason", "due_in_working_days"}
    # The calls go to someone who works on recalls (and sees the numbers to call).
    for assignee in (people["sales"], make_user(Role.CUSTOMER_SERVICE, is_active=False)):
        with pytest.raises(InvalidInput) as err:
            recall_create(
                actor=people["quality"], batches=[released], reason="召回", assignee=assignee
            )
        assert list(err.value.fields) == ["assignee"]
    for who in ("cs", "inspector", "vp"):
        with pytest.raises(PermissionDenied):
            recall_create(actor=people[who], batches=[released], reason="召回")
    assert not Recall.objects.exists()


def test_qc5_a_recall_with_no_deliveries_has_no_tasks(people, released):
    recall = recall_create(actor=people["quality"], batches=[released], reason="召回")
    assert recall.tasks.count() == 0
    recall_close(actor=people["quality"], recall=recall)


def test_qc5_every_customer_is_contacted_before_the_recall_closes(people, released, deliveries):
    recall = recall_create(actor=people["quality"], batches=[released], reason="召回")
    wang, li = recall.tasks.order_by("customer__name").reverse()
    assert wang.customer.name == "王小明"

    with pytest.raises(InvalidInput) as err:
        recall_task_record(actor=people["cs"], task=wang, outcome="pending")
    assert list(err.value.fields) == ["outcome"]
    with pytest.raises(PermissionDenied):
        recall_task_record(actor=people["inspector"], task=wang, outcome="contacted")

    wang = recall_task_record(actor=people["cs"], task=wang, outcome="returned", note=" 已取回5台 ")
    assert (wang.outcome, wang.note, wang.done_by, wang.assignee) == (
        "returned",
        "已取回5台",
        people["cs"],
        people["cs"],
    )
    assert wang.done_at is not None
    row = selectors.recall_list().get()
    assert (row.customers, row.done) == (2, 1)

    with pytest.raises(Conflict) as err:
        recall_close(actor=people["quality"], recall=recall)
    assert err.value.code == "tasks_pending"
    recall_task_record(actor=people["vp"], task=li, outcome="unreachable", note="电话空号")
    with pytest.raises(PermissionDenied):
        recall_close(actor=people["cs"], recall=recall)
    recall = recall_close(actor=people["quality"], recall=recall)
    assert recall.status == Recall.Status.CLOSED

    with pytest.raises(Conflict):
        recall_close(actor=people["quality"], recall=recall)
    with pytest.raises(Conflict):
        recall_task_record(actor=people["cs"], task=li, outcome="contacted")
    assert RecallTask.objects.get(pk=li.pk).outcome == "unreachable"


def test_qc5_shipment_dates_of_the_recall_rows(people, released, customers):
    shipment = send(people, released, customers["li"], 2)
    earlier = timezone.now() - timezone.timedelta(days=3)
    backdate(shipment, earlier)
    later = send(people, released, customers["li"], 1)
    (row,) = selectors.recall_rows([released.pk])
    assert (row["first"], row["last"]) == (earlier, Shipment.objects.get(pk=later.pk).shipped_at)
