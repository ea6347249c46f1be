"""Internal notes and the call log of a case (issue 17, item 8): written by whoever works the
case, read by whoever may see it, on the timeline and in the API, never shown to the
customer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.customers.models import Dealer, DealerMember

from ..models import CaseCall, CaseNote
from ..services.intake import IntakeInput, case_intake
from ..services.tracking import tracking_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):
    return case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone="13912345678",
            description="电视屏幕有横线",
        ),
    )[0]


def notes_url(case):
    return f"/api/v1/tickets/{case.number}/notes/"


def calls_url(case):
    return f"/api/v1/tickets/{case.number}/calls/"


def test_a_note_is_added_read_back_and_kept_from_the_customer(api_as, client, agent, case):
    version = case.version
    answer = api_as(agent).post(notes_url(case), {"text": "  客户要求周五上午上门  "})
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["text"] == "客户要求周五上午上门"
    assert body["author"] == "孙丽"
    assert set(body) == {"id", "text", "author", "created_at"}

    listed = api_as(agent).get(notes_url(case)).json()
    assert [n["text"] for n in listed] == ["客户要求周五上午上门"]
    case.refresh_from_db()
    assert case.version == version  # a note does not make a colleague's open form stale

    client.force_login(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "客户要求周五上午上门" in page  # on the timeline
    track = client.get(tracking_url(case)).content.decode()
    assert "客户要求周五上午上门" not in track


def test_a_call_is_logged_with_direction_duration_and_outcome(api_as, agent, case):
    at = timezone.now() - timedelta(hours=2)
    answer = api_as(agent).post(
        calls_url(case),
        {
            "direction": "outbound",
            "duration_seconds": 200,
            "outcome": "reached",
            "note": "约好明天上门",
            "called_at": at.isoformat(),
        },
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["direction"] == "outbound" and body["duration_seconds"] == 200
    assert body["outcome"] == "reached" and body["note"] == "约好明天上门"
    assert body["recorded_by"] == "孙丽"
    call = CaseCall.objects.get()
    assert abs(call.called_at - at) < timedelta(seconds=1)

    # Without a time: now.
    assert (
        api_as(agent)
        .post(calls_url(case), {"direction": "inbound", "duration_seconds": 0, "outcome": "busy"})
        .status_code
        == 201
    )
    listed = api_as(agent).get(calls_url(case)).json()
    assert [c["direction"] for c in listed] == ["outbound", "inbound"]  # by call time


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"direction": "sideways", "duration_seconds": 10, "outcome": "reached"}, "direction"),
        (
            {"direction": "inbound", "duration_seconds": -1, "outcome": "reached"},
            "duration_seconds",
        ),
        (
            {"direction": "inbound", "duration_seconds": 90000, "outcome": "reached"},
            "duration_seconds",
        ),
        ({"direction": "inbound", "duration_seconds": 10, "outcome": "maybe"}, "outcome"),
        ({"direction": "inbound", "outcome": "reached"}, "duration_seconds"),
    ],
)
def test_a_bad_call_is_a_400_naming_the_field(api_as, agent, case, body, field):
    answer = api_as(agent).post(calls_url(case), body)
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    assert not CaseCall.objects.exists()


def test_a_call_in_the_future_and_an_empty_note_are_refused(api_as, agent, case):
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    answer = api_as(agent).post(
        calls_url(case),
        {"direction": "inbound", "duration_seconds": 5, "outcome": "reached", "called_at": later},
    )
    assert answer.status_code == 400 and "called_at" in answer.json()["fields"]
    answer = api_as(agent).post(notes_url(case), {"text": "   "})
    assert answer.status_code == 400 and "text" in answer.json()["fields"]
    assert not CaseNote.objects.exists()


def test_who_writes_and_who_reads(api_as, make_user, agent, case):
    quality = make_user(Role.QUALITY, username="q1")
    api_as(agent).post(notes_url(case), {"text": "内部备注"})
    # Quality may read the case, not work it.
    assert api_as(quality).get(notes_url(case)).status_code == 200
    assert api_as(quality).get(calls_url(case)).status_code == 200
    assert api_as(quality).post(notes_url(case), {"text": "x"}).status_code == 403
    call = {"direction": "inbound", "duration_seconds": 1, "outcome": "reached"}
    assert api_as(quality).post(calls_url(case), call).status_code == 403
    # ... unless the case is given to them.
    case.assignee = quality
    case.save(update_fields=["assignee"])
    assert api_as(quality).post(notes_url(case), {"text": "我来跟进"}).status_code == 201

    # Another dealer's person does not see the case at all.
    dealer = Dealer.objects.create(code="other", name="别家经销商")
    outsider = make_user(Role.DEALER, username="d-other")
    DealerMember.objects.create(dealer=dealer, user=outsider)
    assert api_as(outsider).get(notes_url(case)).status_code == 404
    assert api_as(outsider).post(notes_url(case), {"text": "x"}).status_code == 404
    assert api_as(outsider).get(calls_url(case)).status_code == 404


def test_phone_numbers_in_the_text_are_masked_for_roles_that_do_not_call(
    api_as, client, make_user, agent, case
):
    api_as(agent).post(notes_url(case), {"text": "客户新号码 13987654321"})
    api_as(agent).post(
        calls_url(case),
        {
            "direction": "inbound",
            "duration_seconds": 30,
            "outcome": "reached",
            "note": "改打 13987654321",
        },
    )
    quality = make_user(Role.QUALITY, username="q2")
    assert api_as(quality).get(notes_url(case)).json()[0]["text"] == "客户新号码 139****4321"
    assert api_as(quality).get(calls_url(case)).json()[0]["note"] == "改打 139****4321"
    assert api_as(agent).get(notes_url(case)).json()[0]["text"] == "客户新号码 13987654321"
    client.force_login(quality)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "139****4321" in page and "13987654321" not in page


def test_the_case_page_writes_notes_and_calls(client, agent, make_user, case):
    client.force_login(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="note-form"' in page and 'data-testid="call-form"' in page
    step = f"/service/cases/{case.number}/step/"
    assert client.post(step + "note/", {"text": "已电话安抚客户"}).status_code == 302
    answer = client.post(
        step + "call/",
        {
            "direction": "outbound",
            "minutes": "3",
            "seconds": "20",
            "outcome": "reached",
            "note": "约周五",
        },
    )
    assert answer.status_code == 302
    call = CaseCall.objects.get()
    assert call.duration_seconds == 200 and call.recorded_by == agent
    page = client.get(case.get_absolute_url()).content.decode()
    assert "已电话安抚客户" in page and "约周五" in page
    assert "bi-telephone-outbound" in page and "bi-journal-text" in page

    # A time typed in the form (China time) is kept; one in the future is refused.
    client.post(
        step + "call/",
        {"direction": "inbound", "minutes": "0", "seconds": "0", "outcome": "no_answer",
         "called_at": "2020-01-02T09:30"},
    )  # fmt: skip
    early = CaseCall.objects.get(outcome="no_answer")
    assert timezone.localtime(early.called_at).strftime("%Y-%m-%d %H:%M") == "2020-01-02 09:30"
    client.post(step + "call/", {"direction": "inbound", "minutes": "x", "outcome": "busy"})
    assert not CaseCall.objects.filter(outcome="busy").exists()

    # Someone who may only read the case sees the history, not the forms.
    quality = make_user(Role.QUALITY, username="q3")
    client.force_login(quality)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "已电话安抚客户" in page
    assert 'data-testid="note-form"' not in page
    assert client.post(step + "note/", {"text": "x"}).status_code == 302
    assert CaseNote.objects.count() == 1
