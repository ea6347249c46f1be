"""Importing the State Council's notice (R43): preview, import, the year official, open time
limits recounted — on the page and through ``POST /api/v1/workdays/notices/``.

``notices/2027-sample.txt`` is an invented notice in the published wording (the real one was
not out when this was written); its dates are checked by the reader like a real one's. When
``schedules/2027.csv`` ships, these tests move to the next year without a built-in schedule.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.sla import services as sla_services
from aftersales.sla.tests.factories import preset_policy
from aftersales.workdays import current_calendar, services
from aftersales.workdays.models import AnnouncedYear, CalendarOverride

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SAMPLE = (Path(__file__).parent / "notices" / "2027-sample.txt").read_text(encoding="utf-8")
CHANGED = {
    "2027-02-11": False,  # 春节: the provisional calendar gives 除夕–初三 and two days 补假
    "2027-02-12": False,
    "2027-02-14": True,  # make-up working days the statutory holidays alone cannot know
    "2027-02-20": True,
    "2027-04-25": True,
    "2027-05-05": False,
    "2027-05-08": True,
    "2027-09-26": True,
    "2027-10-06": False,
    "2027-10-07": False,
    "2027-10-09": True,
}


@pytest.fixture
def clock(make_user):
    """An open SLA clock of 3 working days started the day before the Spring Festival."""
    owner = make_user(Role.DEALER, username="record")
    return sla_services.sla_clock_start(
        owner=owner,
        metric="initial_verification",
        policy=preset_policy(),
        started_at=datetime(2027, 2, 4, 9, 0, tzinfo=SH),
    )


def test_the_preview_shows_what_changes_and_writes_nothing(admin_user):
    preview = services.notice_preview(actor=admin_user, year=2027, text=SAMPLE)
    assert {d.isoformat(): now for d, _was, now in preview.differences} == CHANGED
    assert preview.published_on == date(2026, 11, 10)
    assert preview.title.startswith("国务院办公厅关于2027年部分节假日安排的通知")
    assert not AnnouncedYear.objects.exists()
    assert not CalendarOverride.objects.exists()
    assert current_calendar().year_status(2027) == "provisional"


def test_importing_makes_the_year_official_and_recounts_open_clocks(admin_user, clock):
    """R43: the provisional clock (02-11, 02-12, 02-15 → 02-15) is recounted on the notice
    (02-14 is a make-up working day: 02-14, 02-15, 02-16 → 02-16)."""
    assert clock.provisional is True
    assert clock.due_at.astimezone(SH).date() == date(2027, 2, 15)

    result = services.notice_import(actor=admin_user, year=2027, text=SAMPLE)

    assert result.recomputed["sla_clocks"] == 1
    assert result.recomputed_total >= 1
    clock.refresh_from_db()
    assert clock.provisional is False
    assert clock.due_at.astimezone(SH).date() == date(2027, 2, 16)
    cal = current_calendar()
    assert cal.year_status(2027) == "official"
    assert cal.is_workday(date(2027, 2, 14)) and not cal.is_workday(date(2027, 2, 12))
    announced = AnnouncedYear.objects.get(year=2027)
    assert announced.source == AnnouncedYear.Source.NOTICE
    assert announced.published_on == date(2026, 11, 10)
    assert announced.loaded_by == admin_user
    assert "一、元旦" in announced.text


def test_importing_again_moves_nothing_more(admin_user, clock):
    services.notice_import(actor=admin_user, year=2027, text=SAMPLE)
    again = services.notice_import(actor=admin_user, year=2027, text=SAMPLE)
    assert again.recomputed_total == 0
    assert again.differences == []


def test_a_company_day_off_survives_the_import(admin_user):
    services.override_set(actor=admin_user, day=date(2027, 2, 14), is_workday=False, name="年会")
    services.notice_import(actor=admin_user, year=2027, text=SAMPLE)
    assert not current_calendar().is_workday(date(2027, 2, 14))  # the company's word wins


def test_only_administrators_import(make_user):
    with pytest.raises(PermissionDenied):
        services.notice_preview(actor=make_user(Role.SERVICE), year=2027, text=SAMPLE)


@pytest.mark.parametrize(
    ("year", "text", "field", "says"),
    [
        (2026, SAMPLE, "year", "2026"),
        (2028, SAMPLE, "text", "2027"),  # the notice of another year
        (2027, "", "text", ""),
        (2027, SAMPLE.replace("（周五）至3日", "（周四）至3日"), "text", "一、元旦"),
        (2027, "x" * 20_001, "text", "20000"),
    ],
)
def test_bad_notices_are_refused_by_field_and_nothing_is_written(
    admin_user, year, text, field, says
):
    with pytest.raises(InvalidInput) as caught:
        services.notice_import(actor=admin_user, year=year, text=text)
    assert list(caught.value.fields) == [field]
    assert says in caught.value.fields[field][0]
    assert not AnnouncedYear.objects.exists() and not CalendarOverride.objects.exists()


# -- the page ---------------------------------------------------------------------------------


def test_the_page_previews_then_imports(client, admin_user, clock):
    client.force_login(admin_user)
    assert 'data-testid="notice-link"' in client.get("/calendar/2027/").content.decode()
    html = client.get("/calendar/2027/notice/").content.decode()
    assert 'data-testid="notice-form"' in html and 'data-testid="notice-import"' not in html

    html = client.post("/calendar/2027/notice/", {"text": SAMPLE, "action": "preview"}).content
    html = html.decode()
    assert 'data-testid="notice-import"' in html
    assert 'data-date="2027-02-14" data-kind="makeup_workday" data-changed="1"' in html
    assert "11 天与暂定日历不同" in html
    assert not AnnouncedYear.objects.exists()

    response = client.post("/calendar/2027/notice/", {"text": SAMPLE, "action": "import"})
    assert response.status_code == 302 and response.url == "/calendar/2027/"
    page = client.get(response.url).content.decode()
    assert "已导入" in page and "服务时限计时 1" in page
    assert 'data-testid="year-status">官方安排' in page


def test_the_page_takes_a_gbk_text_file(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    upload = SimpleUploadedFile("2027.txt", SAMPLE.encode("gb18030"), "text/plain")
    html = client.post(
        "/calendar/2027/notice/", {"file": upload, "action": "preview"}
    ).content.decode()
    assert 'data-testid="notice-preview-result"' in html
    # The preview carries the text on, so the import button works without the file.
    assert "一、元旦：1月1日（周五）" in html


def test_the_page_quotes_the_line_it_cannot_read(client, admin_user):
    client.force_login(admin_user)
    bad = SAMPLE.replace("放假调休，共9天", "放假调休，共10天")
    html = client.post("/calendar/2027/notice/", {"text": bad, "action": "preview"}).content
    html = html.decode()
    assert 'data-field-error="text"' in html
    assert "二、春节：2月5日" in html  # the line, quoted
    assert not AnnouncedYear.objects.exists()


def test_the_page_is_for_administrators_only(client, make_user):
    client.force_login(make_user(Role.SERVICE))
    assert client.get("/calendar/2027/notice/").status_code == 404


# -- the API ----------------------------------------------------------------------------------


def test_api_dry_run_then_import(api_as, admin_user, clock):
    api = api_as(admin_user)
    preview = api.post(
        "/api/v1/workdays/notices/?dry_run=1", {"year": 2027, "text": SAMPLE}, format="json"
    )
    assert preview.status_code == 200
    body = preview.json()
    assert body["dry_run"] is True and body["recomputed"] == {}
    assert {d["date"]: d["is_workday"] for d in body["differences"]} == CHANGED
    assert {"date": "2027-02-14", "is_workday": True, "name": "春节调休上班"} in body["days"]
    assert not AnnouncedYear.objects.exists()

    done = api.post("/api/v1/workdays/notices/", {"year": 2027, "text": SAMPLE}, format="json")
    assert done.status_code == 201
    body = done.json()
    assert body["published_on"] == "2026-11-10"
    assert body["recomputed"]["sla_clocks"] == 1
    assert body["recomputed_total"] == sum(body["recomputed"].values())


def test_api_errors_name_the_field(api_as, admin_user, make_user):
    api = api_as(admin_user)
    bad = api.post(
        "/api/v1/workdays/notices/",
        {"year": 2027, "text": "三、清明节：4月3日放个假。"},
        format="json",
    )
    assert bad.status_code == 400
    assert "三、清明节：4月3日放个假。" in bad.json()["fields"]["text"][0]
    built_in = api.post("/api/v1/workdays/notices/", {"year": 2026, "text": SAMPLE}, format="json")
    assert built_in.status_code == 400 and "year" in built_in.json()["fields"]
    other = api_as(make_user(Role.SERVICE)).post(
        "/api/v1/workdays/notices/", {"year": 2027, "text": SAMPLE}, format="json"
    )
    assert other.status_code == 403
