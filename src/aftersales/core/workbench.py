"""The workbench (工作台): every person's home page, made of what the apps register.

Each app registers, in ``AppConfig.ready()``, a *to-do provider* and a *figure provider*
(``register_todo_provider(fn)``, ``register_figure_provider(fn)``), the way it registers its
navigation. A provider is ``fn(user, ctx) -> iterable`` of ``Todo`` or ``Figure`` items: the
reader's own work with a count and a link to the list that shows exactly those records, or a
key figure of the reader's area with its trend over the last weeks. A provider returns nothing
for a reader whose work it is not; ``core`` renders what comes back and knows no app.

Providers count with aggregate queries (one per group of counts, one per figure:
``weekly_counts`` and ``weekly_sums`` put all the weeks of a trend in one query), so the page
costs a fixed number of queries per role, whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

WEEKS = 8  # the trend of a figure: this week and the seven before it


@dataclass(frozen=True)
class Todo:
    """Something waiting for the reader: ``count`` records, all of them on ``url``."""

    key: str
    label: str
    count: int
    url: str
    icon: str = "check2-square"
    urgent: bool = False  # overdue work: shown in red while the count is not zero
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """A key figure of the reader's area: this week's value and the weekly trend (oldest
    first, this week last), with a link to where the figure comes from."""

    key: str
    label: str
    trend: list[int | Decimal]
    url: str = ""
    unit: str = ""  # e.g. "¥": shown before the value
    order: int = 100

    @property
    def value(self) -> int | Decimal:
        return self.trend[-1] if self.trend else 0

    @property
    def previous(self) -> int | Decimal:
        return self.trend[-2] if len(self.trend) > 1 else 0

    @property
    def total(self) -> int | Decimal:
        return sum(self.trend)


@dataclass(frozen=True)
class WorkbenchContext:
    """What every provider needs to agree on: one ``now`` and the week boundaries."""

    now: datetime
    today: date
    week_starts: list[datetime]  # WEEKS + 1 local midnights: Mondays, the last one next week

    @classmethod
    def at(cls, now: datetime | None = None) -> WorkbenchContext:
        now = now or timezone.now()
        today = timezone.localdate(now)
        monday = today - timedelta(days=today.weekday())
        tz = timezone.get_current_timezone()
        starts = [
            datetime.combine(monday - timedelta(weeks=WEEKS - 1 - i), datetime.min.time(), tz)
            for i in range(WEEKS + 1)
        ]
        return cls(now=now, today=today, week_starts=starts)

    @property
    def week_days(self) -> list[date]:
        return [s.date() for s in self.week_starts]


@dataclass
class Workbench:
    todos: list[Todo] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(t.count for t in self.todos)

    @property
    def empty(self) -> bool:
        return not self.todos and not self.figures


TodoProvider = Callable[[object, WorkbenchContext], Iterable[Todo] | None]
FigureProvider = Callable[[object, WorkbenchContext], Iterable[Figure] | None]
_TODOS: list[TodoProvider] = []
_FIGURES: list[FigureProvider] = []


def register_todo_provider(provider: TodoProvider) -> None:
    if provider not in _TODOS:
        _TODOS.append(provider)


def register_figure_provider(provider: FigureProvider) -> None:
    if provider not in _FIGURES:
        _FIGURES.append(provider)


def workbench_for(user, *, now: datetime | None = None) -> Workbench:
    """The reader's to-dos (those with something waiting first) and figures."""
    if not getattr(user, "is_authenticated", False):
        return Workbench()
    ctx = WorkbenchContext.at(now)
    todos = [t for provider in _TODOS for t in provider(user, ctx) or ()]
    figures = [f for provider in _FIGURES for f in provider(user, ctx) or ()]
    todos.sort(key=lambda t: (t.count == 0, t.order, t.key))
    figures.sort(key=lambda f: (f.order, f.key))
    return Workbench(todos=todos, figures=figures)


# --- helpers for the providers ------------------------------------------------------------


def _week_filters(field_name: str, ctx: WorkbenchContext, *, dates: bool = False) -> list[Q]:
    bounds = ctx.week_days if dates else ctx.week_starts
    return [
        Q(**{f"{field_name}__gte": bounds[i], f"{field_name}__lt": bounds[i + 1]})
        for i in range(WEEKS)
    ]


def weekly_counts(
    queryset: QuerySet, field_name: str, ctx: WorkbenchContext, *, dates: bool = False
) -> list[int]:
    """How many rows of ``queryset`` fall in each of the last ``WEEKS`` weeks by
    ``field_name`` (a moment, or a day with ``dates=True``): one aggregate query."""
    queryset = queryset.order_by().filter(
        **{f"{field_name}__gte": (ctx.week_days if dates else ctx.week_starts)[0]}
    )
    row = queryset.aggregate(
        **{
            f"w{i}": Count("pk", filter=q)
            for i, q in enumerate(_week_filters(field_name, ctx, dates=dates))
        }
    )
    return [row[f"w{i}"] or 0 for i in range(WEEKS)]


def weekly_sums(
    queryset: QuerySet, field_name: str, amount: str, ctx: WorkbenchContext, *, dates: bool = False
) -> list[Decimal]:
    """The total of ``amount`` per week by the moment ``field_name`` (a day with
    ``dates=True``): one aggregate query."""
    queryset = queryset.order_by().filter(
        **{f"{field_name}__gte": (ctx.week_days if dates else ctx.week_starts)[0]}
    )
    row = queryset.aggregate(
        **{
            f"w{i}": Sum(amount, filter=q)
            for i, q in enumerate(_week_filters(field_name, ctx, dates=dates))
        }
    )
    return [row[f"w{i}"] or Decimal("0") for i in range(WEEKS)]
