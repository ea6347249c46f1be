"""Start-up guard for every entry point: a configuration error is one line, not a traceback."""

from __future__ import annotations

import importlib
import os
import sys

DEFAULT_SETTINGS = "config.settings.local"


def load_settings_or_exit(default: str = DEFAULT_SETTINGS) -> None:
    """Import the settings module now, so a bad environment stops start-up with a clear line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from config.env import ConfigError

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigError as exc:
        sys.stderr.write(f"aftersales: configuration error: {exc}\n")
        raise SystemExit(2) from None
