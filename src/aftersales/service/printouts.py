"""The forms of a case the source documents name, as PDFs (see ``core.pdf``):

* the customer service request form (客户服务申请表, S6, SVC-2): what the customer needs, as
  taken in, and the dispatch it leads to; the department works from it;
* the after-sales service sheet (售后服务单, S15): what was received and promised, the
  result, and how to follow the case, for the customer to sign and keep.
"""

from __future__ import annotations

from aftersales.core.pdf import qr_svg, render_pdf
from aftersales.core.times import local_text
from aftersales.customers.masking import phone_for

from .models import Case
from .services.sla import sla_summary
from .services.tracking import tracking_url

TARGETS_CN = {"response": "响应", "verification": "核实", "onsite": "上门", "resolution": "解决"}
STATES_CN = {
    "running": "进行中",
    "paused": "暂停",
    "overdue": "已超时",
    "met": "已达成",
    "breached": "未按时达成",
    "cancelled": "已取消",
}


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _common(case: Case, reader) -> dict:
    customer = case.customer
    product = case.product
    return {
        "case": case,
        "customer": customer,
        "contact": case.contact_name or customer.name,
        "phone": phone_for(
            reader, case.contact_phone or customer.mobile or customer.landline, customer=customer
        ),
        "address": customer.address,
        "product": product,
        "model": " ".join(p for p in (product.model, product.specification) if p)
        if product
        else "",
        "received": local_text(case.created_at),
        "taken_by": _person(case.created_by),
        "handler": " · ".join(
            p
            for p in (case.department.name if case.department_id else "", _person(case.assignee))
            if p
        ),
        "sla": [
            {
                "target": TARGETS_CN.get(row["target"], row["target"]),
                "due": local_text(row["due"]),
                "state": STATES_CN.get(row["state"], row["state"]),
            }
            for row in sla_summary(case)
        ],
    }


def request_form_pdf(case: Case, *, reader=None) -> bytes:
    """客户服务申请表: the customer, the product, what is wrong and what they ask for, who
    handles it, and the dispatch (filled in by hand when the technician is sent)."""
    return render_pdf(
        "service/print/request_form.html",
        _common(case, reader),
        title=f"客户服务申请表 {case.number}",
    )


def service_sheet_pdf(case: Case, *, reader=None) -> bytes:
    """售后服务单 (客户联): the number to quote, what was received and promised, the result so
    far, the customer's rights (ask again, complain further, the survey), and the case's own
    link as a QR code."""
    url = tracking_url(case)
    return render_pdf(
        "service/print/service_sheet.html",
        {**_common(case, reader), "tracking_url": url, "qr": qr_svg(url, size_mm=24)},
        title=f"售后服务单 {case.number}",
    )
