"""A small company month (November 2026) whose every cockpit figure is worked out by hand in
the tests: three cases received, two resolved, two repair visits, three time limits, two
三包 outcomes, two orders, two deliveries, three inspections and three surveys; with a case
of October (the previous period) and records of November 2025 (a year before)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SH)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


class World:
    pass


def _case(n, *, created, channel="phone", kind="repair", status="new", resolved=None, **fields):
    from aftersales.service.models import Case

    row = Case.objects.create(
        number=f"TK-T-{n:04d}",
        channel=channel,
        kind=kind,
        status=status,
        description="测试",
        **fields,
    )
    Case.objects.filter(pk=row.pk).update(created_at=created, resolved_at=resolved)
    row.refresh_from_db()
    return row


def _visit(n, case, *, tech, result, completed, created=None, customer=None, product=None):
    from aftersales.repairs.models import WorkOrder

    wo = WorkOrder.objects.create(
        number=f"WO-T-{n:04d}",
        case=case,
        kind="onsite_repair",
        status=WorkOrder.Status.COMPLETED,
        customer=customer or case.customer,
        product=product or case.product,
        problem="不制冷",
        technician=tech,
        result=result,
        completed_at=completed,
    )
    WorkOrder.objects.filter(pk=wo.pk).update(created_at=created or completed - timedelta(hours=2))
    return wo


def _clock(case, metric, status, started, stopped):
    from aftersales.service.models import Case
    from aftersales.sla.models import SlaClock

    return SlaClock.objects.create(
        owner_type=ContentType.objects.get_for_model(Case),
        owner_id=case.pk,
        metric=metric,
        amount=24,
        unit="clock_hours",
        started_at=started,
        due_at=started + timedelta(hours=2),
        status=status,
        stopped_at=stopped,
    )


def _application(n, case, *, remedy, product, outcome, refund=None, price="0"):
    from aftersales.warranty.models import Application

    return Application.objects.create(
        number=f"SB-T-{n:04d}",
        source="case",
        case=case,
        customer=case.customer,
        product=product,
        requested=remedy,
        reason="质量问题",
        price=Decimal(price),
        policy_key="default",
        facts={},
        answer={},
        evaluated_at=outcome - timedelta(days=1),
        status="refunded" if remedy == "return" else "exchanged",
        remedy=remedy,
        outcome_at=outcome,
        refund_total=Decimal(refund) if refund else None,
    )


def _order(
    n,
    *,
    customer,
    salesperson,
    lines,
    status="approved",
    signed=None,
    created,
    dealer=None,
    delivery,
    submitted=None,
    decided=None,
):
    from aftersales.sales.models import Order, OrderLine

    total = sum(Decimal(a) for _p, _q, a in lines)
    order = Order.objects.create(
        number=f"SO-T-{n:04d}",
        customer=customer,
        salesperson=salesperson,
        status=status,
        signed_on=signed,
        delivery_date=delivery,
        delivery_place="仓库",
        dealer=dealer,
        total=total,
        needs_approval=submitted is not None,
        submitted_at=submitted,
        decided_at=decided,
    )
    Order.objects.filter(pk=order.pk).update(created_at=created)
    order.refresh_from_db()
    made = [
        OrderLine.objects.create(
            order=order, product=p, quantity=q, unit_price=Decimal(a) / q, amount=Decimal(a)
        )
        for p, q, a in lines
    ]
    return order, made


def _shipment(n, order, line, *, batch, quantity, shipped, delivered, keeper, problem=""):
    from aftersales.sales.models import Shipment, ShipmentLine

    s = Shipment.objects.create(
        number=f"DN-T-{n:04d}",
        order=order,
        verified_by=keeper,
        shipped_at=shipped,
        delivered_at=delivered,
        status="delivered",
    )
    ShipmentLine.objects.create(
        shipment=s, order_line=line, batch=batch, quantity=quantity, problem=problem
    )
    return s


def _inspection(n, batch, plan, inspector, *, kind, verdict, when, failed_item=None):
    from aftersales.quality.models import Inspection, InspectionResult

    i = Inspection.objects.create(
        number=f"QC-T-{n:04d}",
        kind=kind,
        batch=batch,
        plan=plan,
        inspector=inspector,
        inspected_at=when,
        sample_size=5,
        verdict=verdict,
    )
    for item in plan.items.all():
        InspectionResult.objects.create(inspection=i, item=item, passed=item != failed_item)
    return i


def _survey(case, *, overall, nps, answered):
    from aftersales.feedback.models import QuestionnaireVersion, Survey
    from aftersales.feedback.presets import ensure_presets

    ensure_presets()  # a transactional test before this one may have flushed them
    return Survey.objects.create(
        case=case,
        customer=case.customer,
        department=case.department,
        product=case.product,
        category=case.product.category if case.product else None,
        version=QuestionnaireVersion.objects.filter(published=True).first(),
        sent_at=answered - timedelta(days=1),
        expires_at=answered + timedelta(days=13),
        sent_via="sms",
        status=Survey.Status.ANSWERED,
        answered_at=answered,
        answers={"overall": overall, "nps": nps},
        overall=overall,
        nps=nps,
    )


@pytest.fixture
def world(db, make_user, time_machine):
    from aftersales.quality.tests.factories import plan_with_items

    time_machine.move_to(NOW)
    w = World()
    w.dept_a = DepartmentFactory(code="svc-a", name="售后服务部")
    w.dept_b = DepartmentFactory(code="svc-b", name="客服部")
    w.tech = make_user(Role.SERVICE, username="tech-a", full_name="陈杰", department=w.dept_a)
    w.agent = make_user(
        Role.CUSTOMER_SERVICE, username="agent-b", full_name="孙丽", department=w.dept_b
    )
    w.vp = make_user(Role.SALES_VP, username="vp-m", full_name="刘洋")
    w.seller = make_user(Role.SALES, username="seller-m", full_name="周明")
    w.keeper = make_user(Role.LOGISTICS, username="keeper-m", full_name="赵库")
    w.inspector = make_user(Role.QUALITY_INSPECTION, username="qc-m", full_name="钱检")
    w.cat_tv = CategoryFactory(code="tv", name="电视")
    w.cat_ac = CategoryFactory(code="ac", name="空调")
    w.p1 = ProductFactory(category=w.cat_tv, name="55寸电视")
    w.p2 = ProductFactory(category=w.cat_ac, name="挂式空调")
    w.dealer = DealerFactory(name="苏州经销商")
    w.x = CustomerFactory(name="王小明", province="江苏")
    w.y = CustomerFactory(name="李华", province="上海")
    w.b1 = Batch.objects.create(product=w.p1, batch_no="B1", production_date=date(2026, 10, 1))
    w.b2 = Batch.objects.create(product=w.p2, batch_no="B2", production_date=date(2026, 10, 1))

    # Cases -----------------------------------------------------------------------------
    # c4: October, customer X, product P2, still new (open, 31 days old on 20 November);
    # its visit fixed the unit on 25 October.
    w.c4 = _case(4, created=at(2026, 10, 20, 9), customer=w.x, product=w.p2, department=w.dept_a)
    w.w0 = _visit(10, w.c4, tech=w.tech, result="fixed", completed=at(2026, 10, 25, 10))
    # c1: resolved in 2 working hours, first visit fixed it.
    w.c1 = _case(
        1,
        created=at(2026, 11, 2, 9),
        customer=w.y,
        product=w.p1,
        department=w.dept_a,
        assignee=w.tech,
        status="resolved",
        resolved=at(2026, 11, 2, 11),
    )
    w.w1 = _visit(11, w.c1, tech=w.tech, result="fixed", completed=at(2026, 11, 2, 11))
    # c2: a web complaint on batch B1, in progress (17 days old).
    w.c2 = _case(
        2,
        created=at(2026, 11, 3, 9),
        channel="web",
        kind="complaint",
        status="in_progress",
        customer=w.y,
        product=w.p1,
        batch=w.b1,
        department=w.dept_a,
        is_complaint=True,
    )
    # c3: X reports P2 again 16 days after the fix: a repeat repair. Resolved in 9 working
    # hours (Tue 10:00–18:00 and Wed 09:00–10:00); its first visit did not fix it.
    w.c3 = _case(
        3,
        created=at(2026, 11, 10, 10),
        customer=w.x,
        product=w.p2,
        department=w.dept_b,
        dealer=w.dealer,
        assignee=w.agent,
        status="resolved",
        resolved=at(2026, 11, 11, 10),
    )
    w.w2 = _visit(
        12,
        w.c3,
        tech=w.tech,
        result="not_fixed",
        completed=at(2026, 11, 11, 9, 30),
        created=at(2026, 11, 10, 12),
    )
    w.w3 = _visit(
        13,
        w.c3,
        tech=w.tech,
        result="fixed",
        completed=at(2026, 11, 12, 15),
        created=at(2026, 11, 11, 12),
    )
    # c5: a year before, closed.
    w.c5 = _case(
        5,
        created=at(2025, 11, 5, 9),
        channel="web",
        status="closed",
        customer=w.y,
        product=w.p1,
        department=w.dept_a,
    )

    # Time limits: first response in 0.5 h (met) and 4 h (missed); one resolution met.
    _clock(w.c1, "first_response", "met", at(2026, 11, 2, 9), at(2026, 11, 2, 9, 30))
    _clock(w.c3, "first_response", "breached", at(2026, 11, 10, 10), at(2026, 11, 10, 14))
    _clock(w.c1, "resolution", "met", at(2026, 11, 2, 9), at(2026, 11, 2, 11))

    # 三包: a return (refund 1,999) and an exchange (unit price 2,999).
    _application(
        1,
        w.c2,
        remedy="return",
        product=w.p1,
        outcome=at(2026, 11, 15, 10),
        refund="1999.00",
        price="1999.00",
    )
    _application(
        2, w.c3, remedy="exchange", product=w.p2, outcome=at(2026, 11, 16, 10), price="2999.00"
    )

    # Orders: o1 (Shanghai, direct, 16,000: P1 10,000 + P2 6,000, approved in 4 working
    # hours), o2 (Jiangsu, the dealer's, 5,000 of P1, no contract date: by the day entered),
    # a draft (not counted) and o4 a year before (1,000).
    w.o1, (w.l1, _l2) = _order(
        1,
        customer=w.y,
        salesperson=w.seller,
        signed=date(2026, 11, 5),
        created=at(2026, 11, 4, 8),
        delivery=date(2026, 11, 7),
        lines=[(w.p1, 10, "10000"), (w.p2, 2, "6000")],
        submitted=at(2026, 11, 4, 9),
        decided=at(2026, 11, 4, 13),
    )
    w.o2, (w.l3,) = _order(
        2,
        customer=w.x,
        salesperson=w.seller,
        dealer=w.dealer,
        status="submitted",
        created=at(2026, 11, 20, 9),
        delivery=date(2026, 11, 25),
        lines=[(w.p1, 5, "5000")],
    )
    _order(
        3,
        customer=w.x,
        salesperson=w.seller,
        status="draft",
        created=at(2026, 11, 6, 9),
        delivery=date(2026, 12, 1),
        lines=[(w.p1, 1, "999")],
    )
    _order(
        4,
        customer=w.y,
        salesperson=w.seller,
        signed=date(2025, 11, 10),
        created=at(2025, 11, 10, 9),
        delivery=date(2025, 11, 20),
        lines=[(w.p1, 1, "1000")],
    )

    # Deliveries: o1 a day late with a damaged line; o2 on time. 15 units of P1 (batch B1).
    _shipment(
        1,
        w.o1,
        w.l1,
        batch=w.b1,
        quantity=10,
        shipped=at(2026, 11, 6, 9),
        delivered=at(2026, 11, 8, 15),
        keeper=w.keeper,
        problem="damage",
    )
    _shipment(
        2,
        w.o2,
        w.l3,
        batch=w.b1,
        quantity=5,
        shipped=at(2026, 11, 20, 9),
        delivered=at(2026, 11, 20, 11),
        keeper=w.keeper,
    )

    # Inspections: two passed (one with remarks), one failed on 外观.
    plan = plan_with_items(w.p1)
    w.failed_item = plan.items.get(name="外观")
    _inspection(
        1, w.b1, plan, w.inspector, kind="finished", verdict="passed", when=at(2026, 11, 3, 10)
    )
    _inspection(
        2,
        w.b2,
        plan,
        w.inspector,
        kind="finished",
        verdict="failed",
        when=at(2026, 11, 4, 10),
        failed_item=w.failed_item,
    )
    _inspection(
        3,
        w.b1,
        plan,
        w.inspector,
        kind="incoming",
        verdict="passed_with_remarks",
        when=at(2026, 11, 5, 10),
    )

    # Surveys: 5/10, 4/9, 2/3 → CSAT 66.7 %, NPS (2 − 1) / 3 = 33.3.
    _survey(w.c1, overall=5, nps=10, answered=at(2026, 11, 3, 10))
    _survey(w.c3, overall=4, nps=9, answered=at(2026, 11, 12, 10))
    _survey(w.c2, overall=2, nps=3, answered=at(2026, 11, 13, 10))
    return w
