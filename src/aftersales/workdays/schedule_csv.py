"""The State Council schedule of one year as a small CSV, the way administrators load it.

    kind,start,end,name
    holiday,2026-02-15,2026-02-23,春节
    workday,2026-02-14,,春节调休上班

``kind`` is ``holiday`` (放假) or ``workday`` (调休上班); ``end`` may be empty for one day.
Chinese headers (类型,开始,结束,名称) and kinds (放假/休, 上班/班) are accepted too. The
R39/R40 tables ship in ``schedules/`` in this format and are cross-checked against the
``chinese_calendar`` package in the tests (R43). Pure Python: used by services and tests alike.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SCHEDULE_DIR = Path(__file__).resolve().parent / "schedules"

HEADERS = {
    "kind": "kind",
    "类型": "kind",
    "start": "start",
    "开始": "start",
    "end": "end",
    "结束": "end",
    "name": "name",
    "名称": "name",
}
KINDS = {"holiday": False, "放假": False, "休": False, "workday": True, "上班": True, "班": True}


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    is_workday: bool
    name: str


class ScheduleError(ValueError):
    """A row of the CSV is wrong; ``line`` and ``field`` say where."""

    def __init__(self, line: int, field: str, message: str, code: str = "invalid", **params):
        self.line, self.field, self.code, self.params = line, field, code, params
        self.message = message
        super().__init__(f"line {line}, {field}: {message}")


def parse_schedule(text: str, *, year: int) -> list[ScheduleDay]:
    """Every day the CSV names, for ``year``. Raises ``ScheduleError`` on the first bad row."""
    if "\x00" in text:
        raise ScheduleError(1, "file", "the file contains NUL characters", "binary")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ScheduleError(reader.line_num or 1, "file", str(exc), "binary") from None
    if not rows:
        raise ScheduleError(1, "file", "the file is empty", "empty")
    header = [HEADERS.get(h.strip().lower()) for h in rows[0]]
    missing = {"kind", "start", "name"} - set(header)
    if missing:
        raise ScheduleError(
            1,
            "header",
            f"missing column(s): {', '.join(sorted(missing))}",
            "header",
            columns=", ".join(sorted(missing)),
        )
    days: dict[date, ScheduleDay] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = {header[i]: c.strip() for i, c in enumerate(row) if i < len(header) and header[i]}
        kind = cells.get("kind", "").lower()
        if kind not in KINDS:
            raise ScheduleError(line, "kind", f"{kind!r} is neither holiday nor workday", "kind")
        start = _date(cells.get("start", ""), line, "start")
        end = _date(cells["end"], line, "end") if cells.get("end") else start
        if end < start:
            raise ScheduleError(line, "end", "is before start", "order")
        if start.year != year or end.year != year:
            raise ScheduleError(line, "start", f"dates must be in {year}", "year", year=year)
        if (end - start).days > 15:
            raise ScheduleError(
                line, "end", "a holiday block of more than 16 days is not plausible", "too_long"
            )
        name = cells.get("name", "")
        if not name:
            raise ScheduleError(line, "name", "is empty", "name")
        day = start
        while day <= end:
            if day in days and days[day].is_workday != KINDS[kind]:
                raise ScheduleError(
                    line,
                    "start",
                    f"{day} is listed as both holiday and workday",
                    "conflict",
                    day=day.isoformat(),
                )
            days[day] = ScheduleDay(day, KINDS[kind], name)
            day += timedelta(days=1)
    return sorted(days.values(), key=lambda d: d.day)


def _date(text: str, line: int, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(
            line, field, f"{text!r} is not a date like 2027-01-01", "date", text=text
        ) from None


def shipped_schedule(year: int) -> list[ScheduleDay] | None:
    path = SCHEDULE_DIR / f"{year}.csv"
    if not path.exists():
        return None
    return parse_schedule(path.read_text(encoding="utf-8"), year=year)
