"""A Chinese address in one line: province, city, district, street, written together.

The four municipalities (北京、天津、上海、重庆) are a province and a city at once: forms and
imports store 上海市 as both, and written out whole that reads 上海市上海市. A city that
repeats the province is written once, and so is any part that only repeats the one before.
"""

from __future__ import annotations


def _bare(name: str) -> str:
    return name.strip().removesuffix("市")


def format_address(province: str = "", city: str = "", district: str = "", street: str = "") -> str:
    parts = [p.strip() for p in (province, city, district, street) if p and p.strip()]
    out: list[str] = []
    for part in parts:
        if out and (part == out[-1] or _bare(part) == _bare(out[-1])):
            continue  # 上海市 上海市, or 上海 上海市
        out.append(part)
    return "".join(out)
