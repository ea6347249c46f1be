"""Charts for the printed report, drawn on the server as SVG (WeasyPrint lays them out; no
script runs in a PDF). Built from our own drawing only: every label is escaped."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe

COLOURS = ("#1f6feb", "#9aa4b2", "#d1242f", "#1a7f37", "#bf8700")
WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 48, 40, 16


def _num(v) -> float:
    return float(v) if v is not None else 0.0


def _axis(top: float) -> list[str]:
    parts = []
    for i in range(5):
        y = TOP + (HEIGHT - TOP - BOTTOM) * i / 4
        value = top * (4 - i) / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">'
            f"{value:g}</text>"
        )
    return parts


def _nice(top: float) -> float:
    if top <= 0:
        return 1
    step = 10 ** (len(str(int(top))) - 1)
    return (int(top / step) + 1) * step


def bar_svg(labels: list[str], values: list, *, unit: str = "") -> str:
    """Vertical bars, the value above each, the label below (cut to eight characters)."""
    top = _nice(max((_num(v) for v in values), default=0))
    inner = HEIGHT - TOP - BOTTOM
    n = max(len(values), 1)
    slot = (WIDTH - LEFT - 8) / n
    parts = _axis(top)
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        h = inner * _num(value) / top
        x = LEFT + i * slot + slot * 0.15
        shown = escape("—" if value is None else f"{_num(value):g}{unit}")
        y = TOP + inner - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 2:.1f}" font-size="9" '
            f'text-anchor="middle">{shown}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 12}" font-size="9" '
            f'text-anchor="middle">{escape(str(label)[:8])}</text>'
        )
    return _svg(parts)


def line_svg(labels: list[str], series: list[tuple[str, list]]) -> str:
    """One line per series over the labels (months), with a legend."""
    top = _nice(max((_num(v) for _n, vs in series for v in vs), default=0))
    inner = HEIGHT - TOP - BOTTOM
    n = max(len(labels), 2)
    step = (WIDTH - LEFT - 16) / (n - 1)
    parts = _axis(top)
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - BOTTOM + 12}" font-size="8" '
            f'text-anchor="middle">{escape(str(label)[2:])}</text>'
        )
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = " ".join(
            f"{LEFT + i * step:.1f},{TOP + inner - inner * _num(v) / top:.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        x = LEFT + s * 120
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="4" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 10}" font-size="9">{escape(str(name))}</text>'
        )
    return _svg(parts)


def _svg(parts: list[str]) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'style="width:100%;height:auto" font-family="Noto Sans CJK SC, sans-serif">'
        + "".join(parts)
        + "</svg>"
    )
