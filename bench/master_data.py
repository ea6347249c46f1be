"""Benchmark: customer import and export, and search at a million customers.

    .venv/bin/python bench/master_data.py --phase import   [--database sqlite|postgres]
    .venv/bin/python bench/master_data.py --phase export   [--database sqlite|postgres]
    .venv/bin/python bench/master_data.py --phase search   (PostgreSQL, 1,000,000 customers)
    .venv/bin/python bench/master_data.py                  (all three, each in its own process)

Each phase runs in a fresh process on a fresh database and reports its wall time and the
process's peak memory (max RSS). The search phase prints PostgreSQL's query plans to show
index scans, not table scans.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏飞"
CITIES = [
    ("上海市", "上海市"),
    ("浙江省", "杭州市"),
    ("江苏省", "南京市"),
    ("广东省", "深圳市"),
    ("北京市", "北京市"),
    ("四川省", "成都市"),
]


def fresh_database(kind: str, name: str) -> None:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="md-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def person(rng: random.Random, n: int) -> tuple:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    mobile = f"1{rng.choice('3456789')}{n % 10}{rng.randrange(10**8):08d}"
    province, city = rng.choice(CITIES)
    return name, mobile, province, city


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_import(database: str, rows: int) -> None:
    fresh_database(database, "aftersales_bench_import")
    from openpyxl import Workbook

    from aftersales.accounts.models import User
    from aftersales.core.excel import get_importer, run_import
    from aftersales.customers.models import Customer

    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "类型", "手机", "省份", "城市", "区县", "详细地址", "客户等级"])
    for n in range(rows):
        name, mobile, province, city = person(rng, n)
        sheet.append([name, "个人", mobile, province, city, "某区", f"人民路{n}号", "普通"])
    data = io.BytesIO()
    book.save(data)
    size = len(data.getvalue()) / 1e6
    data.seek(0)
    actor = User.objects.get(username="sunli")
    started = time.perf_counter()
    result = run_import(get_importer("customers"), actor, data, apply=True)
    seconds = time.perf_counter() - started
    assert result.ok, result.problems[:3]
    print(
        f"import ({database}): {result.applied:,} rows from a {size:.1f} MB workbook in "
        f"{seconds:.1f} s; peak memory {peak_mb():.0f} MB; "
        f"{Customer.objects.count():,} customers now"
    )


def bulk_customers(count: int, batch: int = 20_000) -> None:
    """Insert ``count`` customers fast (a plain multi-row INSERT; no history: set-up only)."""
    from django.utils import timezone

    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer

    rng = random.Random(2)
    now = db_datetime(timezone.now())
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
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            name, mobile, province, city = person(rng, n)
            rows.append(
                (
                    "individual",
                    name,
                    mobile,
                    "",
                    "",
                    "",
                    province,
                    city,
                    "",
                    "",
                    "",
                    "normal",
                    "",
                    "",
                    mobile[::-1],
                    True,
                    1,
                    now,
                    now,
                )
            )
        insert_rows(Customer, columns, rows)


def phase_export(database: str, rows: int) -> None:
    fresh_database(database, "aftersales_bench_export")
    from aftersales.accounts.models import User
    from aftersales.customers.excel import export_customers
    from aftersales.customers.selectors import customer_list_for_user

    bulk_customers(rows)
    actor = User.objects.get(username="sunli")
    started = time.perf_counter()
    response, count = export_customers(actor, customer_list_for_user(actor))
    size = sum(len(chunk) for chunk in response.streaming_content) / 1e6
    seconds = time.perf_counter() - started
    print(
        f"export ({database}): {count:,} customers to a {size:.1f} MB workbook in "
        f"{seconds:.1f} s; peak memory {peak_mb():.0f} MB"
    )


def phase_search(rows: int) -> None:
    fresh_database("postgres", "aftersales_bench_search")
    from django.db import connection

    from aftersales.accounts.models import User
    from aftersales.customers.selectors import customer_list_for_user

    started = time.perf_counter()
    bulk_customers(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    print(f"search: loaded {rows:,} customers in {time.perf_counter() - started:.0f} s")
    actor = User.objects.get(username="sunli")
    for label, q in [
        ("phone suffix", "5678"),
        ("phone prefix", "1381234"),
        ("name prefix", "王伟"),
        ("name prefix, common", "王"),
    ]:
        queryset = customer_list_for_user(actor, q=q)
        timings = []
        for _ in range(5):
            t = time.perf_counter()
            page = list(queryset[:25])
            total = queryset.count()
            timings.append((time.perf_counter() - t) * 1000)
        print(
            f"search {label!r} q={q!r}: {total:,} matches, first page + count in "
            f"{min(timings):.1f} ms (best of 5), {sorted(timings)[2]:.1f} ms median;"
            f" {len(page)} shown"
        )
        plan = queryset[:25].explain(analyze=True)
        for line in plan.splitlines():
            if any(w in line for w in ("Scan", "Limit", "Sort", "Execution Time", "BitmapOr")):
                print("    " + line.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["import", "export", "search"])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    if args.phase == "import":
        phase_import(args.database, args.rows or 50_000)
    elif args.phase == "export":
        phase_export(args.database, args.rows or 100_000)
    elif args.phase == "search":
        phase_search(args.rows or 1_000_000)
    else:
        for phase, database in [
            ("import", "sqlite"),
            ("import", "postgres"),
            ("export", "sqlite"),
            ("export", "postgres"),
            ("search", "postgres"),
        ]:
            subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--database", database], check=True
            )


if __name__ == "__main__":
    main()
