"""The departments the demo company starts with: code -> (the Chinese name stored, the English
shown for it). See ``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DEPARTMENTS = {
    "office": ("总经理办公室", _("General Manager's Office")),
    "sales": ("销售部", _("Sales Department")),
    "qc": ("质检部", _("Quality Inspection Department")),
    "quality": ("品质部", _("Quality Department")),
    "logistics": ("物流部", _("Logistics Department")),
    "service": ("售后服务部", _("After-sales Service Department")),
    "cs": ("客服部", _("Customer Service Department")),
    "it": ("信息部", _("IT Department")),
    "hr": ("人力资源部", _("Human Resources Department")),
    "dealers": ("经销商渠道", _("Dealer Channel")),
}
