from datetime import time

import factory

from aftersales.sla.models import SlaEscalationStep, SlaPolicy, SlaTarget


class SlaPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaPolicy

    name = factory.Sequence(lambda n: f"时限政策{n}")
    pause_statuses = ["waiting_customer"]
    business_opens = time(9)
    business_closes = time(18)


def preset_policy(**fields) -> SlaPolicy:
    """The shipped preset's numbers (S3, S9, S10, S12, S14) on a fresh policy."""
    policy = SlaPolicyFactory(**fields)
    for metric, amount, unit in [
        ("first_response", 24, "clock_hours"),
        ("initial_verification", 3, "working_days"),
        ("on_site", 3, "working_days"),
        ("resolution", 15, "working_days"),
        ("refund", 15, "calendar_days"),
    ]:
        SlaTarget.objects.create(policy=policy, metric=metric, amount=amount, unit=unit)
    for level, trigger, minutes, role, responsible in [
        (1, "before_due", 240, "service", False),
        (2, "after_due", 0, "customer_service", False),
        (3, "after_due", 1440, "sales_vp", False),
    ]:
        SlaEscalationStep.objects.create(
            policy=policy,
            level=level,
            trigger=trigger,
            offset_minutes=minutes,
            notify_role=role,
            notify_responsible=responsible,
        )
    return policy
