"""The handling plan the customer agrees to before work starts (S2, issue 18 B7), an exchange to
a higher specification with its price difference settled by the policy (WAR-7, S11, issue 18
B4), and the quality department's verdict on photos gating S8's furniture promise (WAR-6,
issue 18 B6)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.models import OutboundMessage
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.services.tracking import tracking_token
from aftersales.warranty.models import Application
from aftersales.warranty.services import applications as flow
from aftersales.warranty.services.policies import rulebook_save

pytestmark = pytest.mark.django_db

# A fixed today: the furniture claim on day 12 must not meet a holiday that stretches the law's
# 7-day return window (R38) on some real dates and not on others.
TODAY = datetime(2026, 12, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00"
    + bytes(64)
    + b"\xff\xd9"
)


def url(app, step=""):
    base = f"/api/v1/warranty/applications/{app['number'] if isinstance(app, dict) else app.number}"
    return f"{base}/{step}/" if step else f"{base}/"


@pytest.fixture
def bigger(tv):
    return ProductFactory(
        sku="TV-65X",
        name="65 寸智能电视",
        category=tv.category,
        manufacturer=tv.manufacturer,
        list_price=tv.list_price + Decimal("1000.00"),
        serial_tracked=True,
    )


@pytest.fixture
def customer_pays_policy(make_user):
    """A company policy on the national floor whose exchanges may go to a higher
    specification, the customer paying the difference."""
    admin = make_user(Role.ADMIN, username="adm")
    rulebook_save(
        actor=admin,
        key="upgrade-paid",
        name="补差价换高规格",
        data={
            "key": "upgrade-paid",
            "name": "补差价换高规格",
            "layer_on": "national",
            "upgrade_difference": "consumer",
        },
    )
    return "upgrade-paid"


def exchange_for(api_as, agent, tv_case, policy):
    response = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "exchange", "price": "2999.00", "policy": policy},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_higher_specification_is_offered_with_the_difference_the_customer_pays(
    api_as, client, agent, reviewer, tv_case, bigger, customer_pays_policy
):
    """WAR-7, S11, S2: the reviewer approves an exchange for the 65-inch set; the plan names
    it, its ¥1,000.00 difference and that the customer pays it; the customer reads it on
    their case page and agrees there; only then are the goods asked for."""
    app = exchange_for(api_as, agent, tv_case, customer_pays_policy)
    boss = api_as(reviewer)
    r = boss.post(
        url(app, "approve"),
        {"remedy": "exchange", "replacement_sku": "TV-65X", "timetable": "收货后 3 个工作日内发货"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    plan = r.json()["plan"]
    assert plan["replacement_sku"] == "TV-65X"
    assert plan["price_difference"] == "1000.00" and plan["difference_paid_by"] == "consumer"
    assert plan["customer_pays"] == "1000.00" and plan["answer"] == ""
    sms = OutboundMessage.objects.filter(related=app["number"]).first()
    assert sms is not None and "65 寸智能电视" in sms.body and "/service/track/?t=" in sms.body

    goods = {"return_address": "仓库", "return_contact": "赵", "return_phone": "021-50001234"}
    early = boss.post(url(app, "request_goods"), goods, format="json")
    assert early.status_code == 409 and early.json()["code"] == "plan_not_agreed"

    token = tracking_token(tv_case)
    page = client.get(f"/service/track/?t={token}").content.decode()
    assert 'data-testid="track-plan"' in page
    assert "差价" in page and "1000.00" in page and "65 寸智能电视" in page
    done = client.post("/service/track/", {"t": token, "answer": "plan_agree"}, follow=True)
    assert "track-plan-answer" in done.content.decode()
    stored = Application.objects.get(number=app["number"])
    assert (stored.plan_answer, stored.plan_answer_via) == ("agreed", "link")
    assert boss.post(url(app, "request_goods"), goods, format="json").status_code == 200


def test_under_the_sales_contract_policy_the_company_bears_the_difference(
    api_as, agent, reviewer, tv_case, bigger
):
    """S11 一、3: the supplier replaces with the same or a higher specification; the customer
    pays nothing."""
    app = exchange_for(api_as, agent, tv_case, "s5-s11-contract")
    r = api_as(reviewer).post(
        url(app, "approve"), {"remedy": "exchange", "replacement_sku": "TV-65X"}, format="json"
    )
    plan = r.json()["plan"]
    assert plan["difference_paid_by"] == "business" and plan["customer_pays"] == "0.00"
    assert plan["timetable"]  # the standard timetable for an exchange


def test_a_higher_specification_the_policy_does_not_allow_names_the_field(
    api_as, agent, reviewer, tv_case, bigger
):
    app = exchange_for(api_as, agent, tv_case, "national")
    r = api_as(reviewer).post(
        url(app, "approve"), {"remedy": "exchange", "replacement_sku": "TV-65X"}, format="json"
    )
    assert r.status_code == 400
    assert "replacement_sku" in r.json()["fields"]
    assert Application.objects.get(number=app["number"]).status == "applied"


def test_a_refusal_by_phone_needs_the_customer_s_words_and_the_plan_is_revised(
    api_as, agent, reviewer, tv_case, bigger, customer_pays_policy
):
    app = exchange_for(api_as, agent, tv_case, customer_pays_policy)
    boss = api_as(reviewer)
    boss.post(
        url(app, "approve"), {"remedy": "exchange", "replacement_sku": "TV-65X"}, format="json"
    )
    silent = api_as(agent).post(
        url(app, "plan_answer"), {"agree": False, "via": "phone"}, format="json"
    )
    assert silent.status_code == 400 and "note" in silent.json()["fields"]
    refused = api_as(agent).post(
        url(app, "plan_answer"),
        {"agree": False, "via": "phone", "note": "客户不愿补差价，要同型号"},
        format="json",
    )
    assert refused.json()["plan"]["answer"] == "refused"
    revised = boss.post(url(app, "plan"), {"timetable": "同型号，3 个工作日内发货"}, format="json")
    plan = revised.json()["plan"]
    assert plan["replacement_sku"] is None and plan["customer_pays"] == "0.00"
    assert plan["answer"] == ""
    steps = [e["action"] for e in revised.json()["events"]]
    assert steps.count("plan_send") == 2 and "plan_refuse" in steps
    by_link = api_as(agent).post(
        url(app, "plan_answer"), {"agree": True, "via": "link"}, format="json"
    )
    assert by_link.status_code == 400 and "via" in by_link.json()["fields"]


def test_who_records_the_customer_s_answer(api_as, make_user, agent, reviewer, tv_case):
    app = exchange_for(api_as, agent, tv_case, "national")
    api_as(reviewer).post(url(app, "approve"), {"remedy": "exchange"}, format="json")
    answer = {"agree": True, "via": "phone", "note": "电话同意"}
    for role, code in (
        (Role.LOGISTICS, 403),
        (Role.SALES, 403),
        (Role.QUALITY, 403),
        (Role.CUSTOMER_SERVICE, 200),
    ):
        user = make_user(role, username=f"u-{role.value}")
        response = api_as(user).post(url(app, "plan_answer"), answer, format="json")
        assert response.status_code == code, (role, response.json())


# -- the quality department's verdict on photos (WAR-6, S8 三、10) ------------------------------


@pytest.fixture
def wardrobe(db):
    category = CategoryFactory(code="furn", name="板式家具", sanbao_category="板式家具")
    return ProductFactory(sku="WD-1", name="衣柜", category=category, list_price=Decimal("3680"))


def furniture_application(agent, wardrobe, *, photos=True):
    delivered = timezone.localdate() - timedelta(days=12)
    return flow.application_create(
        actor=agent,
        customer=CustomerFactory(name="李四"),
        product=wardrobe,
        requested="return",
        reason="柜门板件劈裂",
        price="3680.00",
        policy_key="s8-furniture",
        facts={
            "category": "板式家具",
            "channel": "offline",
            "purchase_date": delivered.isoformat(),
            "received_date": delivered.isoformat(),
            "report_date": timezone.localdate().isoformat(),
            "problem": "quality",
            "has_invoice_or_card": True,
        },
    )


def test_the_furniture_return_waits_for_the_verdict_then_opens(
    api_as, make_user, agent, reviewer, wardrobe
):
    """WAR-6: on day 12 the return waits for the quality department; without photos there is
    nothing to judge (409); a serious-defect verdict re-asks the engine and the return is
    offered under S8 三、10."""
    from aftersales.core.models import Notification

    quality = make_user(Role.QUALITY, username="qc")
    app = furniture_application(agent, wardrobe)
    assert "return" not in [o["remedy"] for o in app.answer["options"]]
    assert Notification.objects.filter(recipient=quality, link=app.get_absolute_url()).exists()
    judge = api_as(quality)
    body = {"verdict": "serious", "note": "照片显示板件劈裂"}
    none = judge.post(url(app, "quality_verdict"), body, format="json")
    assert none.status_code == 409 and none.json()["code"] == "no_photos"
    flow.evidence_add(
        actor=agent,
        application=app,
        files=[SimpleUploadedFile("劈裂.jpg", JPEG, content_type="image/jpeg")],
    )
    assert (
        api_as(reviewer).post(url(app, "quality_verdict"), body, format="json").status_code == 403
    )
    bad = judge.post(url(app, "quality_verdict"), {"verdict": "maybe"}, format="json")
    assert bad.status_code == 400 and "verdict" in bad.json()["fields"]
    done = judge.post(url(app, "quality_verdict"), body, format="json")
    assert done.status_code == 200, done.json()
    data = done.json()
    assert data["quality_verdict"] == "serious"
    offered = {o["remedy"]: o for o in data["answer"]["options"]}
    assert "S8 三、10" in offered["return"]["basis"]
    assert data["facts"]["quality_verdict"] == "serious"


def test_the_verdict_page_card_is_for_the_quality_department(
    client, make_user, agent, reviewer, wardrobe
):
    app = furniture_application(agent, wardrobe)
    quality = make_user(Role.QUALITY, username="qc2")
    client.force_login(quality)
    html = client.get(app.get_absolute_url()).content.decode()
    assert 'data-testid="quality-verdict"' in html and 'name="verdict"' in html
    client.force_login(reviewer)
    html = client.get(app.get_absolute_url()).content.decode()
    assert 'data-testid="quality-verdict"' in html and 'name="verdict"' not in html


def test_the_application_form_takes_cannot_be_repaired_in_time(client, agent, tv_case):
    """WAR-7, S14 二、3: under the S14 policy a quality fault in month 5 is repaired; ticked
    "cannot be finished in the promised time", the exchange is offered at once."""
    client.force_login(agent)
    url = f"/warranty/new/?case={tv_case.number}"
    assert 'name="cannot_repair_in_time"' in client.get(url).content.decode()
    bought = (timezone.localdate() - timedelta(days=150)).isoformat()
    form = {
        "channel": "offline",
        "problem": "quality",
        "purchase_date": bought,
        "received_date": bought,
        "prior_repairs": "0",
        "failed_part": "",
        "has_invoice_or_card_present": "1",
        "has_invoice_or_card": "1",
        "cannot_repair_in_time_present": "1",
        "no_reason_exception": "",
        "policy": "s14-sanbao",
        "submit": "evaluate",
    }
    html = client.post(url, form).content.decode()
    assert 'data-testid="option-exchange"' not in html
    html = client.post(url, {**form, "cannot_repair_in_time": "1"}).content.decode()
    assert 'data-testid="option-exchange"' in html and "S14 二、3" in html
    assert not Application.objects.exists()
