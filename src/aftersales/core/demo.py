"""Demo data: each app may have a ``demo.py`` with ``seed(ctx)``; ``seed_demo`` runs them in
``INSTALLED_APPS`` order, so later apps can build on earlier ones (customers on users, orders on
customers). Every seed function must be idempotent: running it again changes nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

DEMO_PASSWORD = "demo1234"


@dataclass
class DemoContext:
    """What seed functions share: objects created so far, by key, and log lines to print."""

    objects: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, roles
    # Run once every app has seeded (a seed that needs what later apps create).
    after: list[Any] = field(default_factory=list)


@transaction.atomic
def seed_all() -> DemoContext:
    ctx = DemoContext()
    for config in apps.get_app_configs():
        if not config.name.startswith("aftersales."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        seed = getattr(module, "seed", None)
        if seed is not None:
            seed(ctx)
    for late in ctx.after:
        late(ctx)
    return ctx


# -- the core app's own demo data -----------------------------------------------------------

DEMO_COMPANY = {
    "name": "华东精工电器有限公司",
    "short_name": "华东精工",
    "address": "上海市徐汇区漕溪北路88号",
    "phone": "400-820-1234",
    "credit_code": "91310104MA1FL5TQ06",
    "bank_name": "中国工商银行上海徐汇支行",
    "bank_account": "1001 2345 6789 0123 456",
    # Empty: links follow PUBLIC_BASE_URL, which ``make run`` sets from its port.
    "public_url": "",
}


def seed(ctx: DemoContext) -> None:
    """The demo company's profile, saved by the demo administrator once the people exist."""
    ctx.after.append(_company_profile)


def _company_profile(ctx: DemoContext) -> None:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.accounts.models import User

    from .models import CompanyProfile
    from .services import company_profile_save

    if CompanyProfile.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    logo = Path(__file__).resolve().parent / "fixtures" / "demo-logo.png"
    company_profile_save(
        actor=admin,
        data=DEMO_COMPANY,
        logo=SimpleUploadedFile("logo.png", logo.read_bytes(), content_type="image/png"),
    )
    ctx.log.append(f"Company profile: {DEMO_COMPANY['name']}")
