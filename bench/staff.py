"""Benchmark: computing every scorecard of a month, and opening one (STF-2), on PostgreSQL.

    .venv/bin/python bench/staff.py [--cases 1000000] [--visits 300000] [--surveys 500000]
                                    [--people 500]

Loads, in its own process and with multi-row INSERTs (set-up only), ``--people`` people (four
in five technicians, the rest customer service) in ten departments with a head each, and over
two years: ``--cases`` resolved cases spread over them, each with its first-response and
resolution clocks (met or late), ``--visits`` completed repair visits (some of them a case's
second visit, some followed by a new case on the same product), ``--surveys`` answered
surveys, follow-ups done by customer service (a third of the cases), and a training session
a month. Then, in a fresh process, through the same services and pages the product uses:

* computing every scorecard of last month (``staff.services.scorecards.scorecards_compute``,
  the monthly task's work), once from nothing and once again over the drafts;
* opening one scorecard (``/staff/scorecards/<pk>/``) as its department head;
* one drill-down (``/staff/scorecards/<pk>/lines/csat/``) and the department's ranking page;
* ``GET /api/v1/staff/scorecards/?period=…&department=…`` as HR;

each the median of several runs after a warm-up, and the query plans of the heaviest sources.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback import _row_builder
from sales import setup

DATABASE = "aftersales_bench_staff"
SH = ZoneInfo("Asia/Shanghai")
DAYS = 730


def _batches(model, names, rows_iter, size=20_000) -> int:
    from aftersales.core.bulk import insert_rows

    rows, total = [], 0
    for row in rows_iter:
        rows.append(row)
        if len(rows) == size:
            total += insert_rows(model, names, rows)
            rows = []
    return total + insert_rows(model, names, rows)


def load(cases: int, visits: int, surveys: int, people: int) -> None:
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from aftersales.accounts.models import Department, User
    from aftersales.catalog.models import Product
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer
    from aftersales.feedback.models import FollowUp, QuestionnaireVersion, Survey
    from aftersales.repairs.models import WorkOrder
    from aftersales.service.models import Case
    from aftersales.sla.models import SlaClock
    from aftersales.staff.models import Attendance, Course, TrainingSession

    rng = random.Random(20)
    now = datetime.now(SH)
    stamp = db_datetime(now)
    started = time.perf_counter()

    def elapsed() -> str:
        return f"{time.perf_counter() - started:.0f} s"

    departments = [
        Department.objects.create(code=f"bench-{d}", name=f"售后服务{d}部") for d in range(10)
    ]
    names, build = _row_builder(User, stamp)
    insert_rows(
        User,
        names,
        [
            build(
                username=f"bench-person-{i:04d}",
                password="!",
                full_name=f"员工{i:04d}",
                email="",
                is_active=True,
                department_id=departments[i % 10].pk,
                date_joined=stamp,
            )
            for i in range(people)
        ],
    )
    staff = list(
        User.objects.filter(username__startswith="bench-person-")
        .order_by("username")
        .values_list("pk", flat=True)
    )
    technicians, agents = staff[: people * 4 // 5], staff[people * 4 // 5 :]
    service, desk = Group.objects.get(name="service"), Group.objects.get(name="customer_service")
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=pk, group_id=service.pk) for pk in technicians]
        + [through(user_id=pk, group_id=desk.pk) for pk in agents]
    )
    for d, department in enumerate(departments):
        department.head_id = staff[d]
        department.save(update_fields=["head"])

    names, build = _row_builder(Customer, stamp)
    insert_rows(
        Customer,
        names,
        [
            build(kind="individual", name=f"客户{i}", mobile=f"136{i:08d}", province="上海市")
            for i in range(100_000)
        ],
    )
    customers = list(Customer.objects.order_by("-pk").values_list("pk", flat=True)[:100_000])
    products = list(Product.objects.values_list("pk", flat=True))
    print(f"{people} people, 100,000 customers in {elapsed()}")

    # Cases: resolved a few working hours to days after intake, handled by anyone assessed.
    names, build = _row_builder(Case, stamp)

    def case_rows():
        for i in range(cases):
            opened = now - timedelta(days=DAYS * i / cases, minutes=rng.randint(0, 600))
            resolved = opened + timedelta(hours=rng.choice([2, 5, 9, 20, 30, 50, 80]))
            yield build(
                number=f"TK-S{i:08d}",
                channel="phone",
                kind=rng.choice(["repair", "repair", "complaint", "installation"]),
                status="closed",
                customer_id=rng.choice(customers),
                product_id=rng.choice(products),
                description="不制冷",
                assignee_id=rng.choice(staff),
                created_at=db_datetime(opened),
                resolved_at=db_datetime(resolved),
                closed_at=db_datetime(resolved + timedelta(days=1)),
            )

    _batches(Case, names, case_rows())
    print(f"{cases:,} cases in {elapsed()}")
    rows = list(
        Case.objects.filter(number__startswith="TK-S").values_list(
            "pk", "customer_id", "product_id", "assignee_id", "created_at", "resolved_at"
        )
    )

    case_type = ContentType.objects.get_for_model(Case).pk
    names, build = _row_builder(SlaClock, stamp)

    def clock_rows():
        for pk, _c, _p, _a, opened, resolved in rows:
            for metric, hours, took in (
                ("first_response", 24, timedelta(hours=rng.choice([1, 3, 20, 30]))),
                ("resolution", 72, resolved - opened),
            ):
                due = opened + timedelta(hours=hours)
                stopped = opened + took
                yield build(
                    owner_type_id=case_type,
                    owner_id=pk,
                    metric=metric,
                    amount=hours,
                    unit="clock_hours",
                    started_at=db_datetime(opened),
                    due_at=db_datetime(due),
                    status="met" if stopped <= due else "breached",
                    stopped_at=db_datetime(stopped),
                )

    _batches(SlaClock, names, clock_rows())
    print(f"{2 * cases:,} SLA clocks in {elapsed()}")

    # Visits: a technician's repair of a case; one in five a case's second visit.
    names, build = _row_builder(WorkOrder, stamp)

    def visit_rows():
        for i in range(visits):
            pk, customer, product, _a, opened, resolved = rows[(i * 7) % len(rows)]
            second = i % 5 == 4
            yield build(
                number=f"WO-S{i:08d}",
                case_id=pk,
                kind="onsite_repair",
                status="completed",
                customer_id=customer,
                product_id=product,
                problem="不制冷",
                technician_id=rng.choice(technicians),
                result=rng.choice(["fixed", "fixed", "fixed", "not_fixed", "no_fault"]),
                created_at=db_datetime(opened + timedelta(hours=2 if not second else 30)),
                completed_at=db_datetime(resolved - timedelta(hours=0 if second else 1)),
            )

    _batches(WorkOrder, names, visit_rows())
    print(f"{visits:,} visits in {elapsed()}")

    version = QuestionnaireVersion.objects.get(questionnaire__code="after-sales", published=True)
    names, build = _row_builder(Survey, stamp)

    def survey_rows():
        import json

        for i in range(surveys):
            pk, customer, product, assignee, _o, resolved = rows[(i * 3) % len(rows)]
            overall = rng.choice([2, 3, 4, 4, 5, 5, 5])
            answered = resolved + timedelta(days=1, hours=rng.randint(0, 40))
            yield build(
                case_id=pk,
                customer_id=customer,
                version_id=version.pk,
                sent_at=db_datetime(resolved + timedelta(days=1)),
                expires_at=db_datetime(resolved + timedelta(days=15)),
                sent_via="sms",
                status="answered",
                assignee_id=assignee,
                product_id=product,
                answered_at=db_datetime(answered),
                answered_via="sms",
                answers=json.dumps(
                    {"overall": overall, "attitude": rng.choice([3, 4, 5]), "nps": 8}
                ),
                overall=overall,
                nps=8,
            )

    _batches(Survey, names, survey_rows())
    print(f"{surveys:,} surveys in {elapsed()}")

    names, build = _row_builder(FollowUp, stamp)

    def follow_up_rows():
        for i, (pk, customer, _p, _a, _o, resolved) in enumerate(rows[::3]):
            day = resolved.astimezone(SH).date()
            done = resolved + timedelta(days=rng.choice([1, 1, 2, 3, 5]))
            yield build(
                number=f"HF-S{i:08d}",
                kind="repair",
                case_id=pk,
                customer_id=customer,
                starts_on=day,
                due_on=day + timedelta(days=1),
                deadline_on=day + timedelta(days=3),
                status="done",
                outcome="reached",
                verdict="satisfied",
                attempts=1,
                done_at=db_datetime(done),
                done_by_id=rng.choice(agents),
            )

    done = _batches(FollowUp, names, follow_up_rows())
    print(f"{done:,} follow-ups in {elapsed()}")

    course = Course.objects.get(code="service-skills")
    for month in range(24):
        held = (now - timedelta(days=30 * month)).date()
        session = TrainingSession.objects.create(
            number=f"PX-S{month:04d}", course=course, held_on=held, trainer_name="讲师",
            hours=course.hours, pass_mark=course.pass_mark, status="held",
            created_by_id=staff[0],
        )  # fmt: skip
        Attendance.objects.bulk_create(
            [
                Attendance(session=session, user_id=pk, attended=True, score=80, passed=True)
                for pk in rng.sample(staff, min(60, len(staff)))
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"training and VACUUM ANALYZE in {elapsed()}")


def _median(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples


def _ms(samples) -> str:
    return ", ".join(f"{s * 1000:.0f}" for s in samples)


def measure() -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.test import APIClient

    from aftersales.accounts.models import Department, User
    from aftersales.staff.indicators import (
        Context,
        _first_visits,
        _repaired,
        _sla_clocks,
        period_containing,
    )
    from aftersales.staff.models import Scorecard
    from aftersales.staff.services.scorecards import assessed_people, scorecards_compute

    today = timezone.localdate()
    period = period_containing(today.replace(day=1) - timedelta(days=1), "month")
    Scorecard.objects.filter(period=period.key).delete()
    people = assessed_people(period.kind)
    print(f"period {period.key}; {len(people)} people assessed")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = scorecards_compute(period=period)
    took = time.perf_counter() - started
    print(f"compute every scorecard (from nothing): {took:.1f} s, {len(queries)} queries, {result}")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = scorecards_compute(period=period)
    took = time.perf_counter() - started
    print(f"compute again over the drafts: {took:.1f} s, {len(queries)} queries, {result}")
    reset_queries()

    department = Department.objects.get(code="bench-3")
    head = User.objects.get(pk=department.head_id)
    card = (
        Scorecard.objects.filter(period=period.key, department=department)
        .exclude(user=head)
        .order_by("user__username")
        .first()
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)

    def open_card():
        response = client.get(f"/staff/scorecards/{card.pk}/")
        assert response.status_code == 200

    median, samples = _median(open_card, 10)
    print(f"open one scorecard: {median * 1000:.0f} ms median of 10 ({_ms(samples)})")

    def drill():
        response = client.get(f"/staff/scorecards/{card.pk}/lines/csat/")
        assert response.status_code == 200

    median, samples = _median(drill, 10)
    print(f"one drill-down (CSAT's surveys): {median * 1000:.0f} ms median of 10 ({_ms(samples)})")

    def ranking():
        response = client.get("/staff/scorecards/", {"period": period.key})
        assert response.status_code == 200

    median, samples = _median(ranking, 10)
    print(f"department ranking page: {median * 1000:.0f} ms median of 10 ({_ms(samples)})")

    hr = User.objects.filter(groups__name="hr").first()
    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(hr)

    def api_list():
        response = api.get(
            "/api/v1/staff/scorecards/", {"period": period.key, "department": department.code}
        )
        assert response.status_code == 200

    median, samples = _median(api_list, 10)
    print(f"API, one department's scorecards: {median * 1000:.0f} ms median of 10 ({_ms(samples)})")

    from django.db.models import Count

    ctx = Context(period, {pk: role for pk, (role, _d) in people.items()})
    for label, queryset in (
        ("first responses on time", _sla_clocks("first_response", period).values("person")),
        ("first-time fix", _first_visits(period).values("technician")),
        (
            "repeat repairs",
            _repaired(ctx).values("technician").annotate(again=Count("again")),
        ),
    ):
        sql, params = queryset.annotate(n=Count("id")).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [r[0] for r in cursor.fetchall()]
        print(f"plan, {label}:")
        for line in plan[:16]:
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=300_000)
    parser.add_argument("--surveys", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        setup(DATABASE)
        load(args.cases, args.visits, args.surveys, args.people)
        return
    if not args.measure_only:
        subprocess.run([sys.executable, __file__, "--load-only", *sys.argv[1:]], check=True)
    setup(DATABASE, fresh=False)
    measure()


if __name__ == "__main__":
    main()
