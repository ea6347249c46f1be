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
    return ctx
