"""The source documents' time limits, shipped as the default SLA policy (policies are data).

respond within 24 h (S9, S10, S12) · initial verification within 3 working days (S9) ·
on site within 3 working days (S12) · repair done within 15 working days (S3) ·
refund within 15 days of receiving the returned goods (S14).

Used by the data migration (with historical models) and by ``seed_demo`` (which restores it
in a database that was emptied), so it takes the model classes as arguments.
"""

from django.utils.translation import gettext_lazy as _

PRESET_NAME = "标准服务时限（制度预设）"

TARGETS = [
    ("first_response", 24, "clock_hours", "S9, S10, S12: 24 小时内响应"),
    ("initial_verification", 3, "working_days", "S9: 3 个工作日内初步核实"),
    ("on_site", 3, "working_days", "S12: 3 个工作日内到达现场"),
    ("resolution", 15, "working_days", "S3: 收到产品后 15 个工作日内修复"),
    ("refund", 15, "calendar_days", "S14: 收到退货后 15 日内退款"),
]

# The preset's texts in English, shown while nobody has changed them (core.seeded).
LABELS = {
    PRESET_NAME: _("Standard service time limits (preset)"),
    "S9, S10, S12: 24 小时内响应": _("S9, S10, S12: respond within 24 hours"),
    "S9: 3 个工作日内初步核实": _("S9: first verification within 3 working days"),
    "S12: 3 个工作日内到达现场": _("S12: on site within 3 working days"),
    "S3: 收到产品后 15 个工作日内修复": _(
        "S3: repaired within 15 working days of receiving the product"
    ),
    "S14: 收到退货后 15 日内退款": _("S14: refund within 15 days of receiving the returned goods"),
}

# level, trigger, minutes, role, notify the handler
ESCALATIONS = [
    (1, "before_due", 240, "", True),
    (2, "after_due", 0, "customer_service", True),
    (3, "after_due", 1440, "sales_vp", False),
]


def ensure_preset_policy(policy_model, target_model, step_model):
    """Create the preset policy unless a policy of that name exists. Idempotent."""
    existing = policy_model.objects.filter(name=PRESET_NAME).first()
    if existing is not None:
        return existing
    policy = policy_model.objects.create(
        name=PRESET_NAME, pause_statuses=["waiting_customer"], source="S3, S9, S10, S12, S14"
    )
    for metric, amount, unit, source in TARGETS:
        target_model.objects.create(
            policy=policy, metric=metric, amount=amount, unit=unit, source=source
        )
    for level, trigger, minutes, role, responsible in ESCALATIONS:
        step_model.objects.create(
            policy=policy,
            level=level,
            trigger=trigger,
            offset_minutes=minutes,
            notify_role=role,
            notify_responsible=responsible,
        )
    return policy
