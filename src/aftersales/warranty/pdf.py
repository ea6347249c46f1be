"""The 三包凭证 (R4, R10, WAR-10) as a PDF, in Chinese with ReportLab's built-in CID font.

Everything printed comes from the stored certificate: the terms frozen at issue time and the
repair records, so a reprint says what the first print said (plus later repairs). The repair
table always has room to write by hand (R7: the record is what proves two failed repairs).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from aftersales.core.pdf import FONT, markup, para

from .models import WarrantyCard
from .services.cards import card_periods

REPAIR_ROWS = 5  # at least this many lines in the repair table, blank ones to fill by hand
HEAD_BG = colors.HexColor("#F1F4F9")
TABLE_BG = colors.HexColor("#E8EEF7")


def months_cn(months) -> str:
    """12 → 1年, 24 → 2年, 6 → 6个月; nothing → 不适用."""
    if not months:
        return "不适用"
    months = int(months)
    if months % 12 == 0:
        return f"{months // 12}年"
    return f"{months}个月"


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _company() -> str:
    return settings.COMPANY_NAME or str(settings.SITE_TITLE)


def _styles():
    return (
        ParagraphStyle("cn", fontName=FONT, fontSize=10, leading=14),
        ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1),
        ParagraphStyle("h2", fontName=FONT, fontSize=11, leading=15, spaceBefore=3),
        ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=11),
        ParagraphStyle("item", fontName=FONT, fontSize=9, leading=12),
    )


def _grid(data, widths, *, header_row: bool = False, label_cols=()) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1 if header_row else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header_row:
        style.append(("BACKGROUND", (0, 0), (-1, 0), TABLE_BG))
    for col in label_cols:
        style.append(("BACKGROUND", (col, 0), (col, -1), HEAD_BG))
    table.setStyle(TableStyle(style))
    return table


def _bullets(items, style) -> list:
    return [para(f"{i}. {t}", style) for i, t in enumerate(items or [], 1)]


def card_pdf(card: WarrantyCard, *, company: str | None = None) -> bytes:
    company = company if company is not None else _company()
    text, title, h2, small, item = _styles()
    product, customer = card.product, card.customer
    terms = card.terms or {}
    repairs = list(card.repairs.all())
    periods = card_periods(card, repairs=repairs)
    successor = WarrantyCard.objects.filter(replaces=card).only("number").first()

    def p(value, style=text):
        return para(value, style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"三包凭证 {card.number}",
        author=company,
    )
    head = [
        ["凭证编号", card.number, "销售者", company],
        ["顾客", customer.name, "订单号", card.order.number if card.order_id else "—"],
        ["产品名称", product.name, "型号", product.model or "—"],
        [
            "序列号",
            card.serial.serial if card.serial_id else "—",
            "规格",
            product.specification or "—",
        ],
        ["发票日期", _day(card.invoice_date), "三包有效期起始", _day(card.starts_on)],
    ]
    head_table = _grid(
        [[p(c) for c in row] for row in head],
        [30 * mm, 60 * mm, 30 * mm, 60 * mm],
        label_cols=(0, 2),
    )

    period_rows = [[p(h) for h in ("项目", "三包有效期", "有效期至")]]
    period_rows.append(
        [
            p("整机"),
            p(months_cn(periods.whole_unit_months)),
            p(_day(periods.whole_unit_ends_on)),
        ]
    )
    for part in periods.main_parts:
        period_rows.append(
            [p(f"主要部件：{part.name}"), p(months_cn(part.months)), p(_day(part.ends_on))]
        )
    for part in periods.components:
        period_rows.append(
            [p(f"配件：{part.name}"), p(months_cn(part.months)), p(_day(part.ends_on))]
        )
    period_table = _grid(period_rows, [80 * mm, 40 * mm, 60 * mm], header_row=True)

    repair_head = ("送修日期", "修复日期", "故障", "部件", "处理", "维修者")
    repair_rows = [[p(h, small) for h in repair_head]]
    for r in repairs:
        work = r.work_done + ("（待料）" if r.waiting_for_parts else "")
        repair_rows.append(
            [
                p(_day(r.sent_on), small),
                p(_day(r.returned_on) if r.returned_on else "维修中", small),
                p(r.fault, small),
                p(r.part or "—", small),
                p(work or "—", small),
                p(r.repairer, small),
            ]
        )
    for _ in range(max(REPAIR_ROWS - len(repairs), 0)):
        repair_rows.append([""] * len(repair_head))
    repair_table = Table(
        repair_rows,
        colWidths=[22 * mm, 22 * mm, 44 * mm, 24 * mm, 44 * mm, 24 * mm],
        rowHeights=[None] + [None] * len(repairs) + [8 * mm] * max(REPAIR_ROWS - len(repairs), 0),
        repeatRows=1,
    )
    repair_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), TABLE_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )

    story: list = [
        markup("{company}<br/>三 包 凭 证", title, company=company),
        Spacer(0, 4 * mm),
    ]
    if card.void:
        replaced_by = f"（新凭证 {successor.number}）" if successor else ""
        story += [
            markup(
                "<font color='red'>本凭证已因换货作废{replaced_by}。</font>",
                text,
                replaced_by=replaced_by,
            ),
            Spacer(0, 2 * mm),
        ]
    story += [head_table, Spacer(0, 3 * mm)]
    if card.replaces_id:
        story += [
            para(
                f"本凭证替换三包凭证 {card.replaces.number}：{_day(card.starts_on)} 换货，"
                "三包有效期自换货之日起重新计算（《部分商品修理更换退货责任规定》第十四条）。",
                text,
            ),
            Spacer(0, 3 * mm),
        ]
    story += [para("三包有效期", h2), period_table]
    notes = [
        "三包有效期自开具发票之日起计算；有效期的最后一天为法定休假日的，以休假日的次日为最后一天。"
    ]
    if periods.repair_days:
        notes.append(f"因修理占用和无零配件待修的 {periods.repair_days} 天已顺延计入上表有效期。")
    story += [Spacer(0, 1 * mm), *[para(n, small) for n in notes]]
    if terms.get("promises"):
        story += [para("本公司承诺", h2), *_bullets(terms["promises"], item)]
    if terms.get("fees"):
        story += [para("费用", h2), *_bullets(terms["fees"], item)]
    if terms.get("exemptions"):
        story += [
            para("下列情况不实行三包，但可以实行收费修理", h2),
            *_bullets(terms["exemptions"], item),
        ]
    story += [
        para("维修记录", h2),
        repair_table,
        Spacer(0, 2 * mm),
        para(
            "在三包有效期内，修理两次仍不能正常使用的，凭本维修记录免费调换同型号同规格的产品或退货。"
            "请妥善保管本凭证和发票；凭证遗失但能证明在三包有效期内的，仍享受三包。",
            small,
        ),
        Spacer(0, 8 * mm),
        para(
            f"销售者（盖章）：＿＿＿＿＿＿＿＿　　　开具日期："
            f"{timezone.localtime(card.created_at).strftime('%Y-%m-%d')}",
            text,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
