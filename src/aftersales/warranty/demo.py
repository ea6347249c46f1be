"""Demo 三包 data: the shipped policies and the demo company's own (the main parts of its LCD
TVs), a certificate for every sold serial (one with a repair on record), a phone returned
without reason waiting for review, and a refrigerator exchanged after two failed repairs (R7,
R10)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import Application, Rulebook, WarrantyCard
from .seeded import DEMO_POLICY_KEY, DEMO_POLICY_NAME
from .services import applications as flow
from .services.cards import card_issue, card_repair_add
from .services.policies import (
    DEFAULT_KEY,
    rulebook_make_default,
    rulebook_save,
    rulebooks_install,
)

# The demo company's own policy, layered on the national floor: its 4K LCD TVs' main parts
# (the national catalogue's TV parts, 显像管 and the like, are those of a picture-tube set).
DEMO_POLICY = {
    "key": DEMO_POLICY_KEY,
    "name": DEMO_POLICY_NAME,
    "source": "华东精工电器有限公司 售后服务承诺",
    "layer_on": "national",
    "categories": {
        "彩色电视机": {
            "whole_unit_months": 12,
            "main_parts": {"液晶面板": 36, "背光组件": 36, "主板": 36, "电源板": 36},
            "window_from": "sale",
            "durable": True,
            "large": True,
            "basis": "公司承诺：液晶电视主要部件三包有效期 3 年",
        }
    },
    # An exchange may go to a higher specification of the same family; the customer pays the
    # difference in list price (WAR-7, S11).
    "upgrade_difference": "consumer",
    "promises": [
        {
            "id": "lcd-main-parts",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "categories": ["彩色电视机"],
            "text": "液晶电视主要部件（液晶面板、背光组件、主板、电源板）三包有效期内免费修理",
            "basis": "售后服务承诺 第一条",
        }
    ],
}


# Extended warranty plans on sale (S14 五、2): code, name, price, months, window, category.
DEMO_PLANS = [
    ("tv-2y", "电视整机延保两年", "399.00", 24, 30, "tv", ["遥控器"]),
    ("all-1y", "家电延保一年", "199.00", 12, 90, None, []),
]


def seed_extended_plans(ctx: DemoContext) -> None:
    from aftersales.catalog.models import Category

    from .models import ExtendedWarrantyPlan
    from .services.extended import plan_save

    admin = ctx.objects.get("user:admin")
    if admin is None or ExtendedWarrantyPlan.objects.exists():
        return
    for code, name, price, months, window, category, exclusions in DEMO_PLANS:
        plan_save(
            actor=admin,
            code=code,
            name=name,
            price=price,
            months=months,
            sale_window_days=window,
            category=Category.objects.filter(code=category).first() if category else None,
            exclusions="\n".join(exclusions),
            covers_parts=True,
            covers_labour=True,
            transferable=False,
            active=True,
        )


def seed(ctx: DemoContext) -> None:
    rulebooks_install()
    seed_company_policy(ctx)
    seed_extended_plans(ctx)
    clerk = ctx.objects.get("user:zhangwei")
    agent = ctx.objects.get("user:sunli")
    reviewer = ctx.objects.get("user:chenjie")
    if not (clerk and agent and reviewer) or WarrantyCard.objects.exists():
        return
    from aftersales.catalog.models import SerialNumber

    today = timezone.localdate()
    cards = {}
    for serial in SerialNumber.objects.filter(owner__isnull=False).select_related(
        "product", "owner"
    ):
        invoice = serial.warranty_start or today - timedelta(days=30)
        cards[serial.product.sku] = cards.get(serial.product.sku) or card_issue(
            actor=clerk,
            product=serial.product,
            customer=serial.owner,
            invoice_date=invoice,
            serial=serial,
        )
    fridge = cards.get("FR-450")
    if fridge is not None:
        start = max(fridge.starts_on, today - timedelta(days=30))
        for n, (fault, work) in enumerate(
            [("冷藏室不制冷", "补充制冷剂"), ("冷藏室仍不制冷", "更换温控器")]
        ):
            sent = start + timedelta(days=2 + 10 * n)
            if sent + timedelta(days=3) < today:
                card_repair_add(
                    actor=reviewer,
                    card=fridge,
                    sent_on=sent,
                    returned_on=sent + timedelta(days=3),
                    fault=fault,
                    work_done=work,
                    repairer="售后服务部 陈杰",
                )
    if Application.objects.exists():
        return
    phone = cards.get("PH-X10")
    if phone is not None:
        bought = today - timedelta(days=3)
        flow.application_create(
            actor=agent,
            source=Application.Source.PORTAL,
            customer=phone.customer,
            product=phone.product,
            serial=phone.serial,
            requested="return",
            reason="网购的手机不喜欢颜色，未拆封，七天无理由退货。",
            price=phone.product.list_price,
            facts={
                "category": "移动电话机",
                "channel": "online",
                "purchase_date": bought.isoformat(),
                "received_date": (bought + timedelta(days=1)).isoformat(),
                "report_date": today.isoformat(),
                "problem": "none",
                "has_invoice_or_card": True,
                "goods_intact": True,
            },
            payments=[
                flow.PaymentInput("alipay", phone.product.list_price - 100),
                flow.PaymentInput("coupon", 100),
            ],
        )
    ctx.log.append(f"warranty: {len(cards)} 三包 certificates, 1 return waiting for review")


def seed_company_policy(ctx: DemoContext) -> None:
    """The demo company's policy, made the default while the national floor still is. The
    catalogue demo calls it too, before any demo sale issues a certificate."""
    rulebooks_install()
    admin = ctx.objects.get("user:admin")
    if admin is None or Rulebook.objects.filter(key=DEMO_POLICY_KEY).exists():
        return
    rulebook_save(actor=admin, key=DEMO_POLICY_KEY, data=DEMO_POLICY, name=DEMO_POLICY_NAME)
    default = Rulebook.objects.filter(is_default=True).first()
    if default is None or default.key == DEFAULT_KEY:
        rulebook_make_default(actor=admin, key=DEMO_POLICY_KEY)
