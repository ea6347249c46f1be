"""Demo data: the preset SLA policy (restored if the database was emptied)."""

from aftersales.core.demo import DemoContext

from .models import SlaEscalationStep, SlaPolicy, SlaTarget
from .presets import ensure_preset_policy


def seed(ctx: DemoContext) -> None:
    ctx.objects["sla:preset"] = ensure_preset_policy(SlaPolicy, SlaTarget, SlaEscalationStep)
