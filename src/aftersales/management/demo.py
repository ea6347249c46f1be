"""Demo cockpit: the report policy, and the summary tables summed from the demo's records
(the other apps' demo data comes first: this app is the last one installed)."""

from __future__ import annotations

from aftersales.core.demo import DemoContext

from .facts import rebuild
from .models import ManagementPolicy


def seed(ctx: DemoContext) -> None:
    if not ManagementPolicy.objects.exists():
        ManagementPolicy.objects.create(
            name="经营管理月报", report_roles=["sales_vp", "admin", "quality"]
        )
    rebuild()
