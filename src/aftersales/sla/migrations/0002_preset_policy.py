"""Ship the source documents' time limits as the default SLA policy (policies are data).

respond within 24 h (S9, S10, S12) · initial verification within 3 working days (S9) ·
on site within 3 working days (S12) · repair done within 15 working days (S3) ·
refund within 15 days of receiving the returned goods (S14).
"""

from django.db import migrations

PRESET = "标准服务时限（制度预设）"

TARGETS = [
    ("first_response", 24, "clock_hours", "S9, S10, S12: 24 小时内响应"),
    ("initial_verification", 3, "working_days", "S9: 3 个工作日内初步核实"),
    ("on_site", 3, "working_days", "S12: 3 个工作日内到达现场"),
    ("resolution", 15, "working_days", "S3: 收到产品后 15 个工作日内修复"),
    ("refund", 15, "calendar_days", "S14: 收到退货后 15 日内退款"),
]

# level, trigger, minutes, role, notify the handler
ESCALATIONS = [
    (1, "before_due", 240, "", True),
    (2, "after_due", 0, "customer_service", True),
    (3, "after_due", 1440, "sales_vp", False),
]


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    SlaEscalationStep = apps.get_model("sla", "SlaEscalationStep")
    if SlaPolicy.objects.filter(name=PRESET).exists():
        return
    policy = SlaPolicy.objects.create(
        name=PRESET,
        pause_statuses=["waiting_customer"],
        source="S3, S9, S10, S12, S14",
    )
    for metric, amount, unit, source in TARGETS:
        SlaTarget.objects.create(
            policy=policy, metric=metric, amount=amount, unit=unit, source=source
        )
    for level, trigger, minutes, role, responsible in ESCALATIONS:
        SlaEscalationStep.objects.create(
            policy=policy,
            level=level,
            trigger=trigger,
            offset_minutes=minutes,
            notify_role=role,
            notify_responsible=responsible,
        )


def remove(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(name=PRESET).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
