"""The State Council notice reader (R39, R40, R43): real notices' lines, read exactly.

The 2025 and 2026 notices are the texts published on www.gov.cn; parsing each must give the
official table we ship. Older notices (2008, 2009, 2017, 2023, 2024) are checked against the
``chinese_calendar`` package, which carries the same years from the same notices.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants as cc

from aftersales.workdays.notice import NoticeFormatError, parse_notice, read_notice
from aftersales.workdays.schedule_csv import shipped_schedule

NOTICES = Path(__file__).parent / "notices"


def notice(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_published_notice_gives_exactly_the_shipped_table(year):
    """R39/R40: the shipped schedules/<year>.csv is what the notice says, day for day."""
    shipped = {d.day: d.is_workday for d in shipped_schedule(year)}
    assert parse_notice(notice(year), year) == shipped


@pytest.mark.parametrize("year", [2008, 2017, 2023, 2024, 2025, 2026])
def test_older_wordings_agree_with_the_official_data(year):
    """Every day the notice names agrees with chinese_calendar, and every holiday on a
    weekday and every make-up working day of the year is named (R42)."""
    days = parse_notice(notice(year), year)
    assert {d: chinese_calendar.is_workday(d) for d in days} == days
    named_rest = {d for d, work in days.items() if not work}
    named_work = {d for d, work in days.items() if work}
    assert {d for d in cc.workdays if d.year == year} <= named_work
    assert {d for d in cc.holidays if d.year == year and d.weekday() < 5} <= named_rest


def test_a_block_that_starts_in_december_of_the_year_before():
    """2023: 元旦：2022年12月31日至2023年1月2日放假调休，共3天。"""
    days = parse_notice(notice(2023), 2023)
    assert days[date(2022, 12, 31)] is False
    assert days[date(2023, 1, 1)] is False
    assert days[date(2023, 1, 2)] is False


def test_2008_explanations_with_weekends_moved():
    """2008: "其中：…12月29日（星期六）公休日调至12月31日（星期一），12月29日（星期六）上班" —
    a December day without a year belongs to the block's year before."""
    days = parse_notice(notice(2008), 2008)
    assert days[date(2007, 12, 29)] is True
    assert days[date(2007, 12, 30)] is False
    assert days[date(2007, 12, 31)] is False
    assert days[date(2008, 1, 1)] is False
    # 端午 on a Sunday: "6月8日（星期日）公休日调至6月9日（星期一）"
    assert days[date(2008, 6, 9)] is False


def test_2009_weekends_and_a_festival_moved_together():
    text = notice(2009)
    days = parse_notice(text, 2009)
    assert days[date(2009, 1, 2)] is False and days[date(2009, 1, 4)] is True
    assert all(days[date(2009, 10, d)] is False for d in range(1, 9))
    assert days[date(2009, 9, 27)] is True and days[date(2009, 10, 10)] is True


@pytest.mark.parametrize(
    ("line", "rest", "work"),
    [
        # 星期六 and 周六
        ("二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。",
         ["2023-01-21", "2023-01-27"], ["2023-01-28", "2023-01-29"]),
        ("四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（周日）、5月6日（周六）上班。",
         ["2023-04-29", "2023-05-03"], ["2023-04-23", "2023-05-06"]),
        # 补休
        ("一、元旦：1月1日放假，1月2日（星期一）补休。", ["2023-01-01", "2023-01-02"], []),
        # 与周末连休
        ("五、端午节：6月22日放假，与周末连休。", ["2023-06-22"], []),
        # 放假1天，不调休
        ("三、清明节：4月5日（周三）放假1天，不调休。", ["2023-04-05"], []),
        # lunar annotations
        ("二、春节：1月21日（农历除夕、周六）至27日（农历正月初六、周五）放假调休，共7天。",
         ["2023-01-21", "2023-01-24", "2023-01-27"], []),
    ],
)  # fmt: skip
def test_each_wording(line, rest, work):
    days = parse_notice(line, 2023)
    for d in rest:
        assert days[date.fromisoformat(d)] is False, d
    for d in work:
        assert days[date.fromisoformat(d)] is True, d


def test_advice_and_closing_paragraphs_set_no_day():
    """2024: "鼓励各单位…安排职工在除夕（2月9日）休息" is advice, not a holiday."""
    days = parse_notice(notice(2024), 2024)
    assert date(2024, 2, 9) not in days
    assert chinese_calendar.is_workday(date(2024, 2, 9))


def test_title_and_publication_date_are_kept():
    read = read_notice(notice(2025), 2025)
    assert read.title == "国务院办公厅关于2025年部分节假日安排的通知"
    assert read.published_on == date(2024, 11, 12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("一、元旦：1月1日（周四）放假1天。", "weekday"),
        ("二、春节：1月28日至2月4日放假调休，共9天。", "count"),
        ("三、清明节：4月4日放个假。", "unreadable"),
        ("国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日放假。", "other_year"),
        ("一、元旦：1月1日放假。1月1日上班。", "conflict"),
        ("二、春节：1月28日（农历正月初一）放假。", "lunar"),
        ("二、春节：2月4日至1月28日放假。", "order"),
        ("二、春节：2月30日放假。", "not_a_date"),
        ("一、元旦：1月1日放假，12月27日（星期六）公休日调至1月2日。", "moved_not_worked"),
        ("通知正文没有任何安排。", "empty"),
        ("a\x00b", "binary"),
    ],
)
def test_a_line_it_cannot_read_is_quoted_never_guessed(text, code):
    with pytest.raises(NoticeFormatError) as caught:
        parse_notice(text, 2025)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    # The message quotes the line so that a person can find it in the notice.
    assert caught.value.line in str(caught.value)
