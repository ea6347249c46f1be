"""The customer applies on the signed page of their case (the portal, WAR-11): they see what
the rules give them, apply with a photo, and later see where to send the goods."""

import pytest

from aftersales.service.services.tracking import tracking_token
from aftersales.warranty.models import Application, Evidence

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def test_the_customer_sees_the_rules_and_applies_with_a_photo(client, tv_case, api_as, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = tracking_token(tv_case)
    page = client.get(f"/service/track/?t={token}").content.decode()
    assert "按规定您可获得" in page or "可退货" in page
    assert "售出 7 日内" in page

    photo = SimpleUploadedFile("screen.jpg", JPEG, content_type="image/jpeg")
    response = client.post(
        "/service/track/",
        {
            "t": token,
            "answer": "apply",
            "requested": "return",
            "reason": "屏幕有横线",
            "photos": photo,
        },
    )
    assert response.status_code == 302
    app = Application.objects.get(case=tv_case)
    assert app.source == Application.Source.PORTAL and app.created_by is None
    assert app.price == tv_case.product.list_price
    assert Evidence.objects.filter(application=app).count() == 1
    assert [o["remedy"] for o in app.answer["options"]][:1] == ["return"]

    # A second application for the same case is refused while the first is handled.
    again = client.post(
        "/service/track/",
        {"t": token, "answer": "apply", "requested": "return", "reason": "再次申请"},
        follow=True,
    )
    assert "正在处理中" in again.content.decode()
    assert Application.objects.filter(case=tv_case).count() == 1

    boss = api_as(reviewer)
    url = f"/api/v1/warranty/applications/{app.number}"
    boss.post(f"{url}/approve/", {"remedy": "return"}, format="json")
    # S2: the customer reads the handling plan on their page and agrees there.
    page = client.get(f"/service/track/?t={token}").content.decode()
    assert 'data-testid="track-plan"' in page
    client.post("/service/track/", {"t": token, "answer": "plan_agree"}, follow=True)
    app.refresh_from_db()
    assert (app.plan_answer, app.plan_answer_via) == ("agreed", "link")
    boss.post(
        f"{url}/request_goods/",
        {"return_address": "上海市张江路 88 号", "return_contact": "赵磊", "return_phone": "021-1"},
        format="json",
    )
    page = client.get(f"/service/track/?t={token}").content.decode()
    assert "上海市张江路 88 号" in page


def test_without_the_signed_link_nobody_can_apply(client, tv_case):
    response = client.post(
        "/service/track/", {"t": "forged", "answer": "apply", "requested": "return", "reason": "x"}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()
