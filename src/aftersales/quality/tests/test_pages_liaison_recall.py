"""The liaison-form and recall pages, as the people using them see them."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.models import ExportRecord
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory
from aftersales.customers.validators import mask_phone
from aftersales.quality.models import LiaisonForm, Nonconformance, Recall, RecallTask
from aftersales.sales.models import Order, OrderLine, Shipment, ShipmentLine

pytestmark = pytest.mark.django_db

_numbers = count(1)


def html(response) -> str:
    return response.content.decode()


# --- liaison forms ----------------------------------------------------------------------------


@pytest.fixture
def people(make_user):
    service = DepartmentFactory(code="service", name="售后服务部")
    return {
        "service_dept": service,
        "sales": make_user(Role.SALES, full_name="销售小王"),
        "engineer": make_user(Role.SERVICE, department=service, full_name="工程师老张"),
        "quality": make_user(Role.QUALITY, full_name="品质部小李"),
    }


def _record(client, user, department, customer, content="安装师傅迟到了两个小时"):
    client.force_login(user)
    response = client.post(
        reverse("quality:liaison-create"),
        {
            "kind": "complaint",
            "customer": customer.pk,
            "contact": "",
            "department": department.pk,
            "heard_on": timezone.localdate().isoformat(),
            "content": content,
        },
    )
    form = LiaisonForm.objects.get(content=content)
    assert response.status_code == 302
    assert response["Location"] == reverse("quality:liaison-detail", args=[form.pk])
    return form


def _status_on_page(client, form) -> str:
    page = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    marker = 'data-testid="liaison-status" data-status="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_form_goes_to_the_department_is_handled_sent_back_and_closed(client, people):
    sales, engineer = people["sales"], people["engineer"]
    customer = CustomerFactory(name="李雷")
    client.force_login(sales)
    create_page = client.get(reverse("quality:liaison-create"))
    assert create_page.status_code == 200
    assert f'value="{customer.pk}"' in html(create_page)
    assert "售后服务部" in html(create_page)

    form = _record(client, sales, people["service_dept"], customer)
    assert form.originator == sales and form.department == people["service_dept"]
    mine = html(client.get(reverse("quality:liaison-list") + "?box=mine"))
    assert f'data-number="{form.number}"' in mine

    # The department sees it in its box, and the overview counts it.
    client.force_login(engineer)
    box = html(client.get(reverse("quality:liaison-list") + "?box=department"))
    assert f'data-number="{form.number}"' in box
    assert 'data-testid="overview-row"' in box and "售后服务部" in box
    detail = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    assert 'data-testid="step-handle"' in detail and "李雷" in detail
    assert 'data-testid="step-verify"' not in detail

    # The originator (another department) may not handle it.
    client.force_login(sales)
    assert 'data-testid="step-handle"' not in html(
        client.get(reverse("quality:liaison-detail", args=[form.pk]))
    )

    client.force_login(engineer)
    step = reverse("quality:liaison-step", args=[form.pk, "handle"])
    response = client.post(
        step, {"analysis": "派工排程太紧", "measures": "改为提前一天确认", "version": form.version}
    )
    assert response.status_code == 302
    assert _status_on_page(client, form) == "handled"
    # The engineer cannot verify the department's own work.
    client.post(
        reverse("quality:liaison-step", args=[form.pk, "verify"]),
        {"effective": "yes", "verification": "自己说有效"},
    )
    assert _status_on_page(client, form) == "handled"

    # Not effective: back to the department, which sees it again.
    client.force_login(sales)
    detail = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    assert 'data-testid="step-verify"' in detail and "改为提前一天确认" in detail
    client.post(
        reverse("quality:liaison-step", args=[form.pk, "verify"]),
        {"effective": "no", "verification": "客户说又迟到了"},
    )
    assert _status_on_page(client, form) == "open"
    assert 'data-testid="sent-back"' in html(
        client.get(reverse("quality:liaison-detail", args=[form.pk]))
    )
    client.force_login(engineer)
    box = html(client.get(reverse("quality:liaison-list") + "?box=department"))
    assert f'data-number="{form.number}"' in box
    form.refresh_from_db()
    again = {"analysis": "司机路线不熟", "measures": "配导航并培训", "version": form.version}
    client.post(step, again)

    # Effective: closed, and out of the department's box.
    client.force_login(sales)
    client.post(
        reverse("quality:liaison-step", args=[form.pk, "verify"]),
        {"effective": "yes", "verification": "回访确认准时"},
    )
    assert _status_on_page(client, form) == "closed"
    detail = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    assert "回访确认准时" in detail and "客户说又迟到了" in detail
    assert 'data-testid="timeline"' in detail
    client.force_login(engineer)
    box = html(client.get(reverse("quality:liaison-list") + "?box=department"))
    assert f'data-number="{form.number}"' not in box and 'data-testid="liaison-empty"' in box
    everything = html(client.get(reverse("quality:liaison-list") + "?box=department&status="))
    assert f'data-number="{form.number}"' in everything


def test_missing_handling_text_is_shown_on_the_field_and_nothing_changes(client, people):
    form = _record(client, people["sales"], people["service_dept"], CustomerFactory())
    client.force_login(people["engineer"])
    response = client.post(
        reverse("quality:liaison-step", args=[form.pk, "handle"]),
        {"analysis": "原因已查明", "measures": ""},
    )
    assert response.status_code == 200
    assert 'data-field-error="measures"' in html(response)
    assert "原因已查明" in html(response)  # what was typed is kept
    form.refresh_from_db()
    assert form.status == LiaisonForm.Status.OPEN


def test_create_without_customer_or_contact_is_refused_on_the_page(client, people):
    client.force_login(people["sales"])
    response = client.post(
        reverse("quality:liaison-create"),
        {
            "kind": "suggestion",
            "department": people["service_dept"].pk,
            "heard_on": timezone.localdate().isoformat(),
            "content": "希望有上门保养",
        },
    )
    assert response.status_code == 200
    assert 'data-field-error="contact"' in html(response)
    assert not LiaisonForm.objects.exists()


def test_the_customer_search_narrows_the_choice_and_keeps_what_was_typed(client, people):
    wanted, other = CustomerFactory(name="韩梅梅"), CustomerFactory(name="张三丰")
    client.force_login(people["sales"])
    response = client.post(
        reverse("quality:liaison-create"),
        {"_search": "1", "customer_q": "韩梅梅", "content": "建议增加夜间服务"},
    )
    page = html(response)
    assert f'<option value="{wanted.pk}">韩梅梅' in page and other.name not in page
    assert "建议增加夜间服务" in page
    assert not LiaisonForm.objects.exists()


def test_re_routing_and_raising_a_nonconformance(client, people, make_user):
    form = _record(client, people["sales"], people["service_dept"], CustomerFactory())
    logistics = DepartmentFactory(code="logistics", name="物流部")
    client.force_login(people["engineer"])
    client.post(
        reverse("quality:liaison-step", args=[form.pk, "route"]),
        {"department": logistics.pk, "version": form.version},
    )
    form.refresh_from_db()
    assert form.department == logistics
    assert "物流部" in html(client.get(reverse("quality:liaison-detail", args=[form.pk])))

    # Only quality raises a nonconformance from it.
    client.post(reverse("quality:liaison-step", args=[form.pk, "nonconformance"]))
    assert not Nonconformance.objects.exists()
    client.force_login(people["quality"])
    detail = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    assert 'data-testid="step-nonconformance"' in detail
    client.post(reverse("quality:liaison-step", args=[form.pk, "nonconformance"]))
    nc = Nonconformance.objects.get()
    assert nc.source == Nonconformance.Source.LIAISON_FORM and nc.source_ref == form.number
    detail = html(client.get(reverse("quality:liaison-detail", args=[form.pk])))
    assert 'data-testid="liaison-nc"' in detail and nc.number in detail


def test_unknown_step_is_404_and_steps_are_post_only(client, people):
    form = _record(client, people["sales"], people["service_dept"], CustomerFactory())
    assert client.post(reverse("quality:liaison-step", args=[form.pk, "delete"])).status_code == 404
    assert client.get(reverse("quality:liaison-step", args=[form.pk, "handle"])).status_code == 405
    assert client.get(reverse("quality:liaison-detail", args=[form.pk + 999])).status_code == 404


def test_a_dealer_sees_none_of_it(client, people, make_user):
    form = _record(client, people["sales"], people["service_dept"], CustomerFactory())
    recall = Recall.objects.create(
        number="RC-T-1", reason="x", created_by=people["quality"], due_on=date(2030, 1, 1)
    )
    client.force_login(make_user(Role.DEALER))
    for url in (
        reverse("quality:liaison-list"),
        reverse("quality:liaison-create"),
        reverse("quality:liaison-detail", args=[form.pk]),
        reverse("quality:recall-preview") + "?batches=1",
        reverse("quality:recall-export") + "?batches=1",
        reverse("quality:recall-list"),
        reverse("quality:recall-detail", args=[recall.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("quality:liaison-step", args=[form.pk, "handle"]))
    assert response.status_code == 404


# --- recalls ----------------------------------------------------------------------------------


def _deliver(customer, batch, quantity, *, salesperson, when):
    n = next(_numbers)
    order = Order.objects.create(
        number=f"SO-T-{n}",
        customer=customer,
        dealer=customer.dealer,
        salesperson=salesperson,
        delivery_date=when.date(),
        delivery_place="上海",
        status=Order.Status.SHIPPED,
    )
    line = OrderLine.objects.create(
        order=order,
        product=batch.product,
        quantity=quantity,
        unit_price=Decimal("100.00"),
        amount=Decimal("100.00") * quantity,
        shipped_quantity=quantity,
    )
    shipment = Shipment.objects.create(
        number=f"DN-T-{n}", order=order, verified_by=salesperson, shipped_at=when
    )
    ShipmentLine.objects.create(shipment=shipment, order_line=line, batch=batch, quantity=quantity)


@pytest.fixture
def shipped(make_user):
    """Batch B-1 went to 王 (twice) and 李; batch B-2 to 李 and 赵."""
    sales = make_user(Role.SALES)
    product = ProductFactory(name="冰箱")
    b1 = Batch.objects.create(product=product, batch_no="B-1", production_date=date(2026, 1, 5))
    b2 = Batch.objects.create(product=product, batch_no="B-2", production_date=date(2026, 2, 5))
    dealer = DealerFactory(name="浦东经销店")
    wang = CustomerFactory(name="王芳", mobile="13812345678", dealer=dealer, street="世纪大道1号")
    li = CustomerFactory(name="李强", mobile="13987654321")
    zhao = CustomerFactory(name="赵敏", mobile="13700001111")
    now = timezone.now()
    _deliver(wang, b1, 2, salesperson=sales, when=now - timedelta(days=20))
    _deliver(wang, b1, 1, salesperson=sales, when=now - timedelta(days=3))
    _deliver(li, b1, 5, salesperson=sales, when=now - timedelta(days=10))
    _deliver(li, b2, 1, salesperson=sales, when=now - timedelta(days=9))
    _deliver(zhao, b2, 4, salesperson=sales, when=now - timedelta(days=8))
    return {"b1": b1, "b2": b2, "wang": wang, "li": li, "zhao": zhao}


def _preview(client, *ids):
    return client.get(
        reverse("quality:recall-preview") + "?batches=" + ",".join(str(i) for i in ids)
    )


def test_the_preview_lists_who_received_the_batch_with_phones_masked_for_quality(
    client, make_user, shipped
):
    client.force_login(make_user(Role.QUALITY))
    page = html(_preview(client, shipped["b1"].pk))
    assert 'data-testid="recall-count">2<' in page
    assert 'data-testid="recall-pieces">8<' in page
    assert page.count('data-testid="recall-row"') == 2
    assert "王芳" in page and "李强" in page and "赵敏" not in page
    assert mask_phone("13812345678") in page and "13812345678" not in page
    assert "浦东经销店" in page and "世纪大道1号" in page
    assert reverse("quality:trace-batch", args=[shipped["b1"].pk]) in page
    assert 'data-testid="recall-export"' in page and 'data-testid="recall-create"' in page

    both = html(_preview(client, shipped["b1"].pk, shipped["b2"].pk))
    assert 'data-testid="recall-count">3<' in both


def test_customer_service_sees_full_phones_but_cannot_start_a_recall(client, make_user, shipped):
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    page = html(_preview(client, shipped["b1"].pk))
    assert "13812345678" in page
    assert 'data-testid="recall-create"' not in page
    response = client.post(
        reverse("quality:recall-preview") + f"?batches={shipped['b1'].pk}",
        {"reason": "x", "due_in_working_days": "5"},
    )
    assert response.status_code == 404 and not Recall.objects.exists()


def test_bad_or_unknown_batch_ids_give_a_message_not_an_error(client, make_user, shipped):
    client.force_login(make_user(Role.QUALITY))
    for raw in ("abc", "1;DROP", "-1", "99999999999999", "0"):
        response = client.get(reverse("quality:recall-preview") + "?batches=" + raw)
        assert response.status_code == 200, raw
        assert "alert-danger" in html(response) or "alert-warning" in html(response), raw
        assert 'data-testid="recall-row"' not in html(response)
    response = _preview(client, shipped["b1"].pk, 987654)
    assert "alert-warning" in html(response) and "987654" in html(response)
    assert 'data-testid="recall-count">2<' in html(response)
    export = client.get(reverse("quality:recall-export") + "?batches=abc")
    assert export.status_code == 302 and not ExportRecord.objects.exists()


def test_batch_numbers_typed_on_the_page_lead_to_the_preview(client, make_user, shipped):
    client.force_login(make_user(Role.QUALITY))
    response = client.get(reverse("quality:recall-preview") + "?batch_no=B-2，B-404")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?batches={shipped['b2'].pk}")


def _sheet_rows(response):
    body = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_downloads_the_same_customers_and_is_recorded(client, make_user, shipped):
    quality = make_user(Role.QUALITY)
    client.force_login(quality)
    ids = f"{shipped['b1'].pk},{shipped['b2'].pk}"
    response = client.get(reverse("quality:recall-export") + f"?batches={ids}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = _sheet_rows(response)
    data = {row[0]: row for row in rows[1:]}
    assert set(data) == {"王芳", "李强", "赵敏"}
    assert data["王芳"][1] == mask_phone("13812345678")
    assert data["王芳"][4] == "浦东经销店"
    assert (data["王芳"][5], data["王芳"][6]) == (3, 2)  # pieces, deliveries
    assert (data["李强"][5], data["李强"][6]) == (6, 2)
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.rows) == (quality, "recall_list", 3)
    assert ids.replace(",", "%2C") in record.filters


def test_a_recall_from_the_preview_makes_one_task_per_customer_and_outcomes_show(
    client, make_user, shipped
):
    quality, agent = make_user(Role.QUALITY), make_user(Role.CUSTOMER_SERVICE)
    client.force_login(quality)
    b1 = shipped["b1"]
    response = client.post(
        reverse("quality:recall-preview") + f"?batches={b1.pk}",
        {"reason": "压缩机批次缺陷", "due_in_working_days": "5", "assignee": agent.pk},
    )
    recall = Recall.objects.get()
    assert response.status_code == 302 and response["Location"] == recall.get_absolute_url()
    tasks = {t.customer_id: t for t in recall.tasks.all()}
    assert set(tasks) == {shipped["wang"].pk, shipped["li"].pk}
    assert tasks[shipped["wang"].pk].quantity == 3 and tasks[shipped["li"].pk].quantity == 5
    assert all(t.assignee == agent for t in tasks.values())
    assert list(recall.batches.all()) == [b1]

    listing = html(client.get(reverse("quality:recall-list")))
    assert recall.number in listing and "B-1" in listing

    # Customer service calls 王芳 and records it on the detail page.
    client.force_login(agent)
    detail = html(client.get(recall.get_absolute_url()))
    assert detail.count('data-testid="recall-task"') == 2 and "13812345678" in detail
    assert 'data-testid="recall-percent">0%' in detail
    wang_task = tasks[shipped["wang"].pk]
    response = client.post(
        reverse("quality:recall-task", args=[wang_task.pk]),
        {"outcome": "returned", "note": "已上门取回", "page": "1", "filter": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{recall.get_absolute_url()}?page=1#task-{wang_task.pk}"
    detail = html(client.get(recall.get_absolute_url()))
    assert "已上门取回" in detail and 'data-outcome="returned"' in detail
    assert 'data-testid="recall-percent">50%' in detail
    pending = html(client.get(recall.get_absolute_url() + "?outcome=pending"))
    assert pending.count('data-testid="recall-task"') == 1 and "李强" in pending
    assert "王芳" not in pending.split('data-testid="recall-tasks"', 1)[1]

    # The recall closes once everyone was contacted.
    client.force_login(quality)
    client.post(reverse("quality:recall-close", args=[recall.pk]))
    recall.refresh_from_db()
    assert recall.status == Recall.Status.OPEN
    li_task = tasks[shipped["li"].pk]
    client.post(reverse("quality:recall-task", args=[li_task.pk]), {"outcome": "contacted"})
    client.post(reverse("quality:recall-close", args=[recall.pk]))
    recall.refresh_from_db()
    assert recall.status == Recall.Status.CLOSED
    detail = html(client.get(recall.get_absolute_url()))
    assert 'data-status="closed"' in detail and 'data-testid="task-form"' not in detail

    # The recall's own list downloads too, and is recorded.
    export = client.get(reverse("quality:recall-detail-export", args=[recall.pk]))
    assert {row[0] for row in _sheet_rows(export)[1:]} == {"王芳", "李强"}
    assert ExportRecord.objects.filter(what="recall_list", rows=2, user=quality).exists()


def test_a_pending_outcome_is_refused(client, make_user, shipped):
    quality = make_user(Role.QUALITY)
    client.force_login(quality)
    client.post(
        reverse("quality:recall-preview") + f"?batches={shipped['b2'].pk}",
        {"reason": "标签错误", "due_in_working_days": "5"},
    )
    task = RecallTask.objects.first()
    client.post(reverse("quality:recall-task", args=[task.pk]), {"outcome": "pending"})
    task.refresh_from_db()
    assert task.outcome == RecallTask.Outcome.PENDING and task.done_at is None


def test_staff_outside_recall_work_get_404_on_recall_pages(client, make_user, shipped):
    client.force_login(make_user(Role.SALES))
    assert client.get(reverse("quality:liaison-list")).status_code == 200
    assert _preview(client, shipped["b1"].pk).status_code == 404
    assert client.get(reverse("quality:recall-list")).status_code == 404


def test_empty_states(client, make_user):
    client.force_login(make_user(Role.QUALITY))
    assert 'data-testid="recall-empty"' in html(client.get(reverse("quality:recall-list")))
    assert 'data-testid="recall-no-batches"' in html(client.get(reverse("quality:recall-preview")))
    page = html(client.get(reverse("quality:liaison-list") + "?box=active"))
    assert 'data-testid="liaison-empty"' in page
