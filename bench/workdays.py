"""Benchmark: working-day arithmetic, ours (ordinal table + bisect) against a naive loop.

    .venv/bin/python bench/workdays.py [--count 1000000] [--naive-count 100000]

Random starts in 2025–2026 and random n (1–20 working days; 1–30 calendar days). The naive
version steps day by day with ``chinese_calendar.is_workday``, the way most code does it; it
is timed on a smaller sample and reported as a rate. Results are checked to agree.
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

import chinese_calendar

from aftersales.workdays.calendar import official_calendar

FIRST, LAST = date(2025, 1, 1), date(2026, 11, 30)  # keeps every result inside 2026


def naive_add_working_days(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def naive_period_end(start: date, days: int) -> date:
    day = start + timedelta(days=days)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def cases(count: int, seed: int) -> list[tuple[date, int, int]]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    return [
        (FIRST + timedelta(days=rng.randrange(span)), rng.randint(1, 20), rng.randint(1, 30))
        for _ in range(count)
    ]


def run(fn_add, fn_end, work) -> float:
    started = time.perf_counter()
    for start, n, days in work:
        fn_add(start, n)
        fn_end(start, days)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--naive-count", type=int, default=100_000)
    args = parser.parse_args()

    built = time.perf_counter()
    calendar = official_calendar()
    build_seconds = time.perf_counter() - built

    work = cases(args.count, seed=1)
    ours = run(calendar.add_working_days, calendar.period_end, work)
    naive_work = work[: args.naive_count]
    naive = run(naive_add_working_days, naive_period_end, naive_work)

    for start, n, days in cases(10_000, seed=2):  # the two agree
        assert calendar.add_working_days(start, n) == naive_add_working_days(start, n)
        assert calendar.period_end(start, days) == naive_period_end(start, days)

    results_ours = 2 * len(work) / ours
    results_naive = 2 * len(naive_work) / naive
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"calendar build (2004–2099 table): {build_seconds * 1000:.0f} ms")
    for label, n, seconds, rate in [
        ("ours", 2 * len(work), ours, results_ours),
        ("naive", 2 * len(naive_work), naive, results_naive),
    ]:
        print(f"{label:<5}: {n:>9,} results in {seconds:6.2f} s = {rate:>12,.0f} /s")
    print(f"speed-up: {results_ours / results_naive:.1f}x")


if __name__ == "__main__":
    main()
