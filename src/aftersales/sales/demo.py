"""Demo sales: the approval rule, a few orders at different steps, and written promises."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.core.demo import DemoContext

from . import services
from .models import Order, SalesPolicy, WrittenPromise


def seed(ctx: DemoContext) -> None:
    if not SalesPolicy.objects.exists():
        SalesPolicy.objects.create(name="销售合同审批规则", approval_amount=Decimal("10000.00"))
    _stock_serials()
    _promises(ctx)
    if Order.objects.exists():
        return
    from aftersales.catalog.models import Product
    from aftersales.customers.models import Customer

    sales, vp = ctx.objects.get("user:zhangwei"), ctx.objects.get("user:liuyang")
    warehouse = ctx.objects.get("user:zhaolei")
    if not (sales and vp and warehouse):
        return
    customers = list(Customer.objects.filter(kind="individual").order_by("id")[:3])
    tv, fridge = Product.objects.get(sku="TV-55A1"), Product.objects.get(sku="FR-450")
    soon = timezone.localdate() + timedelta(days=7)

    def order(customer, product, quantity):
        return services.order_create(
            actor=sales,
            customer=customer,
            delivery_date=soon,
            delivery_place=customer.address or "上海市",
            contact_phone=customer.mobile,
            lines=[services.LineInput(product, quantity, product.list_price)],
        )

    order(customers[0], tv, 1)  # a draft
    waiting = order(customers[1], fridge, 3)  # 13,797: waits for the vice-president
    services.order_submit(actor=sales, order=waiting)
    done = order(customers[2], tv, 1)
    services.order_submit(actor=sales, order=done)  # small: approved at once
    line = done.lines.get()
    batch = tv.batches.filter(quality_status="passed").order_by("production_date").first()
    unit = batch.serials.filter(owner__isnull=True).order_by("serial").first()
    shipment = services.shipment_create(
        actor=warehouse,
        order=done,
        lines=[services.ShipInput(line, batch, 1, (unit,))],
        documents=["contract", "invoice", "manual"],
    )
    services.shipment_deliver(
        actor=warehouse, shipment=shipment, deliverer="赵磊", carrier="沪A·12345"
    )


STOCK_PER_BATCH = 12


def _stock_serials() -> None:
    """Units in the warehouse: serial numbers of every released batch of a serial-tracked
    product, unsold, so orders ship with real serial numbers (and exchanges have units to
    send). Named <SKU>-<batch>-<n>, e.g. TV55A1-TV2026091501-001."""
    from aftersales.catalog.models import Batch, SerialNumber
    from aftersales.catalog.services import serial_create

    batches = Batch.objects.filter(
        product__serial_tracked=True, quality_status=Batch.QualityStatus.PASSED
    ).select_related("product")
    for batch in batches:
        prefix = f"{batch.product.sku.replace('-', '')}-{batch.batch_no}"
        for n in range(1, STOCK_PER_BATCH + 1):
            serial = f"{prefix}-{n:03d}"
            if not SerialNumber.objects.filter(serial=serial).exists():
                serial_create(
                    actor=None, data={"serial": serial, "product": batch.product, "batch": batch}
                )


# title, kind, text, scope (category code or SKU), dealer code, final status
PROMISES = [
    (
        "正品保证",
        WrittenPromise.Kind.AUTHENTICITY,
        "我们销售的每一件商品均为原厂正品，附产品合格证和三包凭证。"
        "如经鉴定不是正品，退还全部货款，并按货款的三倍赔偿。",
        None,
        None,
        "published",
    ),
    (
        "30 天价保",
        WrittenPromise.Kind.PRICE_PROTECTION,
        "自购买之日起 30 天内，同一型号电视在本公司直营渠道降价的，凭发票可申请退还差价。",
        "category:tv",
        None,
        "published",
    ),
    (
        "终身维修",
        WrittenPromise.Kind.LIFETIME_REPAIR,
        "在本店购买的电器，三包期满后终身提供维修服务，只收配件成本费，免收上门费。",
        None,
        "sh-xuhui",
        "published",
    ),
    (
        "送装一体",
        WrittenPromise.Kind.DELIVERY_INSTALLATION,
        "上海市内下单后 48 小时内送货上门，并免费安装调试、带走包装。",
        "product:TV-55A1",
        "sh-xuhui",
        "submitted",
    ),
]


def _promises(ctx: DemoContext) -> None:
    """The company's authenticity guarantee (every product) and 30-day price protection (TVs),
    published; 上海徐汇经销店's lifetime repair, approved by the vice-president, and its
    delivery-and-installation promise waiting for the company's review (SAL-11)."""
    from aftersales.catalog.models import Category, Product

    sales, vp, dealer = (ctx.objects.get(f"user:{n}") for n in ("zhangwei", "liuyang", "zhoujing"))
    if not (sales and vp and dealer):
        return
    for title, kind, text, scope, dealer_code, final in PROMISES:
        if WrittenPromise.objects.filter(title=title, dealer__code=dealer_code).exists():
            continue
        where = {}
        if scope and scope.startswith("category:"):
            where["category"] = Category.objects.get(code=scope.split(":", 1)[1])
        elif scope:
            where["product"] = Product.objects.get(sku=scope.split(":", 1)[1])
        writer = dealer if dealer_code else sales
        promise = services.promise_create(actor=writer, title=title, kind=kind, text=text, **where)
        promise = services.promise_submit(actor=writer, promise=promise)
        if dealer_code and final == "published":
            services.promise_review(actor=vp, promise=promise, decision="approve")
