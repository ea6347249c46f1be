"""Printable registers: a title, the filters used, and a table, in Chinese (STSong-Light)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

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


def table_pdf(
    *, title: str, subtitle: str, headers: list[str], rows: Iterable[Iterable], company: str = ""
) -> bytes:
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=FONT, fontSize=16, leading=20, alignment=1)
    note = ParagraphStyle("note", fontName=FONT, fontSize=9, leading=12)
    data = [[Paragraph(str(h), cell) for h in headers]]
    for index, row in enumerate(rows):
        if index >= MAX_PRINT_ROWS:
            break
        data.append([Paragraph(_text(v), cell) for v in row])
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
        Paragraph(f"{company} {title}".strip(), head),
        Spacer(0, 3 * mm),
        Paragraph(f"{subtitle}　打印时间：{printed}　共 {len(data) - 1} 行", note),
        Spacer(0, 3 * mm),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()
