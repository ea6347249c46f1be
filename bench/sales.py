"""Benchmark: the sales registers at 200,000 orders and 1,000,000 lines on PostgreSQL.

    .venv/bin/python bench/sales.py [--orders 200000] [--lines-per-order 5]

Loads the data with multi-row INSERTs (set-up only), then times, as the pages run them:
the order register's first page with filters (median of 20), the sales ledger of one
customer for one month (median of 20), and a 100,000-row ledger export (time and peak memory).
Prints the query plans.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def setup(name: str = "aftersales_bench_sales", *, fresh: bool = True) -> None:
    import psycopg

    if fresh:
        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a kept database catches up with the code
    if fresh:
        call_command("seed_demo", verbosity=0)


def load(orders: int, per_order: int) -> None:
    from django.db import connection

    from aftersales.accounts.models import User
    from aftersales.catalog.models import Batch, Product
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer
    from aftersales.sales.models import Order, OrderLine, Shipment, ShipmentLine

    rng = random.Random(5)
    sales = User.objects.get(username="zhangwei")
    warehouse = User.objects.get(username="zhaolei")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    stamp = db_datetime(now)
    # 20,000 customers so that one customer has a realistic few dozen orders.
    columns = [
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
    ]
    insert_rows(
        Customer,
        columns,
        [
            (
                "individual",
                f"客户{n}",
                f"139{n:08d}",
                "",
                "",
                "",
                "上海市",
                "上海市",
                "",
                "",
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
            for n in range(20_000)
        ],
    )
    customers = list(Customer.objects.values_list("id", flat=True))
    products = list(Product.objects.values_list("id", "list_price"))
    batch_of = dict(Batch.objects.filter(quality_status="passed").values_list("product_id", "id"))
    started = time.perf_counter()
    statuses = ["shipped", "delivered", "accepted", "closed", "approved", "submitted"]
    order_rows, line_rows = [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sales_order")
        first_order = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sales_orderline")
        first_line = cursor.fetchone()[0] + 1
    line_id = first_line
    shipment_rows, shipment_line_rows = [], []
    for n in range(orders):
        order_id = first_order + n
        created = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
        status = rng.choice(statuses)
        total = Decimal("0")
        for _ in range(per_order):
            product_id, price = rng.choice(products)
            quantity = rng.randint(1, 5)
            amount = price * quantity
            total += amount
            shipped = quantity if status in statuses[:4] else 0
            line_rows.append(
                (order_id, product_id, "", quantity, price, amount, shipped, 0, stamp, stamp)
            )
            if shipped:
                shipment_line_rows.append((order_id, line_id, batch_of[product_id], quantity))
            line_id += 1
        order_rows.append(
            (
                order_id,
                f"SO-B{n:08d}",
                rng.choice(customers),
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
                db_datetime(created),
                db_datetime(created),
                "",
                "",
                "",
            )
        )
        if status in statuses[:4]:
            shipment_rows.append(
                (
                    order_id,
                    f"DN-B{n:08d}",
                    "shipped",
                    warehouse.pk,
                    db_datetime(created + timedelta(days=2)),
                    "[]",
                    "",
                    "",
                    "",
                    "",
                    "",
                    stamp,
                    stamp,
                )
            )
    insert_rows(
        Order,
        [
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
            "contract_number",
            "payment_terms",
            "delivery_terms",
        ],
        order_rows,
    )
    insert_rows(
        OrderLine,
        [
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
        ],
        line_rows,
    )
    insert_rows(
        Shipment,
        [
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
        ],
        shipment_rows,
    )
    shipment_of = {
        order: (shipment, customer, shipped)
        for order, shipment, customer, shipped in Shipment.objects.values_list(
            "order_id", "id", "order__customer_id", "shipped_at"
        )
    }
    insert_rows(
        ShipmentLine,
        [
            "shipment",
            "order_line",
            "batch",
            "quantity",
            "problem",
            "problem_note",
            "customer",
            "shipped_at",
            "case_number",
        ],
        [
            (shipment_of[o][0], line, batch, q, "", "", shipment_of[o][1], shipment_of[o][2], "")
            for o, line, batch, q in shipment_line_rows
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table in ("sales_order", "sales_orderline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    print(
        f"loaded {orders:,} orders, {len(line_rows):,} lines, {len(shipment_line_rows):,} "
        f"shipped lines in {time.perf_counter() - started:.0f} s"
    )


def timed(fn, runs=20) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--lines-per-order", type=int, default=5)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        setup()
        load(args.orders, args.lines_per_order)
        return
    if not args.measure_only:
        # Load in another process so that the peak memory below is the measurement's own.
        import subprocess

        subprocess.run(
            [
                sys.executable,
                __file__,
                "--load-only",
                "--orders",
                str(args.orders),
                "--lines-per-order",
                str(args.lines_per_order),
            ],
            check=True,
        )
    setup(fresh=False)

    from django.db.models import Count

    from aftersales.accounts.models import User
    from aftersales.sales import registers
    from aftersales.sales.models import Order
    from aftersales.sales.selectors import order_list_for_user

    user = User.objects.get(username="zhangwei")
    today = date.today()

    def register_page():
        orders = order_list_for_user(user, status="shipped", date_from=today - timedelta(days=90))
        list(orders[:50])
        orders.count()

    print(
        f"order register, first page (status + 90 days, with count): "
        f"{timed(register_page):.1f} ms median of 20"
    )
    print(
        "    "
        + "\n    ".join(
            order_list_for_user(user, status="shipped", date_from=today - timedelta(days=90))[:50]
            .explain()
            .splitlines()
        )
    )

    busy = (
        Order.objects.filter(status="shipped")
        .values("customer_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )["customer_id"]
    month = today.replace(day=1)

    def ledger_page():
        lines = registers.ledger_for_user(
            user, registers.LedgerFilter(customer_id=busy, month=month)
        )
        list(lines[:50])
        registers.ledger_totals(lines)

    print(
        f"sales ledger, one customer, one month (page + totals): "
        f"{timed(ledger_page):.1f} ms median of 20"
    )
    lines = registers.ledger_for_user(user, registers.LedgerFilter(customer_id=busy, month=month))
    print("    " + "\n    ".join(lines[:50].explain().splitlines()[:14]))

    from aftersales.core.excel import export_response

    everything = registers.ledger_for_user(user, registers.LedgerFilter())
    started = time.perf_counter()
    rows = registers.ledger_rows(everything[:100_000])
    response, count = export_response(
        filename="ledger.xlsx", headers=registers.LEDGER_HEADERS, rows=rows, sheet_title="ledger"
    )
    size = sum(len(c) for c in response.streaming_content) / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ledger export: {count:,} rows, {size:.1f} MB in {time.perf_counter() - started:.1f} s;"
        f" process peak memory {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
