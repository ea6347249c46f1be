"""Printable registers: a title, the filters used, and a table, in Chinese (STSong-Light).

Also the one way every PDF of the product puts text on the page. A ReportLab ``Paragraph``
parses its text as mini-HTML: in a customer's name or address ``<img src="/etc/passwd"/>``
would embed a file of the server, ``<a href>`` would put a link on an official document, and a
lone ``<`` would stop the whole register from printing. So no module builds a ``Paragraph``
itself (a test checks): plain values go through ``para`` and the code's own markup (``<b>``,
``<br/>``) through ``markup``, which escapes every value it is given.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from .times import local_text

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
MAX_PRINT_ROWS = 5000  # beyond this, export to Excel instead


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_text(value)  # str() of a database datetime would print UTC
    return str(value)


def plain(value) -> str:
    """``value`` as Paragraph text that prints literally (``<``, ``>`` and ``&`` escaped)."""
    return escape(_text(value))


def para(value, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: nothing in ``value`` is read as markup."""
    return Paragraph(plain(value), style)


def markup(template: str, style: ParagraphStyle, **values) -> Paragraph:
    """A paragraph with the code's own markup around escaped values:
    ``markup("{company}<br/>送 货 单", title, company=company)``. Only ``template`` may hold
    tags; it must never be built from user text."""
    return Paragraph(template.format_map({k: plain(v) for k, v in values.items()}), style)


def table_pdf(
    *, title: str, subtitle: str, headers: list[str], rows: Iterable[Iterable], company: str = ""
) -> bytes:
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=FONT, fontSize=16, leading=20, alignment=1)
    note = ParagraphStyle("note", fontName=FONT, fontSize=9, leading=12)
    data = [[para(h, cell) for h in headers]]
    for index, row in enumerate(rows):
        if index >= MAX_PRINT_ROWS:
            break
        data.append([para(v, cell) for v in row])
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author=company,
    )
    table = LongTable(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    printed = local_text(timezone.now())
    story = [
        para(f"{company} {title}".strip(), head),
        Spacer(0, 3 * mm),
        para(f"{subtitle}　打印时间：{printed}　共 {len(data) - 1} 行", note),
        Spacer(0, 3 * mm),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()
