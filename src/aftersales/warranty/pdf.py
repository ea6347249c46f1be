"""The 三包凭证 (R4, R10, WAR-10) as a PDF (``warranty/print/card.html``, see ``core.pdf``).

Everything printed comes from the stored certificate: the terms frozen at issue time and the
repair records, so a reprint says what the first print said (plus later repairs). The repair
table always has room to write by hand (R7: the record is what proves two failed repairs).
The seller (销售者) is the company profile's name.
"""

from __future__ import annotations

from django.utils import timezone

from aftersales.core.pdf import render_pdf

from .models import WarrantyCard
from .services.cards import card_periods

REPAIR_ROWS = 5  # at least this many lines in the repair table, blank ones to fill by hand


def months_cn(months) -> str:
    """12 → 1年, 24 → 2年, 6 → 6个月; nothing → 不适用."""
    if not months:
        return "不适用"
    months = int(months)
    if months % 12 == 0:
        return f"{months // 12}年"
    return f"{months}个月"


def _source_cn(source: str, contract_number: str) -> str:
    """Where a whole-unit period comes from (WAR-1, S5, issue 18 B1)."""
    if source == "contract":
        return f"合同 {contract_number}"
    return {"law": "法定", "catalogue": "产品目录"}.get(source, source)


def _day(value) -> str:
    return value.isoformat() if value else "—"


def card_pdf(card: WarrantyCard, *, company: str | None = None) -> bytes:
    """``company``: the seller's name instead of the company profile's."""
    terms = card.terms or {}
    repairs = list(card.repairs.all())
    periods = card_periods(card, repairs=repairs)
    successor = WarrantyCard.objects.filter(replaces=card).only("number").first()
    period_rows = [("整机", periods.whole_unit_months, periods.whole_unit_ends_on)]
    period_rows += [(f"主要部件：{p.name}", p.months, p.ends_on) for p in periods.main_parts]
    period_rows += [(f"配件：{p.name}", p.months, p.ends_on) for p in periods.components]
    extended = _extended_line(card)
    return render_pdf(
        "warranty/print/card.html",
        {
            "card": card,
            "product": card.product,
            "customer": card.customer,
            "terms": terms,
            "successor": successor,
            "periods": [(name, months_cn(m), _day(end)) for name, m, end in period_rows],
            "repair_days": periods.repair_days,
            "extended": extended,
            "period_sources": [
                (_source_cn(s.source, periods.contract_number), months_cn(s.months), s.applies)
                for s in periods.whole_unit_sources
            ],
            "repairs": [
                {
                    "sent_on": _day(r.sent_on),
                    "returned_on": _day(r.returned_on) if r.returned_on else "维修中",
                    "fault": r.fault,
                    "part": r.part or "—",
                    "work": (r.work_done + ("（待料）" if r.waiting_for_parts else "")) or "—",
                    "repairer": r.repairer,
                }
                for r in repairs
            ],
            "blank_rows": range(max(REPAIR_ROWS - len(repairs), 0)),
            "invoice_date": _day(card.invoice_date),
            "starts_on": _day(card.starts_on),
            "issued_on": timezone.localtime(card.created_at).strftime("%Y-%m-%d"),
        },
        title=f"三包凭证 {card.number}",
        company=company,
    )


def _extended_line(card: WarrantyCard) -> str:
    """The extended warranty on the unit, printed on its certificate (S14 五、2)."""
    from .services.extended import active_extended_warranty, contract_period

    contract = active_extended_warranty(card.serial) if card.serial_id and not card.void else None
    if contract is None:
        return ""
    period = contract_period(contract)
    t = contract.terms
    cover = "、".join(x for x, on in (("零件", t["parts"]), ("工时", t["labour"])) if on) or "—"
    text = f"延保 {contract.number}：{t['name']}，三包有效期届满后延长 {t['months']} 个月"
    if period.starts_on:
        text += f"（{_day(period.starts_on)} 至 {_day(period.ends_on)}）"
    text += f"，保修范围：{cover}"
    if t.get("exclusions"):
        text += f"；不含：{'、'.join(t['exclusions'])}"
    return text + "。"
