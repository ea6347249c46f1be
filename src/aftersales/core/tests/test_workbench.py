"""The workbench (工作台, issue 17): every role's home page lists the reader's own to-dos, each
with a count and a link to the list that shows exactly those records, and the key figures of
their area with an 8-week trend; an empty workbench says so; the page costs a fixed number of
queries per role."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.catalog.models import Batch, EmergencyRelease
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.templatetags.workbench import sparkline, sparkline_points
from aftersales.core.workbench import WEEKS, Todo, WorkbenchContext, workbench_for
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.feedback.models import FollowUp
from aftersales.quality.models import (
    CorrectiveAction,
    LiaisonForm,
    Nonconformance,
    ResponsibilityJudgement,
)
from aftersales.repairs.models import TechnicianProfile, WorkOrder
from aftersales.sales.models import Order, Shipment
from aftersales.service.models import Case
from aftersales.warranty.models import Application, DealerClaim

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 16, 10, 0, tzinfo=SH)  # a Wednesday morning
TODAY = NOW.date()


# --- the company's day ------------------------------------------------------------------------


class World:
    """Two dealers' worth of records, each waiting for someone, plus records that must not be
    counted (done, not due yet, another department's, another dealer's)."""

    def __init__(self, make_user):
        self.desk_dept = DepartmentFactory(code="cs", name="客服部")
        self.other_dept = DepartmentFactory(code="svc2", name="二部")
        self.qc_dept = DepartmentFactory(code="quality", name="品质部")
        mk = make_user
        self.vp = mk(Role.SALES_VP, username="vp", full_name="刘洋")
        self.logistics = mk(Role.LOGISTICS, username="wh", full_name="赵磊")
        self.inspector = mk(Role.QUALITY_INSPECTION, username="qi", full_name="王芳")
        self.quality = mk(Role.QUALITY, username="qm", full_name="李娜", department=self.qc_dept)
        self.cs = mk(
            Role.CUSTOMER_SERVICE, username="cs", full_name="孙丽", department=self.desk_dept
        )
        self.dispatcher = mk(Role.SERVICE, username="disp", full_name="杨敏")
        self.tech = mk(Role.SERVICE, username="tech", full_name="陈杰")
        TechnicianProfile.objects.create(user=self.tech)
        self.sales = mk(Role.SALES, username="sales", full_name="张伟")
        self.admin = mk(Role.ADMIN, username="boss", full_name="管理员")
        self.dealer_a, self.dealer_b = DealerFactory(code="A", name="甲店"), DealerFactory(code="B")
        self.dealer = dealer_user(mk, self.dealer_a, username="dealer_a", full_name="周静")
        self.customer = CustomerFactory(name="王小明", mobile="13912344444")
        self.customer_a = CustomerFactory(name="甲店客户", dealer=self.dealer_a)
        self.customer_b = CustomerFactory(name="乙店客户", dealer=self.dealer_b)
        self.product = ProductFactory(name="55英寸电视")
        self._orders()
        self._cases()
        self._work_orders()
        self._quality()
        self._warranty()

    # sales: approval, shipping, deliveries, follow-ups
    def _order(self, number, status, *, customer=None, salesperson=None, dealer=None, **kw):
        return Order.objects.create(
            number=number,
            customer=customer or self.customer,
            salesperson=salesperson or self.sales,
            dealer=dealer,
            status=status,
            delivery_date=TODAY + timedelta(days=10),
            delivery_place="上海",
            total=Decimal("1000.00"),
            submitted_at=NOW - timedelta(days=1) if status != Order.Status.DRAFT else None,
            **kw,
        )

    def _orders(self):
        S = Order.Status
        self.to_approve = self._order("SO-20261215-0001", S.SUBMITTED)
        self._order("SO-20261215-0002", S.DRAFT)
        self._order("SO-20261215-0003", S.SUBMITTED, salesperson=self.vp)  # the VP's own
        self.to_ship = self._order("SO-20261215-0004", S.APPROVED)
        self.to_ship_b = self._order(
            "SO-20261215-0005", S.PARTIALLY_SHIPPED, customer=self.customer_b, dealer=self.dealer_b
        )
        delivered = self._order("SO-20261215-0006", S.DELIVERED)
        dealer_order = self._order(
            "SO-20261215-0007",
            S.DELIVERED,
            customer=self.customer_a,
            dealer=self.dealer_a,
            salesperson=self.dealer,
        )
        self.on_the_road = Shipment.objects.create(
            number="DN-20261215-0001",
            order=self.to_ship_b,
            verified_by=self.logistics,
            shipped_at=NOW - timedelta(days=1),
        )
        Shipment.objects.create(
            number="DN-20261215-0002",
            order=delivered,
            verified_by=self.logistics,
            shipped_at=NOW - timedelta(days=3),
            status=Shipment.Status.DELIVERED,
            delivered_at=NOW - timedelta(days=2),
        )

        def follow_up(number, order, assignee, due, **kw):
            return FollowUp.objects.create(
                number=number,
                kind="delivery",
                order=order,
                customer=order.customer,
                assignee=assignee,
                starts_on=due,
                due_on=due,
                deadline_on=due + timedelta(2),
                **kw,
            )

        follow_up("HF-1", delivered, self.sales, TODAY)  # due
        follow_up("HF-2", self.to_ship, self.sales, TODAY + timedelta(3))
        follow_up("HF-3", self.to_approve, self.sales, TODAY, status="done", done_at=NOW)
        follow_up("HF-4", dealer_order, self.dealer, TODAY)
        self.follow_up_order, self.dealer_order = delivered, dealer_order

    # service: my cases overdue / due today, unassigned in my department
    def _case(self, number, *, assignee=None, department=None, due=None, status="new", **kw):
        return Case.objects.create(
            number=number,
            channel="phone",
            kind="complaint",
            customer=kw.pop("customer", self.customer),
            description="电视屏幕有横线",
            assignee=assignee,
            department=department,
            next_due_at=due,
            status=status,
            **kw,
        )

    def _cases(self):
        hour = timedelta(hours=1)
        self.case_overdue = self._case("TK-20261215-0001", assignee=self.cs, due=NOW - hour)
        self.case_today = self._case("TK-20261215-0002", assignee=self.cs, due=NOW + hour)
        self._case("TK-20261215-0003", assignee=self.cs, due=NOW + timedelta(days=1))
        self._case("TK-20261215-0004", assignee=self.cs, due=NOW - hour, status=Case.Status.CLOSED)
        self.case_unassigned = self._case("TK-20261215-0005", department=self.desk_dept)
        self._case("TK-20261215-0006", department=self.other_dept)
        self._case("TK-20261215-0007", assignee=self.dispatcher, due=NOW - hour)
        self.case_a = self._case(
            "TK-20261215-0008", customer=self.customer_a, dealer=self.dealer_a, assignee=self.dealer
        )
        self.case_b = self._case(
            "TK-20261215-0009", customer=self.customer_b, dealer=self.dealer_b, due=NOW - hour
        )

    # field service: to schedule; the technician's day
    def _wo(self, number, kind="onsite_repair", status="new", **kw):
        return WorkOrder.objects.create(
            number=number, kind=kind, status=status, customer=self.customer, problem="不制冷", **kw
        )

    def _work_orders(self):
        self.wo_waiting = self._wo("WO-20261216-0001")
        self._wo("WO-20261216-0002", kind="mail_in")
        self._wo(
            "WO-20261216-0003",
            status="scheduled",
            technician=self.tech,
            window_start=NOW + timedelta(hours=2),
            window_end=NOW + timedelta(hours=4),
        )
        self._wo(
            "WO-20261216-0004",
            status="scheduled",
            technician=self.tech,
            window_start=NOW + timedelta(days=1),
            window_end=NOW + timedelta(days=1, hours=2),
        )
        self.visit_today = WorkOrder.objects.get(number="WO-20261216-0003")
        self._wo(
            "WO-20261216-0005",
            status="completed",
            technician=self.tech,
            completed_at=NOW - timedelta(days=1),
        )

    # quality: batches to inspect, releases, nonconformances, liaison forms
    def _quality(self):
        self.pending = [
            Batch.objects.create(product=self.product, batch_no=f"B-P{i}", production_date=TODAY)
            for i in (1, 2)
        ]
        Batch.objects.create(
            product=self.product,
            batch_no="B-OK",
            production_date=TODAY,
            quality_status=Batch.QualityStatus.PASSED,
        )
        EmergencyRelease.objects.create(
            batch=self.pending[0], reason="急用", requested_by=self.sales
        )
        nc = dict(source="inspection", description="外观划伤", raised_by=self.inspector)
        self.nc_overdue = Nonconformance.objects.create(
            number="NC-20261216-0001", title="划伤", **nc
        )
        CorrectiveAction.objects.create(
            nonconformance=self.nc_overdue,
            description="更换夹具",
            owner=self.quality,
            due_on=TODAY - timedelta(days=2),
        )
        self.nc_open = Nonconformance.objects.create(number="NC-20261216-0002", title="色差", **nc)
        Nonconformance.objects.create(
            number="NC-20261216-0003", title="已关闭", status=Nonconformance.Status.CLOSED, **nc
        )
        self.liaison = LiaisonForm.objects.create(
            number="LF-20261216-0001",
            kind=LiaisonForm.Kind.COMPLAINT,
            heard_on=TODAY,
            content="客户说包装破损",
            department=self.qc_dept,
            originator=self.cs,
        )

    # 三包: applications to decide, refunds due, claims to judge or decide
    def _application(self, number, status, *, remedy="", customer=None):
        return Application.objects.create(
            number=number,
            source="desk",
            customer=customer or self.customer,
            product=self.product,
            requested="return",
            reason="质量问题",
            price=Decimal("3299.00"),
            policy_key="default",
            facts={},
            answer={},
            evaluated_at=NOW,
            status=status,
            remedy=remedy,
        )

    def _warranty(self):
        A = Application.Status
        self.app_applied = self._application("RA-20261216-0001", A.APPLIED)
        self.app_refund = self._application("RA-20261216-0002", A.GOODS_RECEIVED, remedy="return")
        self._application("RA-20261216-0003", A.GOODS_RECEIVED, remedy="exchange")
        self._application("RA-20261216-0004", A.REFUNDED, remedy="return")
        self._application("RA-20261216-0005", A.APPLIED, customer=self.customer_b)
        claim = dict(dealer=self.dealer_a, description="三包换机", submitted_by=self.dealer)
        self.claim_unjudged = DealerClaim.objects.create(
            number="DC-20261216-0001", case=self.case_a, **claim
        )
        self.claim_judged = DealerClaim.objects.create(
            number="DC-20261216-0002", case=self.case_b, **claim
        )
        ResponsibilityJudgement.objects.create(
            subject_type=ContentType.objects.get_for_model(Case),
            subject_id=self.case_b.pk,
            verdict="manufacturer",
            reasoning="生产原因",
            manufacturer_share=Decimal("1.00"),
            judged_by=self.quality,
        )


@pytest.fixture
def world(make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    return World(make_user)


def todos_on_page(html: str) -> dict[str, tuple[int, str]]:
    """{key: (count, link)} of the to-dos the page shows, waiting or not."""
    found = {}
    for tag in re.findall(r"<a [^>]*data-testid=\"todo-[^\"]+\"[^>]*>", html):
        key = re.search(r'data-testid="todo-([^"]+)"', tag).group(1)
        count = int(re.search(r'data-count="(\d+)"', tag).group(1))
        href = re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&")
        found[key] = (count, href)
    return found


def check(client, user, expected: dict[str, tuple[int, set[str]]]):
    """The reader's workbench shows each expected to-do with its count (a to-do with nothing
    waiting is listed apart, with 0), and its link lists exactly the records counted: those
    named (by number) are on it, the others of the same kinds in ``ALL_NUMBERS`` are not."""
    client.force_login(user)
    html = client.get("/").content.decode()
    shown = todos_on_page(html)
    assert {k: c for k, (c, _u) in shown.items()} == {k: c for k, (c, _n) in expected.items()}
    for key, (_count, numbers) in expected.items():
        response = client.get(shown[key][1])
        assert response.status_code == 200, (key, shown[key][1])
        page = response.content.decode()
        for number in numbers:
            assert number in page, (key, number)
        kinds = {n[:3] for n in numbers}
        for number in ALL_NUMBERS:
            if number[:3] in kinds and number not in numbers:
                assert number not in page, (key, number)
    return html


ALL_NUMBERS = [
    *(f"SO-20261215-000{i}" for i in range(1, 8)),
    *(f"TK-20261215-000{i}" for i in range(1, 10)),
    *(f"WO-20261216-000{i}" for i in range(1, 6)),
    *(f"RA-20261216-000{i}" for i in range(1, 6)),
    *(f"NC-20261216-000{i}" for i in range(1, 4)),
    "DN-20261215-0001",
    "DN-20261215-0002",
    *(f"HF-{i}" for i in range(1, 5)),
    "DC-20261216-0001",
    "DC-20261216-0002",
]
# Every member of staff has a department here: its liaison forms are on everyone's list.
LIAISON = {"quality.liaison_department": (0, set()), "quality.liaison_verify": (0, set())}
# Everyone of the company may own a service meeting's action item (FB-5): none here.
MEETING = {"feedback.meeting_actions": (0, set())}


def test_vice_president_approves_orders_releases_and_claims(client, world):
    html = check(
        client,
        world.vp,
        {
            "sales.approval": (1, {"SO-20261215-0001"}),  # not the VP's own order
            "quality.releases": (1, {"B-P1"}),
            "warranty.claims_to_decide": (1, {"DC-20261216-0002"}),
            "warranty.refunds": (1, {"RA-20261216-0002"}),
            # the heads' own scorecards are the vice-president's (and HR's) to review
            "staff.scorecards_to_review": (0, set()),
            **LIAISON,
            **MEETING,
        },
    )
    assert 'data-testid="figure-sales.orders"' in html
    assert 'data-testid="figure-sales.value"' in html
    assert html.count('data-testid="sparkline"') >= 2


def test_logistics_ships_and_records_deliveries(client, world):
    check(
        client,
        world.logistics,
        {
            "sales.shipping": (2, {"SO-20261215-0004", "SO-20261215-0005"}),
            "sales.deliveries": (1, {"DN-20261215-0001"}),
            **LIAISON,
            **MEETING,
        },
    )


def test_quality_inspection_sees_the_batches_waiting(client, world):
    html = check(
        client,
        world.inspector,
        {"quality.to_inspect": (2, {"B-P1", "B-P2"}), **LIAISON, **MEETING},
    )
    response = client.get("/products/batches/?status=pending")
    assert "B-OK" not in response.content.decode()
    assert 'data-testid="figure-quality.inspections"' in html


def test_quality_department(client, world):
    check(
        client,
        world.quality,
        {
            "quality.ncs_overdue": (1, {"NC-20261216-0001"}),
            "quality.ncs_open": (2, {"NC-20261216-0001", "NC-20261216-0002"}),
            "quality.liaison_department": (1, {"LF-20261216-0001"}),
            "quality.liaison_verify": (0, set()),
            "warranty.claims_to_judge": (1, {"DC-20261216-0001"}),
            "warranty.claims_to_decide": (1, {"DC-20261216-0002"}),
            "feedback.self_inspections": (0, set()),
            **MEETING,
        },
    )


def test_customer_service_my_cases(client, world):
    html = check(
        client,
        world.cs,
        {
            "service.overdue": (1, {"TK-20261215-0001"}),
            "service.due_today": (1, {"TK-20261215-0002"}),
            "service.unassigned": (1, {"TK-20261215-0005"}),
            # the desk calls every follow-up due: the seller's and the dealer's deliveries
            "feedback.follow_ups": (2, {"HF-1", "HF-4"}),
            "feedback.follow_ups_overdue": (0, set()),
            "staff.scorecard_to_answer": (0, set()),
            "feedback.self_inspections": (0, set()),
            **LIAISON,
            **MEETING,
        },
    )
    # The overdue one comes first and is marked urgent; nothing waiting is listed apart.
    assert html.index("todo-service.overdue") < html.index("todo-service.due_today")
    assert "todo-urgent" in html
    assert 'data-testid="todos-checked"' in html
    assert 'data-testid="figure-service.new"' in html


def test_dispatcher_schedules_work_orders(client, world):
    check(
        client,
        world.dispatcher,
        {
            "repairs.to_schedule": (1, {"WO-20261216-0001"}),
            "service.overdue": (1, {"TK-20261215-0007"}),
            "service.due_today": (0, set()),
            "service.unassigned": (0, set()),
            # Company staff decide every dealer's customers' applications.
            "warranty.to_decide": (2, {"RA-20261216-0001", "RA-20261216-0005"}),
            "warranty.refunds": (1, {"RA-20261216-0002"}),
            "staff.scorecard_to_answer": (0, set()),
            **LIAISON,
            **MEETING,
        },
    )


def test_technician_sees_todays_visits(client, world):
    html = check(
        client,
        world.tech,
        {
            "repairs.today": (1, {"WO-20261216-0003"}),
            "service.overdue": (0, set()),
            "service.due_today": (0, set()),
            "service.unassigned": (0, set()),
            "warranty.to_decide": (2, {"RA-20261216-0001", "RA-20261216-0005"}),
            "warranty.refunds": (1, {"RA-20261216-0002"}),
            "staff.scorecard_to_answer": (0, set()),
            **LIAISON,
            **MEETING,
        },
    )
    assert "repairs.to_schedule" not in html  # a field technician does not dispatch
    assert 'data-testid="figure-repairs.my_done"' in html


def test_sales_follow_up_calls(client, world):
    check(
        client,
        world.sales,
        {
            "feedback.follow_ups": (1, {"HF-1"}),
            "feedback.follow_ups_overdue": (0, set()),
            **LIAISON,
            **MEETING,
        },
    )


def test_dealer_sees_only_its_own(client, world):
    check(
        client,
        world.dealer,
        {"feedback.follow_ups": (1, {"HF-4"}), "feedback.follow_ups_overdue": (0, set())},
    )
    bench = workbench_for(world.dealer, now=NOW)
    figures = {f.key: f for f in bench.figures}
    # Its own dealer's order and case only, whatever the company has.
    assert figures["sales.orders"].total == 1
    assert figures["service.new"].total == 1
    assert figures["warranty.applications"].total == 0


def test_an_empty_workbench_says_so(client, make_user):
    client.force_login(make_user(Role.ADMIN, department=None))
    html = client.get("/").content.decode()
    assert 'data-testid="todos-empty"' in html
    assert todos_on_page(html) == {}
    assert 'data-testid="figures"' not in html


def test_an_administrators_workbench_has_no_operational_work(client, world):
    """An administrator may approve little and dispatch or refund a lot, but those lists are
    the departments' work: their workbench keeps to the system (the calendar warnings)."""
    check(client, world.admin, {})


def test_a_workbench_with_everything_done_says_so_and_lists_what_was_checked(client, world):
    FollowUp.objects.filter(assignee=world.sales).update(status="done", done_at=NOW)
    client.force_login(world.sales)
    html = client.get("/").content.decode()
    assert 'data-testid="todos-empty"' in html
    assert {k: c for k, (c, _u) in todos_on_page(html).items()} == {
        "feedback.follow_ups": 0,
        "feedback.follow_ups_overdue": 0,
        "quality.liaison_department": 0,
        "quality.liaison_verify": 0,
        "feedback.meeting_actions": 0,
    }


def test_someone_without_a_role_is_told_to_ask_for_one(client, make_user):
    client.force_login(make_user())
    html = client.get("/").content.decode()
    assert 'data-testid="todos-empty"' in html
    assert "Ask an administrator" in html or "管理员" in html


def test_figures_count_by_week(world):
    ctx = WorkbenchContext.at(NOW)
    assert len(ctx.week_starts) == WEEKS + 1
    assert ctx.week_starts[-2].date() == date(2026, 12, 14)  # this week's Monday
    bench = workbench_for(world.logistics, now=NOW)
    shipped = {f.key: f for f in bench.figures}["sales.shipped"]
    assert shipped.trend[-2:] == [1, 1]  # Tuesday, and last Sunday
    old = Shipment.objects.get(number="DN-20261215-0002")
    Shipment.objects.filter(pk=old.pk).update(shipped_at=NOW - timedelta(weeks=3))
    shipped = {f.key: f for f in workbench_for(world.logistics, now=NOW).figures}["sales.shipped"]
    assert shipped.trend[-1] == 1 and shipped.trend[-4] == 1 and shipped.previous == 0
    value = {f.key: f for f in workbench_for(world.vp, now=NOW).figures}["sales.value"]
    assert value.value == Decimal("6000.00")  # submitted this week: six orders of ¥1,000


def test_to_dos_are_ordered_waiting_first():
    from aftersales.core.workbench import _TODOS, register_todo_provider

    def provider(user, ctx):
        return [Todo("z.none", "none", 0, "/", order=1), Todo("z.some", "some", 3, "/", order=9)]

    register_todo_provider(provider)
    try:
        keys = [t.key for t in workbench_for(_Anyone(), now=NOW).todos if t.key.startswith("z.")]
    finally:
        _TODOS.remove(provider)
    assert keys == ["z.some", "z.none"]


class _Anyone:
    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    department_id = None

    class groups:  # a stand-in for the related manager
        @staticmethod
        def all():
            return []


def test_sparkline_is_an_inline_svg_scaled_to_the_largest_week():
    points = sparkline_points([0, 5, 10])
    assert points[0][1] > points[1][1] > points[2][1]  # higher values are higher up
    assert sparkline_points([0, 0, 0])[0][1] == sparkline_points([0, 0, 0])[2][1]
    svg = str(sparkline([1, 2, 3], "Orders <b>"))
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;b&gt;" in svg and "1, 2, 3" in svg


# The whole page per role: the workbench's counts and figures, the navigation, the activity
# list (one small query per history table: three more with the extended-warranty plans and
# contracts and the written promises, six with the feedback loop's policy, rules, questionnaires,
# follow-ups and proposals, eight with training and assessment, four with the self-inspection
# checklists, self-inspections, service meetings and their action items, two with the
# management cockpit's policy and reports, three with the fault codes, support articles and
# their files, two with the partners' API keys and webhooks; the vice-president sees the
# cockpit's four figures; the company's staff one count of the support articles waiting for
# their review) and the session. Pinned, so that a provider that starts to query per record
# shows up here.
PAGE_QUERIES = {
    "admin": 105,
    "cs": 115,
    "dealer": 106,
    "dispatcher": 117,
    "inspector": 106,
    "logistics": 107,
    "quality": 113,
    "sales": 108,
    "tech": 117,
    "vp": 121,
}


BENCH_QUERIES = {
    "admin": 6,
    "cs": 19,
    "dealer": 10,
    "dispatcher": 21,
    "inspector": 10,
    "logistics": 11,
    "quality": 17,
    "sales": 12,
    "tech": 20,
    "vp": 25,
}


@pytest.mark.parametrize("who", sorted(PAGE_QUERIES))
def test_query_count_of_the_workbench_is_pinned(world, who, django_assert_max_num_queries):
    user = getattr(world, who)
    with django_assert_max_num_queries(BENCH_QUERIES[who]):
        workbench_for(user, now=NOW)


@pytest.mark.parametrize("who", sorted(PAGE_QUERIES))
def test_query_count_of_the_home_page_is_pinned(client, world, who, django_assert_max_num_queries):
    user = getattr(world, who)
    client.force_login(user)
    with django_assert_max_num_queries(PAGE_QUERIES[who]):
        assert client.get("/").status_code == 200
