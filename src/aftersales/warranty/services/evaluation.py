"""Asking the engine: the facts of a case or an application, and the answer in the reader's
language for errors."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput
from aftersales.workdays import current_calendar

from ..engine import EngineError, evaluate
from ..models import RepairRecord, WarrantyCard
from .policies import engine_error_fields, policy_for

ONLINE_CASE_CHANNELS = {"web", "portal", "chat", "email"}


def evaluate_facts(facts: dict, policy_key: str | None = None) -> dict:
    """The engine's answer for ``facts`` under the policy ``policy_key`` (None: the default).
    Bad facts become InvalidInput naming each field."""
    if not isinstance(facts, dict):
        raise InvalidInput(fields={"facts": [_("Give the facts as a JSON object.")]})
    policy = policy_for(policy_key)
    future = _future_dates(facts)
    try:
        answer = evaluate(facts, policy, calendar=current_calendar())
    except EngineError as exc:
        fields = engine_error_fields(exc)
        for key, messages in future.items():
            fields.setdefault(key, []).extend(messages)
        raise InvalidInput(fields=fields) from None
    if future:
        raise InvalidInput(fields=future)
    return answer


def _future_dates(facts: dict) -> dict[str, list[str]]:
    """Things that have not happened yet cannot be facts (the engine knows no "today")."""
    today = timezone.localdate()
    errors = {}
    for key in (
        "purchase_date",
        "received_date",
        "report_date",
        "exchanged_on",
        "misrepresented_on",
    ):
        value = facts.get(key)
        if isinstance(value, str) and value > today.isoformat():
            errors[key] = [_("This date is in the future.")]
    return errors


def _local(value) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") else value


def category_for(category, policy_key: str | None = None) -> str:
    """The category name the policy knows for a catalogue category: the nearest 三包 name up
    the tree (彩色电视机 for 电视), else the nearest name the policy lists or has as an alias
    (the company's own categories, e.g. 日用品 for 厨具; 冰箱 is 家用电冰箱), else the
    category's own name: the consumer-law rules, unless the name resembles a catalogue name,
    which the engine refuses with suggestions (set the category's 三包 name then)."""
    if category is None:
        return ""
    chain = list(reversed(category.path()))
    for node in chain:
        if node.sanbao_category:
            return node.sanbao_category
    policy = policy_for(policy_key)
    for node in chain:
        ref = policy.resolve(node.name, strict=False)
        if ref.law or ref.own:
            return ref.own or ref.law
    return category.name


def facts_from_case(case, policy_key: str | None = None, **overrides) -> dict:
    """What the records say about a case, as engine facts: the category, how and when it was
    bought and received, the 三包 certificate and its repair record (R2, R7, R10)."""
    order = case.order
    shipment = case.shipment
    facts: dict = {
        "category": category_for(case.product.category if case.product else None, policy_key),
        "channel": "offline",
        "purchase_date": None,
        "received_date": None,
        "report_date": _local(case.created_at).isoformat(),
        "problem": "quality",
        "prior_repairs": 0,
    }
    if order or case.purchase_date:
        facts["has_invoice_or_card"] = True  # else unknown: nobody said the papers are lost
    if order is not None:
        facts["channel"] = "online" if order_channel_online(order) else "offline"
    elif case.channel in ONLINE_CASE_CHANNELS:
        facts["channel"] = "online"
    purchase = case.purchase_date or (order.signed_on if order else None)
    if purchase:
        facts["purchase_date"] = purchase.isoformat()
    received = _local(shipment.delivered_at) if shipment and shipment.delivered_at else None
    if received is None and purchase:
        received = purchase  # bought over the counter: taken home the same day
    if received:
        facts["received_date"] = received.isoformat()
    card = (
        WarrantyCard.objects.filter(serial=case.serial, void=False).order_by("-created_at").first()
        if case.serial_id
        else None
    )
    if card is not None:
        facts["has_invoice_or_card"] = True
        if card.replaces_id:
            facts["exchanged_on"] = card.starts_on.isoformat()  # R10: restarted at exchange
        elif not purchase:
            facts["purchase_date"] = card.invoice_date.isoformat()
        repairs = list(RepairRecord.objects.filter(card=card).order_by("sent_on"))
        facts["prior_repairs"] = sum(1 for r in repairs if r.returned_on)
        intervals = [
            [r.sent_on.isoformat(), r.returned_on.isoformat()] for r in repairs if r.returned_on
        ]
        if intervals:
            facts["repair_intervals"] = intervals
        open_repair = next((r for r in reversed(repairs) if r.returned_on is None), None)
        if open_repair is not None:
            # R2, R8, R20: the unit is still with the repairer.
            facts["sent_for_repair"] = open_repair.sent_on.isoformat()
            facts["still_unrepaired_on"] = max(
                timezone.localdate(), open_repair.sent_on
            ).isoformat()
            facts["delay_cause"] = (
                "producer_no_parts" if open_repair.waiting_for_parts else "repairer"
            )
    agreed = _agreed_warranty(case, card, policy_key)
    if agreed is not None:
        facts["agreed_warranty"] = agreed
    if case.serial_id:
        from .extended import extended_fact

        extended = extended_fact(case.serial)  # S14 五、2, issue 18 B2
        if extended is not None:
            facts["extended_warranty"] = extended
    for key, value in overrides.items():
        if value is not None:
            facts[key] = value
    return facts


def _agreed_warranty(case, card, policy_key: str | None) -> dict | None:
    """WAR-1, S5, issue 18 B1: the company's whole-unit period beyond the law — as the
    certificate froze it, else as the case's order and the catalogue give it today."""
    from .cards import agreed_warranty, terms_for_product, whole_unit_periods

    if card is not None:
        return agreed_warranty(card.terms)
    if case.product is None or (case.order is None and case.product.category_id is None):
        return None
    try:
        terms = terms_for_product(case.product, policy_key=policy_key)
    except InvalidInput:
        return None
    return agreed_warranty(whole_unit_periods(terms, product=case.product, order=case.order))


def order_channel_online(order) -> bool:
    """Distance sales (R27): the company's own shop and the platforms."""
    return order is not None and order.channel in ("online_shop", "platform")
