"""R43 in the 三包 answers: a last day in a year without a published holiday schedule is marked
provisional, and importing that year's notice recounts the open applications' dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftersales.warranty.engine import evaluate
from aftersales.workdays.calendar import Override, WorkCalendar
from aftersales.workdays.notice import read_notice

SH = ZoneInfo("Asia/Shanghai")
SAMPLE = (
    Path(__file__).resolve().parents[2] / "workdays" / "tests" / "notices" / "2027-sample.txt"
).read_text(encoding="utf-8")


def tv(purchase: str, report: str) -> dict:
    return {
        "category": "彩色电视机",
        "channel": "offline",
        "purchase_date": purchase,
        "received_date": purchase,
        "report_date": report,
        "problem": "quality",
        "has_invoice_or_card": True,
    }


def calendar_with_sample_2027() -> WorkCalendar:
    notice = read_notice(SAMPLE, 2027)
    days = [Override(d.day, d.is_workday, d.name) for d in notice.days.values()]
    return WorkCalendar(announced=days, announced_years=[2027])


def test_r43_options_whose_last_day_falls_in_an_unpublished_year_are_provisional():
    """Bought 2026-12-20: the 7-day return ends in 2026 (official), the 15-day exchange and
    the 三包 period in 2027 (no schedule yet): only those two are provisional."""
    answer = evaluate(tv("2026-12-20", "2026-12-25"))
    options = {o["remedy"]: o for o in answer["options"]}
    assert options["return"]["deadline"] == "2026-12-28"
    assert options["return"]["provisional"] is False
    assert options["exchange"]["provisional"] is True
    assert options["free_repair"]["provisional"] is True
    assert answer["warranty_end"] == "2027-12-20"
    assert answer["warranty_end_provisional"] is True
    assert any(n.startswith("R43：2027年") for n in answer["notes"])


def test_r43_nothing_is_provisional_inside_published_years():
    answer = evaluate(tv("2025-03-03", "2025-03-05"))
    assert all(o["provisional"] is False for o in answer["options"])
    assert answer["warranty_end_provisional"] is False
    assert not any(n.startswith("R43") for n in answer["notes"])


def test_r43_r38_the_imported_schedule_moves_a_last_day_off_the_spring_festival():
    """R5 + R38: bought 2027-02-01, 7 days end 02-08. Provisionally 02-08…02-10 are rest days
    (初三 and two days 补假), so the last day is 02-11; the notice rests until 02-13 and makes
    Sunday 02-14 a working day, so the last day becomes 02-14, no longer provisional."""
    provisional = evaluate(tv("2027-02-01", "2027-02-03"))
    ret = {o["remedy"]: o for o in provisional["options"]}["return"]
    assert (ret["deadline"], ret["provisional"]) == ("2027-02-11", True)

    official = evaluate(tv("2027-02-01", "2027-02-03"), calendar=calendar_with_sample_2027())
    ret = {o["remedy"]: o for o in official["options"]}["return"]
    assert (ret["deadline"], ret["provisional"]) == ("2027-02-14", False)
    # The 三包 period itself ends in 2028, which has no schedule either.
    assert official["warranty_end"] == "2028-02-01"
    assert official["warranty_end_provisional"] is True


def test_r43_a_company_day_off_does_not_move_a_statutory_last_day():
    """Art. 203: only statutory rest days move a last day; the company's own do not."""
    company = WorkCalendar([Override(date(2025, 3, 10), False, "年会")])
    plain = evaluate(tv("2025-03-03", "2025-03-05"))
    with_company_day = evaluate(tv("2025-03-03", "2025-03-05"), calendar=company)
    assert plain["options"] == with_company_day["options"]


@pytest.mark.django_db
def test_r43_importing_the_notice_recounts_an_open_application(
    api_as, agent, admin_user, tv, time_machine
):
    """An application made on 2027-02-03 for a TV bought 02-01 is offered a return until
    02-11 (provisional). The administrator imports the notice: the stored answer now says
    02-14, official, and the import reports the application among what it recounted."""
    from aftersales.warranty.models import Application
    from aftersales.workdays import services as calendar_services

    time_machine.move_to(datetime(2027, 2, 3, 10, 0, tzinfo=SH))
    desk = api_as(agent)
    case = desk.post(
        "/api/v1/tickets/",
        {
            "channel": "phone",
            "kind": "return",
            "customer": {"name": "王小明", "phone": "13912345678"},
            "description": "电视开机后屏幕有横线，要求退货",
            "product_sku": tv.sku,
            "purchase_date": "2027-02-01",
        },
        format="json",
    ).json()["number"]
    response = desk.post(
        "/api/v1/warranty/applications/",
        {"case": case, "requested": "return", "price": "2999.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    ret = {o["remedy"]: o for o in response.json()["answer"]["options"]}["return"]
    assert (ret["deadline"], ret["provisional"]) == ("2027-02-11", True)

    result = calendar_services.notice_import(actor=admin_user, year=2027, text=SAMPLE)

    assert result.recomputed["return_applications"] == 1
    app = Application.objects.get(number=response.json()["number"])
    ret = {o["remedy"]: o for o in app.answer["options"]}["return"]
    assert (ret["deadline"], ret["provisional"]) == ("2027-02-14", False)
    r43 = [n for n in app.answer["notes"] if n.startswith("R43")]
    assert r43 == [
        "R43：2028年的法定节假日安排尚未公布，落在该年的截止日期按法定节日暂定，公布后可能顺延"
    ]
    assert app.version == 2  # a recount is a change someone editing the record must see


@pytest.mark.django_db
def test_r43_pages_mark_provisional_dates(client, api_as, agent, tv, time_machine):
    """The application page shows “暂定” beside a last day in 2027, with the reason."""
    time_machine.move_to(datetime(2027, 2, 3, 10, 0, tzinfo=SH))
    desk = api_as(agent)
    case = desk.post(
        "/api/v1/tickets/",
        {
            "channel": "phone",
            "kind": "return",
            "customer": {"name": "王小明", "phone": "13912345678"},
            "description": "电视开机后屏幕有横线",
            "product_sku": tv.sku,
            "purchase_date": "2027-02-01",
        },
        format="json",
    ).json()["number"]
    number = desk.post(
        "/api/v1/warranty/applications/",
        {"case": case, "requested": "return", "price": "2999.00"},
        format="json",
    ).json()["number"]
    client.force_login(agent)
    html = client.get(f"/warranty/{number}/").content.decode()
    assert 'data-testid="provisional"' in html
    assert "暂定" in html and "国务院尚未公布 2027 年节假日安排" in html
    case_html = client.get(f"/service/cases/{case}/").content.decode()
    assert 'data-testid="provisional"' in case_html  # the case's SLA deadlines in 2027
