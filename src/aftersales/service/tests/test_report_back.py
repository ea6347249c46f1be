"""The department reports back (SVC-5): when the department a case was routed to resolves it,
customer service hears the result in the product and the timeline says who reported back and
when; the customer is told once, by the resolve step."""

import pytest

from aftersales.accounts.models import Department
from aftersales.accounts.roles import Role
from aftersales.core.models import Notification, OutboundMessage

from ..models import RoutingRule
from ..services import workflow
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(agent, technician):
    service = Department.objects.create(code="svc", name="售后服务部")
    technician.department = service
    technician.save()
    RoutingRule.objects.create(name="维修", position=10, kind="repair", department=service)
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="王小明",
            customer_phone="13912345678",
            description="冰箱不制冷",
        ),
    )
    assert case.assignee == technician
    return case


def resolve(actor, case):
    workflow.case_transition(actor=actor, case=case, action="accept")
    return workflow.case_transition(
        actor=actor, case=case, action="resolve", solution="更换温控器", result="制冷正常"
    )


def test_the_department_reports_the_result_to_the_agent_who_took_the_case(
    client, agent, technician, routed
):
    resolve(technician, routed)
    report = routed.events.get(action="report_back")
    assert report.actor == technician and report.at is not None
    assert "孙丽" in report.note and "更换温控器" in report.note
    told = Notification.objects.get(recipient=agent, title__contains=routed.number)
    assert "更换温控器" in told.body and "制冷正常" in told.body
    assert told.link == routed.get_absolute_url()
    # The customer hears of each step once (received, accepted, resolved): no second message.
    assert OutboundMessage.objects.filter(related=routed.number, channel="sms").count() == 3
    client.force_login(agent)
    page = client.get(f"/service/cases/{routed.number}/").content.decode()
    assert report.note in page  # on the timeline: who reported back to whom, and the result


def test_customer_service_solving_the_case_itself_reports_to_nobody(agent, routed):
    resolve(agent, routed)
    assert not routed.events.filter(action="report_back").exists()
    assert not Notification.objects.filter(recipient=agent, title__contains=routed.number)


def test_a_case_taken_in_by_someone_else_reports_to_all_of_customer_service(
    make_user, technician, routed
):
    desk = make_user(Role.CUSTOMER_SERVICE, username="cs2", full_name="钱芳")
    routed.created_by = make_user(Role.DEALER, username="dealer1")
    routed.save(update_fields=["created_by"])
    resolve(technician, routed)
    assert Notification.objects.filter(recipient=desk, title__contains=routed.number).exists()
    assert "钱芳" in routed.events.get(action="report_back").note


def test_reopened_and_resolved_again_reports_again(technician, routed):
    resolve(technician, routed)
    workflow.case_transition(
        actor=None, case=routed, action="reject", note="还是不制冷", by_customer=True
    )
    workflow.case_transition(actor=technician, case=routed, action="resolve", solution="补充制冷剂")
    assert routed.events.filter(action="report_back").count() == 2
