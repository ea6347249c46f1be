"""The case's handler sees its work orders (issue 17, item 8): the field-service panel on the
case page shows them to whoever the case is assigned to — a field technician, or someone of
another department — and every link in it opens."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.repairs.services.work_orders import work_order_create
from aftersales.service.services.intake import IntakeInput, case_intake

from .conftest import technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def repair_case(make_user, customer, dispatcher):
    agent = make_user(Role.CUSTOMER_SERVICE, username="agent-p")
    case = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=customer.name,
            customer_phone=customer.mobile,
            description="冰箱不制冷",
        ),
    )[0]
    wo = work_order_create(
        actor=dispatcher, kind="onsite_repair", customer=customer, problem="冰箱不制冷", case=case
    )
    return case, wo


def _panel(client, user, case) -> str:
    client.force_login(user)
    page = client.get(case.get_absolute_url()).content.decode()
    start = page.find('data-testid="case-work-orders"')
    if start < 0:
        return ""
    ends = [i for i in (page.find("</ul>", start), page.find("card-body", start)) if i >= 0]
    return page[start : min(ends)]


def test_a_field_technician_handling_the_case_sees_its_work_orders(client, make_user, repair_case):
    case, wo = repair_case
    tech = technician(make_user, "tech-h", "陈杰", "浦东新区")
    assert _panel(client, tech, case) == ""  # not theirs: nothing to show

    case.assignee = tech
    case.save(update_fields=["assignee"])
    panel = _panel(client, tech, case)
    assert wo.number in panel
    assert client.get(wo.get_absolute_url()).status_code == 200  # the link opens


def test_a_handler_from_another_department_sees_them_too(client, make_user, repair_case):
    case, wo = repair_case
    quality = make_user(Role.QUALITY, username="q-h")
    assert _panel(client, quality, case) == ""
    assert client.get(wo.get_absolute_url()).status_code == 404

    case.assignee = quality
    case.save(update_fields=["assignee"])
    panel = _panel(client, quality, case)
    assert wo.number in panel and 'data-testid="new-work-order"' not in panel
    assert client.get(wo.get_absolute_url()).status_code == 200
    # The way back from the work order leads somewhere they may go.
    board = client.get("/repairs/")
    assert board.status_code == 302
    assert client.get(board["Location"]).status_code == 200


def test_who_sees_every_work_order_still_does(client, make_user, repair_case):
    case, wo = repair_case
    for role in (Role.CUSTOMER_SERVICE, Role.LOGISTICS, Role.ADMIN):
        person = make_user(role, username=f"viewer-{role}")
        assert wo.number in _panel(client, person, case), role
