"""The printouts of an order (see ``core.pdf``): the delivery note (送货单, SAL-7) with a QR
code that opens the order's tracking page, and the order or contract itself (合同/订单,
SAL-1) for both parties to sign."""

from __future__ import annotations

from aftersales.core.pdf import amount_in_words, money, qr_svg, render_pdf
from aftersales.core.times import local_text
from aftersales.customers.masking import phone_for

from .models import Order, Shipment

DOCUMENT_LABELS = {
    "contract": "合同",
    "invoice": "发票",
    "manual": "说明书",
    "certificate": "合格证",
}
DELIVERY_METHOD_CN = {"our_delivery": "送货上门", "carrier": "物流承运", "pickup": "客户自提"}
STATUS_CN = {
    "draft": "草稿",
    "submitted": "待审批",
    "approved": "已审批",
    "rejected": "已驳回",
    "in_fulfilment": "备货中",
    "partially_shipped": "部分发货",
    "shipped": "已发货",
    "delivered": "已送达",
    "accepted": "已验收",
    "accepted_with_issues": "验收有异议",
    "closed": "已关闭",
    "cancelled": "已取消",
}


def _order_phone(reader, order: Order) -> str:
    customer = order.customer
    return phone_for(
        reader, order.contact_phone or customer.mobile or customer.landline, customer=customer
    )


def delivery_note_pdf(
    shipment: Shipment, *, tracking_url: str, company: str | None = None, reader=None
) -> bytes:
    """``reader``: who prints it; the phone is masked unless their role calls customers.
    ``company``: the name on the letterhead instead of the company profile's."""
    order, customer = shipment.order, shipment.order.customer
    lines = []
    for line in shipment.lines.select_related("order_line__product", "batch"):
        product, batch = line.order_line.product, line.batch
        lines.append(
            {
                "name": product.name,
                "spec": line.order_line.specification or product.model,
                "batch": batch.batch_no,
                "produced": batch.production_date.isoformat(),
                "expiry": batch.expiry_date.isoformat() if batch.expiry_date else "—",
                "quantity": line.quantity,
                "unit": product.unit,
            }
        )
    return render_pdf(
        "sales/print/delivery_note.html",
        {
            "shipment": shipment,
            "order": order,
            "customer": customer,
            "phone": _order_phone(reader, order),
            "shipped": local_text(shipment.shipped_at, "%Y-%m-%d"),
            "lines": lines,
            "documents": "、".join(DOCUMENT_LABELS.get(d, d) for d in shipment.documents) or "—",
            "tracking_url": tracking_url,
            "qr": qr_svg(tracking_url),
        },
        title=f"送货单 {shipment.number}",
        company=company,
    )


def order_pdf(order: Order, *, reader=None, company: str | None = None) -> bytes:
    """The order or contract (合同/订单) as signed: both parties (the supplier from the company
    profile, with its bank account), the lines and the total in figures and in capitals, the
    delivery, quality, warranty and return terms, and a signature block for each side."""
    customer = order.customer
    lines = [
        {
            "name": line.product.name,
            "sku": line.product.sku,
            "spec": line.specification or line.product.model or "—",
            "quantity": line.quantity,
            "unit": line.product.unit,
            "price": money(line.unit_price),
            "amount": money(line.amount),
        }
        for line in order.lines.select_related("product").order_by("id")
    ]
    if order.warranty_months is not None:
        warranty = f"自交付之日起 {order.warranty_months} 个月"
    else:
        warranty = "按产品类别的标准三包有效期执行"
    return render_pdf(
        "sales/print/order.html",
        {
            "order": order,
            "customer": customer,
            "phone": _order_phone(reader, order),
            "lines": lines,
            "total": money(order.total),
            "total_words": amount_in_words(order.total),
            "warranty": warranty,
            "method": DELIVERY_METHOD_CN.get(order.delivery_method, order.delivery_method),
            "status": STATUS_CN.get(order.status, order.status),
            "approved": order.status not in ("draft", "submitted", "rejected", "cancelled"),
            "signed_on": order.signed_on.isoformat() if order.signed_on else "",
            "created_on": local_text(order.created_at, "%Y-%m-%d"),
            "salesperson": order.salesperson.get_full_name() or order.salesperson.username,
            "decided_by": (order.decided_by.get_full_name() or order.decided_by.username)
            if order.decided_by_id
            else "",
            "decided_on": local_text(order.decided_at, "%Y-%m-%d") if order.decided_at else "",
        },
        title=f"合同/订单 {order.number}",
        company=company,
    )
