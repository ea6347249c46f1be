"""The complaint categories and service skills the demo company starts with: code -> (the
Chinese name stored, the English shown for it). See ``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CASE_CATEGORIES = {
    "quality": ("产品质量", _("Product quality")),
    "delivery": ("送货配送", _("Delivery")),
    "attitude": ("服务态度", _("Staff attitude")),
    "installation": ("安装调试", _("Installation and setup")),
    "billing": ("价格与发票", _("Prices and invoices")),
}
SKILLS = {
    "tv": ("电视", _("TVs")),
    "fridge": ("冰箱", _("Refrigerators")),
    "washer": ("洗衣机", _("Washing machines")),
    "aircon": ("空调", _("Air conditioners")),
    "installation": ("安装", _("Installation")),
}
