"""The inspection report and the certificate of conformity (合格证, QC-2) as PDFs
(``quality/print/*.html``, see ``core.pdf``). Both are drawn from the stored record, so a
reprint is identical to the first print."""

from __future__ import annotations

from aftersales.core.pdf import render_pdf
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


def _person(user) -> str:
    return user.get_full_name() or user.username


def inspection_report_pdf(inspection: Inspection, *, company: str | None = None) -> bytes:
    """``company``: the name on the letterhead instead of the company profile's."""
    party = PARTY_CN[inspection.party]
    if inspection.party_name:
        party += f"：{inspection.party_name}"
    results = []
    for result in inspection.results.select_related("item"):
        item = result.item
        measured = (
            f"{result.measured_value.normalize():f} {item.unit}".strip()
            if result.measured_value is not None
            else "—"
        )
        results.append(
            {
                "name": item.name,
                "critical": item.critical,
                "limits": item.limits_text() or item.method or "—",
                "measured": measured,
                "passed": result.passed,
                "note": result.note,
            }
        )
    return render_pdf(
        "quality/print/inspection_report.html",
        {
            "inspection": inspection,
            "batch": inspection.batch,
            "product": inspection.batch.product,
            "kind": KIND_CN[inspection.kind],
            "party": party,
            "inspected_at": local_text(inspection.inspected_at),
            "inspector": _person(inspection.inspector),
            "results": results,
            "verdict": VERDICT_CN[inspection.verdict],
        },
        title=f"检验报告 {inspection.number}",
        company=company,
    )


def certificate_pdf(certificate: Certificate, *, company: str | None = None) -> bytes:
    """The certificate that travels with the goods: product, batch, dates, inspector, and
    the words 检验合格."""
    inspection = certificate.inspection
    batch, product = certificate.batch, certificate.batch.product
    rows = [
        ("产品名称", product.name),
        ("型号规格", f"{product.model} {product.specification}".strip() or "—"),
        ("批号", batch.batch_no),
        ("生产日期", batch.production_date.isoformat()),
        ("检验员", f"{_person(inspection.inspector)}（{inspection.number}）"),
        ("检验日期", local_text(certificate.issued_at, "%Y-%m-%d")),
    ]
    if batch.expiry_date:
        rows.insert(4, ("保质期至", batch.expiry_date.isoformat()))
    if inspection.plan.standard:
        rows.append(("执行标准", inspection.plan.standard))
    return render_pdf(
        "quality/print/certificate.html",
        {"certificate": certificate, "rows": rows},
        title=f"合格证 {certificate.number}",
        company=company,
    )
