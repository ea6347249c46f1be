"""The product categories and warranty policies the demo company starts with: the Chinese name
stored and the English shown for it (categories by code, policies by name). See
``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "electronics": ("电子产品", _("Electronics")),
    "tv": ("电视", _("TVs")),
    "phone": ("手机", _("Mobile phones")),
    "appliances": ("家用电器", _("Household appliances")),
    "fridge": ("冰箱", _("Refrigerators")),
    "washer": ("洗衣机", _("Washing machines")),
    "furniture": ("家具", _("Furniture")),
    "wardrobe": ("衣柜", _("Wardrobes")),
    "dining": ("餐桌", _("Dining tables")),
    "daily": ("日用品", _("Daily necessities")),
    "kitchen": ("厨具", _("Kitchenware")),
    "food": ("食品", _("Food")),
    "snacks": ("休闲食品", _("Snacks")),
}
WARRANTY_POLICIES = {
    "电子产品三包（1年）": _("Electronics: Three Guarantees (三包), 1 year"),
    "家用电器三包（1年）": _("Household appliances: Three Guarantees (三包), 1 year"),
    "家具三包（1年）": _("Furniture: Three Guarantees (三包), 1 year"),
    "日用品三包（6个月）": _("Daily necessities: Three Guarantees (三包), 6 months"),
}
