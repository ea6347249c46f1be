"""How much goes back, and which way (R33–R35): the same ways the customer paid, in
proportion for a mixed payment; coupons and points in kind; a gift not sent back, a
depreciation charge (R9) or a lost free-shipping threshold (R35) deducted first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Share:
    method: str
    paid: Decimal
    refund: Decimal


def refund_split(paid: list[tuple[str, Decimal]], total: Decimal) -> list[Share]:
    """Split ``total`` over the payments in proportion to what each paid (R34). Cents are
    rounded down and the remainder goes to the largest payment, so the parts add up exactly."""
    paid_total = sum((amount for _m, amount in paid), Decimal("0"))
    if paid_total <= 0 or total <= 0:
        return [Share(m, a, Decimal("0.00")) for m, a in paid]
    total = min(total, paid_total).quantize(CENT)
    shares = [(amount * total / paid_total).quantize(CENT, ROUND_DOWN) for _m, amount in paid]
    remainder = total - sum(shares)
    largest = max(range(len(paid)), key=lambda i: paid[i][1])
    shares[largest] += remainder
    return [Share(m, a, s) for (m, a), s in zip(paid, shares, strict=True)]


def refund_total(
    *,
    price: Decimal,
    depreciation: Decimal = Decimal("0"),
    gift_deduction: Decimal = Decimal("0"),
    shipping_deduction: Decimal = Decimal("0"),
) -> Decimal:
    """The refund: the price paid less what may be deducted, never below zero."""
    total = price - depreciation - gift_deduction - shipping_deduction
    return max(Decimal("0.00"), total.quantize(CENT))
