"""Demo catalogue for the categories of the source documents (S1, S8, S17)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import Batch, Category, Product, ProductPart, SerialNumber, Supplier, WarrantyPolicy
from .seeded import CATEGORIES as CATEGORY_NAMES
from .services import expiry_date

POLICIES = [
    ("电子产品三包（1年）", 12, 15, 7, "S17"),
    ("家用电器三包（1年）", 12, 15, 7, "S17"),
    ("家具三包（1年）", 12, 15, 15, "S8"),
    ("日用品三包（6个月）", 6, 15, 7, "S17"),
]
SUPPLIERS = [
    ("hd-elec", "华东精工电器有限公司", "manufacturer"),
    ("mj-furn", "美家家具制造有限公司", "manufacturer"),
    ("xw-food", "鲜味食品有限公司", "manufacturer"),
    ("jl-home", "佳乐家居用品有限公司", "supplier"),
]
CATEGORIES = [
    (code, CATEGORY_NAMES[code][0], parent, policy)
    for code, parent, policy in (
        ("electronics", None, "电子产品三包（1年）"),
        ("tv", "electronics", None),
        ("phone", "electronics", None),
        ("appliances", None, "家用电器三包（1年）"),
        ("fridge", "appliances", None),
        ("washer", "appliances", None),
        ("furniture", None, "家具三包（1年）"),
        ("wardrobe", "furniture", None),
        ("dining", "furniture", None),
        ("daily", None, "日用品三包（6个月）"),
        ("kitchen", "daily", None),
        ("food", None, None),
        ("snacks", "food", None),
    )
]
# sku, name, model, spec, unit, price, shelf life, serial, category, maker, parts
# The 三包 rules' names for the demo categories (the engine's national catalogue).
SANBAO_NAMES = {
    "tv": "彩色电视机",
    "phone": "移动电话机",
    "fridge": "家用电冰箱",
    "washer": "洗衣机",
}

PRODUCTS = [
    (
        "TV-55A1",
        "55英寸4K智能电视",
        "55A1",
        "3840×2160，2GB+32GB",
        "台",
        "3299.00",
        None,
        True,
        "tv",
        "hd-elec",
        # A 4K LCD TV's main parts (the company's 三包 policy names the same, warranty.demo).
        [("液晶面板", 36), ("背光组件", 36), ("主板", 36), ("电源板", 36)],
    ),
    (
        # The same family one size up: the higher specification an exchange may go to (S11).
        "TV-65A1",
        "65英寸4K智能电视",
        "65A1",
        "3840×2160，3GB+64GB",
        "台",
        "4599.00",
        None,
        True,
        "tv",
        "hd-elec",
        [("液晶面板", 36), ("背光组件", 36), ("主板", 36), ("电源板", 36)],
    ),
    (
        "PH-X10",
        "X10 智能手机",
        "X10",
        "8GB+256GB，6.7英寸",
        "部",
        "2499.00",
        None,
        True,
        "phone",
        "hd-elec",
        [("电池", 6)],
    ),
    (
        "FR-450",
        "450升风冷对开门冰箱",
        "BCD-450",
        "一级能效",
        "台",
        "4599.00",
        None,
        True,
        "fridge",
        "hd-elec",
        [("压缩机", 36)],
    ),
    (
        "WM-10KG",
        "10公斤滚筒洗衣机",
        "XQG100",
        "变频，洗烘一体",
        "台",
        "2899.00",
        None,
        True,
        "washer",
        "hd-elec",
        [("电机", 120)],
    ),
    (
        "WD-180",
        "1.8米推拉门衣柜",
        "YG-180",
        "E0级板材，玻璃推拉门",
        "套",
        "3680.00",
        None,
        False,
        "wardrobe",
        "mj-furn",
        [("玻璃门", 6), ("镜面", 6)],
    ),
    (
        "DT-140",
        "钢化玻璃餐桌",
        "CZ-140",
        "1.4米，配四椅",
        "套",
        "1980.00",
        None,
        False,
        "dining",
        "mj-furn",
        [("玻璃台面", 6)],
    ),
    (
        "KT-PAN28",
        "28厘米不粘炒锅",
        "PAN28",
        "不粘涂层，电磁炉通用",
        "只",
        "129.00",
        None,
        False,
        "kitchen",
        "jl-home",
        [],
    ),
    (
        "FD-NUT30",
        "每日坚果礼盒",
        "NUT30",
        "25克×30袋",
        "盒",
        "89.00",
        180,
        False,
        "snacks",
        "xw-food",
        [],
    ),
]


def ensure_fault_codes() -> None:
    """The preset fault codes (故障代码), when missing."""
    from .models import FaultCode
    from .seeded import FAULT_CODE_WORDS, FAULT_CODES

    categories = {c.code: c for c in Category.objects.all()}
    for code, (name, _english) in FAULT_CODES.items():
        category, words = FAULT_CODE_WORDS[code]
        FaultCode.objects.get_or_create(
            code=code,
            defaults={"name": name, "category": categories.get(category), "keywords": words},
        )


def seed(ctx: DemoContext) -> None:
    policies = {}
    for name, months, exchange, ret, source in POLICIES:
        policies[name], _ = WarrantyPolicy.objects.get_or_create(
            name=name,
            defaults={
                "warranty_months": months,
                "exchange_days": exchange,
                "return_days": ret,
                "source": source,
            },
        )
    suppliers = {}
    for code, name, kind in SUPPLIERS:
        suppliers[code], _ = Supplier.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    categories = {}
    for code, name, parent, policy in CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "warranty_policy": policies.get(policy),
                "sanbao_category": SANBAO_NAMES.get(code, ""),
            },
        )
    service = ctx.objects.get("departments", {}).get("service")
    if service is not None:
        # The after-sales service department answers for the products' technical knowledge.
        Category.objects.filter(parent=None, owner_department=None).update(owner_department=service)
    ensure_fault_codes()
    today = timezone.localdate()
    for sku, name, model, spec, unit, price, shelf, serial, cat, maker, parts in PRODUCTS:
        product, created = Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "model": model,
                "specification": spec,
                "unit": unit,
                "list_price": Decimal(price),
                "shelf_life_days": shelf,
                "serial_tracked": serial,
                "category": categories[cat],
                "manufacturer": suppliers[maker],
            },
        )
        ctx.objects[f"product:{sku}"] = product
        if not created:
            continue
        for part, months in parts:
            ProductPart.objects.create(product=product, name=part, warranty_months=months)
        for n, days_ago in enumerate((75, 20), start=1):
            made = today - timedelta(days=days_ago)
            batch = Batch.objects.create(
                product=product,
                batch_no=f"{sku.split('-')[0]}{made:%Y%m%d}{n:02d}",
                production_date=made,
                expiry_date=expiry_date(made, shelf),
                packer_no=f"P{n:02d}",
                packing_list_ref=f"PL-{made:%m%d}-{n:02d}",
                quality_status=Batch.QualityStatus.PASSED,
            )
            ctx.objects[f"batch:{sku}:{n}"] = batch
    # The company's 三包 promise for its products (its LCD TVs' main parts), in force before
    # the sales demo delivers anything: a certificate freezes the policy it was issued under.
    from aftersales.warranty.demo import seed_company_policy

    seed_company_policy(ctx)


def seed_serials(ctx: DemoContext, owners: list) -> None:
    """Serial numbers owned by demo customers (called by the customers demo)."""
    for index, owner in enumerate(owners):
        sku = ["TV-55A1", "FR-450", "WM-10KG", "PH-X10"][index % 4]
        product = Product.objects.get(sku=sku)
        serial = f"SN{sku.replace('-', '')}{index + 1:05d}"
        if SerialNumber.objects.filter(serial=serial).exists():
            continue
        batch = product.batches.order_by("production_date").first()
        SerialNumber.objects.create(
            serial=serial,
            product=product,
            batch=batch,
            owner=owner,
            warranty_start=timezone.localdate() - timedelta(days=10 + 30 * index),
            sale_ref=f"SO-{index + 1:04d}",
        )
