"""Demo field service: the two after-sales technicians with regions and vans, a warehouse and
the repair centre with spare parts in stock, labour and travel rates, a loaner TV, a visit
booked today for 陈杰, a mail-in repair at the centre, and an upkeep plan for a refrigerator."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import (
    LoanerUnit,
    Location,
    MaintenancePlan,
    ServiceRate,
    SparePart,
    Stock,
    StockMove,
    TechnicianProfile,
    WorkOrder,
)

# username: regions, visits a day, also dispatches
TECHNICIANS = {
    "chenjie": ("浦东新区, 闵行区, 徐汇区", 6, False),
    "yangmin": ("静安区, 黄浦区, 长宁区", 5, True),
}
PARTS = [
    # part no, name, price, cost, fits, warehouse, repair centre, per van, re-order point
    ("P-TV-BL55", "55英寸背光灯条", "180.00", "95.00", "TV-55A1", 20, 6, 2, 8),
    ("P-TV-PWR", "电视电源板", "260.00", "140.00", "TV-55A1", 12, 4, 1, 5),
    ("P-FR-THM", "冰箱温控器", "85.00", "40.00", "FR-450", 30, 5, 2, 10),
    ("P-WM-BELT", "洗衣机皮带", "45.00", "18.00", "WM-10KG", 40, 8, 3, 10),
    ("P-PH-BAT", "X10 手机电池", "129.00", "60.00", "PH-X10", 25, 10, 0, 10),
]


def seed(ctx: DemoContext) -> None:
    if TechnicianProfile.objects.exists():
        return
    from aftersales.catalog.models import Product

    vans = {}
    for username, (regions, per_day, dispatches) in TECHNICIANS.items():
        person = ctx.objects.get(f"user:{username}")
        if person is None:
            continue
        TechnicianProfile.objects.create(
            user=person, regions=regions, visits_per_day=per_day, dispatcher=dispatches
        )
        vans[username] = Location.objects.create(
            code=f"van-{username}", name=f"{person.full_name or username} 的工具车",
            kind=Location.Kind.VAN, technician=person,
        )  # fmt: skip
    warehouse = Location.objects.create(code="wh-main", name="中心仓库", kind="warehouse")
    centre = Location.objects.create(code="repair-centre", name="维修中心", kind="repair_centre")
    for kind, amount in (("labour_hour", "80.00"), ("travel", "50.00"), ("inspection", "30.00")):
        ServiceRate.objects.create(kind=kind, amount=Decimal(amount))
    for part_no, name, price, cost, sku, in_wh, in_centre, per_van, reorder in PARTS:
        part = SparePart.objects.create(
            part_no=part_no, name=name, price=Decimal(price), cost=Decimal(cost),
            reorder_point=reorder,
        )  # fmt: skip
        product = Product.objects.filter(sku=sku).first()
        if product is not None:
            part.products.add(product)
        for location, quantity in [(warehouse, in_wh), (centre, in_centre)] + [
            (van, per_van) for van in vans.values()
        ]:
            if quantity:
                Stock.objects.create(part=part, location=location, quantity=quantity)
                StockMove.objects.create(
                    part=part, to_location=location, quantity=quantity, reason="receipt",
                    reference="期初库存",
                )  # fmt: skip
    tv = Product.objects.filter(sku="TV-55A1").first()
    if tv is not None:
        LoanerUnit.objects.create(code="LN-TV-01", product=tv, serial="LNTV0001", condition="完好")
    _work(ctx)
    ctx.log.append("repairs: 2 technicians, 5 spare parts, 1 loaner, today's visit for chenjie")


def _work(ctx: DemoContext) -> None:
    from aftersales.customers.models import Customer

    from .services.dispatch import work_order_schedule
    from .services.repair_centre import work_order_receive
    from .services.work_orders import work_order_create

    dispatcher = ctx.objects.get("user:yangmin")
    chenjie = ctx.objects.get("user:chenjie")
    customer = Customer.objects.filter(street__gt="").order_by("id").first()
    if not (dispatcher and chenjie and customer):
        return
    from aftersales.catalog.models import Product

    tv = Product.objects.filter(sku="TV-55A1").first()
    visit = work_order_create(
        actor=dispatcher, kind=WorkOrder.Kind.ONSITE_REPAIR, customer=customer,
        problem="电视画面有竖线，开机 10 分钟后出现", product=tv, in_warranty=True,
        warranty_basis="R11 部分商品修理更换退货责任规定 第十五条（三包期内免费修理）",
    )  # fmt: skip
    today = timezone.localdate()
    start = timezone.make_aware(datetime(today.year, today.month, today.day, 14))
    if start < timezone.now():  # too late today: tomorrow morning
        tomorrow = today + timedelta(days=1)
        start = timezone.make_aware(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9))
    work_order_schedule(
        actor=dispatcher, work_order=visit, technician=chenjie, start=start,
        end=start + timedelta(hours=2), reason="演示数据",
    )  # fmt: skip
    mail_in = work_order_create(
        actor=dispatcher, kind=WorkOrder.Kind.MAIL_IN, customer=customer,
        problem="寄修：冰箱温控器失灵", in_warranty=False, warranty_basis="已超过三包有效期",
    )  # fmt: skip
    work_order_receive(actor=dispatcher, work_order=mail_in, condition="外观完好", accessories="无")
    fridge = Product.objects.filter(sku="FR-450").first()
    if fridge is not None:
        MaintenancePlan.objects.create(
            customer=customer, product=fridge, address=visit.address,
            interval_months=6, next_due_on=today + timedelta(days=10),
            work="冰箱清洁保养：冷凝器除尘、门封检查",
        )  # fmt: skip
