"""The delivery note (送货单, SAL-7) as a printable PDF: ReportLab's built-in Chinese CID font
(STSong-Light, no font files shipped) and a QR code that opens the order's tracking page."""

from __future__ import annotations

import io

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from aftersales.core.pdf import markup, para
from aftersales.core.times import local_text
from aftersales.customers.masking import phone_for

from .models import Shipment

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

DOCUMENT_LABELS = {
    "contract": "合同",
    "invoice": "发票",
    "manual": "说明书",
    "certificate": "合格证",
}


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def delivery_note_pdf(shipment: Shipment, *, tracking_url: str, company: str, reader=None) -> bytes:
    """``reader``: who prints it; the phone is masked unless their role calls customers."""
    order, customer = shipment.order, shipment.order.customer
    style = ParagraphStyle("cn", fontName=FONT, fontSize=10, leading=14)
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1)
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"送货单 {shipment.number}",
        author=company,
    )
    shipped = local_text(shipment.shipped_at, "%Y-%m-%d")
    header = Table(
        [
            [markup("{company}<br/>送 货 单", title, company=company), _qr(tracking_url)],
        ],
        colWidths=[150 * mm, 30 * mm],
    )
    info = [
        ["送货单号", shipment.number, "订单号", order.number],
        [
            "客户",
            customer.name,
            "联系电话",
            phone_for(
                reader,
                order.contact_phone or customer.mobile or customer.landline,
                customer=customer,
            ),
        ],
        ["送货地址", order.delivery_place, "发货日期", shipped],
        ["联系人", order.contact_name or customer.name, "质量标准", order.quality_standard or "—"],
    ]
    info_table = Table(
        [[para(c, style) for c in row] for row in info],
        colWidths=[22 * mm, 68 * mm, 22 * mm, 68 * mm],
    )
    rows = [["序号", "产品名称", "规格型号", "批号", "生产日期", "保质期至", "数量", "单位"]]
    for index, line in enumerate(
        shipment.lines.select_related("order_line__product", "batch"), start=1
    ):
        product, batch = line.order_line.product, line.batch
        rows.append(
            [
                str(index),
                product.name,
                line.order_line.specification or product.model,
                batch.batch_no,
                batch.production_date.isoformat(),
                batch.expiry_date.isoformat() if batch.expiry_date else "—",
                str(line.quantity),
                product.unit,
            ]
        )
    lines_table = Table(
        [[para(c, style) for c in row] for row in rows],
        colWidths=[10 * mm, 42 * mm, 32 * mm, 26 * mm, 20 * mm, 20 * mm, 14 * mm, 12 * mm],
        repeatRows=1,
    )
    grid = TableStyle(
        [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    )
    info_table.setStyle(grid)
    lines_table.setStyle(
        TableStyle(
            [*grid.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7"))]
        )
    )
    documents = "、".join(DOCUMENT_LABELS.get(d, d) for d in shipment.documents) or "—"
    signatures = Table(
        [
            [
                para(f"发货（仓管员）：{shipment.verified_by}", style),
                para(f"送货人：{shipment.deliverer or ''}", style),
                para("客户签收：", style),
            ]
        ],
        colWidths=[60 * mm, 60 * mm, 60 * mm],
        rowHeights=[16 * mm],
    )
    story = [
        header,
        Spacer(0, 4 * mm),
        info_table,
        Spacer(0, 4 * mm),
        lines_table,
        Spacer(0, 4 * mm),
        para(f"随货单据：{documents}", style),
        Spacer(0, 6 * mm),
        para(
            "验收说明：请当面清点数量、检查外观；如有破损、短少或规格不符，请在签收时注明，"
            "我们将在 24 小时内联系您处理。",
            style,
        ),
        Spacer(0, 8 * mm),
        signatures,
        Spacer(0, 4 * mm),
        para(f"扫描右上角二维码或访问 {tracking_url} 查询订单进度。", small),
    ]
    doc.build(story)
    return buffer.getvalue()
