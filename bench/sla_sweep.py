"""Benchmark: one escalation sweep over 100,000 open SLA clocks.

    .venv/bin/python bench/sla_sweep.py [--clocks 100000] [--database sqlite|postgres]

Builds a fresh database (SQLite file in a temporary folder, or the PostgreSQL database
``aftersales_bench``), inserts the clocks with due moments spread from 3 days ago to 7 days
ahead under the preset policy (so about a third are overdue at one level or another and a few
are inside the 4-hour warning window), then times the first sweep (which escalates and
notifies) and a second one (idempotent: nothing left to do).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="sla-bench-")
    if args.database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS aftersales_bench")
            conn.execute("CREATE DATABASE aftersales_bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)

    from aftersales.accounts.models import User
    from aftersales.sla.models import SlaClock, SlaPolicy
    from aftersales.sla.services import sla_sweep

    policy = SlaPolicy.objects.get(name="标准服务时限（制度预设）")
    owner_type = ContentType.objects.get_for_model(User)
    owners = list(User.objects.values_list("id", flat=True))
    now = timezone.now()
    rng = random.Random(7)
    started = time.perf_counter()
    SlaClock.objects.bulk_create(
        [
            SlaClock(
                owner_type=owner_type,
                owner_id=rng.choice(owners),
                policy=policy,
                metric="first_response",
                amount=24,
                unit="clock_hours",
                started_at=now - timedelta(days=4),
                due_at=now + timedelta(minutes=rng.randint(-3 * 1440, 7 * 1440)),
            )
            for _ in range(args.clocks)
        ],
        batch_size=5000,
    )
    print(
        f"inserted {args.clocks:,} clocks in {time.perf_counter() - started:.1f} s "
        f"({args.database})"
    )

    for label in ("first sweep", "second sweep"):
        started = time.perf_counter()
        result = sla_sweep(now=now)
        seconds = time.perf_counter() - started
        print(
            f"{label:>12}: {seconds:5.2f} s  checked {result.checked:,}  escalated "
            f"{result.escalated:,} (overdue {result.breached:,})  notified {result.notified:,}"
            f"  by level {dict(sorted(result.by_level.items()))}"
        )


if __name__ == "__main__":
    main()
