"""The workbench's small charts: an inline SVG sparkline drawn on the server (no script, no
CDN; the Content-Security-Policy allows inline SVG as it does any markup)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


def sparkline_points(values, *, width=WIDTH, height=HEIGHT, pad=PAD) -> list[tuple[float, float]]:
    """The (x, y) of each value, oldest on the left, zero on the bottom line, the largest
    value on the top one; all zeros draw a flat line along the bottom."""
    values = [float(v or 0) for v in values]
    if not values:
        return []
    top = max(max(values), 0.0)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    span = height - 2 * pad
    return [
        (
            round(pad + i * step, 1),
            round(height - pad - (span * v / top if top > 0 else 0), 1),
        )
        for i, v in enumerate(values)
    ]


@register.simple_tag
def sparkline(values, label: str = ""):
    """``{% sparkline figure.trend figure.label %}``: the weekly values as a line over a
    shaded area, this week's point marked; the values are in the title for a screen reader
    and for the tooltip."""
    points = sparkline_points(values)
    if not points:
        return ""
    line = " ".join(f"{x},{y}" for x, y in points)
    bottom = HEIGHT - PAD
    area = f"{points[0][0]},{bottom} {line} {points[-1][0]},{bottom}"
    last_x, last_y = points[-1]
    title = _("%(label)s, week by week: %(values)s") % {
        "label": label,
        "values": ", ".join(_number(v) for v in values),
    }
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" preserveAspectRatio="none" role="img" '
        'aria-label="{title}" data-testid="sparkline"><title>{title}</title>'
        '<polygon class="sparkline-area" points="{area}"></polygon>'
        '<polyline class="sparkline-line" points="{line}"></polyline>'
        # A zero-length line with round caps: a dot that stays round however the chart is
        # stretched (the strokes do not scale, see app.css).
        '<polyline class="sparkline-dot" points="{x},{y} {x},{y}"></polyline></svg>',
        w=WIDTH,
        h=HEIGHT,
        title=title,
        area=area,
        line=line,
        x=last_x,
        y=last_y,
    )


def _number(value) -> str:
    if value is None:
        return "0"
    try:
        as_int = int(value)
    except (TypeError, ValueError):
        return str(value)
    return str(as_int) if as_int == value else f"{value:.2f}"
