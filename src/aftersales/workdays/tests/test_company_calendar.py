"""Overrides, announcements, pages, API and health: the calendar as the company runs it."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales import workdays
from aftersales.accounts.roles import Role
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.workdays import services
from aftersales.workdays.models import AnnouncedYear, CalendarOverride
from aftersales.workdays.selectors import calendar_health, provisional_years_ahead

pytestmark = pytest.mark.django_db

ANNOUNCEMENT_2027 = """kind,start,end,name
holiday,2027-01-01,2027-01-03,元旦
holiday,2027-02-05,2027-02-12,春节
workday,2027-02-14,,春节调休上班
workday,2027-02-20,,春节调休上班
"""


def test_a_company_rest_day_changes_the_public_functions(admin_user):
    assert workdays.is_workday(date(2026, 12, 31))
    services.override_set(
        actor=admin_user, day=date(2026, 12, 31), is_workday=False, name="公司年会"
    )
    assert not workdays.is_workday(date(2026, 12, 31))
    assert workdays.add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    services.override_delete(actor=admin_user, day=date(2026, 12, 31))
    assert workdays.is_workday(date(2026, 12, 31))


def test_only_administrators_change_the_calendar(make_user):
    with pytest.raises(PermissionDenied):
        services.override_set(
            actor=make_user(Role.SERVICE), day=date(2026, 12, 31), is_workday=False, name="x"
        )


def test_an_override_needs_a_reason(admin_user):
    with pytest.raises(InvalidInput) as err:
        services.override_set(actor=admin_user, day=date(2026, 12, 31), is_workday=False, name=" ")
    assert list(err.value.fields) == ["name"]
    assert not CalendarOverride.objects.exists()


def test_loading_an_announcement_makes_the_year_official(admin_user):
    assert workdays.calendar_status(date(2027, 2, 14)) == "provisional"
    assert not workdays.is_workday(date(2027, 2, 14))  # a Sunday
    services.announcement_load(
        actor=admin_user,
        year=2027,
        csv_text=ANNOUNCEMENT_2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
    )
    assert workdays.calendar_status(date(2027, 2, 14)) == "official"
    assert workdays.is_workday(date(2027, 2, 14))
    assert not workdays.is_workday(date(2027, 2, 12))
    assert AnnouncedYear.objects.get(year=2027).loaded_by == admin_user
    assert CalendarOverride.objects.filter(day__year=2027).count() == 13


def test_a_bad_announcement_names_the_line_and_writes_nothing(admin_user):
    bad = ANNOUNCEMENT_2027 + "holiday,2027-13-01,,错误\n"
    with pytest.raises(InvalidInput) as err:
        services.announcement_load(actor=admin_user, year=2027, csv_text=bad, notice="通知")
    assert err.value.fields["file"] == [
        "第 6 行，start 列：2027-13-01 不是日期，应形如 2027-01-01。"
    ]
    assert not CalendarOverride.objects.exists() and not AnnouncedYear.objects.exists()


def test_a_built_in_year_cannot_be_replaced_by_an_announcement(admin_user):
    with pytest.raises(InvalidInput) as err:
        services.announcement_load(
            actor=admin_user, year=2026, csv_text=ANNOUNCEMENT_2027, notice="x"
        )
    assert list(err.value.fields) == ["year"]


def test_health_warns_while_the_coming_year_is_provisional(admin_user):
    today = date(2026, 11, 28)
    assert provisional_years_ahead(today=today) == [2027]
    assert provisional_years_ahead(today=date(2026, 6, 1)) == []
    services.announcement_load(
        actor=admin_user, year=2027, csv_text=ANNOUNCEMENT_2027, notice="通知"
    )
    assert provisional_years_ahead(today=today) == []


SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
DECEMBER = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)


def test_healthz_reports_the_calendar(client, admin_user, time_machine):
    """R43: /healthz stays 200 and says where provisional dates begin."""
    client.force_login(admin_user)
    time_machine.move_to(DECEMBER)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["calendar"] == {"provisional_from": "2027-01-01"}
    assert body["checks"]["calendar"]["status"] == "warning"
    assert "2027" in body["checks"]["calendar"]["detail"]
    time_machine.move_to(JUNE)
    body = client.get("/healthz").json()
    assert body["calendar"] == {"provisional_from": "2027-01-01"}
    assert body["checks"]["calendar"]["status"] == "ok"


def test_manage_py_check_names_the_year_without_a_schedule(time_machine):
    """R43: a reminder people see instead of a failing test. On 2026-12-20, time limits
    started today reach 2027; on 2026-06-01 they do not."""
    from django.core.management import call_command

    time_machine.move_to(DECEMBER)
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "workdays.W001" in out.getvalue()
    assert "reach 2027, which has no published holiday schedule" in out.getvalue()
    assert "deadlines in 2027 are provisional" in out.getvalue()

    time_machine.move_to(JUNE)
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "workdays.W001" not in out.getvalue()


def test_the_check_is_silent_once_the_notice_is_imported(admin_user, time_machine):
    from aftersales.workdays.checks import provisional_schedule_check

    time_machine.move_to(DECEMBER)
    assert [m.id for m in provisional_schedule_check()] == ["workdays.W001"]
    services.announcement_load(
        actor=admin_user, year=2027, csv_text=ANNOUNCEMENT_2027, notice="通知"
    )
    assert provisional_schedule_check() == []
    assert calendar_health()[0] == "ok"


# -- API --------------------------------------------------------------------------------------


def test_api_add_working_days(api_as, make_user):
    client = api_as(make_user(Role.CUSTOMER_SERVICE))
    body = client.get("/api/v1/workdays/add-working-days/", {"start": "2026-09-30", "n": 3}).json()
    assert body == {"date": "2026-10-10", "status": "official", "is_workday": True}
    late = client.get(
        "/api/v1/workdays/add-working-days/", {"start": "2026-11-27T17:30:00+00:00", "n": 1}
    ).json()
    assert late["date"] == "2026-11-30"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-09-30", "n": 0}, "n", "至少为 1。"),
        ({"start": "2026-09-30", "n": "x"}, "n", "请输入整数。"),
        (
            {"start": "2026-09-30T10:00:00", "n": 1},
            "start",
            "请给出带时区的时间；按北京时间（Asia/Shanghai）解读。",
        ),
        ({"start": "2003-12-31", "n": 1}, "start", "不支持 2004 年以前的日期。"),
        ({"start": "next week", "n": 1}, "start", "请输入日期，如 2026-11-28。"),
        ({"n": 1}, "start", "该字段是必填项。"),
    ],
)
def test_api_bad_input_is_400_naming_the_field(api_as, make_user, params, field, message):
    response = api_as(make_user()).get("/api/v1/workdays/add-working-days/", params)
    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}


def test_api_bad_input_in_english(api_as, make_user):
    response = api_as(make_user()).get(
        "/api/v1/workdays/period-end/",
        {"start": "2026-09-30", "days": 0},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["fields"] == {"days": ["Must be at least 1."]}


def test_api_period_end_and_between(api_as, make_user):
    client = api_as(make_user())
    assert (
        client.get("/api/v1/workdays/period-end/", {"start": "2026-09-20", "days": 15}).json()[
            "date"
        ]
        == "2026-10-08"
    )
    assert client.get(
        "/api/v1/workdays/working-days-between/", {"a": "2026-09-30", "b": "2026-10-10"}
    ).json() == {"working_days": 3}


def test_api_calendar_year(api_as, make_user):
    body = api_as(make_user()).get("/api/v1/workdays/calendar/2026/").json()
    assert body["status"] == "official" and body["working_days"] == 248
    assert len(body["days"]) == 365
    feb14 = next(d for d in body["days"] if d["date"] == "2026-02-14")
    assert feb14 == {
        "date": "2026-02-14",
        "is_workday": True,
        "kind": "makeup_workday",
        "name": "春节",
    }


def test_api_overrides_are_for_administrators(api_as, make_user, admin_user):
    payload = {"day": "2026-12-31", "is_workday": False, "name": "公司年会"}
    assert (
        api_as(make_user(Role.SALES))
        .post("/api/v1/workdays/overrides/", payload, format="json")
        .status_code
        == 403
    )
    created = api_as(admin_user).post("/api/v1/workdays/overrides/", payload, format="json")
    assert created.status_code == 201 and created.json()["source"] == "company"
    listed = api_as(admin_user).get("/api/v1/workdays/overrides/", {"year": 2026}).json()
    assert [o["day"] for o in listed] == ["2026-12-31"]
    assert api_as(admin_user).delete("/api/v1/workdays/overrides/2026-12-31/").status_code == 204


# -- pages ------------------------------------------------------------------------------------


def test_calendar_page_for_administrators_only(client, make_user, admin_user):
    client.force_login(make_user(Role.SALES))
    assert client.get("/calendar/2026/").status_code == 404
    client.force_login(admin_user)
    html = client.get("/calendar/2026/").content.decode()
    assert 'data-date="2026-02-14" data-kind="makeup_workday"' in html
    assert 'data-date="2026-10-01" data-kind="holiday"' in html
    assert "248 个工作日" in html


def test_adding_an_override_on_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/calendar/2026/overrides/", {"day": "2026-12-31", "is_workday": "0", "name": "公司年会"}
    )
    assert response.status_code == 302
    html = client.get("/calendar/2026/").content.decode()
    assert 'data-date="2026-12-31" data-kind="company_rest"' in html and "公司年会" in html


def test_uploading_an_announcement_on_the_page(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    upload = SimpleUploadedFile("2027.csv", ANNOUNCEMENT_2027.encode("gb18030"))
    response = client.post(
        "/calendar/2027/announcement/",
        {"notice": "国务院办公厅关于2027年部分节假日安排的通知", "file": upload},
    )
    assert response.status_code == 302
    html = client.get("/calendar/2027/").content.decode()
    assert 'data-testid="year-status">官方安排' in html
    assert 'data-date="2027-02-14" data-kind="makeup_workday"' in html


def test_the_admin_home_and_calendar_page_warn_about_a_provisional_year_ahead(
    client, admin_user, make_user, time_machine
):
    time_machine.move_to(DECEMBER)
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert 'data-testid="admin-warning"' in html and "2027" in html
    assert 'data-testid="calendar-warning"' in client.get("/calendar/2026/").content.decode()
    client.force_login(make_user(Role.SALES))
    assert 'data-testid="admin-warning"' not in client.get("/").content.decode()
    time_machine.move_to(JUNE)
    client.force_login(admin_user)
    assert 'data-testid="admin-warning"' not in client.get("/").content.decode()
    assert 'data-testid="calendar-warning"' not in client.get("/calendar/2026/").content.decode()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/workdays/period-end/", {"start": "2026-01-01", "days": 3000000}, "days"),
        (
            "/api/v1/workdays/add-working-days/",
            {"start": "9999-12-31T23:00:00-05:00", "n": 1},
            "start",
        ),
        ("/api/v1/workdays/overrides/", {"year": 0}, "year"),
    ],
)
def test_out_of_range_input_is_a_400_not_a_crash(api_as, make_user, path, params, field):
    response = api_as(make_user()).get(path, params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_an_impossible_date_in_the_path_is_a_400(api_as, admin_user):
    response = api_as(admin_user).delete("/api/v1/workdays/overrides/2026-02-30/")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["day"]


def test_a_company_shutdown_does_not_lengthen_a_statutory_period(admin_user):
    """R38 / Civil Code art. 203: only statutory rest days move the last day of a period."""
    services.override_set(
        actor=admin_user, day=date(2026, 11, 17), is_workday=False, name="设备检修停工"
    )
    assert workdays.period_end(date(2026, 11, 2), 15) == date(2026, 11, 17)
    assert workdays.add_working_days(date(2026, 11, 16), 1) == date(2026, 11, 18)


def test_a_binary_file_is_refused_by_name(admin_user):
    with pytest.raises(InvalidInput) as err:
        services.announcement_load(
            actor=admin_user, year=2027, notice="x", csv_text="kind,start\x00"
        )
    assert "不是可读取的 CSV" in err.value.fields["file"][0]


def test_a_rolled_back_override_does_not_linger_in_the_cache(admin_user):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.override_set(
            actor=admin_user, day=date(2026, 12, 31), is_workday=False, name="公司年会"
        )
        assert not workdays.is_workday(date(2026, 12, 31))
        raise RuntimeError("the use case failed")
    assert workdays.is_workday(date(2026, 12, 31))
