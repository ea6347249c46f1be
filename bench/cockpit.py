"""Benchmark: the management cockpit (RPT-1, RPT-2, RPT-3) on PostgreSQL.

    .venv/bin/python bench/cockpit.py [--cases 1000000] [--orders 200000] [--lines 5]
                                      [--batches 50000]

Loads, in its own process and with multi-row INSERTs (set-up only): the staff benchmark's
people, ``--cases`` cases over two years with their first-response and resolution clocks,
repair visits and answered surveys (bench/staff.py); the sales benchmark's ``--orders`` orders
of ``--lines`` lines each with their shipments (bench/sales.py); and ``--batches`` batches
with a finished-goods inspection each. Then, in a fresh process:

* the summary tables rebuilt from scratch (``management.facts.rebuild``, the
  ``rebuild_summaries`` command's work);
* the refresh after 1,000 changed cases and 1,000 changed orders (the Celery job's work);
* each dashboard's first load and its median over ten loads, at the server (Django's test
  client, the whole request);
* a drill-down list (the busiest channel's cases of last month);
* the monthly management report PDF;

and the query plans of a dashboard's heaviest summary read and of the drill-down.
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
from sales import load as load_sales
from sales import setup
from staff import _batches
from staff import load as load_service

DATABASE = "aftersales_bench_cockpit"
SH = ZoneInfo("Asia/Shanghai")


def load_batches(batches: int) -> None:
    from django.db import connection

    from aftersales.accounts.models import User
    from aftersales.catalog.models import Batch, Product
    from aftersales.core.bulk import db_datetime
    from aftersales.quality.models import Inspection, InspectionPlan

    rng = random.Random(21)
    now = datetime.now(SH)
    stamp = db_datetime(now)
    products = list(Product.objects.values_list("pk", flat=True))
    names, build = _row_builder(Batch, stamp)
    _batches(
        Batch,
        names,
        (
            build(
                product_id=products[i % len(products)],
                batch_no=f"BB{i:07d}",
                production_date=(now - timedelta(days=730 * i / batches)).date(),
                quality_status="passed",
            )
            for i in range(batches)
        ),
    )
    inspector = User.objects.get(username="wangfang")
    plan = InspectionPlan.objects.filter(kind="finished").first()
    ids = list(Batch.objects.filter(batch_no__startswith="BB").values_list("pk", flat=True))
    names, build = _row_builder(Inspection, stamp)
    _batches(
        Inspection,
        names,
        (
            build(
                number=f"QC-B{i:07d}",
                kind="finished",
                batch_id=pk,
                plan_id=plan.pk,
                inspector_id=inspector.pk,
                party="company",
                inspected_at=db_datetime(now - timedelta(days=730 * i / len(ids))),
                sample_size=5,
                verdict=rng.choice(["passed"] * 9 + ["failed"]),
            )
            for i, pk in enumerate(ids)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{batches:,} batches and inspections")


def _median(fn, runs: int) -> tuple[float, float, list[float]]:
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples[0], statistics.median(samples[1:]), samples


def _ms(samples) -> str:
    return ", ".join(f"{s * 1000:.0f}" for s in samples)


def measure(*, rebuild: bool = True) -> None:
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.management import facts
    from aftersales.management.models import Fact, FactLedger, SummaryState
    from aftersales.management.report import report_pdf
    from aftersales.sales.models import Order
    from aftersales.service.models import Case

    print(f"{Case.objects.count():,} cases, {Order.objects.count():,} orders")
    if rebuild:
        started = time.perf_counter()
        done = facts.rebuild()
        took = time.perf_counter() - started
        print(f"rebuild from scratch: {took:.0f} s ({done})")
    print(f"summary rows: {Fact.objects.count():,}; ledger rows: {FactLedger.objects.count():,}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    # The refresh after 1,000 changed cases and 1,000 changed orders.
    for model, label in ((Case, "cases"), (Order, "orders")):
        ids = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
        time.sleep(1)
        changed = timezone.now()
        model.objects.filter(pk__in=ids).update(updated_at=changed)
        source = "case" if model is Case else "order"
        facts.refresh(sources=[source])  # brings the state up to date
        # As if the last run were 15 minutes from now and the 1,000 changed after it.
        SummaryState.objects.filter(source=source).update(
            seen_until=changed + timedelta(minutes=15)
        )
        model.objects.filter(pk__in=ids).update(updated_at=changed + timedelta(minutes=20))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            n = facts.refresh(changed + timedelta(minutes=21), sources=[source])
        took = time.perf_counter() - started
        print(
            f"refresh, 1,000 changed {label}: {took * 1000:.0f} ms, {len(queries)} queries "
            f"({n[source]} records read)"
        )

    vp = User.objects.get(username="liuyang")
    client = Client(HTTP_HOST="localhost")
    client.force_login(vp)
    client.get("/")  # the process's first request (imports, templates) is not the cockpit's
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    for area in ("service", "sales", "quality", "satisfaction"):

        def load(area=area):
            response = client.get(f"/management/{area}/", {"period": last_month})
            assert response.status_code == 200

        first, median, samples = _median(load, 10)
        print(
            f"dashboard {area}: first {first * 1000:.0f} ms, median of 10 "
            f"{median * 1000:.0f} ms ({_ms(samples[1:])})"
        )
    first_day = today.replace(day=1) - timedelta(days=1)
    params = {
        "measure": "case.intake",
        "from": first_day.replace(day=1).isoformat(),
        "to": first_day.isoformat(),
        "channel": "phone",
    }

    def drill():
        response = client.get("/management/records/", params)
        assert response.status_code == 200

    first, median, samples = _median(drill, 10)
    print(
        f"drill-down (last month's phone cases): first {first * 1000:.0f} ms, median of 10 "
        f"{median * 1000:.0f} ms ({_ms(samples[1:])})"
    )
    started = time.perf_counter()
    pdf, pages = report_pdf(first_day.replace(day=1))
    print(f"monthly report PDF: {time.perf_counter() - started:.1f} s, {pages} pages, "
          f"{len(pdf) // 1024} KB")  # fmt: skip

    from aftersales.management.drill import drill_from_query, drill_records

    month = Fact.objects.filter(
        measure="case.intake", day__gte=first_day.replace(day=1), day__lte=first_day
    )
    sql, sql_params = month.values("key").annotate(n=Sum("count")).query.sql_with_params()
    _, rows = drill_records(drill_from_query(params))
    for label, (q, p) in (
        ("a month of one measure by key", (sql, sql_params)),
        ("drill-down count", rows.order_by().values("pk").query.sql_with_params()),
    ):
        with connection.cursor() as cursor:
            if label == "drill-down count":
                q = f"SELECT COUNT(*) FROM ({q}) sub"
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q, p)
            plan = [r[0] for r in cursor.fetchall()]
        print(f"plan, {label}:")
        for line in plan[:14]:
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--batches", type=int, default=50_000)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="measure on the summary tables as they are"
    )
    args = parser.parse_args()
    if args.load_only:
        setup(DATABASE)
        load_service(args.cases, args.cases * 3 // 10, args.cases * 3 // 10, 200)
        load_sales(args.orders, args.lines)
        load_batches(args.batches)
        return
    if not args.measure_only:
        subprocess.run([sys.executable, __file__, "--load-only", *sys.argv[1:]], check=True)
    setup(DATABASE, fresh=False)
    measure(rebuild=not args.no_rebuild)


if __name__ == "__main__":
    main()
