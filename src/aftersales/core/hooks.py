"""Named hooks between apps that must not import each other, e.g. "acceptance_problem": the
sales app reports a damaged delivery; the service app (when installed) opens a case for it."""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: dict[str, list[Callable]] = {}


def register_hook(name: str, handler: Callable) -> None:
    handlers = _HOOKS.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def call_hook(name: str, **kwargs) -> list:
    """Call every handler; the results in order. No handler: an empty list."""
    return [handler(**kwargs) for handler in _HOOKS.get(name, [])]
