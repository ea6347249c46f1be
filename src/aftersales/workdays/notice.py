"""Reading the State Council's holiday notice (国务院办公厅关于××年部分节假日安排的通知).

    from aftersales.workdays.notice import parse_notice
    parse_notice(text, 2026)  # {date(2026, 1, 1): False, ..., date(2026, 1, 4): True, ...}

Every date the notice names maps to ``False`` (a rest day: 放假, 放假调休, 补休, 照常公休, the
days of a range such as "1月28日至2月4日", a public holiday moved to a weekday) or ``True``
(a working day: 上班). Only the numbered arrangements ("一、元旦：…") are read; the preamble and
the closing paragraph change no day.

It reads the wordings used since 2008: 星期六 and 周六, lunar annotations
("（农历除夕、周二）"), 补休, 与周末连休, "放假1天，不调休", a block that begins in December of
the year before ("2022年12月31日至2023年1月2日"), and the 2008–2013 explanations
("其中，1月1日为法定节假日，…公休日调至…"). It never guesses: a clause it cannot read, a weekday
or lunar day that does not match its date, a day count ("共3天") that does not match the range,
or a day called both rest and work raises ``NoticeFormatError`` quoting the line.

Pure Python: no Django here (the import page and the API call it through the services).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Notice", "NoticeFormatError", "parse_notice", "read_notice"]


class NoticeFormatError(ValueError):
    """A line of the notice could not be read. ``line`` is the text quoted, ``reason`` why."""

    def __init__(self, line: str, reason: str, *, code: str = "unreadable", **params) -> None:
        self.line, self.reason, self.code, self.params = line.strip(), reason, code, params
        super().__init__(f"{reason}: 「{self.line}」")


@dataclass(frozen=True)
class NoticeDay:
    day: date
    is_workday: bool
    name: str


@dataclass
class Notice:
    """What a notice says: its days, and where it came from (title and publication date)."""

    year: int
    days: dict[date, NoticeDay] = field(default_factory=dict)
    title: str = ""
    published_on: date | None = None

    def as_flags(self) -> dict[date, bool]:
        return {d: v.is_workday for d, v in sorted(self.days.items())}


def parse_notice(text: str, year: int) -> dict[date, bool]:
    """Every date the notice for ``year`` names: ``False`` for rest days, ``True`` for working
    days. Raises ``NoticeFormatError`` (a ``ValueError``) on a line it cannot read."""
    return read_notice(text, year).as_flags()


# ---------------------------------------------------------------------------------------------

_NUM = "0-9０-９"
_DATE = re.compile(
    rf"(?:(?P<y>[{_NUM}]{{4}})\s*年\s*)?(?:(?P<m>[{_NUM}]{{1,2}})\s*月\s*)?(?P<d>[{_NUM}]{{1,2}})\s*日"
)
_DATE_BARE = re.sub(r"\?P<\w+>", "", _DATE.pattern)  # the same, without group names
_ANNOTATION = re.compile(r"\s*[（(](?P<a>[^）)]*)[）)]")
_RANGE_SEP = re.compile(r"\s*(?:至|—|－|–|-|~|～|到)\s*")
_LIST_SEP = re.compile(r"\s*(?:、|和|及|,)\s*")
_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[0-9]+\s*[、.．])?\s*(?P<head>[^：:]{1,30})[：:](?P<body>.*)$"
)
_HOLIDAY_WORDS = ("元旦", "春节", "清明", "劳动节", "五一", "端午", "中秋", "国庆", "十一")
_TITLE = re.compile(r"关于\s*(?P<y>\d{4})\s*年.*节假日.*通知")
_SIGNED = re.compile(r"^\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*$")
_SIGNED_CN = re.compile(
    r"^\s*(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日\s*$"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY = re.compile(r"^(?:星期|周|礼拜)(?P<w>[一二三四五六日天])$")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
_LUNAR_DAY = re.compile(
    r"(?P<m>[正冬腊]|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>初[一二三四五六七八九十]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九])"
)

# Clause shapes (after the dates are taken out and replaced by ``@``).
_REST = re.compile(r"^@放假(?:调休|公休)?(?:共?(?P<n>\d+)天)?$")
_COUNT = re.compile(r"^共(?P<n>\d+)天$")
_NOOP = re.compile(r"^(?:不调休|与(?:周末|周六|周日|星期六|星期日|双休日)连休|照常上班)$")
_MAKEUP_REST = re.compile(r"^@补休$")
_WORK = re.compile(r"^@(?:照常)?上班$")
_WEEKEND_REST = re.compile(r"^@(?:照常公休|为公休日|为(?:[^\d@]{0,6})?法定(?:节)?假日)$")
_MOVED = re.compile(r"^将?@[^\d@]{0,12}?(?:分别)?调至@$")
_ADVISORY = ("鼓励", "提倡", "各地区", "节假日期间", "请")


def _digits(text: str) -> int:
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def read_notice(text: str, year: int) -> Notice:
    """The notice's days with names, its title and publication date (see ``parse_notice``)."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if "\x00" in text:
        raise NoticeFormatError(text[:40], "the text contains NUL characters", code="binary")
    notice = Notice(year=year)
    found_item = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        title = _TITLE.search(line)
        if title and not notice.title:
            notice.title = line
            if int(title["y"]) != year:
                raise NoticeFormatError(
                    line,
                    f"this is the notice for {title['y']}, not {year}",
                    code="other_year",
                    found=int(title["y"]),
                )
            continue
        signed = _signed_date(line)
        if signed is not None:
            notice.published_on = signed
            continue
        item = _ITEM.match(line)
        if (
            item is None
            or not any(w in item["head"] for w in _HOLIDAY_WORDS)
            or any(w in item["head"] for w in ("通知", "安排", "办法"))
            or not _DATE.search(item["body"])
        ):
            continue  # preamble, addressees, closing paragraph: no arrangement
        found_item = True
        _read_item(line, item["head"], item["body"], year, notice)
    if not found_item:
        raise NoticeFormatError(
            text.strip().split("\n", 1)[0][:80],
            "no arrangement such as 「一、元旦：1月1日放假」 was found",
            code="empty",
        )
    return notice


def _signed_date(line: str) -> date | None:
    m = _SIGNED.match(line)
    if m:
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    m = _SIGNED_CN.match(line)
    if m:
        y = int("".join(str(_CN_DIGITS[c]) for c in m["y"]))
        return _safe_date(y, _cn_number(m["m"]), _cn_number(m["d"]))
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    """一 … 三十一 (also 廿)."""
    text = text.replace("廿", "二十")
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _holiday_name(head: str) -> str:
    return re.sub(r"[“”\"'‘’「」]", "", head).strip()


@dataclass
class _Dates:
    """The dates of one clause, in order, with ranges expanded; ``spans`` keeps each range."""

    days: list[date]
    spans: list[tuple[date, date]]


class _Item:
    def __init__(self, line: str, name: str, year: int, notice: Notice) -> None:
        self.line, self.name, self.year, self.notice = line, name, year, notice
        self.rest: set[date] = set()
        self.work: set[date] = set()
        self.moved_from: set[date] = set()
        self.explicit_years: set[int] = set()
        self.last_rest_span: tuple[date, date] | None = None

    def fail(self, reason: str, **params) -> None:
        raise NoticeFormatError(self.line, reason, **params)

    def mark(self, days, is_workday: bool) -> None:
        target, other = (self.work, self.rest) if is_workday else (self.rest, self.work)
        for d in days:
            if d in other:
                self.fail(f"{d.isoformat()} is named both a rest day and a working day",
                          code="conflict", day=d.isoformat())  # fmt: skip
            target.add(d)


def _read_item(line: str, head: str, body: str, year: int, notice: Notice) -> None:
    item = _Item(line, _holiday_name(head), year, notice)
    item.explicit_years = {int(y) for y in re.findall(r"(\d{4})\s*年", body)}
    for sentence in re.split(r"[。；;]", body):
        sentence = sentence.strip()
        if not sentence or sentence.startswith(_ADVISORY):
            continue  # advice such as 鼓励…安排职工在除夕休息 sets no day
        _read_sentence(item, sentence)
    missing = item.moved_from - item.work - item.rest
    if missing:
        days = ", ".join(sorted(d.isoformat() for d in missing))
        item.fail(f"the weekend days moved away ({days}) are not said to be working days",
                  code="moved_not_worked", days=days)  # fmt: skip
    for d in sorted(item.rest):
        notice.days[d] = _add(notice, d, False, item.name, line)
    for d in sorted(item.work):
        notice.days[d] = _add(notice, d, True, f"{item.name}调休上班", line)


def _add(notice: Notice, d: date, is_workday: bool, name: str, line: str) -> NoticeDay:
    before = notice.days.get(d)
    if before is not None and before.is_workday != is_workday:
        raise NoticeFormatError(line, f"{d.isoformat()} is named both a rest day and a working day",
                                code="conflict", day=d.isoformat())  # fmt: skip
    if before is not None:
        return before
    if abs(d.year - notice.year) > 1:
        raise NoticeFormatError(line, f"{d.isoformat()} is not in or next to {notice.year}",
                                code="far_year", day=d.isoformat())  # fmt: skip
    return NoticeDay(d, is_workday, name[:60])


def _read_sentence(item: _Item, sentence: str) -> None:
    context = {"year": None, "month": None}
    # Protect commas inside annotations: "（农历五月初五，端午节）".
    sentence = re.sub(
        r"[（(][^）)]*[）)]", lambda m: m.group(0).replace("，", "、").replace(",", "、"), sentence
    )
    sentence = re.sub(r"^其中\s*[：:，,]?\s*", "", sentence)
    sentence = re.sub(r"[，,]\s*(?=为)", "", sentence)  # "4月4日（清明节），为法定节假日"
    for clause in re.split(r"\s*[，,：:]\s*", sentence):
        if clause:
            _read_clause(item, clause, context)


def _protect_commas(m: re.Match) -> str:
    return m.group(0).replace("，", "、").replace(",", "、")


def _read_clause(item: _Item, clause: str, context: dict) -> None:
    groups: list[_Dates] = []
    shape_parts: list[str] = []
    pos = 0
    for group_text, start, end in _date_groups(clause):
        shape_parts.append(clause[pos:start])
        shape_parts.append("@")
        groups.append(_parse_group(item, group_text, context))
        pos = end
    shape_parts.append(clause[pos:])
    shape = re.sub(r"\s+", "", "".join(shape_parts))
    shape = re.sub(r"(?:两|二|三|四)个", "", shape)  # "两个公休日调至"
    if m := _REST.match(shape):
        days, span = groups[0].days, groups[0].spans[-1]
        item.mark(days, False)
        item.last_rest_span = span
        if m["n"]:
            _check_count(item, span, int(m["n"]), days)
        return
    if m := _COUNT.match(shape):
        if item.last_rest_span is None:
            item.fail("a day count with no holiday before it", code="unreadable")
        first, last = item.last_rest_span
        days = [first + timedelta(i) for i in range((last - first).days + 1)]
        _check_count(item, item.last_rest_span, int(m["n"]), days)
        return
    if _NOOP.match(shape):
        return
    if _MAKEUP_REST.match(shape) or _WEEKEND_REST.match(shape):
        item.mark(groups[0].days, False)
        return
    if _WORK.match(shape):
        item.mark(groups[0].days, True)
        return
    if _MOVED.match(shape):
        item.moved_from.update(groups[0].days)
        item.mark(groups[1].days, False)
        return
    item.fail("this clause is not a wording the reader knows", code="unreadable", clause=clause)


def _check_count(item: _Item, span: tuple[date, date], n: int, days: list[date]) -> None:
    first, last = span
    length = (last - first).days + 1
    if n not in (length, len(days)):
        item.fail(f"the notice says {n} days, but {first.isoformat()} to {last.isoformat()} "
                  f"is {length}", code="count", said=n, counted=length)  # fmt: skip


def _date_groups(clause: str):
    """Spans of the clause that hold dates: single days, lists and ranges, with annotations."""
    token = rf"{_DATE_BARE}(?:\s*[（(][^）)]*[）)])?"
    joiner = rf"(?:{_RANGE_SEP.pattern}|{_LIST_SEP.pattern})"
    group = re.compile(rf"{token}(?:{joiner}{token})*")
    for m in group.finditer(clause):
        yield m.group(0), m.start(), m.end()


def _parse_group(item: _Item, text: str, context: dict) -> _Dates:
    """One group of dates: "1月28日（农历除夕、周二）至2月4日（…）", "1月26日、2月8日",
    "4月4日至6日"."""
    days: list[date] = []
    spans: list[tuple[date, date]] = []
    pos = 0
    pending_range_start: date | None = None
    token = re.compile(rf"{_DATE.pattern}(?:{_ANNOTATION.pattern})?")
    while pos < len(text):
        sep = re.compile(rf"{_RANGE_SEP.pattern}|{_LIST_SEP.pattern}").match(text, pos)
        is_range = False
        if sep and sep.end() > pos:
            is_range = bool(_RANGE_SEP.fullmatch(sep.group(0)))
            pos = sep.end()
        m = token.match(text, pos)
        if m is None:
            item.fail("a date could not be read", code="unreadable", clause=text)
        pos = m.end()
        day = _resolve(item, m, context)
        annotation = m["a"]
        if is_range and days:
            start = pending_range_start or days[-1]
            if day < start:
                item.fail(f"the range ends ({day.isoformat()}) before it starts "
                          f"({start.isoformat()})", code="order")  # fmt: skip
            if (day - start).days > 40:
                item.fail("a holiday block of more than 40 days is not plausible", code="too_long")
            extra = [start + timedelta(i) for i in range(1, (day - start).days + 1)]
            days.extend(extra)
            spans[-1] = (start, day)
            if annotation:
                _check_annotation(item, annotation, day, range_start=start)
            pending_range_start = None
        else:
            days.append(day)
            spans.append((day, day))
            pending_range_start = day
            if annotation:
                _check_annotation(item, annotation, day)
    return _Dates(days, spans)


def _resolve(item: _Item, m: re.Match, context: dict) -> date:
    if m["y"]:
        year = _digits(m["y"])
        context["year"] = year
    else:
        year = context["year"]
    if m["m"]:
        month = _digits(m["m"])
        context["month"] = month
    else:
        month = context["month"]
        if month is None:
            item.fail(f"{m.group(0)} names no month", code="no_month")
    if year is None:
        # No year written: the notice's year, or the year before for a December day in a
        # block the notice dates from the year before ("2007年12月30日…", then "12月30日").
        year = item.year
        if month == 12 and (item.year - 1) in item.explicit_years:
            year = item.year - 1
    day = _safe_date(year, month, _digits(m["d"]))
    if day is None:
        item.fail(f"{m.group(0)} is not a date", code="not_a_date")
    return day


def _check_annotation(item: _Item, text: str, day: date, *, range_start: date | None = None):
    """Weekdays and lunar days in the brackets must agree with the date."""
    for part in re.split(r"[、，,\s]+", text.strip()):
        part = part.strip()
        if not part:
            continue
        if w := _WEEKDAY.match(part):
            if day.weekday() != _WEEKDAYS[w["w"]]:
                item.fail(f"{day.isoformat()} is not a {part}", code="weekday", day=day.isoformat())
            continue
        if part.startswith("即") and "至" in part and range_start is not None:
            first, _, last = part[1:].partition("至")
            _check_lunar(item, first, range_start)
            _check_lunar(item, last, day)
            continue
        _check_lunar(item, part, day)


def _check_lunar(item: _Item, text: str, day: date) -> None:
    text = text.removeprefix("农历").removeprefix("大年")
    if text == "除夕":
        expected = _lunar(day + timedelta(days=1))
        if expected is not None and expected[:2] != (1, 1):
            item.fail(f"{day.isoformat()} is not 除夕", code="lunar", day=day.isoformat())
        return
    m = re.fullmatch(
        r"(?P<m>[正冬腊]|[一二三四五六七八九十]{1,2})月(?P<d>初[一二三四五六七八九十]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九])",
        text,
    )
    if m is None:
        m2 = re.fullmatch(r"(?:初)(?P<d>[一二三四五六七八九十])", text)
        if m2 is None:
            return  # a holiday's name (春节, 清明节 …): nothing to check
        want_month, want_day = None, _cn_number(m2["d"])
    else:
        want_month = _LUNAR_MONTHS.get(m["m"]) or _cn_number(m["m"])
        want_day = _cn_number(m["d"].removeprefix("初"))
    got = _lunar(day)
    if got is None:
        return
    if (want_month is not None and got[0] != want_month) or got[1] != want_day:
        item.fail(f"{day.isoformat()} is not 农历{text}", code="lunar", day=day.isoformat())


def _lunar(day: date) -> tuple[int, int] | None:
    try:
        from lunardate import LunarDate

        from_solar = getattr(LunarDate, "from_solar_date", None) or LunarDate.fromSolarDate
        lunar = from_solar(day.year, day.month, day.day)
    except (ImportError, ValueError):
        return None
    return lunar.month, lunar.day
