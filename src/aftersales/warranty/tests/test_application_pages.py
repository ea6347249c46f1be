"""The return / exchange pages (WAR-11, WAR-12): the list, a new application from a case with
the engine's answer, the application page with the steps each person may take, the whole
return and exchange walked through the page forms, overrides, evidence and the case panel.

Pages speak Chinese by default, so the assertions read what the agent reads on screen."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.service.models import Case
from aftersales.warranty.models import Application, ApplicationEvent, Evidence, WarrantyCard
from aftersales.warranty.services import applications as flow
from aftersales.warranty.services import handling
from aftersales.warranty.tests.stock import stock_unit

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 200
R5 = "R5 部分商品修理更换退货责任规定 第九条"
STATUS_LABEL = {
    "applied": "已申请",
    "approved": "已批准",
    "awaiting_goods": "等待退回商品",
    "goods_received": "已收到商品",
    "refunded": "已退款",
    "exchanged": "已发出换货",
    "rejected": "已驳回",
    "closed": "已关闭",
    "cancelled": "已取消",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- helpers ------------------------------------------------------------------------------------


def html_of(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def detail_url(app) -> str:
    return f"/warranty/{app.number}/"


def step_url(app, action: str) -> str:
    return f"/warranty/{app.number}/{action}/"


def steps_on(html: str) -> set[str]:
    """The step forms the page offers (each form carries data-testid="step-<action>")."""
    return set(re.findall(r'data-testid="step-([a-z_]+)"', html))


def status_on(html: str) -> str:
    found = re.search(r'data-testid="application-status">([^<]+)<', html)
    assert found, "no status badge on the page"
    return found.group(1)


def messages_on(html: str) -> str:
    found = re.search(r'<div class="messages">(.*?)</div>\s*(?:</div>|<)', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def tv_facts(**overrides) -> dict:
    """A TV bought over the counter five days ago with a fault reported today (R5)."""
    today = timezone.localdate()
    bought = (today - timedelta(days=5)).isoformat()
    return {
        "category": "彩色电视机",
        "channel": "offline",
        "purchase_date": bought,
        "received_date": bought,
        "report_date": today.isoformat(),
        "problem": "quality",
        "has_invoice_or_card": True,
        "prior_repairs": 0,
        **overrides,
    }


def make_app(actor, product, *, customer=None, requested="return", price="2999.00", **facts):
    return flow.application_create(
        actor=actor,
        customer=customer or CustomerFactory(name="王小明"),
        product=product,
        requested=requested,
        reason="电视开机后屏幕有横线",
        price=price,
        facts=tv_facts(**facts),
    )


def advance(app, status: str, reviewer, *, remedy="return"):
    """Take ``app`` through the services to ``status`` (for the pages that show it)."""
    path = {
        "applied": [],
        "approved": ["approve"],
        "awaiting_goods": ["approve", "request_goods"],
        "goods_received": ["approve", "request_goods", "receive"],
        "refunded": ["approve", "request_goods", "receive", "refund"],
        "closed": ["approve", "request_goods", "receive", "refund", "close"],
        "rejected": ["reject"],
        "cancelled": ["cancel"],
    }[status]
    for action in path:
        common = {"actor": reviewer, "application": app}
        if action == "approve":
            app = flow.application_review(**common, approve=True, remedy=remedy)
        elif action == "reject":
            app = flow.application_review(**common, approve=False, note="照片显示人为摔坏")
        elif action == "request_goods":
            app = handling.application_plan_answer(
                **common, agree=True, via="phone", note="客户来电同意处理方案"
            )
            app = flow.application_request_goods(
                **common,
                return_address="上海市浦东新区张江路 88 号",
                return_contact="仓库 赵强",
                return_phone="021-50001234",
            )
        elif action == "receive":
            app = flow.application_receive(**common, intact=True, disposition="stock")
        elif action == "refund":
            app = flow.application_refund(**common)
        elif action == "close":
            app = flow.application_close(**common)
        elif action == "cancel":
            app = flow.application_cancel(**common, note="客户不退了")
    assert app.status == status
    return app


# --- the list -----------------------------------------------------------------------------------


def test_the_empty_list_says_where_an_application_starts(client, agent):
    client.force_login(agent)
    html = html_of(client, "/warranty/")
    assert 'data-testid="empty"' in html
    assert "暂无申请。退换货从客户的工单开始：打开工单，点击“退换货”。" in html
    assert 'data-testid="application-table"' not in html


def test_the_list_filters_by_status_override_and_late_refund(client, agent, reviewer, tv):
    """WAR-11 (overridden decisions are visible to management) and WAR-12 (late refunds)."""
    fresh = make_app(agent, tv, customer=CustomerFactory(name="新申请客户"))
    closed = advance(
        make_app(agent, tv, customer=CustomerFactory(name="已结案客户")), "closed", reviewer
    )
    overridden = make_app(
        agent,
        tv,
        customer=CustomerFactory(name="特批客户"),
        problem="misuse",
        misuse_evidence=True,
    )
    overridden = flow.application_review(
        actor=reviewer,
        application=overridden,
        approve=True,
        remedy="return",
        note="老客户，经理特批退货",
    )
    late = advance(
        make_app(agent, tv, customer=CustomerFactory(name="逾期客户")), "goods_received", reviewer
    )
    Application.objects.filter(pk=late.pk).update(
        refund_due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(reviewer)

    open_list = html_of(client, "/warranty/")  # default: the open ones
    for app in (fresh, overridden, late):
        assert app.number in open_list
    assert closed.number not in open_list
    assert "已推翻" in open_list  # the badge on the overridden row

    only_closed = html_of(client, "/warranty/", status="closed")
    assert closed.number in only_closed and "已结案客户" in only_closed
    assert fresh.number not in only_closed and late.number not in only_closed
    assert "已关闭" in only_closed

    only_overridden = html_of(client, "/warranty/", overridden="1")
    assert overridden.number in only_overridden and "特批客户" in only_overridden
    assert fresh.number not in only_overridden and late.number not in only_overridden

    only_late = html_of(client, "/warranty/", late="1")
    assert late.number in only_late and "逾期客户" in only_late
    assert (timezone.localdate() - timedelta(days=1)).isoformat() in only_late  # refund due
    assert fresh.number not in only_late and overridden.number not in only_late

    by_customer = html_of(client, "/warranty/", q="逾期客户")
    assert late.number in by_customer and fresh.number not in by_customer


def test_a_dealer_sees_only_its_own_customers_applications(client, make_user, agent, tv):
    ours, theirs = DealerFactory(name="浦东经销店"), DealerFactory(name="闵行经销店")
    own = make_app(agent, tv, customer=CustomerFactory(name="本店客户", dealer=ours))
    other = make_app(agent, tv, customer=CustomerFactory(name="别家客户", dealer=theirs))
    direct = make_app(agent, tv, customer=CustomerFactory(name="直营客户"))
    client.force_login(dealer_user(make_user, ours))

    html = html_of(client, "/warranty/")
    assert own.number in html and "本店客户" in html
    assert other.number not in html and "别家客户" not in html
    assert direct.number not in html and "直营客户" not in html
    assert client.get(detail_url(other)).status_code == 404
    assert client.get(detail_url(direct)).status_code == 404
    assert own.number in html_of(client, detail_url(own))


def test_a_dealer_role_without_a_dealer_sees_nothing(client, make_user, agent, tv):
    app = make_app(agent, tv, customer=CustomerFactory(dealer=DealerFactory()))
    client.force_login(make_user(Role.DEALER))
    assert 'data-testid="empty"' in html_of(client, "/warranty/")
    assert client.get(detail_url(app)).status_code == 404


def test_the_list_page_pins_its_queries(client, agent, reviewer, tv, django_assert_max_num_queries):
    for i in range(30):
        make_app(agent, tv, customer=CustomerFactory(name=f"客户{i:02d}"))
    client.force_login(reviewer)
    # session, user, roles, dealer membership, count, ids, one page of rows (customer, product
    # and case joined), unread notifications: 8 whatever the number of rows
    with django_assert_max_num_queries(8):
        response = client.get("/warranty/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") - 1 == 25  # one page of rows under the header
    newest = Application.objects.order_by("-created_at", "-id").first()
    assert newest.number in html


# --- a new application from a case ------------------------------------------------------------


def new_url(case) -> str:
    return f"/warranty/new/?case={case.number}"


def facts_form(**fields) -> dict:
    """The fact fields a browser sends with the new-application form."""
    return {
        "channel": "offline",
        "problem": "quality",
        "prior_repairs": "0",
        "failed_part": "",
        "has_invoice_or_card_present": "1",
        "has_invoice_or_card": "1",
        "consumer_confirmed_at_checkout_present": "1",
        "no_reason_exception": "",
        "policy": "",
        "requested": "return",
        "reason": "电视开机后屏幕有横线，要求退货",
        "price": "2999.00",
        "payment_method": ["wechat", "cash"],
        "payment_amount": ["", ""],
        **fields,
    }


def test_the_new_page_shows_what_the_rules_give_for_the_case(client, agent, tv_case):
    """R5: a TV with a fault five days after the sale may be returned, exchanged or repaired."""
    client.force_login(agent)
    html = html_of(client, "/warranty/new/", case=tv_case.number)
    assert "王小明" in html and "55 寸智能电视" in html
    assert 'value="彩色电视机"' in html  # the category the catalogue maps to
    bought = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert f'name="purchase_date" id="purchase_date" value="{bought}"' in html
    for remedy in ("return", "exchange", "free_repair"):
        assert f'data-testid="option-{remedy}"' in html
    assert "可退货" in html and "可换货" in html and "可免费修理" in html
    assert R5 in html
    assert "法定" in html  # the source of each option
    assert 'value="2999.00"' in html  # the list price as the price paid
    assert not Application.objects.exists()


def test_check_again_with_misuse_shows_only_paid_repair(client, agent, tv_case):
    """R12: damage by misuse is outside 三包; only a paid repair is offered. The customer
    corrects the purchase date to eight months ago, past the six months in which the business
    would have to prove the misuse (R26)."""
    client.force_login(agent)
    bought = (timezone.localdate() - timedelta(days=240)).isoformat()
    response = client.post(
        new_url(tv_case),
        facts_form(
            submit="evaluate",
            problem="misuse",
            purchase_date=bought,
            received_date=bought,
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    offered = set(re.findall(r'data-testid="option-([a-z_]+)"', html))
    assert offered == {"paid_repair"}
    assert "可收费修理" in html and "可退货" not in html
    assert "R12 部分商品修理更换退货责任规定" in html
    assert '<option value="misuse" selected>' in html  # the correction is kept on the form
    assert f'name="purchase_date" id="purchase_date" value="{bought}"' in html
    assert not Application.objects.exists()


def test_impossible_dates_show_the_field_error_and_write_nothing(client, agent, tv_case):
    client.force_login(agent)
    today = timezone.localdate()
    form = facts_form(
        purchase_date=(today - timedelta(days=5)).isoformat(),
        received_date=(today - timedelta(days=8)).isoformat(),
    )
    response = client.post(new_url(tv_case), {**form, "submit": "evaluate"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="facts-errors"' in html and "请更正以下事实：" in html
    assert "签收日期早于购买日期。" in html
    assert re.search(r'class="[^"]*is-invalid[^"]*" type="date" name="received_date"', html)
    assert 'data-testid="warranty-answer"' not in html

    response = client.post(new_url(tv_case), {**form, "submit": "apply"})
    assert response.status_code == 200
    assert "签收日期早于购买日期。" in response.content.decode()
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_submitting_the_form_takes_the_application_in(client, agent, tv_case):
    """WAR-11: the facts and the engine's answer are kept with the application; R34: the
    payment method is recorded for the refund."""
    client.force_login(agent)
    bought = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client.post(
        new_url(tv_case),
        facts_form(
            submit="apply",
            purchase_date=bought,
            received_date=bought,
            photos=[SimpleUploadedFile("屏幕横线.jpg", JPEG, content_type="image/jpeg")],
        ),
    )
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(app)
    assert app.case == tv_case and app.source == "case" and app.status == "applied"
    assert app.requested == "return" and app.price == Decimal("2999.00")
    assert app.created_by == agent
    assert [(p.method, p.amount) for p in app.payments.all()] == [("wechat", Decimal("2999.00"))]
    assert {o["remedy"] for o in app.answer["options"]} >= {"return", "exchange", "free_repair"}
    assert app.evidence.get().original_name == "屏幕横线.jpg"

    html = html_of(client, detail_url(app))
    assert f"已受理申请 {app.number}。" in messages_on(html)
    assert status_on(html) == "已申请"
    assert "¥2999.00 · 微信支付 ¥2999.00" in html
    assert R5 in html
    assert tv_case.number in html  # the link back to the case


def test_the_new_page_is_only_for_people_who_take_applications(client, make_user, tv_case):
    client.force_login(make_user(Role.QUALITY))
    assert client.get(new_url(tv_case)).status_code == 404
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    response = client.get("/warranty/new/", {"case": "NO-SUCH-CASE"}, follow=True)
    assert response.redirect_chain[0] == ("/service/", 302)
    assert "请从工单开始：打开工单，点击“退换货”。" in messages_on(response.content.decode())


# --- the application page: the steps each person may take -------------------------------------

ROLES = [
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.LOGISTICS,
    Role.SALES_VP,
    Role.ADMIN,
    Role.DEALER,
    Role.QUALITY,
]
# What each role may do on a return in each status (none of them took the application in).
EXPECTED_STEPS = {
    "applied": {Role.SERVICE: {"approve", "reject", "cancel"}},
    # S2: the goods are asked for only once the customer agreed to the plan.
    "approved": {Role.SERVICE: {"cancel"}},
    "awaiting_goods": {Role.SERVICE: {"receive", "cancel"}, Role.LOGISTICS: {"receive"}},
    "goods_received": {Role.SERVICE: {"reject", "refund"}, Role.SALES_VP: {"refund"}},
    "refunded": {Role.SERVICE: {"close"}},
    "rejected": {Role.SERVICE: {"close"}},
    "closed": {},
    "cancelled": {},
}


@pytest.mark.parametrize("status", list(EXPECTED_STEPS))
def test_each_person_sees_exactly_the_steps_they_may_take(
    client, make_user, agent, reviewer, tv, status
):
    """WAR-11: the page offers a step only to who may take it; a dealer and the desk follow the
    application, the reviewer decides, the warehouse receives, the VP may record a refund."""
    dealer = DealerFactory()
    app = advance(make_app(agent, tv, customer=CustomerFactory(dealer=dealer)), status, reviewer)
    expected = dict(EXPECTED_STEPS[status])
    expected[Role.ADMIN] = expected.get(Role.SERVICE, set())
    for role in ROLES:
        user = (
            dealer_user(make_user, dealer, username=f"dl-{status}")
            if role == Role.DEALER
            else make_user(role, username=f"{role.value}-{status}")
        )
        client.force_login(user)
        html = html_of(client, detail_url(app))
        assert status_on(html) == STATUS_LABEL[status], role
        assert steps_on(html) == expected.get(role, set()), role
        assert ('data-testid="application-actions"' in html) == bool(expected.get(role)), role


def test_quality_inspection_does_not_see_the_pages(client, make_user, agent, tv):
    app = make_app(agent, tv)
    client.force_login(make_user(Role.QUALITY_INSPECTION))
    assert client.get("/warranty/").status_code == 404
    assert client.get(detail_url(app)).status_code == 404
    assert client.get(f"/warranty/new/?case={app.number}").status_code == 404
    response = client.post(step_url(app, "approve"), {"remedy": "return"})
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.status == "applied"


def test_whoever_took_the_application_in_may_cancel_it(client, agent, tv):
    app = make_app(agent, tv)
    client.force_login(agent)
    assert steps_on(html_of(client, detail_url(app))) == {"cancel"}
    response = client.post(step_url(app, "cancel"), {"note": "客户决定自行维修"}, follow=True)
    html = response.content.decode()
    assert status_on(html) == "已取消" and "客户决定自行维修" in html
    assert steps_on(html) == set()


def test_a_step_forced_past_the_page_is_refused_in_chinese(client, agent, tv):
    """The desk has no approve form; posting one anyway changes nothing."""
    app = make_app(agent, tv)
    client.force_login(agent)
    html = client.post(step_url(app, "approve"), {"remedy": "return"}, follow=True)
    html = html.content.decode()
    assert "您无权对该申请执行此步骤。" in messages_on(html)
    assert status_on(html) == "已申请"
    app.refresh_from_db()
    assert app.status == "applied" and app.remedy == ""


def test_the_detail_page_pins_its_queries(
    client, agent, reviewer, tv, django_assert_max_num_queries
):
    app = advance(make_app(agent, tv), "goods_received", reviewer)
    flow.evidence_add(
        actor=reviewer,
        application=app,
        files=[SimpleUploadedFile(f"p{i}.jpg", JPEG, content_type="image/jpeg") for i in range(3)],
    )
    client.force_login(reviewer)
    # session, user, roles, dealer membership, the application (with its relations), evidence,
    # payments (twice: the list and the refund preview), unread notifications, events:
    # 10 whatever the number of photos and steps
    with django_assert_max_num_queries(11):
        response = client.get(detail_url(app))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'src="/warranty/{app.number}/evidence/') == 3
    assert steps_on(html) == {"reject", "refund"}


# --- walking a whole return, an exchange and an R31 refusal through the page forms -------------


def post_step(client, app, action: str, **data) -> str:
    """Post one step's form. Done: back on the application page. Refused: the page again
    (400) with the error and what was typed, so nothing has to be entered twice."""
    app.refresh_from_db()
    response = client.post(step_url(app, action), {"version": app.version, **data}, follow=True)
    if response.status_code == 400:
        assert not response.redirect_chain
    else:
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == detail_url(app)
    return response.content.decode()


def test_a_whole_return_through_the_page_forms(
    client, agent, reviewer, logistics, make_user, tv_case, settings
):
    """WAR-11 / WAR-12: approve → ask for the goods → receive (with a photo) → refund (R34:
    back the way it was paid) → close, which closes the case with the outcome."""
    settings.COMPANY_RETURN_ADDRESS = "上海市浦东新区张江路 88 号"
    app = flow.application_from_case(
        actor=agent,
        case=tv_case,
        requested="return",
        price="2999.00",
        payments=[
            flow.PaymentInput("wechat", Decimal("2000.00")),
            flow.PaymentInput("coupon", Decimal("999.00")),
        ],
    )
    client.force_login(reviewer)
    html = html_of(client, detail_url(app))
    assert 'id="rm-return" checked' in html  # what the customer asked for, as offered

    html = post_step(client, app, "approve", remedy="return", note="")
    assert "批准：已完成。" in messages_on(html)
    assert status_on(html) == "已批准"
    assert 'data-testid="decision">退货' in html
    # S2: the plan waits for the customer; the desk records their agreement by phone.
    assert 'data-testid="handling-plan"' in html and "step-request_goods" not in html
    html = post_step(client, app, "plan_answer", via="phone", agree="1", note="12:05 电话同意")
    assert 'data-testid="plan-answer">已同意 · 电话' in html
    assert 'value="上海市浦东新区张江路 88 号"' in html  # the request form is pre-filled

    html = post_step(
        client,
        app,
        "request_goods",
        return_address="上海市浦东新区张江路 88 号",
        return_contact="仓库 赵强",
        return_phone="021-50001234",
        carrier="顺丰",
        shipping_payer="",
    )
    assert status_on(html) == "等待退回商品"
    assert "上海市浦东新区张江路 88 号 · 仓库 赵强 · 021-50001234 · 顺丰" in html
    assert "我方承担" in html  # R25: a quality problem, we pay the shipping

    client.force_login(logistics)
    html = post_step(
        client,
        app,
        "receive",
        intact="1",
        disposition="quarantine",
        photos=[SimpleUploadedFile("到货.jpg", JPEG, content_type="image/jpeg")],
    )
    assert status_on(html) == "已收到商品"
    app.refresh_from_db()
    assert app.goods_intact is True and app.refund_due_on is not None
    received = re.search(r'data-testid="goods-received">(.*?)</dd>', html, re.S).group(1)
    assert "完好" in received and "隔离待检" in received
    assert app.nonconformance.number in received  # a quality return feeds quality (WAR-11)
    assert app.refund_due_on.isoformat() in html
    photo = Evidence.objects.get(application=app)
    assert photo.stage == "receipt" and photo.content_type == "image/jpeg"
    served = client.get(f"/warranty/{app.number}/evidence/{photo.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == JPEG
    assert steps_on(html) == set()  # the warehouse does not refund

    client.force_login(reviewer)
    html = html_of(client, detail_url(app))
    assert 'data-testid="refund-total">¥2999.00' in html
    html = post_step(client, app, "refund", gift_deduction="", shipping_deduction="")
    assert status_on(html) == "已退款"
    assert 'data-testid="refunded">¥2999.00' in html
    assert "微信支付 ¥2000.00 → 已退 ¥2000.00 · 优惠券 ¥999.00 → 已退 ¥999.00" in html
    app.refresh_from_db()
    assert {p.method: p.refund_amount for p in app.payments.all()} == {
        "wechat": Decimal("2000.00"),
        "coupon": Decimal("999.00"),
    }

    html = post_step(client, app, "close")
    assert status_on(html) == "已关闭"
    assert steps_on(html) == set()
    events = re.search(r'data-testid="application-events">(.*?)</ul>', html, re.S).group(1)
    for label in ("已申请", "已批准", "等待退回商品", "已收到商品", "已退款", "已关闭"):
        assert label in events
    assert "已退款 2999.00" in events
    tv_case.refresh_from_db()
    assert tv_case.status == Case.Status.CLOSED
    assert f"{app.number}：已退货，退款 2999.00" in tv_case.solution


def test_an_exchange_issues_a_new_certificate_from_today(
    client, agent, reviewer, logistics, tv_case
):
    """R10: the replacement gets a new 三包 certificate whose period starts on the exchange day."""
    app = flow.application_from_case(
        actor=agent, case=tv_case, requested="exchange", price="2999.00"
    )
    client.force_login(reviewer)
    post_step(client, app, "approve", remedy="exchange")
    post_step(client, app, "plan_answer", via="phone", agree="1", note="客户来电同意")
    post_step(
        client,
        app,
        "request_goods",
        return_address="仓库",
        return_contact="赵强",
        return_phone="021-1",
    )
    client.force_login(logistics)
    html = post_step(client, app, "receive", intact="1", disposition="quarantine")
    assert steps_on(html) == {"ship_replacement"}

    html = post_step(client, app, "ship_replacement", replacement_serial="")
    assert "请输入换货产品的序列号。" in messages_on(html)
    assert status_on(html) == "已收到商品"

    stock_unit(tv_case.product, "SN-NEW-0001")  # a real unit in the warehouse
    html = post_step(client, app, "ship_replacement", replacement_serial="SN-NEW-0001")
    assert status_on(html) == "已发出换货"
    assert "SN-NEW-0001" in html
    card = WarrantyCard.objects.get(serial__serial="SN-NEW-0001")
    assert card.starts_on == timezone.localdate()
    assert card.customer == tv_case.customer and card.product == tv_case.product
    assert card.invoice_date == timezone.localdate() - timedelta(days=5)

    client.force_login(reviewer)
    post_step(client, app, "close")
    tv_case.refresh_from_db()
    assert "已换货，新序列号 SN-NEW-0001" in tv_case.solution


def no_reason_return(agent, reviewer, logistics, tv):
    """R27 / R31: a TV bought online, received two days ago, returned without a reason, and
    the goods come back not intact."""
    today = timezone.localdate()
    app = make_app(
        agent,
        tv,
        channel="online",
        problem="none",
        purchase_date=(today - timedelta(days=3)).isoformat(),
        received_date=(today - timedelta(days=2)).isoformat(),
    )
    assert [o["remedy"] for o in app.answer["options"]] == ["return"]
    app = advance(app, "awaiting_goods", reviewer)
    return flow.application_receive(
        actor=logistics,
        application=app,
        intact=False,
        condition="屏幕划伤，遥控器缺失",
        disposition="quarantine",
    )


def test_a_no_reason_return_that_comes_back_damaged_is_not_refunded(
    client, agent, reviewer, logistics, tv
):
    """R31: goods that are not intact are not refunded without a reason; the reviewer rejects
    after receipt, and the rejection closes."""
    app = no_reason_return(agent, reviewer, logistics, tv)
    client.force_login(reviewer)
    html = html_of(client, detail_url(app))
    assert "不完好: 屏幕划伤，遥控器缺失" in html
    assert steps_on(html) == {"reject", "refund"}

    html = post_step(client, app, "refund")
    assert "无理由退货的商品不完好，不予退款（R31）。" in messages_on(html)
    assert status_on(html) == "已收到商品"
    app.refresh_from_db()
    assert app.refund_total is None and app.refunded_at is None
    assert not app.payments.exclude(refund_amount=None).exists()

    html = post_step(client, app, "reject", note="")
    assert status_on(html) == "已收到商品"  # a rejection needs its reason

    html = post_step(client, app, "reject", note="R31：商品不完好，不予退货")
    assert status_on(html) == "已驳回"
    assert "R31：商品不完好，不予退货" in html
    assert steps_on(html) == {"close"}
    html = post_step(client, app, "close")
    assert status_on(html) == "已关闭"
    app.refresh_from_db()
    assert app.refund_total is None


def test_rejecting_a_damaged_no_reason_return_is_not_an_override(
    client, agent, reviewer, logistics, tv, make_user
):
    """R31 itself refuses the return of goods that are not intact, so the reviewer follows the
    rules when rejecting after receipt: no "rules overridden" badge, no warning to the VP."""
    vp = make_user(Role.SALES_VP, username="vp-r31")
    app = no_reason_return(agent, reviewer, logistics, tv)
    client.force_login(reviewer)
    html = post_step(client, app, "reject", note="R31：商品不完好，不予退货")
    assert status_on(html) == "已驳回"
    app.refresh_from_db()
    assert app.overridden is False
    assert "已推翻规则判定" not in html
    assert not Notification.objects.filter(recipient=vp, title__contains=app.number).exists()


# --- overriding the rules -----------------------------------------------------------------------


def test_approving_a_remedy_not_offered_needs_a_note_and_shows_the_badge(
    client, agent, reviewer, tv, make_user
):
    """WAR-11: the reviewer may override the engine only with a written reason; management sees
    the override (badge, list filter, notification)."""
    vp = make_user(Role.SALES_VP, username="vp-ov")
    app = make_app(agent, tv, problem="misuse", misuse_evidence=True)  # R12, R26: proven
    client.force_login(reviewer)
    html = html_of(client, detail_url(app))
    assert steps_on(html) == {"approve", "reject", "cancel"}
    assert 'data-testid="option-paid_repair"' in html and "可收费修理" in html
    assert 'data-testid="refused-return"' in html  # shown struck through, with the reason
    approve_form = re.search(r'data-testid="step-approve">(.*?)</form>', html, re.S).group(1)
    assert approve_form.count("(规定未给出：推翻判定)") == 3  # return, exchange, free repair
    assert 'id="rm-paid_repair"' in approve_form

    version = Application.objects.get(pk=app.pk).version
    html = post_step(client, app, "approve", remedy="return", note="")
    assert "规定未给出此处理方式：请写明推翻判定的理由。" in messages_on(html)
    assert status_on(html) == "已申请" and "已推翻规则判定" not in html
    app.refresh_from_db()
    assert (app.status, app.remedy, app.overridden, app.version) == ("applied", "", False, version)
    assert not Notification.objects.filter(recipient=vp).exists()

    html = post_step(client, app, "approve", remedy="return", note="老客户，经理特批退货")
    assert status_on(html) == "已批准"
    assert "已推翻规则判定" in html
    assert 'data-testid="decision">退货 — 老客户，经理特批退货' in html
    assert Notification.objects.filter(recipient=vp, title__contains=app.number).exists()
    assert app.number in html_of(client, "/warranty/", overridden="1")


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_is_served_only_to_who_may_see_the_application(client, make_user, agent, tv):
    ours, theirs = DealerFactory(), DealerFactory()
    app = make_app(agent, tv, customer=CustomerFactory(dealer=ours))
    (photo,) = flow.evidence_add(
        actor=agent,
        application=app,
        files=[SimpleUploadedFile("故障.jpg", JPEG, content_type="image/jpeg")],
    )
    url = f"/warranty/{app.number}/evidence/{photo.pk}/"

    client.force_login(dealer_user(make_user, ours, username="ours"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert f'<img src="{url}" alt="故障.jpg"' in html_of(client, detail_url(app))

    client.force_login(dealer_user(make_user, theirs, username="theirs"))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.QUALITY_INSPECTION))
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_file_that_is_not_a_photo_is_refused_on_receipt(client, agent, reviewer, logistics, tv):
    app = advance(make_app(agent, tv), "awaiting_goods", reviewer)
    client.force_login(logistics)
    html = post_step(
        client,
        app,
        "receive",
        intact="1",
        disposition="stock",
        photos=[SimpleUploadedFile("到货.jpg", b"MZ\x90\x00" + b"\x00" * 64)],
    )
    assert "到货.jpg" in messages_on(html)
    assert status_on(html) == "等待退回商品"
    assert not Evidence.objects.exists()


# --- the panel on the case page -----------------------------------------------------------------


def test_the_case_page_shows_the_sanbao_panel_and_the_button_for_the_desk(
    client, agent, make_user, tv_case
):
    """R5 on the case page: the agent on the phone sees at once that the TV may be returned."""
    client.force_login(agent)
    html = html_of(client, f"/service/cases/{tv_case.number}/")
    panel = re.search(r'data-testid="case-warranty-panel">(.*?)</div></div>', html, re.S).group(1)
    assert "三包：按规定客户可获得" in panel
    assert "可退货" in panel and R5 in panel
    assert 'data-testid="start-application"' in panel and "退换货" in panel
    assert f'href="/warranty/new/?case={tv_case.number}"' in panel

    client.force_login(make_user(Role.QUALITY, username="qa"))
    html = html_of(client, f"/service/cases/{tv_case.number}/")
    assert 'data-testid="case-warranty-panel"' in html and "可退货" in html
    assert 'data-testid="start-application"' not in html


def test_the_case_panel_lists_the_case_applications(client, agent, reviewer, tv_case):
    app = flow.application_from_case(
        actor=agent, case=tv_case, requested="exchange", price="2999.00"
    )
    client.force_login(reviewer)
    html = html_of(client, f"/service/cases/{tv_case.number}/")
    assert f'<a href="/warranty/{app.number}/">{app.number}</a> · 换货' in html


def test_a_refund_less_an_unreturned_gift_and_lost_free_shipping(client, agent, reviewer, tv):
    """R33: a gift not sent back is deducted; R35: a lost free-shipping threshold too; R34: the
    rest goes back the ways the customer paid. WAR-12: a refund after its due day is marked
    late in the history and stays in the "refund late" list."""
    app = flow.application_create(
        actor=agent,
        customer=CustomerFactory(name="赵六"),
        product=tv,
        requested="return",
        reason="屏幕有横线",
        price="2999.00",
        facts=tv_facts(),
        payments=[
            flow.PaymentInput("wechat", Decimal("2000.00")),
            flow.PaymentInput("bank_card", Decimal("999.00")),
        ],
    )
    app = advance(app, "goods_received", reviewer)
    due = timezone.localdate() - timedelta(days=1)
    Application.objects.filter(pk=app.pk).update(refund_due_on=due)
    client.force_login(reviewer)
    html = post_step(client, app, "refund", gift_deduction="100", shipping_deduction="20")
    assert status_on(html) == "已退款"
    assert 'data-testid="refunded">¥2879.00' in html
    app.refresh_from_db()
    refunds = [p.refund_amount for p in app.payments.all()]
    assert sum(refunds) == Decimal("2879.00") and all(r > 0 for r in refunds)
    events = re.search(r'data-testid="application-events">(.*?)</ul>', html, re.S).group(1)
    assert "已退款 2879.00 (扣除 未退回赠品 100.00、运费 20.00)" in events
    assert f"逾期：应于 {due.isoformat()} 前退款（WAR-12）" in events
    assert app.number in html_of(client, "/warranty/", late="1", status="refunded")
