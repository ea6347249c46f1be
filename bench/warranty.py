"""Benchmark: 三包 engine evaluations per second (the issue asks for at least 50,000/s for
the national preset on one core).

    .venv/bin/python bench/warranty.py [--count 200000] [--policy national]

A mix of realistic requests, generated once with a fixed seed: catalogue goods (TVs, phones,
PCs, refrigerators) and general goods, online and offline, faults reported inside and outside
the 7/15-day windows and the warranty, repeated repairs, overdue repairs, no-reason returns
with and without exceptions, misuse. Each request is a fresh dict, as from the API.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from aftersales.warranty.engine import evaluate

CATEGORIES = ["彩色电视机", "移动电话机", "微型计算机", "家用电冰箱", "洗衣机", "电子产品", "食品"]
PROBLEMS = ["quality"] * 6 + ["none", "misuse", "unauthorized_repair"]
EXCEPTIONS = [None] * 6 + ["perishable", "activation_devalues", "custom_made"]


def requests(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sale = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 600))
        received = sale + timedelta(days=rng.randrange(0, 4))
        report = received + timedelta(days=rng.choice([1, 3, 6, 9, 14, 40, 200, 400]))
        facts = {
            "category": rng.choice(CATEGORIES),
            "channel": rng.choice(["online", "offline"]),
            "purchase_date": sale.isoformat(),
            "received_date": received.isoformat(),
            "report_date": report.isoformat(),
            "problem": rng.choice(PROBLEMS),
            "prior_repairs": rng.choice([0, 0, 0, 1, 2]),
            "has_invoice_or_card": rng.random() > 0.05,
            "price": "2999.00",
        }
        if facts["problem"] == "none":
            facts["no_reason_exception"] = rng.choice(EXCEPTIONS)
            facts["goods_intact"] = rng.random() > 0.1
        if rng.random() < 0.1 and report > sale + timedelta(days=40):
            sent = report - timedelta(days=35)
            facts.update(
                sent_for_repair=sent.isoformat(),
                still_unrepaired_on=report.isoformat(),
                delay_cause=rng.choice(["repairer", "producer_no_parts"]),
            )
        if rng.random() < 0.1:
            a = sale + timedelta(days=20)
            facts["repair_intervals"] = [[a.isoformat(), (a + timedelta(days=6)).isoformat()]]
        out.append(facts)
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--policy", default="national")
    args = parser.parse_args()
    batch = requests(args.count)
    for facts in batch[:2000]:  # warm the period caches as a running server would be
        evaluate(dict(facts), args.policy)
    best = None
    for _ in range(3):
        copies = [dict(f) for f in batch]
        started = time.perf_counter()
        for facts in copies:
            evaluate(facts, args.policy)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    import os

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(f"policy {args.policy}: {args.count} evaluations in {best:.3f} s (best of 3)")
    print(f"  {args.count / best:,.0f} evaluations/s, {best / args.count * 1e6:.1f} µs each")


if __name__ == "__main__":
    main()
