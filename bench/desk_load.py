"""Load the peer benchmark's ticket set (django-helpdesk ``seed.py --export-jsonl``) as
after-sales cases, so the desk runs workloads W1–W4 on the very same data.

    .venv/bin/python bench/desk_load.py --jsonl /tmp/t.jsonl --db sqlite --path /tmp/desk.sqlite3
    .venv/bin/python bench/desk_load.py --jsonl /tmp/t.jsonl --db postgres --name aftersales_desk

A fresh database is migrated and seeded with the demo company, then every ticket becomes a case:

| ticket                         | case                                                         |
|--------------------------------|--------------------------------------------------------------|
| queue (5)                      | department (one per queue) and kind                          |
| status Open / Reopened         | ``new`` if unassigned, else ``in_progress`` (reopened once)  |
| status Resolved                | ``resolved`` (awaiting the customer's confirmation)          |
| status Closed / Duplicate      | ``closed`` / ``cancelled``                                   |
| priority 1 / 2 / 3 / 4–5       | urgent / high / normal / low                                 |
| submitter e-mail               | a customer with that e-mail (and a made-up mobile)           |
| assigned_to (10 agents)        | ten customer-service users ``desk00``…``desk09``              |
| title + description            | description (and the segmented search text, as at intake);   |
|                                | a keyword's Chinese sentence added where the keyword occurs   |
| resolution, modified           | solution, resolved/closed time                               |
| follow-ups                     | case events (created, note, resolve/close)                   |
| due date, or created + 7 days  | a running resolution clock of each case still being handled  |

Case numbers are ``TK-<day>-<n>`` in creation order per day, and the day counters are moved on
so that new cases (W1) continue the sequence. Rows are written with multi-row INSERTs (set-up
only; no history rows for imported data); the segmentation runs on every core.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

QUEUES = {  # slug -> (department code, name, kind)
    "aftersales": ("desk-aftersales", "售后服务组", "repair"),
    "warranty": ("desk-warranty", "三包理赔组", "repair"),
    "returns": ("desk-returns", "退换货组", "return"),
    "tech": ("desk-tech", "技术支持组", "consultation"),
    "billing": ("desk-billing", "结算组", "complaint"),
}
PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "low", 5: "low"}
# Our own data is Chinese: a ticket whose text has one of the peer's search keywords also gets
# the Chinese sentence for it, so W3's Chinese set (退款, 过热, 固件, 发票) matches as many.
CHINESE = {
    "refund": "我想申请退款。",
    "overheating": "机器用十分钟左右就过热。",
    "firmware": "有没有修复这个问题的固件更新？",
    "invoice": "请另外开一张正确的发票。",
}
BENCH_PASSWORD = "desk-bench-pass-123"
API_TOKEN = "desk0bench0token0desk0bench0token0desk00"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def configure(db: str, path: str, name: str) -> str:
    url = f"sqlite:///{path}" if db == "sqlite" else f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return url


def fresh_database(db: str, path: str, name: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")


def _segment(texts: list[str]) -> list[str]:
    from aftersales.service.services.search import segment

    return [segment(t) for t in texts]


TEXT_FIELDS = {"CharField", "TextField", "SlugField", "EmailField"}


def _column_defaults(model, connection) -> dict[str, object]:
    """Every concrete column with its default in database form: raw INSERTs name them all.
    Columns without a default are blank text, or NULL until the caller gives a value."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.has_default():
            out[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        elif f.get_internal_type() in TEXT_FIELDS and not f.null:
            out[f.attname] = ""
        else:
            out[f.attname] = None
    return out


def _rows(defaults: dict, rows: list[dict]) -> tuple[list[str], list[tuple]]:
    columns = ["id", *defaults]
    return columns, [tuple(r.get(c, defaults.get(c)) for c in columns) for r in rows]


def load(jsonl: str, limit: int | None) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.models import Department, User
    from aftersales.accounts.roles import Role
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.core.models import NumberCounter
    from aftersales.core.numbering import _series
    from aftersales.customers.models import Customer
    from aftersales.service.models import Case, CaseEvent
    from aftersales.sla.models import SlaClock, SlaPolicy

    t0 = time.time()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    t_setup = time.time() - t0

    departments = {}
    for slug, (code, dname, _kind) in QUEUES.items():
        departments[slug], _ = Department.objects.get_or_create(code=code, defaults={"name": dname})
    cs_group = Group.objects.get(name=Role.CUSTOMER_SERVICE.value)
    agents = {}
    slugs = list(QUEUES)
    for i in range(10):
        name = "admin" if i == 0 else f"agent{i:02d}"
        user = User.objects.filter(username=f"desk{i:02d}").first()
        if user is None:
            user = User.objects.create_user(
                username=f"desk{i:02d}",
                password=BENCH_PASSWORD,
                full_name=f"坐席{i:02d}",
                department=departments[slugs[i % len(slugs)]],
            )
            user.groups.add(cs_group)
        agents[name] = user.pk
    Token.objects.update_or_create(user_id=agents["admin"], defaults={"key": API_TOKEN})

    policy = SlaPolicy.objects.filter(active=True).order_by("id").first()
    case_type = ContentType.objects.get_for_model(Case)
    series = _series("case")
    tickets = []
    with open(jsonl) as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            tickets.append(json.loads(line))

    # Segmentation is the slow part (jieba): every core at once.
    texts = [_text(t) for t in tickets]
    t1 = time.time()
    cache = Path(f"{jsonl}.{len(texts)}.segmented-cn.json")
    if cache.exists() and cache.stat().st_mtime > Path(jsonl).stat().st_mtime:
        segmented = json.loads(cache.read_text())
    else:
        with multiprocessing.get_context("fork").Pool() as pool:
            chunk = max(1, len(texts) // (os.cpu_count() or 1) // 8)
            segmented = [s for part in pool.map(_segment, _chunks(texts, chunk)) for s in part]
        cache.write_text(json.dumps(segmented))
    t_segment = time.time() - t1

    rng = random.Random(11)
    c_defaults = _column_defaults(Customer, connection)
    k_defaults = _column_defaults(Case, connection)
    e_defaults = _column_defaults(CaseEvent, connection)
    s_defaults = _column_defaults(SlaClock, connection)
    first_customer = (
        Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    first_case = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_event = (CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_clock = (SlaClock.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    customers: dict[str, int] = {}
    customer_rows, case_rows, event_rows, clock_rows = [], [], [], []
    # Days that already have cases (the demo's, today) continue after their last number.
    per_day: dict = dict(
        NumberCounter.objects.filter(series=series).values_list("day", "last_value")
    )
    mobiles = set(Customer.objects.exclude(mobile="").values_list("mobile", flat=True))
    t2 = time.time()
    for index, (t, search, text) in enumerate(zip(tickets, segmented, texts, strict=True)):
        email = t["submitter_email"]
        customer_id = customers.get(email)
        created = datetime.fromisoformat(t["created"])
        stamp = db_datetime(created)
        if customer_id is None:
            customer_id = first_customer + len(customers)
            customers[email] = customer_id
            mobile = f"13{rng.randrange(10**9):09d}"
            while mobile in mobiles:
                mobile = f"13{rng.randrange(10**9):09d}"
            mobiles.add(mobile)
            customer_rows.append(
                {
                    "id": customer_id,
                    "name": email.split("@")[0],
                    "email": email,
                    "mobile": mobile,
                    "mobile_reversed": mobile[::-1],
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        day = created.astimezone(SHANGHAI).date()
        per_day[day] = per_day.get(day, 0) + 1
        number = f"{series.prefix}-{day:%Y%m%d}-{per_day[day]:0{series.padding}d}"
        modified = datetime.fromisoformat(t["modified"])
        status_code, assigned = t["status"], t["assigned_to"]
        status = {
            1: "in_progress" if assigned else "new",
            2: "in_progress",
            3: "resolved",
            4: "closed",
            5: "cancelled",
        }[status_code]
        case_id = first_case + index
        queue = t["queue"]
        row = {
            "id": case_id,
            "created_at": stamp,
            "updated_at": db_datetime(modified),
            "number": number,
            "channel": "email",
            "kind": QUEUES[queue][2],
            "priority": PRIORITY[t["priority"]],
            "status": status,
            "customer_id": customer_id,
            "contact_name": email.split("@")[0],
            "description": text,
            "department_id": departments[queue].pk,
            "assignee_id": agents[assigned] if assigned else None,
            "search_text": f"{number.lower()} {search}",
            "solution": t["resolution"],
            "reopened": 1 if status_code == 2 else 0,
        }
        if status_code in (3, 4, 5):
            row["resolved_at"] = db_datetime(modified)
        if status_code == 4:
            row["closed_at"] = db_datetime(modified)
        if status in ("new", "in_progress"):
            due = datetime.fromisoformat(t["due_date"]) if t["due_date"] else None
            due = due or created + timedelta(days=7)
            row["next_due_at"] = db_datetime(due)
            if policy is not None:
                clock_rows.append(
                    {
                        "id": first_clock + len(clock_rows),
                        "created_at": stamp,
                        "updated_at": stamp,
                        "owner_type_id": case_type.pk,
                        "owner_id": case_id,
                        "policy_id": policy.pk,
                        "metric": "resolution",
                        "amount": 7,
                        "unit": "calendar_days",
                        "started_at": stamp,
                        "due_at": db_datetime(due),
                        "status": "running",
                    }
                )
        case_rows.append(row)
        for f in t["followups"]:
            action = "created" if f["title"] == "Ticket Opened" else "note"
            if f["new_status"] in (3, 4, 5):
                action = {3: "resolve", 4: "close", 5: "cancel"}[f["new_status"]]
            event_rows.append(
                {
                    "id": first_event + len(event_rows),
                    "case_id": case_id,
                    "at": db_datetime(datetime.fromisoformat(f["date"])),
                    "actor_id": agents[f["user"]] if f["user"] else None,
                    "action": action,
                    "note": "" if action == "created" else f["comment"],
                    "customer_visible": f["public"],
                }
            )
    t_build = time.time() - t2

    t3 = time.time()
    tables = [m._meta.db_table for m in (Customer, Case, CaseEvent, SlaClock)]
    dropped = _drop_secondary_indexes(connection, tables)
    with transaction.atomic():
        for model, defaults, rows in (
            (Customer, c_defaults, customer_rows),
            (Case, k_defaults, case_rows),
            (CaseEvent, e_defaults, event_rows),
            (SlaClock, s_defaults, clock_rows),
        ):
            for start in range(0, len(rows), 20000):
                columns, values = _rows(defaults, rows[start : start + 20000])
                if connection.vendor == "postgresql":
                    _copy_rows(connection, model, columns, values)
                else:
                    insert_rows(model, columns, values)
        for day, last in per_day.items():
            NumberCounter.objects.update_or_create(
                series=series, day=day, defaults={"last_value": last}
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Customer, Case, CaseEvent, SlaClock]
                ):
                    cursor.execute(sql)
    with connection.cursor() as cursor:
        for sql in dropped:  # built once over the loaded rows, not row by row
            cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    t_insert = time.time() - t3
    return {
        "cases": len(case_rows),
        "open_cases": Case.objects.exclude(status__in=["closed", "cancelled"]).count(),
        "customers": len(customer_rows),
        "events": len(event_rows),
        "clocks": len(clock_rows),
        "seconds": {
            "migrate_and_demo": round(t_setup, 1),
            "segment": round(t_segment, 1),
            "build": round(t_build, 1),
            "insert_and_analyze": round(t_insert, 1),
        },
        "db": connection.vendor,
    }


def _copy_rows(connection, model, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL's COPY: a million rows in seconds where multi-row INSERTs take minutes."""
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    sql = f'COPY "{model._meta.db_table}" ({names}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _drop_secondary_indexes(connection, tables: list[str]) -> list[str]:
    """PostgreSQL: drop the non-unique indexes of the loaded tables (the full-text GIN index
    above all) and return the statements that recreate them."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
            [tables],
        )
        rows = cursor.fetchall()
        for name, _definition in rows:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _text(ticket: dict) -> str:
    text = f"{ticket['title']}\n{ticket['description']}"
    lower = text.lower()
    extra = [sentence for keyword, sentence in CHINESE.items() if keyword in lower]
    return f"{text}\n{''.join(extra)}" if extra else text


def _chunks(items: list, size: int):
    return [items[i : i + size] for i in range(0, len(items), size)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--path", default="/tmp/desk-bench/desk.sqlite3", help="SQLite file")
    ap.add_argument("--name", default="aftersales_desk", help="PostgreSQL database")
    ap.add_argument("--limit", type=int, help="only the first N tickets")
    a = ap.parse_args()
    fresh_database(a.db, a.path, a.name)
    configure(a.db, a.path, a.name)
    print(json.dumps(load(a.jsonl, a.limit)))


if __name__ == "__main__":
    main()
