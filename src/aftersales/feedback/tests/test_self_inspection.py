"""Self-inspection (FB-5): the monthly inspection is made once, on the month's first working
day, with the policy's number of cases resolved in the month before, picked at random; the
inspector ticks each question for each case; failed questions become corrective actions of a
nonconformance, with owners and due dates; the pages and the API; who may do what."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.customers.tests.factories import DealerFactory, dealer_user
from aftersales.quality.models import Nonconformance
from aftersales.repairs.models import TechnicianProfile
from aftersales.service.models import Case

from ..models import FeedbackPolicy, InspectionChecklist, SelfInspection
from ..selectors import self_inspections_in_month
from ..services.self_inspections import (
    FindingInput,
    ResultInput,
    draw_sample,
    first_working_day_of,
    monthly_self_inspections_due,
    self_inspection_finish,
    self_inspection_record,
)
from .conftest import SH, at

pytestmark = pytest.mark.django_db

FIRST_WORKING_DAY = date(2026, 10, 8)  # after the National Day holidays


@pytest.fixture
def cs_head(make_user):
    desk = DepartmentFactory(code="cs", name="客服部")
    head = make_user(Role.CUSTOMER_SERVICE, username="cshead", full_name="孙丽", department=desk)
    desk.head = head
    desk.save()
    return head


@pytest.fixture
def quality(make_user):
    return make_user(Role.QUALITY, username="qm", full_name="李娜")


@pytest.fixture
def checklist(db):
    return InspectionChecklist.objects.get(code="service-records")  # the preset (migration)


@pytest.fixture
def resolved(new_case):
    """Cases resolved on the given days (now closed), made quickly."""

    def make(*days, status="closed"):
        made = []
        for day in days:
            case = new_case(phone=f"139{len(made):04d}{day.day:02d}{day.month:02d}")
            moment = timezone.make_aware(datetime.combine(day, time(11, 0)), SH)
            Case.objects.filter(pk=case.pk).update(
                status=status, resolved_at=moment, closed_at=moment
            )
            made.append(case)
        return made

    return make


def _policy(**fields):
    policy = FeedbackPolicy.objects.filter(active=True).first()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def _september_and_october(resolved):
    september = resolved(*(date(2026, 9, d) for d in range(1, 29, 2)))  # 14 cases
    resolved(date(2026, 8, 31), date(2026, 10, 1))  # the months around it
    resolved(date(2026, 9, 15), status="in_progress")  # reopened: not sampled
    return {c.pk for c in september}


# -- the monthly schedule ---------------------------------------------------------------------


def test_the_monthly_task_makes_one_inspection_on_the_first_working_day(
    time_machine, cs_head, checklist, resolved
):
    from ..tasks import daily_task

    assert first_working_day_of(date(2026, 10, 1)) == FIRST_WORKING_DAY
    _policy(self_inspection_sample_size=6)
    september = _september_and_october(resolved)

    time_machine.move_to(at(2026, 10, 7, 8))  # still the holidays
    assert monthly_self_inspections_due() == []
    time_machine.move_to(at(2026, 10, 8, 7))
    result = daily_task.delay().get()
    assert len(result["self_inspections"]) == 1
    inspection = SelfInspection.objects.get()
    assert inspection.number == result["self_inspections"][0]
    assert inspection.number.startswith("ZJ-20261008-")
    assert inspection.month == date(2026, 10, 1)
    assert inspection.cases_month == date(2026, 9, 1)
    assert inspection.scheduled and inspection.checklist == checklist
    assert inspection.inspector == cs_head  # the head of customer service
    sampled = set(inspection.rows.values_list("case_id", flat=True))
    assert len(sampled) == inspection.sample_size == 6
    assert sampled <= september  # every one resolved in September, and still resolved
    # Once a month, however often the task runs.
    assert monthly_self_inspections_due() == []
    time_machine.move_to(at(2026, 10, 20, 7))
    assert daily_task.delay().get()["self_inspections"] == []
    assert SelfInspection.objects.count() == 1
    assert cs_head.notifications.filter(title__contains=inspection.number).exists()


def test_a_missed_first_working_day_is_caught_up_and_an_empty_month_makes_none(
    time_machine, cs_head, checklist, resolved
):
    time_machine.move_to(at(2026, 11, 3, 7))
    assert monthly_self_inspections_due() == []  # nothing was resolved in October
    resolved(date(2026, 10, 12), date(2026, 10, 20))
    made = monthly_self_inspections_due()  # the 2nd was the first working day
    assert [i.rows.count() for i in made] == [2]
    assert monthly_self_inspections_due() == []


def test_the_sample_is_drawn_reproducibly(time_machine, cs_head, checklist, resolved):
    ids = list(range(1, 500))
    assert draw_sample(ids, 10, "2026-10-1") == draw_sample(ids, 10, "2026-10-1")
    assert draw_sample(ids, 10, "2026-10-1") != draw_sample(ids, 10, "2026-11-1")
    assert sorted(draw_sample([3, 1, 2], 10, "x")) == [1, 2, 3]  # fewer than asked: all


def test_a_policy_size_of_zero_makes_none(time_machine, cs_head, checklist, resolved):
    _policy(self_inspection_sample_size=0)
    resolved(date(2026, 9, 3))
    time_machine.move_to(at(2026, 10, 8, 7))
    assert monthly_self_inspections_due() == []


def test_without_a_customer_service_head_quality_inspects(
    time_machine, quality, checklist, resolved
):
    resolved(date(2026, 9, 3))
    time_machine.move_to(at(2026, 10, 8, 7))
    (inspection,) = monthly_self_inspections_due()
    assert inspection.inspector == quality


# -- recording and finishing -------------------------------------------------------------------


@pytest.fixture
def inspection(time_machine, cs_head, checklist, resolved):
    _policy(self_inspection_sample_size=3)
    resolved(*(date(2026, 9, d) for d in (2, 9, 16, 23)))
    time_machine.move_to(at(2026, 10, 8, 7))
    (made,) = monthly_self_inspections_due()
    time_machine.move_to(at(2026, 10, 9, 10))
    return made


def _record_all(inspection, actor, fail=(), note="回访晚了两天"):
    """Every case and question: pass, except ``fail`` ((case index, item code) pairs)."""
    items = list(inspection.checklist.items.all())
    rows = list(inspection.rows.select_related("case").order_by("position"))
    entries = [
        ResultInput(
            row.case.number,
            item.pk,
            "fail" if (i, item.code) in fail else "pass",
            note if (i, item.code) in fail else "",
        )
        for i, row in enumerate(rows)
        for item in items
    ]
    return self_inspection_record(actor=actor, inspection=inspection, results=entries)


def test_a_failed_item_becomes_a_corrective_action_with_owner_and_due_date(
    inspection, cs_head, technician
):
    _record_all(inspection, cs_head, fail={(0, "follow-up-on-time"), (2, "follow-up-on-time")})
    item = inspection.checklist.items.get(code="follow-up-on-time")
    done = self_inspection_finish(
        actor=cs_head,
        inspection=inspection,
        findings=[
            FindingInput(
                item=item.pk, owner=technician, owner_given=True, due_on=date(2026, 10, 30)
            ),
            FindingInput(
                text="回访话术需更新", owner=cs_head, owner_given=True, due_on=date(2026, 11, 6)
            ),
        ],
        summary="回访及时性需加强。",
    )
    assert done.status == SelfInspection.Status.DONE and done.finished_by == cs_head
    nc = done.nonconformance
    assert nc.source == Nonconformance.Source.SELF_INSPECTION
    assert nc.source_ref == inspection.number
    assert nc.status == Nonconformance.Status.ACTION
    actions = list(nc.actions.order_by("id"))
    assert [(a.owner, a.due_on) for a in actions] == [
        (technician, date(2026, 10, 30)),
        (cs_head, date(2026, 11, 6)),
    ]
    cases = [r.case.number for r in inspection.rows.order_by("position")]
    notes = f"{cases[0]} 回访晚了两天; {cases[2]} 回访晚了两天"
    assert actions[0].description == f"回访是否按时: {cases[0]}, {cases[2]} ({notes})"
    assert technician.notifications.filter(title__contains=nc.number).exists()
    assert self_inspections_in_month(date(2026, 10, 15)) == [
        {
            "number": inspection.number,
            "checklist": "售后服务记录自查",
            "inspector": "孙丽",
            "status": "done",
            "cases": 3,
            "failed_items": 2,
            "actions": 2,
        }
    ]
    assert self_inspections_in_month(date(2026, 9, 1)) == []


def test_a_failed_item_without_a_finding_goes_to_the_inspector(inspection, cs_head):
    from aftersales.workdays import add_working_days

    _record_all(inspection, cs_head, fail={(1, "record-complete")})
    done = self_inspection_finish(actor=cs_head, inspection=inspection)
    (action,) = done.nonconformance.actions.all()
    assert action.owner == cs_head
    assert action.due_on == add_working_days(date(2026, 10, 9), 10)  # the policy's days


def test_nothing_failed_raises_no_nonconformance(inspection, cs_head):
    _record_all(inspection, cs_head)
    done = self_inspection_finish(actor=cs_head, inspection=inspection)
    assert done.nonconformance is None
    assert not Nonconformance.objects.exists()


def test_finishing_needs_every_result_and_valid_findings(inspection, cs_head, make_user):
    from aftersales.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as missing:
        self_inspection_finish(actor=cs_head, inspection=inspection)
    assert "results" in missing.value.fields
    _record_all(inspection, cs_head)
    outsider = dealer_user(make_user, DealerFactory(code="X"), username="d1")
    with pytest.raises(InvalidInput) as bad:
        self_inspection_finish(
            actor=cs_head,
            inspection=inspection,
            findings=[
                FindingInput(item=inspection.checklist.items.first().pk),  # did not fail
                FindingInput(text="x", owner=outsider, owner_given=True, due_on=date(2026, 10, 20)),
                FindingInput(text="y", owner=cs_head, owner_given=True, due_on=date(2026, 10, 1)),
            ],
        )
    assert set(bad.value.fields) == {
        "findings[0].item",
        "findings[1].owner",
        "findings[2].due_on",
    }


def test_only_the_inspector_quality_or_an_administrator_work_it(
    inspection, make_user, quality, cs_head
):
    from aftersales.core.errors import PermissionDenied

    other_desk = make_user(Role.CUSTOMER_SERVICE, username="cs2")
    with pytest.raises(PermissionDenied):
        _record_all(inspection, other_desk)
    _record_all(inspection, quality)  # quality may
    self_inspection_finish(actor=cs_head, inspection=inspection)
    from aftersales.core.errors import Conflict

    with pytest.raises(Conflict):
        _record_all(inspection, cs_head)


# -- pages -------------------------------------------------------------------------------------


def test_the_pages_tick_each_item_and_finish(client, inspection, cs_head, technician):
    client.force_login(cs_head)
    listed = client.get("/feedback/self-inspections/?status=open&inspector=me")
    assert listed.status_code == 200 and inspection.number in listed.content.decode()
    page = client.get(f"/feedback/self-inspections/{inspection.number}/")
    html = page.content.decode()
    assert 'data-testid="results-table"' in html and "table-cards" in html
    items = list(inspection.checklist.items.all())
    rows = list(inspection.rows.order_by("position"))
    data = {"version": inspection.version}
    for row in rows:
        for item in items:
            data[f"r-{row.pk}-{item.pk}"] = "pass"
    data[f"r-{rows[0].pk}-{items[1].pk}"] = "fail"
    data[f"n-{rows[0].pk}-{items[1].pk}"] = "没有记录零件"
    data["then"] = "finish"
    answer = client.post(f"/feedback/self-inspections/{inspection.number}/", data)
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/feedback/self-inspections/{inspection.number}/finish/")
    form = client.get(answer["Location"])
    assert (
        form.status_code == 200 and f'data-testid="finding-{items[1].pk}"' in form.content.decode()
    )
    prefix = f"f-{items[1].pk}"
    done = client.post(
        answer["Location"],
        {
            "version": SelfInspection.objects.get().version,
            f"{prefix}-owner": technician.pk,
            f"{prefix}-due_on": "2026-10-23",
            f"{prefix}-text": "补记零件更换记录",
            "summary": "整体良好",
        },
    )
    assert done.status_code == 302
    inspection.refresh_from_db()
    (action,) = inspection.nonconformance.actions.all()
    assert (action.description, action.owner, action.due_on) == (
        "补记零件更换记录",
        technician,
        date(2026, 10, 23),
    )
    detail = client.get(f"/feedback/self-inspections/{inspection.number}/").content.decode()
    assert inspection.nonconformance.number in detail and "补记零件更换记录" in detail


def test_the_finish_form_names_the_bad_field(client, inspection, cs_head):
    _record_all(inspection, cs_head, fail={(0, "record-complete")})
    item = inspection.checklist.items.get(code="record-complete")
    client.force_login(cs_head)
    client.cookies["aftersales_language"] = "en"
    answer = client.post(
        f"/feedback/self-inspections/{inspection.number}/finish/",
        {f"f-{item.pk}-due_on": "2026-10-01", f"f-{item.pk}-owner": cs_head.pk},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    row = html[html.index(f'data-testid="finding-{item.pk}"') :]
    assert row.index("The due date is in the past.") < row.index('id="x-text"')  # on its row
    assert SelfInspection.objects.get().status == "open"


def test_starting_one_by_hand(client, time_machine, cs_head, checklist, resolved):
    resolved(date(2026, 9, 3), date(2026, 9, 4))
    time_machine.move_to(at(2026, 10, 12, 10))
    client.force_login(cs_head)
    assert client.get("/feedback/self-inspections/new/").status_code == 200
    answer = client.post(
        "/feedback/self-inspections/new/",
        {"checklist": checklist.code, "cases_month": "2026-09", "sample_size": "5"},
    )
    assert answer.status_code == 302
    made = SelfInspection.objects.get()
    assert not made.scheduled and made.inspector == cs_head and made.rows.count() == 2
    empty = client.post(
        "/feedback/self-inspections/new/",
        {"checklist": checklist.code, "cases_month": "2026-07", "sample_size": "5"},
    )
    assert empty.status_code == 400 and SelfInspection.objects.count() == 1


def test_the_list_page_costs_a_fixed_number_of_queries(
    client, inspection, cs_head, time_machine, django_assert_max_num_queries
):
    from ..services.self_inspections import self_inspection_start

    _record_all(inspection, cs_head, fail={(0, "record-complete")})
    self_inspection_finish(actor=cs_head, inspection=inspection)
    for _n in range(3):  # more rows cost no more queries
        self_inspection_start(
            actor=cs_head, checklist=inspection.checklist, cases_month=date(2026, 9, 1)
        )
    client.force_login(cs_head)
    with django_assert_max_num_queries(7):
        page = client.get("/feedback/self-inspections/")
    assert page.content.decode().count('data-testid="self-inspection-ZJ-') == 4
    with django_assert_max_num_queries(7):
        assert client.get("/feedback/self-inspections/?status=open&inspector=me").status_code == 200


# -- the API -----------------------------------------------------------------------------------


def test_the_api_happy_path(api_as, time_machine, cs_head, checklist, resolved, technician):
    resolved(date(2026, 9, 3), date(2026, 9, 4))
    time_machine.move_to(at(2026, 10, 12, 10))
    api = api_as(cs_head)
    made = api.post(
        "/api/v1/feedback/self-inspections/",
        {"checklist": "service-records", "cases_month": "2026-09"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    number = body["number"]
    assert body["cases_month"] == "2026-09" and body["cases"] == 2 and body["status"] == "open"
    assert [i["code"] for i in body["items"]][:2] == ["follow-up-on-time", "record-complete"]
    listed = api.get("/api/v1/feedback/self-inspections/?status=open").json()
    assert [r["number"] for r in listed["results"]] == [number]
    cases = [s["case"] for s in body["sampled"]]
    results = [
        {"case": case, "item": item["id"], "result": "pass"}
        for case in cases
        for item in body["items"]
    ]
    results[0] = {**results[0], "result": "fail", "note": "回访晚了"}
    recorded = api.post(
        f"/api/v1/feedback/self-inspections/{number}/results/",
        {"results": results, "version": body["version"]},
        format="json",
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["failed_items"] == 1
    finished = api.post(
        f"/api/v1/feedback/self-inspections/{number}/finish/",
        {
            "findings": [
                {
                    "item": body["items"][0]["id"],
                    "owner": technician.username,
                    "due_on": "2026-10-30",
                }
            ],
            "summary": "ok",
        },
        format="json",
    )
    assert finished.status_code == 200, finished.content
    out = finished.json()
    assert out["status"] == "done" and out["nonconformance"].startswith("NC-")
    assert out["findings"][0]["owner"] == technician.username
    assert out["findings"][0]["due_on"] == "2026-10-30"
    again = api.get(f"/api/v1/feedback/self-inspections/{number}/")
    assert again.status_code == 200 and again.json()["actions"] == 1
    assert api.get("/api/v1/feedback/self-inspections/ZJ-NONE/").status_code == 404


def test_the_api_names_the_bad_field(api_as, inspection, cs_head):
    api = api_as(cs_head)
    bad = api.post("/api/v1/feedback/self-inspections/", {"checklist": "no-such"}, format="json")
    assert bad.status_code == 400 and "checklist" in bad.json()["fields"]
    bad = api.post(
        "/api/v1/feedback/self-inspections/",
        {"checklist": "service-records", "cases_month": "2026/09"},
        format="json",
    )
    assert bad.status_code == 400 and "cases_month" in bad.json()["fields"]
    url = f"/api/v1/feedback/self-inspections/{inspection.number}"
    case = inspection.rows.first().case.number
    item = inspection.checklist.items.first().pk
    bad = api.post(
        f"{url}/results/",
        {"results": [{"case": case, "item": item, "result": "maybe"}]},
        format="json",
    )
    assert bad.status_code == 400 and "results[0].result" in bad.json()["fields"]
    bad = api.post(
        f"{url}/results/",
        {"results": [{"case": "TK-20260101-9999", "item": item, "result": "pass"}]},
        format="json",
    )
    assert bad.status_code == 400 and "results[0].case" in bad.json()["fields"]
    _record_all(inspection, cs_head, fail={(0, "record-complete")})
    bad = api.post(
        f"{url}/finish/",
        {"findings": [{"text": "x", "owner": "nobody", "due_on": "2026-10-30"}]},
        format="json",
    )
    assert bad.status_code == 400 and "findings[0].owner" in bad.json()["fields"]
    bad = api.post(f"{url}/finish/", {"findings": [{"due_on": "soon"}]}, format="json")
    assert bad.status_code == 400 and "findings[0].due_on" in bad.json()["fields"]


# -- who may -----------------------------------------------------------------------------------


def test_dealers_and_technicians_are_refused(client, api_as, make_user, inspection, department):
    tech = make_user(Role.SERVICE, username="fieldtech", department=department)
    TechnicianProfile.objects.create(user=tech)
    dealer = dealer_user(make_user, DealerFactory(code="D1"), username="dealer1")
    for person in (tech, dealer):
        client.force_login(person)
        for url in (
            "/feedback/self-inspections/",
            "/feedback/self-inspections/new/",
            f"/feedback/self-inspections/{inspection.number}/",
            f"/feedback/self-inspections/{inspection.number}/finish/",
        ):
            assert client.get(url).status_code == 403, (person, url)
        api = api_as(person)
        assert api.get("/api/v1/feedback/self-inspections/").status_code == 403
        assert api.get(f"/api/v1/feedback/self-inspections/{inspection.number}/").status_code == 403
        made = api.post(
            "/api/v1/feedback/self-inspections/", {"checklist": "service-records"}, format="json"
        )
        assert made.status_code == 403


def test_the_vice_president_reads_but_does_not_work(client, api_as, make_user, inspection):
    vp = make_user(Role.SALES_VP, username="vp1")
    client.force_login(vp)
    page = client.get(f"/feedback/self-inspections/{inspection.number}/").content.decode()
    assert 'data-testid="results-form"' not in page
    assert client.get("/feedback/self-inspections/new/").status_code == 403
    assert client.get(f"/feedback/self-inspections/{inspection.number}/finish/").status_code == 403
    assert api_as(vp).get("/api/v1/feedback/self-inspections/").status_code == 200
    nav = client.get("/").content.decode()
    assert "/feedback/self-inspections/" in nav


def test_the_nonconformance_links_back(client, inspection, cs_head, quality):
    _record_all(inspection, cs_head, fail={(0, "record-complete")})
    done = self_inspection_finish(actor=cs_head, inspection=inspection)
    client.force_login(quality)
    page = client.get(f"/quality/nonconformances/{done.nonconformance_id}/").content.decode()
    assert 'data-testid="nc-self-inspection"' in page and inspection.number in page
