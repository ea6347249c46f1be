"""Benchmark: satisfaction statistics, the complaint Pareto, the register and its export
(FB-2, FB-3) on PostgreSQL.

    .venv/bin/python bench/feedback.py [--surveys 1000000] [--complaints 200000]

Loads, in its own process and with multi-row INSERTs (set-up only), ``--complaints``
complaint cases over two years (categories, products, dealers, regions, departments and 200
handlers spread as a desk would have them, topic keywords from a small vocabulary) and
``--surveys`` surveys over the same two years, 75 % answered, on those cases. Then, in a
fresh process, through the same selectors and pages the product uses:

* the summary grouped by handler for a quarter (``GET /api/v1/surveys/summary/``);
* the complaint Pareto for a year (``feedback.analysis.pareto``, and the whole analysis page);
* the satisfaction register's first page (``/feedback/satisfaction/register/``);
* a 100,000-row Excel export of the register, streamed: time to the last byte and the
  process's peak memory;

each the median of several runs after a warm-up, and the query plans of the first two.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sales import setup

DATABASE = "aftersales_bench_feedback"
SH = ZoneInfo("Asia/Shanghai")
WORDS = (
    "屏幕 横线 制冷 噪音 漏水 异响 黑屏 送货 迟到 态度 安装 收费 发票 压缩机 遥控器 开机 结冰 划痕"
)
WORDS = WORDS.split()
TEXTS = ["电视屏幕有横线", "冰箱不制冷", "洗衣机漏水", "送货迟到", "安装收费不透明", "态度冷淡"]
PROVINCES = ["上海市", "江苏省", "浙江省", "安徽省", "山东省", "广东省"]


def _row_builder(model, stamp):
    """Every concrete column of ``model`` with its default, for multi-row INSERTs: the
    database has no defaults of its own (Django keeps them)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]

    def build(**values):
        row = []
        for f in fields:
            if f.attname in values:
                row.append(values[f.attname])
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                row.append(stamp)
            else:  # the field's default; "" for text without one, None for the others
                value = f.get_default()
                row.append(json.dumps(value) if f.get_internal_type() == "JSONField" else value)
        return tuple(row)

    return names, build


def load(surveys: int, complaints: int) -> None:
    from aftersales.accounts.models import Department, User
    from aftersales.catalog.models import Product
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer, Dealer
    from aftersales.feedback.models import QuestionnaireVersion, Survey
    from aftersales.service.models import Case, CaseCategory

    rng = random.Random(19)
    now = datetime.now(SH)
    stamp = db_datetime(now)
    started = time.perf_counter()
    products = list(Product.objects.values_list("pk", "category_id"))
    dealers = [*Dealer.objects.values_list("pk", flat=True), None, None]
    categories = list(CaseCategory.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    version = QuestionnaireVersion.objects.get(questionnaire__code="after-sales", published=True)

    names, build = _row_builder(User, stamp)
    insert_rows(
        User,
        names,
        [
            build(
                username=f"bench-handler-{i}",
                password="!",
                full_name=f"处理人{i:03d}",
                email="",
                is_active=True,
                department_id=rng.choice(departments),
                date_joined=stamp,
            )
            for i in range(200)
        ],
    )
    handlers = list(
        User.objects.filter(username__startswith="bench-handler-").values_list("pk", flat=True)
    )

    names, build = _row_builder(Customer, stamp)
    insert_rows(
        Customer,
        names,
        [
            build(
                kind="individual",
                name=f"客户{i}",
                mobile=f"137{i:08d}",
                province=rng.choice(PROVINCES),
            )
            for i in range(50_000)
        ],
    )
    customers = list(Customer.objects.order_by("-pk").values_list("pk", flat=True)[:50_000])
    print(f"users and customers in {time.perf_counter() - started:.0f} s")

    days = 730
    names, build = _row_builder(Case, stamp)
    rows = []
    for i in range(complaints):
        opened = now - timedelta(days=days * i / complaints, minutes=rng.randint(0, 600))
        product, _category = rng.choice(products)
        text = rng.choice(TEXTS)
        rows.append(
            build(
                number=f"TK-B{i:08d}",
                channel="phone",
                kind=rng.choice(["complaint"] * 3 + ["repair", "return"]),
                status="closed",
                customer_id=rng.choice(customers),
                contact_name="客户",
                contact_phone="13700000000",
                region=rng.choice(PROVINCES),
                description=text,
                category_id=rng.choice(categories),
                product_id=product,
                dealer_id=rng.choice(dealers),
                department_id=rng.choice(departments),
                assignee_id=rng.choice(handlers),
                is_complaint=True,
                keywords=" ".join(rng.sample(WORDS, 3)),
                search_text=text,
                created_at=db_datetime(opened),
                closed_at=db_datetime(opened + timedelta(days=2)),
            )
        )
        if len(rows) == 20_000:
            insert_rows(Case, names, rows)
            rows = []
    insert_rows(Case, names, rows)
    cases = list(
        Case.objects.filter(number__startswith="TK-B").values_list(
            "pk", "customer_id", "department_id", "assignee_id", "product_id", "dealer_id", "region"
        )
    )
    category_of = dict(products)
    print(f"{complaints:,} complaints in {time.perf_counter() - started:.0f} s")

    names, build = _row_builder(Survey, stamp)
    rows = []
    for i in range(surveys):
        sent = now - timedelta(days=days * i / surveys, minutes=rng.randint(0, 600))
        case_id, customer_id, dept, handler, product, dealer, region = cases[i % len(cases)]
        answered = rng.random() < 0.75
        values = dict(
            case_id=case_id,
            customer_id=customer_id,
            version_id=version.pk,
            sent_at=db_datetime(sent),
            expires_at=db_datetime(sent + timedelta(days=14)),
            sent_via="sms",
            status="sent",
            department_id=dept,
            assignee_id=handler,
            product_id=product,
            category_id=category_of.get(product),
            dealer_id=dealer,
            region=region,
        )
        if answered:
            overall = rng.choice([1, 2, 3, 4, 4, 5, 5, 5])
            nps = rng.choice([2, 5, 6, 7, 8, 9, 10, 10])
            answers = {
                "overall": overall,
                "timeliness": overall,
                "attitude": 5,
                "quality": 4,
                "nps": nps,
            }
            values.update(
                status="answered",
                answered_at=db_datetime(sent + timedelta(hours=rng.randint(1, 72))),
                answered_via="sms",
                answers=json.dumps(answers),
                overall=overall,
                nps=nps,
                comment="师傅很专业" if overall >= 4 else "上门迟到",
                low=overall <= 2 or nps <= 6,
            )
        rows.append(build(**values))
        if len(rows) == 20_000:
            insert_rows(Survey, names, rows)
            rows = []
    insert_rows(Survey, names, rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{surveys:,} surveys in {time.perf_counter() - started:.0f} s")


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
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from aftersales.accounts.models import User
    from aftersales.feedback.analysis import complaints_in, pareto, period_of
    from aftersales.feedback.models import Survey
    from aftersales.feedback.selectors import _sent_between, survey_list_for_user

    agent = User.objects.get(username="sunli")
    today = date.today()
    quarter = period_of("quarter", today - timedelta(days=100))
    year = period_of("year", today - timedelta(days=365))
    print(
        f"surveys: {Survey.objects.count():,}; "
        f"answered {Survey.objects.filter(status='answered').count():,}"
    )

    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(agent)
    params = {"date_from": quarter.start, "date_to": quarter.end, "group_by": "assignee"}

    def summary():
        response = api.get("/api/v1/surveys/summary/", params)
        assert response.status_code == 200, response.content

    median, samples = _median(summary, 10)
    print(
        f"summary by handler, {quarter.label}: {median * 1000:.0f} ms median of 10 ({_ms(samples)})"
    )
    rows = _sent_between(survey_list_for_user(agent), quarter.start, quarter.end)
    print(f"  ({rows.count():,} surveys sent in the quarter)")

    def pareto_year():
        pareto(complaints_in(agent, year), "category")

    median, samples = _median(pareto_year, 10)
    print(
        f"complaint Pareto by category, {year.label}: "
        f"{median * 1000:.0f} ms median of 10 ({_ms(samples)})"
    )
    print(f"  ({complaints_in(agent, year).count():,} complaints in the year)")

    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)

    def analysis_page():
        response = client.get(
            "/feedback/complaints/analysis/", {"period": "year", "at": str(year.start.year)}
        )
        assert response.status_code == 200

    median, samples = _median(analysis_page, 3)
    print(
        f"complaint analysis page, {year.label} (Pareto, repeats, topics, trend, 12 months): "
        f"{median * 1000:.0f} ms median of 3 ({_ms(samples)})"
    )

    def register_page():
        response = client.get("/feedback/satisfaction/register/")
        assert response.status_code == 200

    median, samples = _median(register_page, 10)
    print(f"register, first page: {median * 1000:.0f} ms median of 10 ({_ms(samples)})")

    # An export of about 100,000 answered surveys: the days that hold them.
    answered = Survey.objects.filter(status="answered").order_by("-answered_at")
    edge = answered.values_list("answered_at", flat=True)[99_999]
    date_from = edge.astimezone(SH).date()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get(
        "/feedback/satisfaction/register/", {"format": "xlsx", "date_from": date_from}
    )
    size = sum(len(chunk) for chunk in response.streaming_content)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from aftersales.core.models import ExportRecord

    count = ExportRecord.objects.order_by("-id").first().rows
    print(
        f"register Excel export: {count:,} rows, {size / 1e6:.1f} MB in {took:.1f} s; "
        f"process peak memory {peak:.0f} MB ({before:.0f} MB before)"
    )

    for label, queryset in (
        (
            "summary (quarter, by handler)",
            _sent_between(survey_list_for_user(agent), quarter.start, quarter.end)
            .filter(status="answered")
            .values("assignee_id"),
        ),
        ("complaints of the year by category", complaints_in(agent, year).values("category_id")),
    ):
        from django.db.models import Count

        sql, sql_params = queryset.annotate(n=Count("id")).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
            plan = [r[0] for r in cursor.fetchall()]
        print(f"plan, {label}:")
        for line in plan[:14]:
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        setup(DATABASE)
        load(args.surveys, args.complaints)
        return
    if not args.measure_only:
        subprocess.run([sys.executable, __file__, "--load-only", *sys.argv[1:]], check=True)
    setup(DATABASE, fresh=False)
    measure()


if __name__ == "__main__":
    main()
