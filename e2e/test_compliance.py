"""Issue 18 B8 in a browser: a refund paid after its due day reaches the compliance register
with the customer's threefold claim (S14 二.2), for the vice-president, from the returns list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_field_service import PHONE, no_sideways_scroll
from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def late_refund():
    """The demo company, and a return whose ¥2,999.00 refund was paid three days late."""
    from aftersales.catalog.models import Product
    from aftersales.customers.models import Customer
    from aftersales.warranty.models import Application, Remedy

    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    now = timezone.now()
    return Application.objects.create(
        number="RA-20261201-0901",
        source=Application.Source.DESK,
        customer=Customer.objects.get(name="王小明"),
        product=Product.objects.get(sku="TV-55A1"),
        requested=Remedy.RETURN,
        remedy=Remedy.RETURN,
        reason="屏幕有横线",
        price=Decimal("2999.00"),
        policy_key="default",
        facts={},
        answer={"options": []},
        evaluated_at=now - timedelta(days=20),
        reviewed_at=now - timedelta(days=15),
        status=Application.Status.REFUNDED,
        refund_due_on=today - timedelta(days=6),
        refund_total=Decimal("2999.00"),
        refunded_at=now - timedelta(days=3),
    )


def test_a_late_refund_on_the_compliance_register_with_its_threefold_exposure(
    page, shot, late_refund
):
    sign_in(page, "liuyang")
    page.wait_for_url("**/")
    page.goto("/warranty/")
    page.get_by_test_id("compliance-link").click()
    page.wait_for_url("**/warranty/compliance/")
    row = page.get_by_test_id(f"row-late_refund-{late_refund.number}")
    assert "王小明" in row.inner_text()
    assert row.get_by_test_id("exposure").inner_text() == "3 × 2999.00 = 8997.00"
    assert "8997.00" in page.get_by_test_id("total-late_refund-exposure").inner_text()
    shot("120-compliance-late-refund")

    # On a phone the register scrolls inside its table, not the whole page sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    no_sideways_scroll(page)
    shot("121-compliance-late-refund-390")
