"""The 三包 decision: what the customer is entitled to, by law and by the company's promises,
and why. Every branch cites the rule it applies (RULES-CN R1–R36)."""

from __future__ import annotations

import weakref
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from aftersales.workdays.calendar import WorkCalendar, official_calendar

from .errors import EngineError, FieldError
from .facts import Facts, read_facts
from .periods import Periods, days_in_repair
from .policy import (
    CARS,
    CONFIRM_EXCEPTIONS,
    STATUTORY_EXCEPTIONS,
    CategoryRules,
    Policy,
    Promise,
)
from .presets import preset

ORDER = ("return", "exchange", "free_repair", "paid_repair")
FREE = ("return", "exchange", "free_repair")

# Basis texts (RULES-CN), kept as constants so answers are cheap to build.
B_R5 = "R5 部分商品修理更换退货责任规定 第九条"
B_R6 = "R6 部分商品修理更换退货责任规定 第十条"
B_R7 = "R7 部分商品修理更换退货责任规定 第十一条"
B_R8_OWN = "R8 部分商品修理更换退货责任规定 第十二条（修理者原因超过 30 日）"
B_R8_PARTS = "R8 部分商品修理更换退货责任规定 第十二条（无零配件超过 90 日）"
B_R9 = "R9 部分商品修理更换退货责任规定 第十三条"
B_R11 = "R11 部分商品修理更换退货责任规定 第十五条（三包期内免费修理，含材料费、工时费）"
B_R12 = "R12 部分商品修理更换退货责任规定（不实行三包，可实行收费修理）"
# Outside the catalogue a paid repair is the business's service, not a duty of any law (R1).
B_PAID = "有偿服务：收费修理（不属三包，也不是消费者权益保护法第二十四条规定的义务）"
B_R17_RET = "R17 移动电话机商品修理更换退货责任规定 第十一条"
B_R17_EXC = "R17 移动电话机商品修理更换退货责任规定 第十二条"
B_R18 = "R18 移动电话机商品修理更换退货责任规定 第十三条"
B_R18_RET = "R18 移动电话机商品修理更换退货责任规定 第十八条（无同型号且消费者不接受其他型号）"
B_R19 = "R19 移动电话机商品修理更换退货责任规定（配件）"
B_R20 = "R20 移动电话机商品修理更换退货责任规定 第十六条（无零配件超过 60 日）"
B_R21 = "R21 移动电话机三包规定（无发票、三包凭证：出厂日后第 90 日起算，仅免费修理）"
B_R22_RET = "R22 微型计算机商品修理更换退货责任规定 第十一条"
B_R22_EXC = "R22 微型计算机商品修理更换退货责任规定 第十二条"
B_R22_REP = "R22 微型计算机商品修理更换退货责任规定 第十条"
B_R25 = "R25 消费者权益保护法 第二十四条"
B_R25_FEES = "R25 消费者权益保护法 第二十四条第二款（经营者承担运输等必要费用）"
B_R27 = "R27 消费者权益保护法 第二十五条；R32 网络购买商品七日无理由退货暂行办法 第十条"
B_R29 = "R29 网络购买商品七日无理由退货暂行办法 第六条"
B_R30 = "R30 网络购买商品七日无理由退货暂行办法 第七条"
B_R31 = "R31 网络购买商品七日无理由退货暂行办法 第八、九条"
B_R34 = "R34 网络购买商品七日无理由退货暂行办法 第十三、十四条"
B_R35 = "R35 消费者权益保护法 第二十五条第三款（退回运费由消费者承担）"
# Grounds the company's own documents give (REQUIREMENTS WAR-3, WAR-5; issue 18 B3, B5).
B_WAR5 = "WAR-5 S5 销售合同 二、退换货流程 1.b 销售误导（发现问题后 15 个工作日内通知并提供证据）"
B_WAR6 = "WAR-6 S8 三包管理规定 三、10 严重缺陷由品质部根据照片判定"
B_WAR3 = "WAR-3 S7 退换货规定 一、1.(2) 产品规格不符（提供购买凭证）"
MISREPRESENTATION_WORKING_DAYS = 15  # S5: "发现问题后的15个工作日内"

NO_EXCHANGE = "售出已超过 15 日，且未出现两次修理仍不能正常使用或修理超期的情形"
_NO_EXCHANGE_BASIS = {b: f"{b}；{B_R7}；{B_R8_OWN}" for b in (B_R6, B_R17_EXC, B_R22_EXC)}

EXCEPTION_TEXT = {
    "custom_made": "消费者定作的商品",
    "perishable": "鲜活易腐的商品",
    "digital_unsealed": "在线下载或者消费者拆封的音像制品、计算机软件等数字化商品",
    "periodicals": "交付的报纸、期刊",
    "health_safety_unsealed": "拆封后易影响人身安全或者生命健康的商品",
    "activation_devalues": "一经激活或者试用后价值贬损较大的商品",
    "declared_near_expiry_or_defective": "销售时已明示的临近保质期的商品、有瑕疵的商品",
}
EXEMPT_TEXT = {
    "misuse": ("因消费者使用、维护、保管不当造成损坏", "R12 第 1 项"),
    "unauthorized_repair": ("非承担三包修理者拆动造成损坏", "R12 第 2 项"),
    "force_majeure": ("因不可抗拒力造成损坏", "R12 第 5 项"),
    "no_documents": ("无三包凭证及有效发票，也无其他购买证明", "R12 第 3 项；R4"),
    "card_mismatch": ("三包凭证型号与修理产品型号不符或者涂改", "R12 第 4 项"),
}
SANBAO = frozenset({"sanbao", "phone", "fixed_phone", "pc", "av"})
# The periods of the calendar the current ``evaluate`` call counts on (one per calendar, so
# their caches survive between calls; a new company calendar gets a new one).
_PERIODS_BY_CALENDAR: weakref.WeakKeyDictionary[WorkCalendar, Periods] = weakref.WeakKeyDictionary()
_CURRENT: ContextVar[Periods] = ContextVar("periods")
_OFFICIAL: list[Periods] = []  # the official calendar's, once made (the common case)


def _periods_for(calendar: WorkCalendar | None) -> Periods:
    if calendar is None:
        periods = _OFFICIAL[0] if _OFFICIAL else None
        if periods is None:
            periods = _periods_for(official_calendar())
            _OFFICIAL.append(periods)
        return periods
    periods = _PERIODS_BY_CALENDAR.get(calendar)
    if periods is None:
        periods = _PERIODS_BY_CALENDAR[calendar] = Periods(calendar)
    return periods


# ``_periods().days_end(...)`` in the rules: on the calendar of this evaluation.
_periods = _CURRENT.get


_FEES = {
    "parts": None,
    "labour": None,
    "travel": None,
    "repair_basis": "",
    "return_shipping": None,
    "return_shipping_basis": "",
    "refund_within_days": None,
    "refund_basis": "",
    "depreciation": None,
    "depreciation_basis": "",
    "loaner": False,
}
_COMPANY_FEES = {}


class Answer:
    """The answer being built: at most one option and one refusal per remedy."""

    __slots__ = (
        "deadlines",
        "fees",
        "notes",
        "options",
        "period",
        "refused",
        "sanbao",
        "warranty_end",
    )

    def __init__(self) -> None:
        self.sanbao = True  # catalogue goods (R1); False: the consumer law alone (R25)
        self.options: dict[str, dict] = {}
        self.deadlines: dict[str, date | None] = {}
        self.refused: dict[str, dict] = {}
        self.notes: dict[str, None] = {}  # an ordered set
        self.fees: dict = _FEES.copy()
        self.warranty_end: date | None = None
        self.period: dict | None = None

    def offer(self, remedy, basis, why, deadline, source="law") -> None:
        if remedy in self.options and not _later(deadline, self.deadlines[remedy]):
            return
        self.deadlines[remedy] = deadline
        self.options[remedy] = {
            "remedy": remedy,
            "basis": basis,
            "source": source,
            "deadline": deadline.isoformat() if deadline else None,
            "provisional": False,  # set by _finish for the options kept (R43)
            "why": why,
        }

    def refuse(self, remedy, reason, basis) -> None:
        if remedy not in self.refused:
            self.refused[remedy] = {"remedy": remedy, "reason": reason, "basis": basis}

    def refuse_instead(self, remedy, reason, basis) -> None:
        """The refusal of the ground the customer raised, in place of a general one (issue 18
        B3, B5: "no evidence" says more than "no quality problem")."""
        self.refused[remedy] = {"remedy": remedy, "reason": reason, "basis": basis}

    def note(self, text: str) -> None:
        self.notes[text] = None


def _later(a: date | None, b: date | None) -> bool:
    """Is deadline ``a`` later than ``b``? None means no deadline, the latest of all."""
    if b is None:
        return False
    return a is None or a > b


_FMT: dict[date, str] = {}


def _fmt(d: date) -> str:
    text = _FMT.get(d)
    if text is None:
        text = f"{d.year}年{d.month}月{d.day}日"
        if len(_FMT) < 50_000:
            _FMT[d] = text
    return text


# -- the entry point -------------------------------------------------------------------------


def evaluate(
    facts: dict, policy: str | Policy = "national", *, calendar: WorkCalendar | None = None
) -> dict:
    """Decide what ``facts`` entitle the customer to under ``policy`` (a preset key or a
    Policy). Raises EngineError naming the field for bad facts or an unknown policy.

    Periods are counted on ``calendar`` (the built-in official one by default; the service
    passes the company's, which holds the schedules administrators imported). Only its
    statutory days move a last day (art. 203), so company rest days change no answer."""
    token = _CURRENT.set(_periods_for(calendar))
    try:
        return _evaluate(facts, policy)
    finally:
        _CURRENT.reset(token)


_PARSED: dict[str, Policy] = {}  # the presets by key, without preset()'s call overhead


def _evaluate(facts: dict, policy: str | Policy) -> dict:
    if isinstance(policy, str):
        try:
            policy = _PARSED.get(policy) or _PARSED.setdefault(policy, preset(policy))
        except KeyError:
            raise EngineError(
                [
                    FieldError(
                        "policy",
                        "unknown",
                        f"No policy named {policy!r}.",
                        f"没有名为 {policy} 的政策。",
                    )
                ]
            ) from None
    f = read_facts(facts)
    ref = policy.resolve(f.category)  # R1; an unknown name like a catalogue one is an error
    f.names = ref.names
    answer = Answer()
    if ref.alias_of:
        answer.note(f"品类“{f.category}”按“{ref.alias_of}”处理")
    try:
        if policy.base is None:
            _law(f, policy, policy.category(ref.law), answer)
        else:
            company_cat = policy.categories.get(ref.own) if ref.own else None
            agreement = company_cat or (
                policy.default if policy.default.whole_unit_months else None
            )
            _law(f, policy.base, policy.base.category(ref.law), answer, agreement=agreement)
            _company(f, policy, company_cat or policy.default, answer)
            for text in policy.base.notes:
                answer.notes[text] = None
        if f.agreed_warranty is not None:
            _agreed(f, answer)
        if f.misrepresented_on is not None:  # the claim; evidence alone claims nothing
            _misrepresentation(f, answer)
        if f.spec_mismatch:
            _spec_mismatch(f, answer)
        if f.extended_warranty is not None:
            _extended(f, answer)
        for text in policy.notes:
            answer.notes[text] = None
        return _finish(f, policy, answer)
    except (ValueError, OverflowError, ArithmeticError) as exc:
        if isinstance(exc, EngineError):
            raise
        # A period past the calendar's last year, or an absurd amount.
        raise EngineError(
            [
                FieldError(
                    "facts",
                    "out_of_range",
                    f"The dates or amounts are outside what can be counted: {exc}",
                    "日期或金额超出可计算的范围。",
                )
            ]
        ) from None


# -- the statutory floor ---------------------------------------------------------------------


def _law(f: Facts, floor: Policy, cat: CategoryRules, a: Answer, agreement=None) -> None:
    sanbao = a.sanbao = cat.regime in SANBAO
    for text in cat.unconfirmed:
        a.note(text)
    if f.category in CARS:
        a.note("R24：家用汽车适用单独的三包规定，本引擎未覆盖，以下按消费者权益保护法处理")
    elif not sanbao:
        a.note(
            f"R1：“{f.category}”不在实施三包的商品目录内，不适用三包规定，"
            "按消费者权益保护法第二十四条（R25）处理"
        )
    if f.problem == "misuse" and not f.misuse_evidence and _burden_on_business(f, cat, agreement):
        # R26: the business has to prove misuse; without its evidence it is a quality case.
        a.note(
            "R26：耐用商品自收货起 6 个月内发现瑕疵，由经营者承担举证责任；"
            "未有经营者的使用不当证据，按质量问题处理"
        )
        f.problem = "quality"
    if f.problem == "none":
        _no_reason(f, floor, a)
        reason = "未反映质量问题：换货、免费修理以出现性能故障为前提"
        a.refuse("exchange", reason, B_R6 if sanbao else B_R25)
        a.refuse("free_repair", reason, B_R11 if sanbao else B_R25)
        _record_period(f, cat, a, agreement)
        return
    if f.channel == "online" and f.problem == "quality":
        a.note(
            "R36：网购商品有质量问题的，适用消费者权益保护法第二十四条与三包规定，运费由经营者承担"
        )
    exempt = _exemption(f, cat)
    if exempt is not None:
        text, basis = EXEMPT_TEXT[exempt]
        if sanbao:
            for remedy in FREE:
                a.refuse(remedy, text, basis)
            a.offer("paid_repair", B_R12, f"{text}，不实行三包，可以收费修理", None)
        else:
            # R1/R25: no 三包 exemption outside the catalogue; the damage is simply not a
            # quality defect, and a paid repair is the business's own service.
            reason = f"{text}，不属于商品不符合质量要求的情形"
            for remedy in FREE:
                a.refuse(remedy, reason, B_R25)
            a.offer("paid_repair", B_PAID, f"{text}，可以有偿修理", None)
        if exempt == "misuse":
            _burden_of_proof(f, cat, a, agreement)
        _record_period(f, cat, a, agreement)
        return
    if sanbao:
        _sanbao(f, floor, cat, a)
    else:
        _general(f, cat, a, agreement)


def _exemption(f: Facts, cat: CategoryRules) -> str | None:
    """R12: the cases where 三包 does not apply (paid repair only). Items 3 and 4 (documents)
    are 三包 conditions: outside the catalogue (R1) the consumer law (R25) asks for none."""
    if f.problem in ("misuse", "unauthorized_repair", "force_majeure"):
        return f.problem
    if cat.regime not in SANBAO:
        return None
    if f.card_model_mismatch_or_altered:
        return "card_mismatch"
    has_docs = f.has_invoice_or_card is not False or f.other_proof_of_purchase
    if not has_docs and not (cat.regime == "phone" and f.factory_date):
        return "no_documents"  # R4: lost documents with other proof are still covered
    return None


def _burden_on_business(f: Facts, cat: CategoryRules, agreement=None) -> bool:
    """R26: durable goods (motor vehicles, computers, TVs, refrigerators, air conditioners,
    washing machines …: the catalogue's ``durable``, a company category's, or a car), a
    defect within 6 months of receipt."""
    received = f.received_date or f.purchase_date
    durable = cat.durable or (agreement is not None and agreement.durable) or f.category in CARS
    return bool(durable and received and f.report_date <= _periods().months_end(received, 6))


def _burden_of_proof(f: Facts, cat: CategoryRules, a: Answer, agreement=None) -> None:
    """R26: durable goods, defect within 6 months of receipt: the business proves misuse."""
    if _burden_on_business(f, cat, agreement) and f.misuse_evidence:
        a.note("R26：收货 6 个月内的耐用商品，使用不当已有经营者的证据")


def _record_period(f: Facts, cat: CategoryRules, a: Answer, agreement) -> None:
    """Every answer states where the customer stands (the end of the period), also when it
    offers nothing free: the 三包 period of catalogue goods, else the agreed warranty."""
    if cat.regime in SANBAO:
        start = _warranty_start(f, cat, a, required=False)
        if start is not None:
            _sanbao_period(f, cat, a, start)
    else:
        received = f.received_date or f.purchase_date
        if received is not None:
            _general_period(f, cat, a, agreement, received)


def _no_reason(f: Facts, floor: Policy, a: Answer) -> None:
    """R27–R35: the distance-sale 7-day no-reason return."""
    rule = floor.no_reason
    if rule is None or f.channel not in rule.channels:
        a.refuse(
            "return", "线下购买的商品不适用七日无理由退货；无质量问题的退货以商家承诺为准", B_R27
        )
        return
    exc = f.no_reason_exception
    if exc in STATUTORY_EXCEPTIONS:
        a.refuse("return", f"{EXCEPTION_TEXT[exc]}不适用七日无理由退货", B_R29)
        return
    if exc in CONFIRM_EXCEPTIONS:
        if f.consumer_confirmed_at_checkout:
            a.refuse(
                "return",
                f"{EXCEPTION_TEXT[exc]}，消费者在购买时已确认不宜退货",
                B_R30,
            )
            return
        a.note(
            f"R30：{EXCEPTION_TEXT[exc]}仅在消费者购买时确认后才可不适用无理由退货；"
            "未经确认（仅页面标注不够，S14 案例），不得拒绝"
        )
    if f.goods_intact is False:
        a.refuse("return", "商品不完好（超出查验所需的使用、配件或标识缺失等）", B_R31)
        return
    if f.received_date is None:
        a.offer("return", B_R27, "商品尚未签收，可拒收或在签收后 7 日内无理由退货", None)
    else:
        last = _periods().days_end(f.received_date, rule.days)
        if f.report_date > last:
            a.refuse(
                "return",
                f"已超过七日无理由退货期限（签收次日起 7 日，至 {_fmt(last)}）",
                B_R27,
            )
            return
        a.offer(
            "return",
            B_R27,
            f"签收后 7 日内（至 {_fmt(last)}）可无理由退货",
            last,
        )
    if f.goods_intact is None:
        a.note("R31：退回的商品须完好；为查验而拆封、合理调试不影响完好")
    a.note("R33：赠品、积分、优惠券须一并退回；赠品无法退回的，按事先标明的价格扣除")
    a.fees["return_shipping"] = rule.return_shipping
    a.fees["return_shipping_basis"] = B_R35
    a.fees["refund_within_days"] = rule.refund_days
    a.fees["refund_basis"] = B_R34


def _warranty_start(f: Facts, cat: CategoryRules, a: Answer, required: bool = True) -> date | None:
    """R2: the invoice date; R10: an exchange restarts it; R21: a phone without documents
    starts on the 90th day after the factory date."""
    if f.exchanged_on:
        a.note(f"R10：{_fmt(f.exchanged_on)} 换货后三包有效期重新计算")
        return f.exchanged_on
    if (
        cat.regime == "phone"
        and f.factory_date
        and f.has_invoice_or_card is False
        and not f.other_proof_of_purchase
    ):
        # R21: nothing proves the purchase date; the serial's factory date does the work.
        return f.factory_date + timedelta(days=90)
    if f.purchase_date:
        return f.purchase_date
    if f.received_date:
        a.note("未提供发票日期，三包有效期暂按签收日期计算")
        return f.received_date
    if not required:
        return None
    raise EngineError(
        [
            FieldError(
                "purchase_date",
                "required",
                "Give the purchase (invoice) date, or the received date.",
                "请填写购买（发票）日期或签收日期。",
            )
        ]
    )


def _intervals(f: Facts) -> tuple:
    """Days in repair (R2): the finished repairs, and the one still open (sent for repair and
    not back yet, counted to the day it was last seen unrepaired or reported)."""
    if not f.sent_for_repair:
        return f.repair_intervals
    until = f.still_unrepaired_on or f.report_date
    if until < f.sent_for_repair:
        return f.repair_intervals
    return (*f.repair_intervals, (f.sent_for_repair, until))


def _sanbao_period(f: Facts, cat: CategoryRules, a: Answer, start: date) -> tuple:
    """R2, R3, R14, R16: the period of the unit of account (whole, main part or component)
    from ``start``, pushed back by the days in repair. Sets the answer's end and period."""
    kind, months, part = cat.part_months(f.part) if f.part else ("whole", cat.whole_unit_months, "")
    intervals = _intervals(f) if f.sent_for_repair else f.repair_intervals
    extra = days_in_repair(intervals, start) if intervals else 0
    end = _periods().months_end(start, months, extra) if months else None
    a.warranty_end = end
    a.period = {
        "unit": kind,
        "part": part,
        "starts_on": start.isoformat(),
        "months": months,
        "extended_days": extra,
    }
    if extra:
        a.note(f"R2：扣除修理占用和待修时间，三包有效期顺延 {extra} 日")
    return kind, months, part, end


def _sanbao(f: Facts, floor: Policy, cat: CategoryRules, a: Answer) -> None:
    """R2–R11, R16–R23: catalogue goods with a performance fault."""
    regime = cat.regime
    report = f.report_date
    has_docs = f.has_invoice_or_card is not False
    # R21: a phone with neither documents nor a copy, dated from its factory date (without
    # a factory date it is exempt, R12 item 3): free repair only, accessories included.
    r21 = regime == "phone" and not has_docs and not f.other_proof_of_purchase
    start = _warranty_start(f, cat, a)
    if r21:
        a.note(f"R21：无发票和三包凭证，以出厂日期后第 90 日（{_fmt(start)}）为三包期起算日")
    kind, _months, part, end = _sanbao_period(f, cat, a, start)
    in_period = end is not None and report <= end
    sale = f.purchase_date
    # Lost documents: R4 (every duty, the 7-day return included), R21 (phones: repair, and
    # exchange with a copy of the invoice), R22 art. 9 (PCs: repair and exchange).
    may_return = has_docs or regime not in ("phone", "pc")
    may_exchange = not r21
    if not has_docs:
        if regime == "pc":
            a.refuse("return", "发票和三包凭证遗失，凭其他购买证明只可修理、换货", "R22 第九条")
        elif regime == "phone":
            a.refuse("return", "发票和三包凭证遗失，不适用退货", B_R21)
            if r21:
                a.refuse("exchange", "发票和三包凭证遗失且无发票复印件，只可免费修理", B_R21)
        else:
            a.note("R4：三包凭证或发票遗失，但能证明在三包有效期内的，仍享受三包")
    if regime == "phone" and kind == "component" and not r21:
        _phone_accessory(f, cat, part, end, may_return, a)
        return
    ret_basis, exc_basis, rep_basis = B_R5, B_R6, B_R11
    if regime == "phone":
        ret_basis, exc_basis = B_R17_RET, B_R17_EXC
    elif regime == "pc":
        ret_basis, exc_basis, rep_basis = B_R22_RET, B_R22_EXC, B_R22_REP
    days_end = _periods().days_end
    last7 = days_end(sale, cat.return_days) if sale and cat.return_days else None
    last15 = days_end(sale, cat.exchange_days) if sale and cat.exchange_days else None
    if last7 and report <= last7 and may_return and not f.exchanged_on:
        why = f"售出 7 日内（至 {_fmt(last7)}）出现性能故障，可选择退货、换货或修理"
        a.offer("return", ret_basis, why, last7)
        if may_exchange:
            a.offer("exchange", ret_basis, why, last7)
    elif last7 and may_return:
        a.refuse("return", f"售出已超过 7 日（{_fmt(last7)} 为最后一天）", ret_basis)
    if last15 and report <= last15 and may_exchange and not f.exchanged_on:
        a.offer(
            "exchange",
            exc_basis,
            f"售出 15 日内（至 {_fmt(last15)}）出现性能故障，可选择换货或修理",
            last15,
        )
        _return_for_exchange(f, cat, last15, may_return, a)  # R9 / R18: days 8–15 too
    if not in_period:
        what = {"whole": "整机", "main_part": f"主要部件（{part}）", "component": part}[kind]
        reason = f"{what}三包有效期已于 {_fmt(end)} 届满" if end else "该品类无三包有效期规定"
        for remedy in FREE:
            a.refuse(remedy, reason, "R2、R3 部分商品修理更换退货责任规定 第八条")
        a.offer(
            "paid_repair", "R2、R3；R12 超过三包有效期可以收费修理", f"{reason}，可以收费修理", None
        )
        return
    what = "整机" if kind == "whole" else "主要部件" if kind == "main_part" else part
    if r21:
        a.offer("free_repair", B_R21, f"{what}三包有效期内（至 {_fmt(end)}）免费修理", end)
    else:
        a.offer(
            "free_repair",
            rep_basis,
            f"{what}三包有效期内（至 {_fmt(end)}）免费修理，不收材料费和工时费",
            end,
        )
    if cat.repeat_repairs and f.prior_repairs >= cat.repeat_repairs:
        _repairs_failed(f, cat, end, may_exchange, may_return, a)
    if f.sent_for_repair:
        _repair_overdue(f, cat, end, may_exchange, may_return, a)
    if "exchange" not in a.options:
        a.refuse("exchange", NO_EXCHANGE, _NO_EXCHANGE_BASIS[exc_basis])


def _repairs_failed(
    f: Facts, cat: CategoryRules, end: date, may_exchange: bool, may_return: bool, a: Answer
) -> None:
    """R7 (general), R18 (phones): two repairs and still not working."""
    limit = cat.repeat_repairs
    if not limit or f.prior_repairs < limit or not may_exchange:
        return
    why = f"三包有效期内修理 {f.prior_repairs} 次仍不能正常使用，凭修理记录免费换货"
    if cat.regime == "phone":
        a.offer("exchange", B_R18, why, end)
        if f.same_model_available is not False:
            a.refuse(
                "return", "手机两次修理仍不能正常使用的，只换主机；无同型号可换时才可退货", B_R18
            )
    else:
        a.offer("exchange", B_R7, why, end)
    _return_for_exchange(f, cat, end, may_return, a)


def _overdue(f: Facts, days: int) -> tuple[bool, date, int]:
    """Is a repair unrepaired "more than ``days`` days" after hand-in (R8, R15, R20, and the
    company's ``repair_over_days``)? The limit is a period of ``days`` days (R38): the hand-in
    day does not count, and a last day on a statutory rest day moves to the end of the next
    working day. Returns (over, the limit's last day, days since hand-in)."""
    until = f.still_unrepaired_on or f.report_date
    limit = _periods().days_end(f.sent_for_repair, days)
    return until > limit, limit, (until - f.sent_for_repair).days


def _repair_overdue(
    f: Facts, cat: CategoryRules, end: date, may_exchange: bool, may_return: bool, a: Answer
) -> None:
    """R8 / R20: unrepaired too long (repairer's fault, or the producer sent no parts);
    R15: a loaner where the category's rules give one."""
    if not f.sent_for_repair:
        return
    if cat.loaner_after_days:
        over, limit, _days = _overdue(f, cat.loaner_after_days)
        if over:
            a.fees["loaner"] = True
            a.note(
                f"R15：送修 {cat.loaner_after_days} 日内（至 {_fmt(limit)}）未修好的，"
                "应免费提供备用机直至原机修复"
            )
    granted = None
    if f.delay_cause == "repairer" and cat.repair_days_own:
        over, limit, days = _overdue(f, cat.repair_days_own)
        if over:
            granted = (
                B_R8_OWN,
                f"因修理者原因送修已 {days} 日未修好（超过 {cat.repair_days_own} 日，"
                f"期限至 {_fmt(limit)}），由修理者免费更换",
            )
    if f.delay_cause == "producer_no_parts" and cat.repair_days_parts:
        over, limit, days = _overdue(f, cat.repair_days_parts)
        if over:
            basis = B_R20 if cat.regime in ("phone", "fixed_phone") else B_R8_PARTS
            granted = (
                basis,
                f"生产者未按期供应零配件，送修已 {days} 日未修好"
                f"（超过 {cat.repair_days_parts} 日，期限至 {_fmt(limit)}），免费换货",
            )
    if granted and may_exchange:
        a.offer("exchange", granted[0], granted[1], end)
        _return_for_exchange(f, cat, end, may_return, a)


def _return_for_exchange(
    f: Facts, cat: CategoryRules, deadline: date, may_return: bool, a: Answer
) -> None:
    """R9 (art. 13): "符合换货条件的" — whichever rule made the exchange due (R6 days 8–15, R7,
    R8) — a return instead. Phones: only when no same model is available (R18, art. 18).
    Without the documents a phone (R21) or a PC (R22 art. 9) is never returned."""
    if not may_return:
        return
    phone = cat.regime == "phone"
    if phone and f.same_model_available is not False:
        return
    current = a.deadlines.get("return", False)
    if current is not False:
        # Inside the 7 days the full refund (R5/R17/R22) stands; say how long a return
        # stays possible after it.
        if _later(deadline, current):
            if phone:
                a.note(
                    f"R18：{_fmt(current)} 之后至 {_fmt(deadline)}，应换货而无同型号、"
                    "同规格产品的，仍可退货"
                )
            else:
                a.note(
                    f"R9：{_fmt(current)} 之后至 {_fmt(deadline)}，符合换货条件的仍可退货；"
                    "有同型号、同规格产品而仍要求退货的，可收取折旧费"
                )
        return
    if phone:
        a.offer(
            "return",
            B_R18_RET,
            "应换货但无同型号、同规格产品，消费者不接受其他型号的，可以退货",
            deadline,
        )
        return
    _return_instead_of_exchange(f, cat, deadline, a)


def _return_instead_of_exchange(f: Facts, cat: CategoryRules, end: date, a: Answer) -> None:
    """R9: where an exchange is due, a return instead — free when no same model is available,
    with depreciation on used goods when the consumer prefers a return anyway (the article's
    second branch, which applies in days 8–15 as it does after R7/R8; docs/decisions.md)."""
    if f.same_model_available is False:
        a.offer(
            "return",
            B_R9,
            "应换货但无同型号、同规格产品，消费者不愿调换其他型号的，必须予以退货",
            end,
        )
        a.note("R9：无同型号可换而退货时是否可收折旧费，条文未写明 [未确认]，此处不收")
        return
    if f.same_model_available is None:
        why = (
            "符合换货条件，消费者要求退货的，可以退货；有同型号、同规格产品而仍要求退货的，"
            "可收取折旧费"
        )
    else:
        why = "符合换货条件，消费者仍要求退货的，可以退货，但可收取折旧费"
    a.offer("return", B_R9, why, end)
    rate = cat.depreciation_per_day
    start = f.exchanged_on or f.purchase_date or f.received_date
    days = max(0, (f.report_date - start).days - days_in_repair(_intervals(f), start))
    depreciation = {"rate_percent_per_day": None, "days": days, "percent": None, "amount": None}
    if rate is None:
        a.note("R9、R14：该品类的日折旧率未能核对原文 [未确认]，折旧费须人工核定")
    else:
        percent = min(Decimal(100), rate * days)
        depreciation["rate_percent_per_day"] = str(rate)
        depreciation["percent"] = str(percent.quantize(Decimal("0.01")))
        if f.price is not None:
            amount = (f.price * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            depreciation["amount"] = str(amount)
    a.fees["depreciation"] = depreciation
    a.fees["depreciation_basis"] = f"{B_R9}（自发票日至退货日，扣除修理占用和待修时间）"


def _phone_accessory(
    f: Facts, cat: CategoryRules, part: str, end: date | None, may_return: bool, a: Answer
) -> None:
    """R19: a phone accessory in its own period is exchanged; exchanged twice, returned
    (not without the original documents, R21)."""
    if end is None or f.report_date > end:
        reason = f"{part}三包有效期已于 {_fmt(end)} 届满" if end else f"{part}无三包期"
        for remedy in FREE:
            a.refuse(remedy, reason, B_R19)
        a.offer("paid_repair", B_R12, f"{reason}，可以收费修理或购买", None)
        return
    a.offer(
        "exchange",
        B_R19,
        f"{part}在其三包有效期内（至 {_fmt(end)}）出现性能故障，免费更换同品牌同型号",
        end,
    )
    if f.prior_repairs >= 2 and may_return:
        a.offer("return", B_R19, f"{part}已更换两次仍不能正常使用，可以退货", end)
        a.note("R19：随机配件按退货时的单独售价退款，单独购买的配件按发票价格退款")
    else:
        a.refuse("return", "配件更换未满两次", B_R19)
    a.refuse("free_repair", "配件在三包期内出现故障的，以更换为准", B_R19)


def _general_period(
    f: Facts, cat: CategoryRules, a: Answer, agreement: CategoryRules | None, received: date
) -> tuple | None:
    """The agreed warranty of goods outside the catalogue (R25 "依照…当事人约定"), if any:
    the company's period for the category, else one the floor itself gives the category."""
    rules = agreement if agreement and agreement.whole_unit_months else cat
    kind, months, part = rules.part_months(f.part)
    if not months:
        return None
    start = f.exchanged_on or (
        f.purchase_date if rules.window_from == "sale" and f.purchase_date else received
    )
    extra = days_in_repair(_intervals(f), start)
    end = _periods().months_end(start, months, extra)
    a.warranty_end = end
    a.period = {
        "unit": kind,
        "part": part,
        "starts_on": start.isoformat(),
        "months": months,
        "extended_days": extra,
    }
    return kind, months, part, end


def _general(f: Facts, cat: CategoryRules, a: Answer, agreement: CategoryRules | None) -> None:
    """R25: goods outside the 三包 catalogue that do not meet quality requirements. No 三包
    condition applies (R1): no documents are asked for (R12 items 3, 4 are 三包 rules)."""
    received = f.received_date or f.purchase_date
    if received is None:
        raise EngineError(
            [
                FieldError(
                    "received_date",
                    "required",
                    "Give the received date (or the purchase date).",
                    "请填写签收日期（或购买日期）。",
                )
            ]
        )
    last = _periods().days_end(received, 7)
    if f.report_date <= last:
        a.offer(
            "return", B_R25, f"无国家三包规定的商品，收货 7 日内（至 {_fmt(last)}）可以退货", last
        )
    else:
        a.refuse(
            "return",
            f"收货已超过 7 日（{_fmt(last)}），此后仅在符合法定解除合同条件时可以退货",
            B_R25,
        )
    period = _general_period(f, cat, a, agreement, received)
    if period is not None:
        _kind, _months, part, end = period
        if f.report_date > end:
            what = f"{part}的" if part else ""
            for remedy in ("exchange", "free_repair"):
                a.refuse(remedy, f"已超过约定的{what}质量保证期（{_fmt(end)}）", B_R25)
            a.offer("paid_repair", B_PAID, "超过质量保证期，可以收费修理", None)
            return
        why = f"质量保证期内（至 {_fmt(end)}）商品不符合质量要求的，可以要求更换、修理"
        a.offer("exchange", B_R25, why, end)
        a.offer("free_repair", B_R25, why, end)
        return
    why = "商品不符合质量要求的，可以要求经营者更换、修理（法律未规定期限，以约定或质量保证期为准）"
    a.offer("exchange", B_R25, why, None)
    a.offer("free_repair", B_R25, why, None)


# -- the company's promises ------------------------------------------------------------------


def _company(f: Facts, policy: Policy, cat: CategoryRules, a: Answer) -> None:
    """Add the company's promises (R1 art. 4: longer or stricter commitments bind it)."""
    exempt = f.problem in ("misuse", "unauthorized_repair", "force_majeure") or bool(
        f.card_model_mismatch_or_altered
    )
    no_docs = f.has_invoice_or_card is False and not f.other_proof_of_purchase
    end = None
    if cat.whole_unit_months:
        start = f.exchanged_on or _start_of(f, cat.window_from)
        if start:
            _kind, months, _part = cat.part_months(f.part)
            extra = days_in_repair(_intervals(f), start)
            end = _periods().months_end(start, months or cat.whole_unit_months, extra)
            if a.warranty_end is None or end > a.warranty_end:
                a.warranty_end = end
                a.period = {
                    "unit": _kind,
                    "part": _part,
                    "starts_on": start.isoformat(),
                    "months": months or cat.whole_unit_months,
                    "extended_days": extra,
                }
    for text in cat.unconfirmed:
        a.note(text)
    for p in policy.promises:
        if f.problem not in p.problems:
            continue
        if p.channels and f.channel not in p.channels:
            continue
        if p.categories and not any(n in p.categories for n in f.names):
            continue
        free = [r for r in p.remedies if r != "paid_repair"]
        if free and (no_docs or (exempt and "paid_repair" not in p.remedies)):
            continue
        if f.problem == "none" and not _no_reason_allowed(f):
            continue
        last = _promise_end(f, p, end)
        if last is False:
            continue
        if last is not None and f.report_date > last:
            continue
        # "more than N days" counted as the law's limits are (R8, R38): one rule. A repair
        # judged unable to finish in the promised time need not wait for it (S14 二、3).
        if (
            p.repair_over_days is not None
            and not f.cannot_repair_in_time
            and (not f.sent_for_repair or not _overdue(f, p.repair_over_days)[0])
        ):
            continue
        if p.repairs_at_least is not None and f.prior_repairs < p.repairs_at_least:
            continue
        if p.judged_from_photos and f.quality_verdict != "serious":
            # WAR-6, S8 三、10: the quality department judges the photos first.
            reason = (
                "品质部根据照片判定不属严重缺陷"
                if f.quality_verdict == "not_serious"
                else "须待品质部根据照片判定为严重缺陷"
            )
            for remedy in p.remedies:
                if remedy not in a.options:
                    a.refuse_instead(remedy, reason, B_WAR6)
            continue
        for remedy in p.remedies:
            if exempt and remedy != "paid_repair":
                continue
            if remedy == "paid_repair" and any(r in a.options for r in ("free_repair",)):
                continue
            a.offer(remedy, f"公司承诺：{p.basis}", p.text, last, source="company")
    if "free_repair" in a.options and "paid_repair" in a.options:
        # The floor's paid repair (its 三包 or part period over, R2/R3, R19) yields to the
        # company's free repair under a longer agreed period (R1 art. 4: it binds); offering
        # both would let the same repair be charged (issue 18 A10).
        del a.options["paid_repair"]
        del a.deadlines["paid_repair"]
    company = dict(policy.fees)
    if policy.refund_days:
        company["refund_days"] = policy.refund_days
    a.fees["company"] = company
    if policy.refund_penalty:
        a.note(policy.refund_penalty)
    for text in policy.exemptions:
        a.note(f"公司规定不属三包：{text}（法定三包范围内以法律为准，R1、R4）")


def _agreed(f: Facts, a: Answer) -> None:
    """WAR-1, S5, issue 18 B1: a whole-unit period the company agreed beyond the law (an
    order's contract, the catalogue's own period). The company may give more than the law,
    never less (R1 art. 4): inside the law's period its answer stands as it is; after it, and
    until the agreed period ends, a quality fault is repaired free as the company's promise."""
    months, basis = f.agreed_warranty
    start = f.exchanged_on or f.purchase_date or f.received_date
    if start is None:
        return
    extra = days_in_repair(_intervals(f), start)
    end = _periods().months_end(start, months, extra)
    law_end = a.warranty_end
    if law_end is not None and end <= law_end:
        return  # the law's period is as long or longer: nothing more is promised
    exempt = f.problem in ("misuse", "unauthorized_repair", "force_majeure") or bool(
        f.card_model_mismatch_or_altered
    )
    no_docs = f.has_invoice_or_card is False and not f.other_proof_of_purchase
    if f.problem != "quality" or exempt or no_docs:
        return
    current = a.options.get("free_repair")
    if current is not None and current["source"] == "law":
        # Inside the statutory period the law's answer is unchanged; say what follows it.
        if current["deadline"] is not None:
            a.note(f"公司承诺：{basis}（至 {_fmt(end)}），三包有效期届满后仍免费修理")
        return
    if f.report_date > end:
        return
    a.offer(
        "free_repair",
        f"公司承诺：{basis}",
        f"约定质保期内（至 {_fmt(end)}）免费修理",
        end,
        source="company",
    )
    a.warranty_end = end
    a.period = {
        "unit": "whole",
        "part": "",
        "starts_on": start.isoformat(),
        "months": months,
        "extended_days": extra,
    }
    if "paid_repair" in a.options:
        # The floor's paid repair (its period over) yields to the agreed free repair.
        del a.options["paid_repair"]
        del a.deadlines["paid_repair"]


def _extended(f: Facts, a: Answer) -> None:
    """S14 五、2, issue 18 B2: an extended warranty bought for the unit. It starts the day
    after the period the answer already states (the law's, the company's or the contract's)
    and runs the plan's months; inside it a quality fault is repaired as the plan covers it
    (parts, labour), except the parts it excludes. Its source is the plan, not the law."""
    x = f.extended_warranty
    law_end = a.warranty_end
    if law_end is None:
        return  # no period to follow: the plan cannot be placed in time
    end = _periods().months_end(law_end, x.months)
    label = f"延保：{x.plan}（{x.number}）"
    if f.report_date <= law_end:
        a.note(f"{label}：{_fmt(law_end)} 三包有效期届满后，延长保修至 {_fmt(end)}")
        return
    if f.report_date > end:
        a.note(f"{label}：延保期已于 {_fmt(end)} 届满")
        return
    exempt = f.problem in ("misuse", "unauthorized_repair", "force_majeure") or bool(
        f.card_model_mismatch_or_altered
    )
    no_docs = f.has_invoice_or_card is False and not f.other_proof_of_purchase
    if f.problem != "quality" or exempt or no_docs:
        a.warranty_end = end  # where the customer stands, though this claim is not covered
        return
    if f.part and f.part in x.exclusions:
        a.refuse_instead("free_repair", f"延保不含“{f.part}”", label)
        a.warranty_end = end
        return
    a.offer("free_repair", label, f"延保期内（至 {_fmt(end)}）免费修理", end, source="extended")
    a.fees["company"] = {
        **a.fees.get("company", {}),
        "parts": "business" if x.parts else "consumer",
        "labour": "business" if x.labour else "consumer",
        "extended": True,
    }
    a.warranty_end = end
    a.period = {
        "unit": "extended",
        "part": "",
        "starts_on": (law_end + timedelta(days=1)).isoformat(),
        "months": x.months,
        "extended_days": 0,
    }
    if "paid_repair" in a.options:
        del a.options["paid_repair"]
        del a.deadlines["paid_repair"]


def _misrepresentation(f: Facts, a: Answer) -> None:
    """WAR-5, S5, issue 18 B3: goods sold with false or exaggerated advertising (虚假宣传、
    夸大广告、误导消费者) may be returned when the buyer gives notice with evidence within 15
    working days of discovering it (S5 二、1.b), counted on the engine's calendar as the
    company's working-day windows are (R41: the day of discovery not counted)."""
    if not f.misrepresentation_evidence:
        a.refuse_instead(
            "return", "以销售误导（虚假宣传、与宣传不符）为由退货，须提供相关证据", B_WAR5
        )
        return
    last = _periods().working_days_end(f.misrepresented_on, MISREPRESENTATION_WORKING_DAYS)
    if f.report_date > last:
        a.refuse_instead(
            "return",
            f"已超过发现销售误导后 15 个工作日的退货期限（至 {_fmt(last)}）",
            B_WAR5,
        )
        return
    a.offer(
        "return",
        B_WAR5,
        "销售中存在虚假宣传或与宣传不符，且有证据，"
        f"发现后 15 个工作日内（至 {_fmt(last)}）可以退货",
        last,
        source="company",
    )


def _spec_mismatch(f: Facts, a: Answer) -> None:
    """WAR-3, S7, issue 18 B5: the goods delivered are not of the ordered specification — a
    ground for a return or an exchange on a case, not only at acceptance. S7 asks for proof of
    purchase and names no period of its own, so the claim runs within the 三包 or agreed
    period the answer already states (none stated: no limit is set here)."""
    if f.has_invoice_or_card is False and not f.other_proof_of_purchase:
        reason = "以规格不符为由退货、换货，须提供购买凭证"
        for remedy in ("return", "exchange"):
            a.refuse_instead(remedy, reason, B_WAR3)
        return
    end = a.warranty_end
    if end is not None and f.report_date > end:
        reason = f"已超过三包或约定的质量保证期（{_fmt(end)}），规格不符按合同约定处理"
        for remedy in ("return", "exchange"):
            a.refuse_instead(remedy, reason, B_WAR3)
        return
    if end is not None:
        why = f"交付的商品与约定规格不符，质量保证期内（至 {_fmt(end)}）可以退货或换货"
    else:
        why = "交付的商品与约定规格不符，可以退货或换货"
    for remedy in ("return", "exchange"):
        a.offer(remedy, B_WAR3, why, end, source="company")


def _no_reason_allowed(f: Facts) -> bool:
    exc = f.no_reason_exception
    if exc in STATUTORY_EXCEPTIONS:
        return False
    if exc in CONFIRM_EXCEPTIONS and f.consumer_confirmed_at_checkout:
        return False
    return f.goods_intact is not False


def _start_of(f: Facts, which: str) -> date | None:
    if which == "receipt":
        return f.received_date or f.purchase_date
    return f.purchase_date or f.received_date


def _promise_end(f: Facts, p: Promise, warranty_end: date | None):
    """The last day a promise can be claimed; None: no limit; False: cannot be known."""
    w = p.window
    if w is None:
        return warranty_end
    start = _start_of(f, w.start)
    if start is None:
        return False
    if w.unit == "days":
        return _periods().days_end(start, w.amount)
    if w.unit == "working_days":
        return _periods().working_days_end(start, w.amount)
    return _periods().months_end(start, w.amount, days_in_repair(f.repair_intervals, start))


# -- fees and the final shape ----------------------------------------------------------------


def _finish(f: Facts, policy: Policy, a: Answer) -> dict:
    fees = a.fees
    options = a.options
    company = fees.pop("company", _COMPANY_FEES)
    quality = f.problem == "quality"
    free_repair = options.get("free_repair")
    if free_repair is not None and free_repair["source"] == "law":
        parts = labour = "business"
        basis = B_R11 if free_repair["basis"].startswith(("R11", "R22", "R21")) else B_R25_FEES
    elif free_repair is not None:
        parts = company.get("parts", "business")
        labour = company.get("labour", "business")
        # The option's basis already reads 公司承诺：… (_company offers it so).
        basis = free_repair["basis"]
        if quality and company.get("extended"):
            pass  # after the statutory period the plan's cover is the contract (S14 五、2)
        elif quality and (parts == "consumer" or labour == "consumer"):
            # R25 para 2: repairs of goods that do not meet quality requirements cost the
            # consumer nothing the business must bear; the company's term yields to the law.
            a.note(
                "公司条款约定部分维修费用由消费者承担；质量问题的维修按法律由经营者承担必要费用（R25）"
            )
            parts = labour = "business"
            basis = B_R25_FEES
    else:
        parts = labour = "consumer" if "paid_repair" in options else None
        basis = (B_R12 if a.sanbao else B_PAID) if parts else ""
    fees["parts"] = parts
    fees["labour"] = labour
    fees["repair_basis"] = basis
    if quality and ("return" in options or "exchange" in options or free_repair is not None):
        fees["travel"] = "business"
        a.note("R11、R25：质量问题的修理、更换、退货，运输等必要费用由经营者承担")
    out_fees = fees
    if quality and ("return" in options or "exchange" in options):
        out_fees["return_shipping"] = "business"
        out_fees["return_shipping_basis"] = B_R25_FEES
    company_days = company.get("refund_days")
    if "return" in options and company_days:
        law_days = out_fees["refund_within_days"]
        if law_days is None or company_days < law_days:
            out_fees["refund_within_days"] = company_days
            out_fees["refund_basis"] = f"公司承诺：{policy.source or policy.name}"
    if out_fees["depreciation"] and options.get("return", {}).get("basis") != B_R9:
        out_fees["depreciation"] = None  # the return rests on a rule with a full refund
        out_fees["depreciation_basis"] = ""
    opts = [options[r] for r in ORDER if r in options]
    refused = [a.refused[r] for r in ORDER if r in a.refused and r not in options]
    provisional_year = _periods().provisional_year
    years = set()
    deadlines = a.deadlines
    for o in opts:
        day = deadlines[o["remedy"]]
        if day is not None and provisional_year(day.year):
            o["provisional"] = True
            years.add(day.year)
    end = a.warranty_end
    end_provisional = end is not None and provisional_year(end.year)
    if end_provisional:
        years.add(end.year)
    if years:
        years = sorted(years)
        a.note(
            f"R43：{'、'.join(str(y) for y in years)}年的法定节假日安排尚未公布，"
            "落在该年的截止日期按法定节日暂定，公布后可能顺延"
        )
    return {
        "policy": policy.key,
        "options": opts,
        "refused": refused,
        "warranty_end": a.warranty_end.isoformat() if a.warranty_end else None,
        "warranty_end_provisional": end_provisional,
        "period": a.period,
        "fees": out_fees,
        "notes": list(a.notes),
    }
