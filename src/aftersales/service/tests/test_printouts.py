"""The two forms of a case the source documents name (issue 17): the customer service
request form (客户服务申请表, S6) and the after-sales service sheet the customer signs and
keeps (售后服务单, S15); printed from the case page by whoever may open the case."""

import pytest
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import (
    MARKUP_TEXTS,
    assert_pdf_prints_as_typed,
    assert_pdf_reads_well,
    no_missing_glyphs,
    pdf_objects,
)

from ..services import workflow
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):
    ProductFactory(sku="FR-450", name="450升风冷对开门冰箱", model="BCD-450")
    made, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="李秀英",
            customer_phone="13998765432",
            description="冰箱冷藏室不制冷，冷冻室正常。",
            product_sku="FR-450",
            requested_remedy="尽快上门维修",
        ),
    )
    return made


def pdf(client, name, case):
    response = client.get(reverse(f"service:case-{name}", args=[case.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_the_request_form_has_the_customer_the_product_the_need_and_the_dispatch(
    client, agent, case
):
    client.force_login(agent)
    with no_missing_glyphs():
        data = pdf(client, "request-form", case)
    text = assert_pdf_reads_well(
        data,
        "客户服务申请表",
        case.number,
        "李秀英",
        "13998765432",
        "450升风冷对开门冰箱",
        "BCD-450",
        "冰箱冷藏室不制冷，冷冻室正常。",
        "尽快上门维修",
    )
    for part in ("一、客户信息", "二、产品信息", "三、服务需求", "四、服务派遣", "派遣技术人员"):
        assert part in text
    assert "维修" in text and "电话" in text  # kind and channel, in Chinese
    assert "孙丽" in text  # who took it in


def test_the_service_sheet_is_the_customers_copy_with_result_and_rights(client, agent, case):
    workflow.case_transition(actor=agent, case=case, action="accept")
    workflow.case_transition(
        actor=agent, case=case, action="resolve", solution="更换温控器", result="制冷正常"
    )
    client.force_login(agent)
    with no_missing_glyphs():
        data = pdf(client, "service-sheet", case)
    text = assert_pdf_reads_well(
        data, "售后服务单", case.number, "李秀英", "更换温控器", "制冷正常"
    )
    assert "客户联" in text
    assert "再次处理" in text and "进一步投诉" in text and "满意度" in text  # S15 rights
    assert "客户签字" in text
    # The QR code of the case's own link is drawn, not an image (nothing to fetch).
    assert b"/Subtype /Image" not in pdf_objects(data)


def test_a_reader_who_does_not_call_customers_gets_the_phone_masked(client, make_user, case):
    client.force_login(make_user(Role.QUALITY))
    for name in ("request-form", "service-sheet"):
        text = assert_pdf_reads_well(pdf(client, name, case), case.number)
        assert "139****5432" in text and "13998765432" not in text


def test_the_forms_print_markup_like_text_as_typed(client, agent):
    image, link, less, amp = MARKUP_TEXTS
    made, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name=less,
            customer_phone="13912345678",
            description=f"{image} {link}",
            requested_remedy=amp,
        ),
    )
    client.force_login(agent)
    for name in ("request-form", "service-sheet"):
        assert_pdf_prints_as_typed(pdf(client, name, made), *MARKUP_TEXTS)


def test_the_case_page_offers_both_forms_and_others_dealers_get_nothing(
    client, agent, make_user, case
):
    client.force_login(agent)
    html = client.get(reverse("service:case-detail", args=[case.number])).content.decode()
    assert reverse("service:case-request-form", args=[case.number]) in html
    assert reverse("service:case-service-sheet", args=[case.number]) in html
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory

    outsider = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=outsider)
    client.force_login(outsider)
    for name in ("request-form", "service-sheet"):
        url = reverse(f"service:case-{name}", args=[case.number])
        assert client.get(url).status_code == 404
