"""Benchmark: batch traceability and the recall export (QC-4, QC-5) on PostgreSQL.

    .venv/bin/python bench/quality.py [--batches 50000] [--lines 1000000]
        [--customers 25000] [--hot-customers 20000] [--inspections 5000]

Loads, in its own process and with multi-row INSERTs (set-up only), batches spread over the
demo products, customers, orders each with one shipment, and one shipment line per order line,
each line with a batch of its product. Orders cover two years and their ids rise with time, as
in production; a line ships a batch made up to 60 days earlier. One "hot" batch, made 400 days
ago, is on lines delivered to ``--hot-customers`` distinct customers (one order each, within 90
days of production). A few thousand inspections give the trace page something to list.
After-sales cases do not exist yet, so there are none.

Then, in a fresh process: the trace page of a typical batch and of the hot batch (median of
20 after warm-up, through the test client as the quality user ``lina``; ``batch_trace`` if the
page is not there yet), the recall export of the hot batch (time to the last byte and peak
memory; the page too if it exists), and the query plans of the trace and recall queries.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/sales.py: a fresh database, migrated and seeded with the demo company.
from sales import setup

DATABASE = "aftersales_bench_quality"
HOT_BATCH_NO = "RECALL-HOT-0001"


def load(
    batches: int, lines: int, per_order: int, customers: int, hot_customers: int, inspections: int
) -> None:
    from django.db import connection

    from aftersales.accounts.models import User
    from aftersales.catalog.models import Batch, Product
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer
    from aftersales.quality.models import Inspection, InspectionItem, InspectionPlan
    from aftersales.sales.models import Order, OrderLine, Shipment, ShipmentLine

    if hot_customers > customers:
        raise SystemExit("--hot-customers cannot exceed --customers")
    rng = random.Random(7)
    sales = User.objects.get(username="zhangwei")
    warehouse = User.objects.get(username="zhaolei")
    inspector = User.objects.get(username="lina")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    stamp = db_datetime(now)
    started = time.perf_counter()

    # Customers, with addresses so the recall list has something to print.
    districts = ["浦东新区", "徐汇区", "静安区", "闵行区", "宝山区", "嘉定区"]
    insert_rows(
        Customer,
        [
            "kind",
            "name",
            "mobile",
            "mobile_alt",
            "landline",
            "email",
            "province",
            "city",
            "district",
            "street",
            "tags",
            "level",
            "credit_code",
            "notes",
            "mobile_reversed",
            "active",
            "version",
            "created_at",
            "updated_at",
        ],
        [
            (
                "individual",
                f"客户{n}",
                f"139{n:08d}",
                "",
                f"021-{n % 100_000_000:08d}" if n % 4 == 0 else "",
                "",
                "上海市",
                "上海市",
                districts[n % len(districts)],
                f"长寿路{n % 900 + 1}号{n % 30 + 1}室",
                "",
                "normal",
                "",
                "",
                f"139{n:08d}"[::-1],
                True,
                1,
                stamp,
                stamp,
            )
            for n in range(customers)
        ],
    )
    customer_ids = list(Customer.objects.values_list("id", flat=True))

    # Batches: the demo's plus new ones, round-robin over the products; one is the hot batch.
    products = list(Product.objects.order_by("id").values_list("id", "list_price"))
    new = max(0, batches - Batch.objects.count())
    batch_rows = []
    for n in range(new):
        product_id = products[n % len(products)][0]
        # The hot batch was made 400 days ago: its deliveries sit in the middle of the history.
        made = (now - timedelta(days=400 if n == 0 else rng.randint(30, 760))).date()
        batch_no = HOT_BATCH_NO if n == 0 else f"QB{n:07d}"
        batch_rows.append(
            (product_id, batch_no, made, f"P{n % 40:02d}", "", "passed", stamp, stamp)
        )
    insert_rows(
        Batch,
        [
            "product",
            "batch_no",
            "production_date",
            "packer_no",
            "packing_list_ref",
            "quality_status",
            "created_at",
            "updated_at",
        ],
        batch_rows,
    )
    hot = Batch.objects.get(batch_no=HOT_BATCH_NO)
    # Per product, batches by production date: a line ships a batch made up to 60 days before.
    made_of: dict[int, list] = {}
    batches_of: dict[int, list[int]] = {}
    for batch_id, product_id, made in (
        Batch.objects.exclude(pk=hot.pk)
        .order_by("production_date", "id")
        .values_list("id", "product_id", "production_date")
    ):
        made_of.setdefault(product_id, []).append(made)
        batches_of.setdefault(product_id, []).append(batch_id)
    price_of = dict(products)
    print(f"  customers and {new:,} batches in {time.perf_counter() - started:.0f} s")

    # Orders, one shipment each, every line shipped with a batch.
    orders = lines // per_order
    hot_made = datetime.combine(hot.production_date, datetime.min.time(), tzinfo=now.tzinfo)
    # Orders in time order, as ids rise in production: (created, hot customer or None).
    timeline = sorted(
        [
            (now - timedelta(minutes=rng.randint(3 * 24 * 60, 730 * 24 * 60)), None)
            for _ in range(orders - hot_customers)
        ]
        + [
            (hot_made + timedelta(minutes=rng.randint(0, 90 * 24 * 60)), customer)
            for customer in rng.sample(customer_ids, hot_customers)
        ],
        key=lambda entry: entry[0],
    )
    with connection.cursor() as cursor:
        first = {}
        for table in ("sales_order", "sales_orderline", "sales_shipment"):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first[table] = cursor.fetchone()[0] + 1
    order_columns = [
        "id",
        "number",
        "customer",
        "salesperson",
        "channel",
        "status",
        "delivery_date",
        "delivery_place",
        "delivery_method",
        "contact_name",
        "contact_phone",
        "quality_standard",
        "return_terms",
        "notes",
        "total",
        "needs_approval",
        "decision_reason",
        "signed_scan",
        "version",
        "created_at",
        "updated_at",
    ]
    line_columns = [
        "id",
        "order",
        "product",
        "specification",
        "quantity",
        "unit_price",
        "amount",
        "shipped_quantity",
        "accepted_quantity",
        "created_at",
        "updated_at",
    ]
    shipment_columns = [
        "id",
        "order",
        "number",
        "status",
        "verified_by",
        "shipped_at",
        "documents",
        "deliverer",
        "carrier",
        "handed_over",
        "place",
        "carrier_claim_ref",
        "created_at",
        "updated_at",
    ]
    shipment_line_columns = [
        "shipment",
        "order_line",
        "batch",
        "quantity",
        "problem",
        "problem_note",
        "customer",
        "shipped_at",
    ]
    statuses = ["shipped", "delivered", "accepted", "closed"]
    hot_product = hot.product_id
    line_id = first["sales_orderline"]
    chunk = 20_000
    for start in range(0, orders, chunk):
        order_rows, line_rows, shipment_rows, shipment_line_rows = [], [], [], []
        for n in range(start, min(start + chunk, orders)):
            order_id = first["sales_order"] + n
            shipment_id = first["sales_shipment"] + n
            created, hot_customer = timeline[n]
            customer = hot_customer or rng.choice(customer_ids)
            status = rng.choice(statuses)
            total = Decimal("0")
            shipped = db_datetime(created + timedelta(days=2))
            for k in range(per_order):
                if k == 0 and hot_customer:
                    product_id, batch_id = hot_product, hot.pk
                else:
                    product_id = rng.choice(products)[0]
                    made = made_of[product_id]
                    low = bisect.bisect_left(made, (created - timedelta(days=60)).date())
                    high = bisect.bisect_right(made, created.date())
                    at = rng.randrange(low, high) if high > low else max(0, high - 1)
                    batch_id = batches_of[product_id][at]
                price = price_of[product_id]
                quantity = rng.randint(1, 5)
                total += price * quantity
                line_rows.append(
                    (
                        line_id,
                        order_id,
                        product_id,
                        "",
                        quantity,
                        price,
                        price * quantity,
                        quantity,
                        0,
                        stamp,
                        stamp,
                    )
                )
                shipment_line_rows.append(
                    (shipment_id, line_id, batch_id, quantity, "", "", customer, shipped)
                )
                line_id += 1
            created_db = db_datetime(created)
            order_rows.append(
                (
                    order_id,
                    f"SO-Q{n:08d}",
                    customer,
                    sales.pk,
                    "offline",
                    status,
                    created.date() + timedelta(days=7),
                    "上海市",
                    "our_delivery",
                    "",
                    "",
                    "",
                    "",
                    "",
                    total,
                    False,
                    "",
                    "",
                    1,
                    created_db,
                    created_db,
                )
            )
            shipment_rows.append(
                (
                    shipment_id,
                    order_id,
                    f"DN-Q{n:08d}",
                    "shipped",
                    warehouse.pk,
                    shipped,
                    "[]",
                    "",
                    "",
                    "",
                    "",
                    "",
                    shipped,
                    shipped,
                )
            )
        insert_rows(Order, order_columns, order_rows)
        insert_rows(OrderLine, line_columns, line_rows)
        insert_rows(Shipment, shipment_columns, shipment_rows)
        insert_rows(ShipmentLine, shipment_line_columns, shipment_line_rows)
        done = min(start + chunk, orders)
        print(
            f"  {done:,} orders, {done * per_order:,} shipment lines "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )

    # A few thousand inspections: one plan with one item, made through the ORM.
    plan = InspectionPlan.objects.create(
        name="Bench finished goods", kind="finished", product_id=products[0][0], sample_size=5
    )
    InspectionItem.objects.create(plan=plan, position=1, name="Appearance", aspect="appearance")
    all_batches = list(Batch.objects.values_list("id", flat=True))
    inspected = [hot.pk] * 3 + [rng.choice(all_batches) for _ in range(max(0, inspections - 3))]
    insert_rows(
        Inspection,
        [
            "number",
            "kind",
            "batch",
            "plan",
            "inspector",
            "party",
            "party_name",
            "inspected_at",
            "sample_size",
            "verdict",
            "note",
            "report",
            "created_at",
            "updated_at",
        ],
        [
            (
                f"QI-B{n:07d}",
                "finished",
                batch_id,
                plan.pk,
                inspector.pk,
                "company",
                "",
                stamp,
                5,
                "passed",
                "",
                "",
                stamp,
                stamp,
            )
            for n, batch_id in enumerate(inspected)
        ],
    )

    with connection.cursor() as cursor:
        for table in ("sales_order", "sales_orderline", "sales_shipment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("VACUUM ANALYZE")
    print(
        f"loaded {Batch.objects.count():,} batches, {Customer.objects.count():,} customers, "
        f"{orders:,} orders and shipments, {ShipmentLine.objects.count():,} shipment lines, "
        f"{Inspection.objects.count():,} inspections in {time.perf_counter() - started:.0f} s"
    )


def timed(fn, runs: int = 20, warm_up: int = 3) -> tuple[float, float, float]:
    """Median, minimum and maximum in milliseconds."""
    for _ in range(warm_up):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def explain(sql: str, params=(), *, cursor_plan: bool = False) -> str:
    """EXPLAIN (ANALYZE, BUFFERS); ``cursor_plan`` plans it as the export's server-side cursor
    does (``DECLARE ... CURSOR WITH HOLD``, where PostgreSQL optimises for the first 10 %)."""
    from django.db import connection, transaction

    head = "EXPLAIN (ANALYZE, BUFFERS) "
    if cursor_plan:
        head += "DECLARE bench_plan NO SCROLL CURSOR WITH HOLD FOR "
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(head + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "    " + plan.replace("\n", "\n    ")


def path_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def typical_batch(hot):
    """A batch with the average number of delivery lines (the first such by id)."""
    from django.db.models import Count

    from aftersales.catalog.models import Batch
    from aftersales.sales.models import ShipmentLine

    average = round(ShipmentLine.objects.count() / Batch.objects.count())
    found = (
        ShipmentLine.objects.exclude(batch=hot)
        .values("batch")
        .annotate(n=Count("id"))
        .filter(n=average)
        .order_by("batch")
        .first()
    )
    return Batch.objects.get(pk=found["batch"]) if found else hot


def measure() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from aftersales.accounts.models import User
    from aftersales.catalog.models import Batch
    from aftersales.quality import exports, selectors
    from aftersales.sales.models import ShipmentLine

    user = User.objects.get(username="lina")
    hot = Batch.objects.get(batch_no=HOT_BATCH_NO)
    typical = typical_batch(hot)
    print("load average before measuring: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        trace_url = reverse("quality:trace-batch", args=[hot.pk])
        trace_url = trace_url.replace(str(hot.pk), "{}")
    except NoReverseMatch:
        trace_url = None
    print(
        "trace: "
        + (
            f"the page {trace_url.format('<id>')} through the test client as lina"
            if trace_url
            else "quality:trace-batch does not resolve yet; "
            "timing selectors.batch_trace(batch, lina)"
        )
    )

    last = -(-ShipmentLine.objects.filter(batch=hot).count() // selectors.DELIVERIES_ON_PAGE)
    cases = [("typical batch", typical, 1), ("hot batch", hot, 1)]
    if trace_url:
        cases.append((f"hot batch, last delivery page ({last})", hot, last))
    for label, batch, number in cases:
        summary = selectors.batch_delivery_summary(batch)
        if trace_url:
            url = trace_url.format(batch.pk) + (f"?page={number}" if number > 1 else "")

            def page(url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                return response

            size = len(page().content)
            with CaptureQueriesContext(connection) as capture:
                page()
            queries = list(capture.captured_queries)
            median, low, high = timed(page)
            detail = f"{size / 1000:.0f} kB HTML, {len(queries)} queries"
        else:

            def trace(batch=batch):
                return selectors.batch_trace(batch, user)

            with CaptureQueriesContext(connection) as capture:
                trace()
            queries = list(capture.captured_queries)
            median, low, high = timed(trace)
            detail = f"{len(queries)} queries"
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
        print(
            f"{label} {batch.batch_no} (id {batch.pk}: {summary['lines']:,} delivery lines, "
            f"{summary['customers']:,} customers, {summary['pieces']:,} pieces): "
            f"{median:.1f} ms median of 20 (min {low:.1f}, max {high:.1f}); {detail} "
            f"taking {sum(float(q['time']) for q in queries) * 1000:.0f} ms, the slowest "
            + ", ".join(f"{float(q['time']) * 1000:.0f} ms" for q in slowest)
        )

    # Query plans for the hot batch: the SQL the selectors actually run.
    with CaptureQueriesContext(connection) as queries:
        selectors.batch_delivery_summary(hot)
    print("\ntrace summary aggregate (batch_delivery_summary), hot batch:")
    print(explain(queries.captured_queries[-1]["sql"]))
    with CaptureQueriesContext(connection) as queries:
        selectors.batch_deliveries(hot, limit=selectors.DELIVERIES_ON_PAGE)
    print("\ndeliveries list, first 50 (batch_deliveries), hot batch:")
    print(explain(queries.captured_queries[-1]["sql"]))
    sql, params = selectors.recall_rows([hot.pk]).query.sql_with_params()
    print("\nrecall_rows, hot batch, as a plain query:")
    print(explain(sql, params))
    print("\nrecall_rows, hot batch, as the export's server-side cursor plans it:")
    print(explain(sql, params, cursor_plan=True))

    def grouped():
        return sum(1 for _ in selectors.recall_rows([hot.pk]).iterator(chunk_size=5000))

    started = time.perf_counter()
    customers = grouped()
    print(
        f"\nrecall_rows alone through .iterator(): {customers:,} customers in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )

    # The recall export: time to the last byte, and memory.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        response, count = exports.recall_export(user, [hot.pk], filename="x.xlsx")
        size = sum(len(chunk) for chunk in response.streaming_content)
        samples.append(time.perf_counter() - started)
        response.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"recall export, hot batch: {count:,} rows, {size / 1e6:.1f} MB workbook in "
        f"{statistics.median(samples):.2f} s median of 3 "
        f"({', '.join(f'{s:.2f}' for s in samples)}); process peak memory {peak:.0f} MB "
        f"({before:.0f} MB before the export)"
    )
    lines = ShipmentLine.objects.filter(batch=hot).count()
    print(f"  ({lines:,} shipment lines of the hot batch)")

    for path, label, runs in (
        ("/quality/recall/export/", "recall export page", 3),
        ("/quality/recall/", "recall preview page (first rows and the count)", 5),
    ):
        if not path_exists(path):
            print(f"{label} {path} does not exist yet; not timed")
            continue
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path, {"batches": hot.pk})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            samples.append(time.perf_counter() - started)
        print(
            f"{label} {path}?batches={hot.pk}: HTTP {response.status_code}, "
            f"{len(body) / 1e6:.1f} MB in {statistics.median(samples):.2f} s median of {runs} "
            f"({', '.join(f'{s:.2f}' for s in samples)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=1_000_000, help="shipment lines")
    parser.add_argument("--lines-per-order", type=int, default=5)
    parser.add_argument("--customers", type=int, default=25_000)
    parser.add_argument("--hot-customers", type=int, default=20_000)
    parser.add_argument("--inspections", type=int, default=5_000)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        setup(DATABASE)
        load(
            args.batches,
            args.lines,
            args.lines_per_order,
            args.customers,
            args.hot_customers,
            args.inspections,
        )
        return
    if not args.measure_only:
        # Load in another process so that the peak memory below is the measurement's own.
        subprocess.run(
            [sys.executable, __file__, "--load-only", *sys.argv[1:]],
            check=True,
        )
    setup(DATABASE, fresh=False)
    measure()


if __name__ == "__main__":
    main()
