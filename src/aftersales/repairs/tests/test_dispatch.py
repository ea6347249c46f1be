"""Dispatch and appointments (SVC-7): the suggestion's ranking, the on-site time limit, the
appointment's history and the customer's message; the repair centre's clock and the remedy
proposed past the limit (S3, WAR-7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.core.errors import InvalidInput
from aftersales.core.models import Notification, OutboundMessage
from aftersales.repairs.models import AppointmentChange, WorkOrder
from aftersales.repairs.services import dispatch, repair_centre
from aftersales.repairs.services.work_orders import work_order_create

from .conftest import technician, tomorrow_at

pytestmark = pytest.mark.django_db


def _work(dispatcher, customer, *skills, kind="onsite_repair"):
    wo = work_order_create(actor=dispatcher, kind=kind, customer=customer, problem="空调不制冷")
    wo.skills.set(skills)
    return wo


def test_the_suggestion_ranks_skills_then_region_then_free_time(
    make_user, dispatcher, customer, skills
):
    """SVC-7: a suitable technician — the skill first, the region next, the emptier day."""
    near_no_skill = technician(make_user, "t1", "甲", "浦东新区", [skills["tv"]])
    far_skilled = technician(make_user, "t2", "乙", "徐汇区", [skills["aircon"]])
    near_skilled = technician(make_user, "t3", "丙", "浦东新区, 闵行区", [skills["aircon"]])
    busy = technician(make_user, "t4", "丁", "浦东新区", [skills["aircon"]], per_day=1)
    wo = _work(dispatcher, customer, skills["aircon"])
    assert wo.region == "浦东新区"
    other = _work(dispatcher, customer)
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=other, technician=busy,
        start=tomorrow_at(9), end=tomorrow_at(10),
    )  # fmt: skip
    ranked = dispatch.dispatch_suggestions(wo, timezone.localdate() + timedelta(days=1))
    assert [s.technician for s in ranked] == [near_skilled, far_skilled, near_no_skill, busy]
    assert "日程已满" in "，".join(ranked[-1].reasons) or ranked[-1].load == 1


def test_booking_inside_the_on_site_limit_and_telling_the_customer(
    make_user, dispatcher, customer, skills
):
    tech = technician(make_user, "t1", "陈杰", "浦东新区", [skills["aircon"]])
    wo = _work(dispatcher, customer, skills["aircon"])
    assert wo.onsite_due_at > timezone.now()  # S12: 3 working days by the preset
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=wo, technician=tech, start=tomorrow_at(9), end=tomorrow_at(12)
    )
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.SCHEDULED and wo.technician == tech
    sms = OutboundMessage.objects.get(related=wo.number)
    assert "陈杰" in sms.body and "09:00" in sms.body and "12:00" in sms.body
    dispatch.work_order_confirm(actor=dispatcher, work_order=wo)
    wo.refresh_from_db()
    assert wo.confirmed_at is not None


def test_a_visit_after_the_limit_needs_a_reason(make_user, dispatcher, customer, skills):
    tech = technician(make_user, "t1", "陈杰", "浦东新区")
    wo = _work(dispatcher, customer)
    late = wo.onsite_due_at + timedelta(days=3)
    with pytest.raises(InvalidInput) as error:
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=wo, technician=tech, start=late,
            end=late + timedelta(hours=2),
        )  # fmt: skip
    assert "reason" in error.value.fields
    assert WorkOrder.objects.get(pk=wo.pk).status == WorkOrder.Status.NEW
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=wo, technician=tech, start=late,
        end=late + timedelta(hours=2), reason="客户要求下周再来",
    )  # fmt: skip
    assert WorkOrder.objects.get(pk=wo.pk).status == WorkOrder.Status.SCHEDULED


def test_a_visit_in_the_past_is_refused_with_a_technician_chosen(make_user, dispatcher, customer):
    """SVC-7: a visit booked for yesterday is refused on its start, technician or not."""
    tech = technician(make_user, "t1", "陈杰", "浦东新区")
    wo = _work(dispatcher, customer)
    yesterday = tomorrow_at(9) - timedelta(days=2)
    with pytest.raises(InvalidInput) as error:
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=wo, technician=tech, start=yesterday,
            end=yesterday + timedelta(hours=2),
        )  # fmt: skip
    assert "start" in error.value.fields
    assert WorkOrder.objects.get(pk=wo.pk).status == WorkOrder.Status.NEW


def test_moving_a_visit_keeps_its_history_and_tells_the_customer(make_user, dispatcher, customer):
    first = technician(make_user, "t1", "陈杰", "浦东新区")
    second = technician(make_user, "t2", "杨敏", "浦东新区")
    wo = _work(dispatcher, customer)
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=wo, technician=first, start=tomorrow_at(9), end=tomorrow_at(11)
    )
    with pytest.raises(InvalidInput):  # moving needs a reason
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=wo, technician=second, start=tomorrow_at(14),
            end=tomorrow_at(16),
        )  # fmt: skip
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=wo, technician=second, start=tomorrow_at(14),
        end=tomorrow_at(16), reason="陈杰请假",
    )  # fmt: skip
    change = AppointmentChange.objects.get(work_order=wo)
    assert (change.old_technician, change.reason) == (first, "陈杰请假")
    assert timezone.localtime(change.old_start).hour == 9
    assert timezone.localtime(change.new_start).hour == 14
    assert OutboundMessage.objects.filter(related=wo.number).count() == 2


def test_only_dispatchers_book_visits(make_user, customer, dispatcher):
    from aftersales.accounts.roles import Role
    from aftersales.core.errors import PermissionDenied

    tech = technician(make_user, "t1", "陈杰", "浦东新区")
    wo = _work(dispatcher, customer)
    for role in (Role.CUSTOMER_SERVICE, Role.LOGISTICS, Role.SALES, Role.QUALITY, Role.DEALER):
        with pytest.raises(PermissionDenied):
            dispatch.work_order_schedule(
                actor=make_user(role), work_order=wo, technician=tech,
                start=tomorrow_at(9), end=tomorrow_at(10),
            )  # fmt: skip


def test_the_repair_centre_clock_and_the_remedy_past_the_limit(dispatcher, customer, make_user):
    """S3: repaired within 15 working days of receipt; past it, the remedy is proposed and
    the dispatchers are told (WAR-7)."""
    from aftersales.sla.models import SlaClock
    from aftersales.workdays import current_calendar

    wo = _work(dispatcher, customer, kind="mail_in")
    assert wo.onsite_due_at is None
    repair_centre.work_order_receive(
        actor=dispatcher, work_order=wo, condition="外壳完好，屏幕不亮", accessories="遥控器"
    )
    wo.refresh_from_db()
    received = timezone.localtime(wo.received_at).date()
    assert wo.status == WorkOrder.Status.RECEIVED
    assert wo.repair_due_on == current_calendar().add_working_days(received, 15)
    assert SlaClock.objects.filter(owner_id=wo.pk, metric="resolution", amount=15).exists()
    due = f"{wo.repair_due_on:%Y-%m-%d}"
    assert OutboundMessage.objects.filter(related=wo.number, body__contains=due).exists()

    assert repair_centre.repair_limit_check(today=wo.repair_due_on) == []
    late = repair_centre.repair_limit_check(today=wo.repair_due_on + timedelta(days=1))
    assert [w.pk for w in late] == [wo.pk]
    wo.refresh_from_db()
    assert "备用" in wo.remedy_proposed or "换" in wo.remedy_proposed
    assert Notification.objects.filter(recipient=dispatcher, link__contains=wo.number).exists()
    # Proposed once, not every day.
    assert repair_centre.repair_limit_check(today=wo.repair_due_on + timedelta(days=2)) == []


def test_a_technician_acts_on_their_own_work_only(make_user, dispatcher, customer):
    """Two technicians of the after-sales department: neither sees nor completes the other's
    visit; a technician who also dispatches may."""
    from aftersales.core.errors import PermissionDenied
    from aftersales.repairs.permissions import can_dispatch
    from aftersales.repairs.selectors import work_orders_for_user
    from aftersales.repairs.services.work_orders import work_order_check_in

    first = technician(make_user, "t1", "陈杰", "浦东新区")
    second = technician(make_user, "t2", "杨敏", "浦东新区")
    assert not can_dispatch(first) and can_dispatch(dispatcher)
    wo = _work(dispatcher, customer)
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=wo, technician=first, start=tomorrow_at(9), end=tomorrow_at(11)
    )
    assert list(work_orders_for_user(second)) == []
    assert list(work_orders_for_user(first)) == [wo]
    with pytest.raises(PermissionDenied):
        work_order_check_in(actor=second, work_order=wo)
    second.technician_profile.dispatcher = True
    second.technician_profile.save()
    del second._repairs_field_technician
    work_order_check_in(actor=second, work_order=wo)  # the dispatching technician may


def test_a_mail_in_repair_is_not_visited_and_a_visit_is_not_sent_back(
    make_user, dispatcher, customer
):
    from aftersales.core.errors import Conflict
    from aftersales.repairs.services.work_orders import work_order_check_in

    tech = technician(make_user, "t1", "陈杰", "浦东新区")
    mail_in = _work(dispatcher, customer, kind="mail_in")
    with pytest.raises(Conflict):
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=mail_in, technician=tech, start=tomorrow_at(9),
            end=tomorrow_at(10),
        )  # fmt: skip
    with pytest.raises(Conflict):  # tested before it is even being repaired
        repair_centre.work_order_test(actor=dispatcher, work_order=mail_in, result="正常")
    visit = _work(dispatcher, customer)
    with pytest.raises(Conflict):
        work_order_check_in(actor=dispatcher, work_order=visit)  # not scheduled yet


def test_the_case_resolution_clock_stops_only_when_the_problem_is_solved(
    make_user, dispatcher, customer, api_as
):
    """A visit that ends "taken to the repair centre" has not solved the customer's problem."""
    from aftersales.accounts.roles import Role
    from aftersales.repairs.services.work_orders import (
        work_order_check_in,
        work_order_complete,
        work_order_from_case,
    )
    from aftersales.service.models import Case
    from aftersales.sla.models import SlaClock

    agent = make_user(Role.CUSTOMER_SERVICE)
    body = {
        "channel": "phone", "kind": "repair",
        "customer": {"name": customer.name, "phone": customer.mobile},
        "description": "空调不制冷",
    }  # fmt: skip
    case = Case.objects.get(
        number=api_as(agent).post("/api/v1/tickets/", body, format="json").json()["number"]
    )
    tech = technician(make_user, "t1", "陈杰", "浦东新区")
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )

    def visit(result):
        wo = work_order_from_case(actor=dispatcher, case=case, kind="onsite_repair")
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=wo, technician=tech, start=tomorrow_at(9),
            end=tomorrow_at(10),
        )  # fmt: skip
        work_order_check_in(actor=tech, work_order=wo)
        work_order_complete(
            actor=tech, work_order=wo, diagnosis="压缩机故障", work_done="拆回维修中心",
            result=result, signed_name="王小明", signature=png,
        )  # fmt: skip

    def resolution_open():
        return SlaClock.objects.filter(
            owner_id=case.pk, metric="resolution", status__in=("running", "paused")
        ).exists()

    assert resolution_open()
    visit("to_repair_centre")
    assert resolution_open()
    visit("fixed")
    assert not resolution_open()


def test_a_technician_on_leave_is_not_suggested_first_nor_booked(make_user, dispatcher, customer):
    """The technician's own working calendar: a day of leave puts them last and refuses the
    booking, naming the field."""
    from aftersales.repairs.models import TechnicianAbsence

    away = technician(make_user, "t1", "陈杰", "浦东新区")
    here = technician(make_user, "t2", "杨敏", "徐汇区")
    day = timezone.localdate() + timedelta(days=1)
    TechnicianAbsence.objects.create(user=away, first_day=day, last_day=day, reason="年假")
    wo = _work(dispatcher, customer)
    ranked = dispatch.dispatch_suggestions(wo, day)
    assert [s.technician for s in ranked] == [here, away]
    assert any("年假" in r for r in ranked[-1].reasons)
    with pytest.raises(InvalidInput) as error:
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=wo, technician=away, start=tomorrow_at(9),
            end=tomorrow_at(10),
        )  # fmt: skip
    assert "technician" in error.value.fields
