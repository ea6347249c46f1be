"""Service meetings (FB-5): the date, attendees, agenda, minutes and decisions, action items
with owners and due dates; an open item is on its owner's workbench until it is done; the
month's report reads the meetings and the open items; the pages and the API; who may."""

from datetime import date

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.workbench import workbench_for
from aftersales.customers.tests.factories import DealerFactory, dealer_user
from aftersales.repairs.models import TechnicianProfile

from ..models import MeetingAction, ServiceMeeting
from ..selectors import meetings_in_month, open_meeting_actions
from ..services.meetings import ActionInput, MeetingInput, meeting_action_done, meeting_create
from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="csm", full_name="孙丽")


@pytest.fixture
def field_tech(make_user, department):
    tech = make_user(Role.SERVICE, username="fieldtech", full_name="陈杰", department=department)
    TechnicianProfile.objects.create(user=tech)
    return tech


@pytest.fixture
def dealer(make_user):
    return dealer_user(make_user, DealerFactory(code="D1"), username="dealer1")


@pytest.fixture
def meeting(time_machine, manager, field_tech):
    time_machine.move_to(at(2026, 12, 11, 15))
    return meeting_create(
        actor=manager,
        data=MeetingInput(
            held_on=date(2026, 12, 11),
            title="12月服务例会",
            attendees=[manager, field_tech],
            agenda="1. 投诉回顾",
            minutes="上门迟到投诉三起",
            decisions="迟到超过半小时须提前致电",
            actions=[
                ActionInput("迟到投诉逐一致歉", field_tech, date(2026, 12, 18)),
                ActionInput("更新回访话术", manager, date(2026, 12, 31)),
            ],
        ),
    )


def _todo(user, now):
    todos = {t.key: t for t in workbench_for(user, now=now).todos}
    return todos.get("feedback.meeting_actions")


def test_an_open_action_is_on_its_owners_workbench_until_done(client, meeting, field_tech):
    now = at(2026, 12, 14, 9)
    todo = _todo(field_tech, now)
    assert todo.count == 1
    client.force_login(field_tech)
    listed = client.get(todo.url)
    assert listed.status_code == 200
    html = listed.content.decode()
    assert "迟到投诉逐一致歉" in html and "更新回访话术" not in html  # the owner's own
    action = meeting.actions.get(owner=field_tech)
    done = client.post(
        f"/feedback/meetings/{meeting.number}/actions/{action.pk}/done/",
        {"result": "已逐一致电", "next": "actions"},
    )
    assert done.status_code == 302 and done["Location"].endswith("/feedback/meetings/actions/")
    action.refresh_from_db()
    assert action.done_by == field_tech and action.result == "已逐一致电"
    assert _todo(field_tech, now).count == 0
    assert "迟到投诉逐一致歉" not in client.get(todo.url).content.decode()


def test_the_owner_is_told_and_an_administrator_has_no_such_todo(meeting, field_tech, admin_user):
    assert field_tech.notifications.filter(title__contains=meeting.number).exists()
    assert _todo(admin_user, at(2026, 12, 14, 9)) is None


def test_the_pages_record_and_edit_a_meeting(client, time_machine, manager, field_tech):
    time_machine.move_to(at(2026, 12, 11, 16))
    client.force_login(manager)
    assert client.get("/feedback/meetings/new/").status_code == 200
    answer = client.post(
        "/feedback/meetings/new/",
        {
            "held_on": "2026-12-11",
            "title": "周例会",
            "attendees": [manager.pk, field_tech.pk],
            "agenda": "备件",
            "minutes": "备件到货慢",
            "decisions": "提高安全库存",
            "n0-text": "联系供应商",
            "n0-owner": field_tech.pk,
            "n0-due_on": "2026-12-20",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    meeting = ServiceMeeting.objects.get()
    assert meeting.number.startswith("HY-20261211-")
    assert set(meeting.attendees.all()) == {manager, field_tech}
    (action,) = meeting.actions.all()
    assert (action.text, action.owner, action.due_on) == (
        "联系供应商",
        field_tech,
        date(2026, 12, 20),
    )
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "提高安全库存" in detail and "联系供应商" in detail
    # Editing: change the item's due date, add one; a bad owner is named on its row.
    prefix = f"a{action.pk}"
    edited = client.post(
        f"/feedback/meetings/{meeting.number}/edit/",
        {
            "version": meeting.version,
            "held_on": "2026-12-11",
            "title": "周例会",
            "attendees": [manager.pk],
            f"{prefix}-text": "联系供应商",
            f"{prefix}-owner": field_tech.pk,
            f"{prefix}-due_on": "2026-12-22",
            "n0-text": "盘点备件",
            "n0-owner": "",
            "n0-due_on": "2026-12-23",
        },
    )
    assert edited.status_code == 400
    html = edited.content.decode()
    assert html.index("n0-owner") < html.index("text-danger small", html.index('id="n0-owner"'))
    edited = client.post(
        f"/feedback/meetings/{meeting.number}/edit/",
        {
            "version": meeting.version,
            "held_on": "2026-12-11",
            "title": "周例会",
            "attendees": [manager.pk],
            f"{prefix}-text": "联系供应商",
            f"{prefix}-owner": field_tech.pk,
            f"{prefix}-due_on": "2026-12-22",
            "n0-text": "盘点备件",
            "n0-owner": manager.pk,
            "n0-due_on": "2026-12-23",
        },
    )
    assert edited.status_code == 302
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [manager]
    assert [(a.text, a.due_on) for a in meeting.actions.order_by("position")] == [
        ("联系供应商", date(2026, 12, 22)),
        ("盘点备件", date(2026, 12, 23)),
    ]


def test_the_selectors_of_the_monthly_report(time_machine, meeting, manager, field_tech):
    time_machine.move_to(at(2026, 12, 20, 9))
    manager_item = meeting.actions.get(owner=manager)
    meeting_action_done(actor=manager, action=manager_item, result="已更新")
    assert meetings_in_month(date(2026, 12, 1)) == [
        {
            "number": meeting.number,
            "date": date(2026, 12, 11),
            "title": "12月服务例会",
            "decisions": "迟到超过半小时须提前致电",
        }
    ]
    assert meetings_in_month(date(2026, 11, 30)) == []
    assert open_meeting_actions(date(2026, 12, 31)) == [
        {
            "meeting": meeting.number,
            "meeting_date": date(2026, 12, 11),
            "text": "迟到投诉逐一致歉",
            "owner": "陈杰",
            "due_on": date(2026, 12, 18),
            "overdue": True,
        }
    ]
    # As the month stood on the 15th: both items were open, neither overdue.
    assert [(a["text"], a["overdue"]) for a in open_meeting_actions(date(2026, 12, 15))] == [
        ("迟到投诉逐一致歉", False),
        ("更新回访话术", False),
    ]
    assert open_meeting_actions(date(2026, 12, 10)) == []  # before the meeting


def test_the_list_page_costs_a_fixed_number_of_queries(
    client, meeting, manager, django_assert_max_num_queries
):
    for n in range(3):  # more rows cost no more queries
        meeting_create(
            actor=manager,
            data=MeetingInput(
                held_on=date(2026, 12, 1 + n),
                title=f"例会{n}",
                actions=[ActionInput(f"事项{n}", manager, date(2026, 12, 20))],
            ),
        )
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        page = client.get("/feedback/meetings/")
    assert page.content.decode().count('data-testid="meeting-HY-') == 4
    with django_assert_max_num_queries(8):
        actions = client.get("/feedback/meetings/actions/?status=open")
    assert actions.content.decode().count('data-testid="action-done-') == 5


# -- the API -----------------------------------------------------------------------------------


def test_the_api_happy_path(api_as, time_machine, manager, field_tech):
    time_machine.move_to(at(2026, 12, 11, 16))
    api = api_as(manager)
    made = api.post(
        "/api/v1/feedback/meetings/",
        {
            "held_on": "2026-12-11",
            "title": "12月服务例会",
            "attendees": [manager.username, field_tech.username],
            "agenda": "投诉回顾",
            "minutes": "……",
            "decisions": "迟到须提前致电",
            "actions": [{"text": "逐一致歉", "owner": field_tech.username, "due_on": "2026-12-18"}],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    number = body["number"]
    assert [a["username"] for a in body["attendees"]] == [manager.username, field_tech.username]
    action = body["actions"][0]
    assert (action["owner"], action["due_on"], action["done_at"]) == (
        field_tech.username,
        "2026-12-18",
        None,
    )
    listed = api.get("/api/v1/feedback/meetings/").json()
    assert listed["results"][0]["number"] == number
    assert listed["results"][0]["open_actions"] == 1
    # The owner, an attendee, reads the meeting and marks the item done.
    owner = api_as(field_tech)
    assert owner.get(f"/api/v1/feedback/meetings/{number}/").status_code == 200
    done = owner.post(
        f"/api/v1/feedback/meetings/{number}/actions/{action['id']}/done/",
        {"result": "已致电"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["done_by"] == field_tech.username
    again = owner.post(
        f"/api/v1/feedback/meetings/{number}/actions/{action['id']}/done/",
        {"result": "再次"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_done"


def test_the_api_names_the_bad_field(api_as, time_machine, manager):
    time_machine.move_to(at(2026, 12, 11, 16))
    api = api_as(manager)
    url = "/api/v1/feedback/meetings/"
    cases = [
        ({"held_on": "2026-12-11"}, "title"),
        ({"title": "例会", "held_on": "yesterday"}, "held_on"),
        ({"title": "例会", "held_on": "2026-12-11", "attendees": ["nobody"]}, "attendees"),
        (
            {
                "title": "例会",
                "held_on": "2026-12-11",
                "actions": [{"text": "x", "owner": "nobody", "due_on": "2026-12-20"}],
            },
            "actions[0].owner",
        ),
        (
            {
                "title": "例会",
                "held_on": "2026-12-11",
                "actions": [{"text": "x", "owner": manager.username, "due_on": "2026-12-01"}],
            },
            "actions[0].due_on",
        ),
        (
            {"title": "例会", "held_on": "2026-12-11", "actions": [{"owner": manager.username}]},
            "actions[0].text",
        ),
    ]
    for body, field in cases:
        answer = api.post(url, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert field in answer.json()["fields"], (field, answer.json())
    assert not ServiceMeeting.objects.exists()


def test_a_done_item_needs_what_was_done(api_as, meeting, field_tech):
    action = meeting.actions.get(owner=field_tech)
    answer = api_as(field_tech).post(
        f"/api/v1/feedback/meetings/{meeting.number}/actions/{action.pk}/done/", {}, format="json"
    )
    assert answer.status_code == 400 and "result" in answer.json()["fields"]


# -- who may -----------------------------------------------------------------------------------


def test_dealers_are_refused_and_technicians_read_only_their_own(
    client, api_as, meeting, field_tech, dealer, make_user, department
):
    other_tech = make_user(Role.SERVICE, username="tech2", department=department)
    TechnicianProfile.objects.create(user=other_tech)
    client.force_login(dealer)
    for url in (
        "/feedback/meetings/",
        "/feedback/meetings/new/",
        "/feedback/meetings/actions/",
        f"/feedback/meetings/{meeting.number}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/feedback/meetings/{meeting.number}/").status_code == 404
    dealer_api = api_as(dealer)
    assert dealer_api.get("/api/v1/feedback/meetings/").status_code == 403
    made = dealer_api.post(
        "/api/v1/feedback/meetings/", {"held_on": "2026-12-11", "title": "x"}, format="json"
    )
    assert made.status_code == 403
    assert dealer_api.get(f"/api/v1/feedback/meetings/{meeting.number}/").status_code == 404

    for tech, reads in ((field_tech, True), (other_tech, False)):
        client.force_login(tech)
        # The list leads a technician to their own items.
        listed = client.get("/feedback/meetings/")
        assert listed.status_code == 302 and listed["Location"] == "/feedback/meetings/actions/"
        assert client.get("/feedback/meetings/new/").status_code == 403
        assert client.get(f"/feedback/meetings/{meeting.number}/edit/").status_code == 403
        detail = client.get(f"/feedback/meetings/{meeting.number}/")
        assert detail.status_code == (200 if reads else 404)
        if reads:
            assert "/edit/" not in detail.content.decode()  # no editing offered
        api = api_as(tech)
        assert api.get("/api/v1/feedback/meetings/").status_code == 403
        made = api.post(
            "/api/v1/feedback/meetings/", {"held_on": "2026-12-11", "title": "x"}, format="json"
        )
        assert made.status_code == 403
        answer = api.get(f"/api/v1/feedback/meetings/{meeting.number}/")
        assert answer.status_code == (200 if reads else 404)
    # Another's item is not theirs to close.
    item = meeting.actions.exclude(owner=field_tech).get()
    refused = api_as(field_tech).post(
        f"/api/v1/feedback/meetings/{meeting.number}/actions/{item.pk}/done/",
        {"result": "x"},
        format="json",
    )
    assert refused.status_code == 403
    assert MeetingAction.objects.filter(done_at__isnull=False).count() == 0


def test_the_navigation(client, manager, dealer):
    client.force_login(manager)
    assert "/feedback/meetings/" in client.get("/").content.decode()
    client.force_login(dealer)
    assert "/feedback/meetings/" not in client.get("/").content.decode()


def test_an_attendee_who_is_not_a_manager_reads_the_meeting(client, meeting, make_user):
    clerk = make_user(Role.LOGISTICS, username="wh1")
    meeting.attendees.add(clerk)
    client.force_login(clerk)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get("/feedback/meetings/").status_code == 403  # not a manager
