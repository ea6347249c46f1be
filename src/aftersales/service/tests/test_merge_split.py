"""Cases can be merged and split (SVC-6): a duplicate closes into the case that carries on; a
second problem becomes its own case."""

import pytest

from aftersales.core.errors import Conflict, InvalidInput
from aftersales.sla.models import SlaClock

from ..models import Case
from ..services import workflow
from ..services.intake import IntakeInput, case_intake
from ..services.sla import clocks_of

pytestmark = pytest.mark.django_db


def take(agent, description, phone="13912345678", name="王小明"):
    return case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=name,
            customer_phone=phone,
            description=description,
        ),
    )[0]


def test_a_duplicate_is_merged_into_the_case_that_carries_on(agent):
    first = take(agent, "洗衣机不脱水")
    again = take(agent, "洗衣机又不脱水了，昨天打过电话")
    workflow.case_merge(actor=agent, source=again, target=first, note="同一问题")
    again.refresh_from_db()
    assert again.status == Case.Status.CLOSED and again.merged_into == first
    assert set(clocks_of(again).values_list("status", flat=True)) == {SlaClock.Status.CANCELLED}
    assert first.events.filter(action="merge", note__contains=again.number).exists()
    with pytest.raises(Conflict):
        workflow.case_merge(actor=agent, source=again, target=first)


def test_only_the_same_customers_cases_merge(agent):
    mine = take(agent, "不制冷")
    other = take(agent, "不制冷", phone="13800000002", name="李四")
    with pytest.raises(InvalidInput) as refused:
        workflow.case_merge(actor=agent, source=other, target=mine)
    assert "target" in refused.value.fields


def test_a_second_problem_is_split_into_its_own_case(client, agent):
    case = take(agent, "洗衣机不脱水，另外门把手松了")
    new = workflow.case_split(actor=agent, case=case, kind="maintenance", description="门把手松动")
    assert new.number != case.number and new.customer == case.customer
    assert new.kind == "maintenance" and new.description == "门把手松动"
    assert case.events.filter(action="split", note__contains=new.number).exists()
    assert clocks_of(new).exists()
    client.force_login(agent)
    page = client.get(f"/service/cases/{new.number}/").content.decode()
    assert case.number in page  # "split from" on its timeline
