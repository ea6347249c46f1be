"""What a customer is promised for one category, in words: for the 三包 certificate and the
public promises page (S2: promises stated where the goods are sold)."""

from __future__ import annotations

from .policy import CategoryRules, Policy
from .rules import EXCEPTION_TEXT

REGIME_BASIS = {
    "sanbao": "部分商品修理更换退货责任规定",
    "phone": "移动电话机商品修理更换退货责任规定",
    "fixed_phone": "固定电话机商品修理更换退货责任规定",
    "pc": "微型计算机商品修理更换退货责任规定",
    "av": "家用视听商品修理更换退货责任规定",
    "general": "消费者权益保护法 第二十四条",
}


def _floor(policy: Policy) -> Policy:
    while policy.base is not None:
        policy = policy.base
    return policy


def terms_for(policy: Policy, category_name: str) -> dict:
    """The terms for ``category_name``, a category or an alias of one (彩电 is 彩色电视机).
    Never an error: a name the engine would refuse as unknown gets the consumer-law terms."""
    floor = _floor(policy)
    ref = policy.resolve(category_name, strict=False)
    law: CategoryRules = floor.category(ref.law)
    own: CategoryRules | None = None
    if policy is not floor:
        own = (policy.categories.get(ref.own) if ref.own else None) or (
            policy.default if policy.default.whole_unit_months else None
        )
    whole = max(
        (m for m in (law.whole_unit_months, own and own.whole_unit_months) if m), default=None
    )
    parts = dict(law.main_parts)
    components = dict(law.components)
    if own is not None:
        for name, months in own.main_parts:
            parts[name] = max(months, parts.get(name, 0))
        for name, months in own.components:
            components[name] = max(months, components.get(name, 0))
    sanbao = law.regime != "general"
    promises = []
    if sanbao:
        promises.append(
            f"售出 {law.return_days} 日内出现性能故障，可选择退货、换货或修理；"
            f"{law.exchange_days} 日内可选择换货或修理（{REGIME_BASIS[law.regime]}）"
        )
        if whole:
            promises.append(f"三包有效期内免费修理，不收材料费和工时费；整机 {whole} 个月")
        if law.repeat_repairs:
            promises.append(f"三包有效期内修理 {law.repeat_repairs} 次仍不能正常使用的，免费换货")
    else:
        promises.append("商品不符合质量要求的，收货 7 日内可以退货，此后可以要求更换、修理")
        if whole:
            promises.append(f"质量保证期 {whole} 个月，期内质量问题免费修理")
    if policy is not floor:
        promises.extend(
            p.text
            for p in policy.promises
            if not p.categories or any(n in p.categories for n in ref.names)
        )
    no_reason = floor.no_reason
    fees = [
        "三包期内的质量问题修理、更换、退货，运输等必要费用由我们承担",
        "超过三包期或不属三包范围的，可以收费修理",
    ]
    if no_reason:
        fees.append("七日无理由退货的退回运费由消费者承担（另有约定的除外）")
    if policy.refund_days:
        fees.append(f"退货退款在收到退回商品后 {policy.refund_days} 日内办理")
    exemptions = [
        "因使用、维护、保管不当造成损坏的",
        "非我们指定的修理者拆动造成损坏的",
        "无三包凭证及有效发票的（能以其他方式证明在三包期内的除外）",
        "三包凭证型号与产品型号不符或者涂改的",
        "因不可抗拒力造成损坏的",
        *policy.exemptions,
    ]
    notes = list(law.unconfirmed) + (list(own.unconfirmed) if own else [])
    return {
        "category": category_name,
        "regime": law.regime,
        "whole_unit_months": whole,
        "main_parts": [{"name": n, "months": m} for n, m in parts.items()],
        "components": [{"name": n, "months": m} for n, m in components.items()],
        "return_days": law.return_days,
        "exchange_days": law.exchange_days,
        "window_from": law.window_from,
        "no_reason_days": no_reason.days if no_reason else None,
        "no_reason_exceptions": list(EXCEPTION_TEXT.values()),
        "promises": promises,
        "exemptions": exemptions,
        "fees": fees,
        "notes": notes + list(policy.notes),
        "basis": [b for b in (law.basis, own.basis if own else "") if b],
        "policy": policy.key,
        "policy_name": policy.name,
    }
