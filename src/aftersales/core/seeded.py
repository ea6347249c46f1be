"""Names the program seeds, shown in the reader's language.

Departments, complaint categories, service skills, product categories and the shipped 三包
and SLA policies are records: they store the Chinese name they were seeded with, and an
administrator may rename them. Each app keeps a table ``code -> (the Chinese it seeds, an
English msgid)`` beside its demo data; ``seeded_name`` shows the translated label while the
record still carries the seeded name, and the stored name otherwise (a name someone typed is
the company's data). A Chinese page always shows the stored name.

Why a table and not a second name column: no migration and no change to the stored data, the
seeds stay the single place that says what is seeded, and a renamed record shows its new name
in every language (an English column would go stale the moment someone renames the Chinese).
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_chinese() -> bool:
    """Is the active language Chinese (the default, and the language the data are in)?"""
    return (get_language() or "zh-hans").lower().startswith("zh")


def seeded_name(stored: str, seed: tuple[str, object] | None) -> str:
    """``stored``, or the translated label of ``seed`` (Chinese, lazy label) while the record
    still carries the seeded Chinese name and the page is not Chinese."""
    if seed is None or is_chinese():
        return stored
    chinese, label = seed[0], seed[1]
    if stored != chinese:
        return stored
    return str(label)


def seeded_text(stored: str, labels: dict) -> str:
    """``stored``, or its translated label from ``labels`` (seeded Chinese text -> lazy
    label) when the page is not Chinese: for seeded records without a code."""
    label = labels.get(stored)
    return seeded_name(stored, (stored, label) if label is not None else None)
