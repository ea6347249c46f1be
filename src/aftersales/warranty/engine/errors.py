"""Errors of the engine: each names the fact or policy field at fault, in English and Chinese,
so the API and the pages can show it in the reader's language without the engine importing
Django's translation machinery."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    en: str
    zh: str
    # What the caller may have meant (an unknown category that resembles catalogue names).
    suggestions: tuple[str, ...] = ()


class EngineError(ValueError):
    """Bad facts or a bad policy. ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.en}" for e in errors))

    def by_field(self, language: str = "zh") -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.zh if language.startswith("zh") else e.en)
        return out
