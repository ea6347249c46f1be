"""The 三包 decision engine: pure Python, no Django (WAR-1 … WAR-13, RULES-CN R1–R36).

    from aftersales.warranty.engine import evaluate
    evaluate({"category": "彩色电视机", "channel": "offline", "purchase_date": "2026-11-20",
              "received_date": "2026-11-20", "report_date": "2026-11-25",
              "problem": "quality", "has_invoice_or_card": True})

returns the remedies offered (with the rule each rests on, whether it comes from the law or
the company's promise, and the last day to claim it), the remedies refused and why, the end
of the 三包 period, who pays what, and notes.
"""

from .errors import EngineError, FieldError
from .policy import REMEDIES, CategoryRules, Policy
from .presets import PRESETS, preset, preset_data
from .rules import evaluate

__all__ = [
    "PRESETS",
    "REMEDIES",
    "CategoryRules",
    "EngineError",
    "FieldError",
    "Policy",
    "evaluate",
    "preset",
    "preset_data",
]
