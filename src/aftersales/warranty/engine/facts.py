"""Reading and checking the facts of one request (the contract of ``evaluate``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .errors import EngineError, FieldError
from .policy import CONFIRM_EXCEPTIONS, PROBLEMS, STATUTORY_EXCEPTIONS

REQUIRED = ("category", "channel", "report_date", "problem")
DATE_KEYS = (
    "purchase_date",
    "received_date",
    "report_date",
    "exchanged_on",
    "sent_for_repair",
    "still_unrepaired_on",
    "factory_date",
    "misrepresented_on",
)
BOOL_KEYS = (
    "has_invoice_or_card",
    "other_proof_of_purchase",
    "card_model_mismatch_or_altered",
    "goods_intact",
    "consumer_confirmed_at_checkout",
    "same_model_available",
    "misuse_evidence",
    "misrepresentation_evidence",
    "spec_mismatch",
    "cannot_repair_in_time",
)
ALLOWED = frozenset(
    (
        *REQUIRED,
        *DATE_KEYS,
        *BOOL_KEYS,
        "prior_repairs",
        "failed_part",
        "component",
        "repair_intervals",
        "delay_cause",
        "no_reason_exception",
        "price",
        "agreed_warranty",
        "extended_warranty",
        "quality_verdict",
    )
)
DELAY_CAUSES = ("repairer", "producer_no_parts")
VERDICTS = ("serious", "not_serious")
FIRST_YEAR, LAST_YEAR = 2004, 2095  # the calendar's span, less room for the longest period
MAX_PRICE = Decimal("1000000000")
EXCEPTIONS = STATUTORY_EXCEPTIONS + CONFIRM_EXCEPTIONS


@dataclass(frozen=True)
class Extended:
    """An extended warranty sold on the unit (S14 五、2, issue 18 B2): ``months`` after the
    statutory (or agreed) period ends, repairs of ``parts`` and ``labour`` as the plan covers
    them, never for the parts it excludes."""

    plan: str
    number: str
    months: int
    parts: bool = True
    labour: bool = True
    exclusions: tuple[str, ...] = ()


class Facts:
    """The checked facts, as attributes (defaults for everything not given)."""

    category = ""
    names: frozenset = frozenset()  # the category's names under the policy (Policy.resolve)
    channel = None
    problem = None
    prior_repairs = 0
    part = ""
    repair_intervals: tuple = ()
    delay_cause = None
    no_reason_exception = None
    price = None
    agreed_warranty: tuple[int, str] | None = None  # (months, basis): WAR-1, S5, issue 18 B1
    extended_warranty: Extended | None = None  # a plan sold on the unit: S14, issue 18 B2
    quality_verdict = None  # "serious" | "not_serious": the quality dept on photos (WAR-6, S8)


for _key in DATE_KEYS + BOOL_KEYS:
    setattr(Facts, _key, None)

_KIND = {
    **{k: "date" for k in DATE_KEYS},
    **{k: "bool" for k in BOOL_KEYS},
    "category": "text",
    "channel": "channel",
    "problem": "problem",
    "prior_repairs": "count",
    "failed_part": "part",
    "component": "part",
    "repair_intervals": "intervals",
    "delay_cause": "delay",
    "no_reason_exception": "exception",
    "price": "price",
    "agreed_warranty": "agreed",
    "extended_warranty": "extended",
    "quality_verdict": "verdict",
}
_DATES: dict[str, date] = {}
_PRICES: dict[str, Decimal] = {}
# (key, text) -> the checked value, for text already read once: one lookup instead of the
# checks below (bench/warranty.py). Text only: a string never equals True, 1 or 1.0, so a
# cached "2025-03-03" cannot answer for another type. Keys whose value lands under another
# name (failed_part, component -> part) are not cached.
_SEEN: dict[tuple[str, str], object] = {}
_SEEN_MAX = 100_000
_CACHED_KINDS = frozenset({"date", "text", "channel", "problem", "delay", "exception", "price"})


def _err(errors, field, en, zh, code="invalid"):
    errors.append(FieldError(field, code, en, zh))


def _date(value, field, errors):
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if FIRST_YEAR <= parsed.year <= LAST_YEAR:
                return parsed
            _err(
                errors,
                field,
                f"Dates from {FIRST_YEAR} to {LAST_YEAR} only: {value!r}.",
                f"仅支持 {FIRST_YEAR} 至 {LAST_YEAR} 年的日期：{value}。",
            )
            return None
    _err(
        errors,
        field,
        f"Not a real date in the form YYYY-MM-DD: {value!r}.",
        f"不是有效日期（格式 YYYY-MM-DD）：{value}。",
    )
    return None


def read_facts(raw: dict) -> Facts:
    """Check ``raw`` and return the facts; an EngineError lists every problem at once.
    One pass over the given keys: this runs on every evaluation (bench/warranty.py)."""
    if not isinstance(raw, dict):
        raise EngineError([FieldError("facts", "invalid", "Must be an object.", "必须是对象。")])
    errors: list[FieldError] = []
    f = Facts()
    values = f.__dict__
    seen = _SEEN
    fresh = None  # text read the long way, to remember
    for item in raw.items():
        try:
            known = seen.get(item)
        except TypeError:  # an unhashable value (a list, a dict)
            known = None
        if known is not None:
            values[item[0]] = known
            continue
        key, value = item
        kind = _KIND.get(key)
        if type(value) is str and kind in _CACHED_KINDS:
            if fresh is None:
                fresh = [item]
            else:
                fresh.append(item)
        if kind is None:
            _err(errors, str(key), "Unknown fact.", "未知的事实字段。", "unknown")
        elif value is None:
            continue
        elif kind == "date":
            parsed = _DATES.get(value) if type(value) is str else None
            if parsed is None:
                parsed = _date(value, key, errors)
                if parsed is not None and isinstance(value, str) and len(_DATES) < 100_000:
                    _DATES[value] = parsed
            values[key] = parsed
        elif kind == "bool":
            if value is True or value is False:
                values[key] = value
            else:
                _err(errors, key, "Must be true or false.", "必须是 true 或 false。")
        elif kind == "text":
            if isinstance(value, str):
                values[key] = value.strip()
            else:
                _err(errors, key, "Must be text.", "必须是文字。")
        elif kind == "channel":
            if value in ("online", "offline"):
                values[key] = value
            else:
                _err(errors, key, "Must be online or offline.", "必须是 online 或 offline。")
        elif kind == "problem":
            if value in PROBLEMS:
                values[key] = value
            else:
                _err(
                    errors,
                    key,
                    f"Must be one of: {', '.join(PROBLEMS)}.",
                    f"必须是以下之一：{'、'.join(PROBLEMS)}。",
                )
        elif kind == "count":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                _err(errors, key, "Must be a whole number from 0.", "必须是不小于 0 的整数。")
            else:
                values[key] = value
        elif kind == "price":
            price = _PRICES.get(value) if isinstance(value, str) else None
            if price is not None:
                values[key] = price
                continue
            try:
                if isinstance(value, bool):
                    raise InvalidOperation
                price = Decimal(str(value))
                if not (0 <= price <= MAX_PRICE):
                    raise InvalidOperation
                values[key] = price
                if isinstance(value, str) and len(_PRICES) < 10_000:
                    _PRICES[value] = price
            except InvalidOperation:
                _err(
                    errors,
                    key,
                    "Must be an amount from 0 to 1,000,000,000.",
                    "必须是 0 到 10 亿之间的金额。",
                )
        elif kind == "part":
            if isinstance(value, str):
                if value.strip():
                    values["part"] = value.strip()
            else:
                _err(errors, key, "Must be text.", "必须是文字。")
        elif kind == "intervals":
            values[key] = _intervals(value, errors)
        elif kind == "agreed":
            values[key] = _agreed(value, errors)
        elif kind == "extended":
            values[key] = _extended(value, errors)
        elif kind == "verdict":
            if value in VERDICTS:
                values[key] = value
            else:
                _err(
                    errors,
                    key,
                    "Must be serious or not_serious.",
                    "必须是 serious（严重缺陷）或 not_serious（不属严重缺陷）。",
                )
        elif kind == "delay":
            if value in DELAY_CAUSES:
                values[key] = value
            else:
                _err(
                    errors,
                    key,
                    "Must be repairer or producer_no_parts.",
                    "必须是 repairer 或 producer_no_parts。",
                )
        else:  # exception
            if value in EXCEPTIONS:
                values[key] = value
            else:
                _err(
                    errors,
                    key,
                    f"Must be one of: {', '.join(EXCEPTIONS)}.",
                    f"必须是以下之一：{'、'.join(EXCEPTIONS)}。",
                )
    if fresh is not None and not errors and len(seen) < _SEEN_MAX:
        for item in fresh:
            checked = values.get(item[0])
            if checked is not None:
                seen[item] = checked
    if not (f.category and f.channel and f.report_date and f.problem):  # else all are given
        for key in REQUIRED:
            if raw.get(key) in (None, ""):
                _err(errors, key, "This field is required.", "此项必填。", "required")
    _check_order(f, errors)  # every problem in one answer, not the first only
    if errors:
        raise EngineError(errors)
    return f


AGREED_BASIS_MAX = 200


def _agreed(value, errors) -> tuple[int, str] | None:
    """``agreed_warranty``: {"months": 1–600, "basis": "合同 SO-… 约定质保 24 个月"}, the
    whole-unit period the company gave beyond the law (a contract's or the catalogue's, S5)."""
    if not isinstance(value, dict) or set(value) - {"months", "basis"}:
        _err(
            errors,
            "agreed_warranty",
            'Must be {"months": …, "basis": …}.',
            '必须是 {"months": …, "basis": …}。',
        )
        return None
    months, basis = value.get("months"), value.get("basis", "")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600:
        _err(
            errors,
            "agreed_warranty.months",
            "Months must be a whole number from 1 to 600.",
            "月数必须是 1 到 600 的整数。",
        )
        return None
    if not isinstance(basis, str) or not basis.strip() or len(basis) > AGREED_BASIS_MAX:
        _err(
            errors,
            "agreed_warranty.basis",
            f"Say where the period comes from (1 to {AGREED_BASIS_MAX} characters).",
            f"请说明期限的来源（1 到 {AGREED_BASIS_MAX} 个字）。",
        )
        return None
    return months, basis.strip()


def _intervals(value, errors) -> tuple[tuple[date, date], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        _err(
            errors,
            "repair_intervals",
            "Must be a list of [start, end].",
            "必须是 [开始, 结束] 的列表。",
        )
        return ()
    out = []
    for i, pair in enumerate(value):
        field = f"repair_intervals[{i}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            _err(errors, field, "Must be [start, end].", "必须是 [开始, 结束]。")
            continue
        a, b = _date(pair[0], field, errors), _date(pair[1], field, errors)
        if a and b:
            if b < a:
                _err(errors, field, "The end is before the start.", "结束日期早于开始日期。")
            else:
                out.append((a, b))
    return tuple(out)


def _check_order(f: Facts, errors) -> None:
    """Dates that cannot be: goods received or a fault reported before the sale, and so on."""
    sale, report = f.purchase_date, f.report_date
    if sale and f.received_date and f.received_date < sale:
        _err(errors, "received_date", "Received before it was bought.", "签收日期早于购买日期。")
    if sale and report and report < sale:
        _err(errors, "report_date", "Reported before it was bought.", "报告日期早于购买日期。")
    if f.received_date and report and report < f.received_date and f.problem != "none":
        _err(
            errors,
            "report_date",
            "A fault reported before the goods were received.",
            "报告故障的日期早于签收日期。",
        )
    if f.factory_date and sale and f.factory_date > sale:
        _err(errors, "factory_date", "Made after it was sold.", "出厂日期晚于购买日期。")
    if f.exchanged_on:
        if sale and f.exchanged_on < sale:
            _err(
                errors, "exchanged_on", "Exchanged before it was bought.", "换货日期早于购买日期。"
            )
        if report and f.exchanged_on > report:
            _err(
                errors, "exchanged_on", "Exchanged after the report date.", "换货日期晚于报告日期。"
            )
    if f.sent_for_repair:
        if sale and f.sent_for_repair < sale:
            _err(
                errors,
                "sent_for_repair",
                "Sent for repair before it was bought.",
                "送修日期早于购买日期。",
            )
        if f.still_unrepaired_on and f.still_unrepaired_on < f.sent_for_repair:
            _err(
                errors,
                "still_unrepaired_on",
                "Before the day it was sent for repair.",
                "早于送修日期。",
            )
    elif f.still_unrepaired_on or f.delay_cause:
        _err(
            errors,
            "sent_for_repair",
            "Say when it was sent for repair.",
            "请填写送修日期。",
            "required",
        )
    if f.sent_for_repair and not f.delay_cause and f.still_unrepaired_on:
        _err(
            errors,
            "delay_cause",
            "Say why the repair is late.",
            "请说明修理延误的原因。",
            "required",
        )
    if f.misrepresented_on:
        # WAR-5, S5, issue 18 B3: discovered after the sale, not after the claim.
        if sale and f.misrepresented_on < sale:
            _err(
                errors,
                "misrepresented_on",
                "Discovered before it was bought.",
                "发现日期早于购买日期。",
            )
        if report and f.misrepresented_on > report:
            _err(
                errors,
                "misrepresented_on",
                "Discovered after the report date.",
                "发现日期晚于报告日期。",
            )
    elif f.misrepresentation_evidence:
        _err(
            errors,
            "misrepresented_on",
            "Say when the misrepresentation was discovered.",
            "请填写发现与宣传不符的日期。",
            "required",
        )
    for a, _b in f.repair_intervals:
        if sale and a < sale:
            _err(errors, "repair_intervals", "A repair before the sale.", "修理日期早于购买日期。")
            break


EXTENDED_KEYS = {"plan", "number", "months", "parts", "labour", "exclusions"}
EXTENDED_TEXT_MAX = 120


def _extended(value, errors) -> Extended | None:
    """``extended_warranty``: {"plan": "延保两年", "number": "EW-…", "months": 1–120,
    "parts": bool, "labour": bool, "exclusions": ["遥控器", …]} (S14 五、2)."""
    field = "extended_warranty"
    if not isinstance(value, dict) or set(value) - EXTENDED_KEYS:
        _err(
            errors,
            field,
            'Must be {"plan", "number", "months", "parts", "labour", "exclusions"}.',
            '必须是 {"plan", "number", "months", "parts", "labour", "exclusions"}。',
        )
        return None
    ok = True
    texts = {}
    for key in ("plan", "number"):
        text = value.get(key, "")
        if not isinstance(text, str) or not text.strip() or len(text) > EXTENDED_TEXT_MAX:
            _err(
                errors,
                f"{field}.{key}",
                f"Must be text of 1 to {EXTENDED_TEXT_MAX} characters.",
                f"必须是 1 到 {EXTENDED_TEXT_MAX} 个字的文字。",
            )
            ok = False
        else:
            texts[key] = text.strip()
    months = value.get("months")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        _err(
            errors,
            f"{field}.months",
            "Months must be a whole number from 1 to 120.",
            "月数必须是 1 到 120 的整数。",
        )
        ok = False
    flags = {}
    for key in ("parts", "labour"):
        flag = value.get(key, True)
        if flag is not True and flag is not False:
            _err(errors, f"{field}.{key}", "Must be true or false.", "必须是 true 或 false。")
            ok = False
        flags[key] = flag
    exclusions = value.get("exclusions", [])
    if not isinstance(exclusions, list) or not all(
        isinstance(x, str) and 0 < len(x.strip()) <= 60 for x in exclusions
    ):
        _err(
            errors,
            f"{field}.exclusions",
            "Must be a list of part names.",
            "必须是部件名称的列表。",
        )
        ok = False
    if not ok:
        return None
    return Extended(
        plan=texts["plan"],
        number=texts["number"],
        months=months,
        parts=flags["parts"],
        labour=flags["labour"],
        exclusions=tuple(x.strip() for x in exclusions),
    )
