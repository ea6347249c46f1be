"""写成知识 (FB-4): an article pre-filled from a solved case — the customer's description as
the problem, the technicians' diagnosis as the cause, the case's solution as the steps, the
parts used, and the case kept as the source of version 1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.repairs.models import ChargeLine, SparePart, WorkOrder
from aftersales.repairs.services.work_orders import work_order_create

from .. import services
from .conftest import solve, take_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved_case(writer, tv, screen_lines):
    case = take_case(
        writer, "电视开机后屏幕有横线，越来越多", product=tv, fault_code=screen_lines.code
    )
    order = work_order_create(
        actor=None,
        system=True,
        kind="remote",
        customer=case.customer,
        problem=case.description,
        product=tv,
        case=case,
    )
    WorkOrder.objects.filter(pk=order.pk).update(
        diagnosis="屏线接口氧化，接触不良", work_done="更换屏线"
    )
    part = SparePart.objects.create(part_no="FPC-55A1", name="屏线 55A1", price=Decimal("60"))
    for quantity in (Decimal("2"), Decimal("2")):  # the same part twice is said once
        ChargeLine.objects.create(
            work_order=order,
            kind=ChargeLine.Kind.PART,
            description="屏线",
            part=part,
            quantity=quantity,
            unit_price=Decimal("60"),
            amount=Decimal("120"),
        )
    ChargeLine.objects.create(
        work_order=order,
        kind=ChargeLine.Kind.LABOUR,
        description="上门工时",
        quantity=Decimal("1"),
        unit_price=Decimal("80"),
        amount=Decimal("80"),
    )
    return solve(writer, case, "上门更换屏线，横线消失")


def test_a_solved_case_prefills_the_article(solved_case, tv, screen_lines):
    """FB-4: problem, cause, steps, parts, product, fault code and the source case."""
    draft = services.draft_from_case(solved_case)
    assert draft.title == "液晶电视：屏幕横线/条纹"
    assert draft.problem == "电视开机后屏幕有横线，越来越多"
    assert draft.cause == "屏线接口氧化，接触不良"
    assert draft.solution.splitlines() == ["上门更换屏线，横线消失", "更换屏线"]
    assert draft.parts == "屏线 55A1 × 2"  # parts only, not the labour
    assert draft.products == [tv] and draft.fault_codes == [screen_lines]
    assert draft.cases == [solved_case]


def test_the_article_written_from_the_case_keeps_it_on_version_1(writer, solved_case):
    article = services.article_create(actor=writer, data=services.draft_from_case(solved_case))
    version = article.versions.get()
    assert list(version.cases.all()) == [solved_case]
    assert version.cause == "屏线接口氧化，接触不良" and version.parts == "屏线 55A1 × 2"
    assert list(article.fault_codes.values_list("code", flat=True)) == ["tv-screen-lines"]


def test_a_case_without_work_orders_or_product_still_gives_a_draft(writer):
    case = solve(writer, take_case(writer, "遥控器按键没反应\n换了电池也不行"), "重新配对遥控器")
    draft = services.draft_from_case(case)
    assert draft.title == "遥控器按键没反应"
    assert (draft.cause, draft.parts, draft.solution) == ("", "", "重新配对遥控器")
    assert draft.products == [] and draft.fault_codes == []
