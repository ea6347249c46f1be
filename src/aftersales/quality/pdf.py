"""The inspection report and the certificate of conformity (合格证, QC-2) as PDFs, in Chinese
with ReportLab's built-in CID font. Both are drawn from the stored record, so a reprint is
identical to the first print."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from aftersales.core.pdf import FONT, markup, para
from aftersales.core.times import local_text

from .models import Certificate, Inspection

VERDICT_CN = {"passed": "合格", "passed_with_remarks": "合格（有备注）", "failed": "不合格"}
KIND_CN = {
    "incoming": "进货检验",
    "in_process": "过程检验",
    "finished": "成品检验",
    "sample": "抽样检验（买方/第三方）",
    "returned": "退货检验",
}
PARTY_CN = {"company": "本公司质检部", "customer": "买方", "third_party": "第三方机构"}


def _styles():
    return (
        ParagraphStyle("cn", fontName=FONT, fontSize=10, leading=14),
        ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1),
        ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10),
    )


def _local(value) -> str:
    return local_text(value)


def inspection_report_pdf(inspection: Inspection, *, company: str) -> bytes:
    text, title, small = _styles()
    batch, product = inspection.batch, inspection.batch.product
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"检验报告 {inspection.number}",
        author=company,
    )
    party = PARTY_CN[inspection.party]
    if inspection.party_name:
        party += f"：{inspection.party_name}"
    head = [
        ["报告编号", inspection.number, "检验类别", KIND_CN[inspection.kind]],
        ["产品", f"{product.name} {product.model}".strip(), "SKU", product.sku],
        ["批号", batch.batch_no, "生产日期", batch.production_date.isoformat()],
        ["包装工号", batch.packer_no or "—", "装箱单", batch.packing_list_ref or "—"],
        ["检验方案", inspection.plan.name, "抽样数量", str(inspection.sample_size)],
        ["检验方", party, "检验时间", _local(inspection.inspected_at)],
        [
            "检验员",
            inspection.inspector.get_full_name() or inspection.inspector.username,
            "标准",
            inspection.plan.standard or "—",
        ],
    ]
    head_table = Table(
        [[para(c, text) for c in row] for row in head],
        colWidths=[22 * mm, 68 * mm, 22 * mm, 68 * mm],
    )
    head_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F1F4F9")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F1F4F9")),
            ]
        )
    )
    rows = [[para(h, text) for h in ("检验项目", "关键", "要求", "实测", "结果", "备注")]]
    for result in inspection.results.select_related("item"):
        item = result.item
        measured = (
            f"{result.measured_value.normalize():f} {item.unit}".strip()
            if result.measured_value is not None
            else "—"
        )
        rows.append(
            [
                para(item.name, text),
                para("是" if item.critical else "", text),
                para(item.limits_text() or item.method or "—", text),
                para(measured, text),
                para("合格" if result.passed else "不合格", text),
                para(result.note, small),
            ]
        )
    items = Table(rows, colWidths=[40 * mm, 12 * mm, 38 * mm, 28 * mm, 18 * mm, 44 * mm])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
    ]
    for index, result in enumerate(inspection.results.all(), start=1):
        if not result.passed:
            style.append(("TEXTCOLOR", (4, index), (4, index), colors.red))
    items.setStyle(TableStyle(style))
    verdict = VERDICT_CN[inspection.verdict]
    story = [
        markup("{company}<br/>检 验 报 告", title, company=company),
        Spacer(0, 5 * mm),
        head_table,
        Spacer(0, 5 * mm),
        items,
        Spacer(0, 5 * mm),
        markup("检验结论：<b>{verdict}</b>", text, verdict=verdict),
    ]
    if inspection.note:
        story += [Spacer(0, 2 * mm), para(f"备注：{inspection.note}", text)]
    story += [
        Spacer(0, 10 * mm),
        para("检验员签字：＿＿＿＿＿＿　　　审核：＿＿＿＿＿＿　　　日期：＿＿＿＿＿＿", text),
    ]
    doc.build(story)
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate, *, company: str) -> bytes:
    """The certificate that travels with the goods: product, batch, dates, inspector, and
    the words 检验合格."""
    text, title, _small = _styles()
    inspection = certificate.inspection
    batch, product = certificate.batch, certificate.batch.product
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A6),
        leftMargin=8 * mm,
        rightMargin=8 * mm,
        topMargin=6 * mm,
        bottomMargin=6 * mm,
        title=f"合格证 {certificate.number}",
        author=company,
    )
    inspector = inspection.inspector
    rows = [
        ["产品名称", product.name],
        ["型号规格", f"{product.model} {product.specification}".strip() or "—"],
        ["批号", batch.batch_no],
        ["生产日期", batch.production_date.isoformat()],
        ["检验员", f"{inspector.get_full_name() or inspector.username}（{inspection.number}）"],
        ["检验日期", local_text(certificate.issued_at, "%Y-%m-%d")],
    ]
    if batch.expiry_date:
        rows.insert(4, ["保质期至", batch.expiry_date.isoformat()])
    if inspection.plan.standard:
        rows.append(["执行标准", inspection.plan.standard])
    table = Table(
        [[para(a, text), para(b, text)] for a, b in rows],
        colWidths=[24 * mm, 100 * mm],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story = [
        para(f"{company}　产 品 合 格 证", title),
        Spacer(0, 2 * mm),
        table,
        Spacer(0, 2 * mm),
        para(f"经检验合格，准予出厂。　证书编号：{certificate.number}", text),
    ]
    doc.build(story)
    return buffer.getvalue()
