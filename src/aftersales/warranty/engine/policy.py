"""Policies as data (WAR-1): a national floor and company promises layered on it.

A policy is a JSON-able dict; ``Policy.from_dict`` checks it field by field and builds frozen
objects the engine reads without further checks. The national preset carries the statutory
figures (R14, R16, R22, R23), including those RULES-CN marks unconfirmed, as data with a
note, so an administrator can correct one without a release. A company policy names
``"layer_on": "national"``; its categories, promises and fees add to the floor and never
replace it (R1: 三包 figures are minimums; stricter promises bind the company).

Category names (R1: 三包 covers only the catalogue). ``aliases`` maps a category to the other
names people type for it (手机, 彩电, 电脑 …); a company policy inherits its floor's and may add
its own. ``Policy.resolve`` turns the name a request gives into the floor's catalogue category
(or none: the consumer law, R25) and the company's own category. A name that is neither a
category nor an alias but *resembles* a catalogue name or alias is refused with suggestions,
so a TV typed as 液晶电视 never silently loses 三包; the similarity rule is in ``_similar``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

from .errors import EngineError, FieldError

REMEDIES = ("return", "exchange", "free_repair", "paid_repair")
PROBLEMS = ("quality", "none", "misuse", "unauthorized_repair", "force_majeure")
# 三包 regimes: the general 1995 rules, phones, fixed phones, PCs, 家用视听 (R1, R16–R23);
# "general" is the consumer law alone (R25) for goods outside the catalogue.
REGIMES = ("sanbao", "phone", "fixed_phone", "pc", "av", "general")
STATUTORY_EXCEPTIONS = ("custom_made", "perishable", "digital_unsealed", "periodicals")  # R29
CONFIRM_EXCEPTIONS = (
    "health_safety_unsealed",
    "activation_devalues",
    "declared_near_expiry_or_defective",
)  # R30
STARTS = ("sale", "receipt", "invoice")
UNITS = ("days", "working_days", "months")
PAYERS = ("business", "consumer")
FEE_KEYS = ("parts", "labour", "travel", "return_shipping_quality")
POLICY_KEYS = {
    "key", "name", "source", "layer_on", "categories", "aliases", "default", "promises",
    "no_reason", "fees", "refund_days", "refund_penalty", "dealer_split", "exemptions", "notes",
    "upgrade_difference",
}  # fmt: skip
# Who pays the price difference of an exchange to a higher specification (WAR-7, S11).
UPGRADE_PAYERS = ("business", "consumer")
# R24: family cars have their own regime, which the engine does not cover (known names, so
# they are never mistaken for a misspelt catalogue category).
CARS = frozenset({"家用汽车", "汽车", "乘用车"})
ALIAS_MAX = 40
SUGGESTIONS_MAX = 3
SIMILAR_RATIO = 0.75  # difflib ratio for a misspelling (same length, 3 characters or more)


def normalise_name(text: str) -> str:
    """A category name as compared: NFKC (full-width ＰＣ is PC), no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _similar(key: str, candidates: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The catalogue categories an unknown (normalised) name ``key`` resembles, best first.

    ``candidates`` are the floor's catalogue names and aliases (normalised, with the category
    each stands for). Three tests, strongest first; only the strongest that finds anything
    is used:
    1. the name *ends* with a candidate of 2 characters or more: Chinese compounds put the
       kind last, so 液晶电视 is a 电视 and 手提电脑 a 电脑, while 电视柜 (a cabinet),
       手机壳 (a case) or 电脑桌 (a desk) are not;
    2. the name (2 characters or more) is part of a candidate: 电视机 of 彩色电视机, 电话 of
       移动电话机 and 固定电话机, a shortened name;
    3. a misspelling: as long as a candidate and difflib ratio >= 0.75 (彩色电视几 for
       彩色电视机, 家用电冰相): typing Chinese goes wrong by a homophone, which keeps the
       length. In effect one wrong character in 4 or more; in 3 characters one different
       character is usually another product (洗碗机 is not 洗衣机, 电子秤 not 电子琴).
    Anything else is plainly outside the catalogue (服装, 家具, 家用电器, 电子产品 …)."""
    tiers: tuple[list[str], list[str], list[str]] = ([], [], [])
    for cand, name in candidates:
        if len(cand) >= 2 and key.endswith(cand):
            tier = 0
        elif len(key) >= 2 and key in cand:
            tier = 1
        elif (
            len(key) >= 3
            and len(cand) == len(key)
            and SequenceMatcher(None, key, cand).ratio() >= SIMILAR_RATIO
        ):
            tier = 2
        else:
            continue
        if name not in tiers[tier]:
            tiers[tier].append(name)  # catalogue order
    for found in tiers:
        if found:
            return tuple(found[:SUGGESTIONS_MAX])
    return ()


def _quoted(names: tuple[str, ...], last: str, sep: str) -> str:
    q = [f'"{n}"' for n in names]
    return q[0] if len(q) == 1 else sep.join(q[:-1]) + last + q[-1]


@dataclass(frozen=True)
class CategoryRef:
    """What a category name in a request stands for under one policy."""

    given: str
    law: str  # the floor's catalogue category; "" outside the catalogue (R1, R25)
    own: str  # the company policy's own category; "" when it has none for the name
    alias_of: str  # the category the given name is an alias of; "" for a category name
    names: frozenset[str]  # every name a company promise may list for these goods
    suggestions: tuple[str, ...] = ()  # unknown but resembling catalogue names

    def error(self) -> EngineError:
        en = _quoted(self.suggestions, " or ", ", ")
        zh = _quoted(self.suggestions, "或", "、")
        return EngineError(
            [
                FieldError(
                    "category",
                    "unknown",
                    f'Unknown category "{self.given}"; did you mean {en}?',
                    f'未知品类"{self.given}"，您是否指{zh}？',
                    self.suggestions,
                )
            ]
        )


PROMISE_KEYS = {
    "id", "remedies", "problems", "text", "basis", "channels", "categories", "within",
    "repair_over_days", "repairs_at_least", "judged_from_photos",
}  # fmt: skip


@dataclass(frozen=True)
class CategoryRules:
    name: str
    regime: str = "general"
    whole_unit_months: int | None = None
    main_parts: tuple[tuple[str, int], ...] = ()
    components: tuple[tuple[str, int], ...] = ()
    return_days: int | None = None  # R5 / R17 / R22 (from sale) or R25 (from receipt)
    exchange_days: int | None = None  # R6 / R17 / R22
    window_from: str = "sale"
    repeat_repairs: int | None = None  # R7 / R18
    repair_days_own: int | None = None  # R8: the repairer's own delay
    repair_days_parts: int | None = None  # R8 / R20: no parts from the producer
    loaner_after_days: int | None = None  # R15
    depreciation_per_day: Decimal | None = None  # percent per day (R9, R14)
    durable: bool = False  # R26
    large: bool = False  # R11: the repairer pays transport
    basis: str = ""
    unconfirmed: tuple[str, ...] = ()

    def part_months(self, part: str | None) -> tuple[str, int | None, str]:
        """(kind, months, name) of the unit of account: a component, a main part or the whole."""
        if part:
            for name, months in self.components:
                if name == part:
                    return "component", months, name
            for name, months in self.main_parts:
                if name == part:
                    return "main_part", months, name
        return "whole", self.whole_unit_months, ""


@dataclass(frozen=True)
class Window:
    amount: int
    unit: str  # days | working_days | months
    start: str  # sale | receipt | invoice


@dataclass(frozen=True)
class Promise:
    """One company promise: ``remedies`` for ``problems`` (on ``channels`` / ``categories``,
    empty meaning all) within ``window`` (None: the company's warranty period, or no limit
    when it has none), optionally only ``when`` a repair ran long or failed repeatedly."""

    id: str
    remedies: tuple[str, ...]
    problems: tuple[str, ...]
    text: str
    basis: str
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    window: Window | None = None
    repair_over_days: int | None = None
    repairs_at_least: int | None = None
    # WAR-6, S8 三、10: offered only once the quality department judged the photos serious.
    judged_from_photos: bool = False


@dataclass(frozen=True)
class NoReason:
    """The distance-sale no-reason return (R27, R32, R34, R35)."""

    channels: tuple[str, ...] = ("online",)
    days: int = 7
    refund_days: int = 7
    return_shipping: str = "consumer"


@dataclass(frozen=True)
class Policy:
    key: str
    name: str
    source: str = ""
    layer_on: str | None = None
    categories: dict[str, CategoryRules] = field(default_factory=dict)
    default: CategoryRules = field(default_factory=lambda: CategoryRules(name=""))
    promises: tuple[Promise, ...] = ()
    no_reason: NoReason | None = None
    fees: dict[str, str] = field(default_factory=dict)
    refund_days: int | None = None
    refund_penalty: str = ""
    dealer_split: Decimal = Decimal("0.50")
    upgrade_difference: str = "consumer"
    exemptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    base: Policy | None = None  # the resolved ``layer_on`` policy
    # Normalised alias -> category, this policy's merged over its base's.
    aliases: dict[str, str] = field(default_factory=dict, compare=False)
    data: dict = field(default_factory=dict, compare=False, repr=False)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    # -- reading ------------------------------------------------------------------------------

    def category(self, name: str) -> CategoryRules:
        rules = self.categories.get(name)
        if rules is not None:
            return rules
        return self.default

    @property
    def floor(self) -> Policy:
        """The statutory floor this policy is built on (itself when it is the floor)."""
        policy = self
        while policy.base is not None:
            policy = policy.base
        return policy

    def resolve(self, name: str, *, strict: bool = True) -> CategoryRef:
        """What the category ``name`` stands for (see the module docstring). With ``strict``,
        an unknown name that resembles a catalogue name or alias is an EngineError on
        ``category`` with suggestions; without, it is treated as outside the catalogue."""
        memo = self._memo
        ref = memo.get(name)
        if ref is None:
            ref = self._resolve(name)
            if len(memo) < 20_000:
                memo[name] = ref
        if strict and ref.suggestions:
            raise ref.error()
        return ref

    def _tables(self) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
        """(normalised category name of any layer -> name, the similarity candidates)."""
        tables = self._memo.get(None)
        if tables is None:
            names: dict[str, str] = {}
            layer: Policy | None = self
            while layer is not None:
                for n in layer.categories:
                    names.setdefault(normalise_name(n), n)
                layer = layer.base
            floor = self.floor
            candidates = [(normalise_name(n), n) for n in floor.categories]
            candidates += [(a, t) for a, t in self.aliases.items() if t in floor.categories]
            tables = self._memo[None] = (names, tuple(candidates))
        return tables

    def _resolve(self, name: str) -> CategoryRef:
        floor = self.floor
        names, candidates = self._tables()
        key = normalise_name(name)
        exact = name if name in names.values() else names.get(key, "")
        target = self.aliases.get(key, "")
        law = own = alias_of = ""
        if exact in floor.categories:
            law = exact
        elif target in floor.categories:
            law = target
        if self is not floor:
            if exact in self.categories:
                own = exact
            elif target in self.categories:
                own = target
            elif law in self.categories:
                own = law
        if not exact and target:
            alias_of = target
        suggestions: tuple[str, ...] = ()
        if not (exact or target or name in CARS):
            suggestions = _similar(key, candidates)
        return CategoryRef(
            given=name,
            law=law,
            own=own,
            alias_of=alias_of,
            names=frozenset(n for n in (name, law, own) if n),
            suggestions=suggestions,
        )

    @classmethod
    def from_dict(cls, data: dict, *, base: Policy | None = None) -> Policy:
        return _Reader(data).policy(base)

    def to_dict(self) -> dict:
        return self.data

    def terms_for(self, category_name: str) -> dict[str, Any]:
        """What a customer is promised for a category, for the 三包 certificate and the public
        promises page: this policy's figures where it has them, else the floor's."""
        from .terms import terms_for

        return terms_for(self, category_name)


class _Reader:
    """Reads a policy dict, collecting every error with the path of the field at fault."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.errors: list[FieldError] = []

    def err(self, path: str, en: str, zh: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(path, code, en, zh))

    def _int(self, d: dict, key: str, path: str, *, required=False, minimum=0, maximum=1200):
        value = d.get(key)
        if value is None:
            if required:
                self.err(f"{path}.{key}", "This field is required.", "此项必填。", "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(f"{path}.{key}", "Must be a whole number.", "必须是整数。")
            return None
        if not minimum <= value <= maximum:
            self.err(
                f"{path}.{key}",
                f"Must be between {minimum} and {maximum}.",
                f"必须在 {minimum} 到 {maximum} 之间。",
            )
            return None
        return value

    def _choice(self, d: dict, key: str, path: str, choices, default):
        value = d.get(key, default)
        if value not in choices:
            self.err(
                f"{path}.{key}",
                f"Must be one of: {', '.join(choices)}.",
                f"必须是以下之一：{'、'.join(choices)}。",
            )
            return default
        return value

    def _text(self, d: dict, key: str, path: str, default: str = "") -> str:
        value = d.get(key, default)
        if not isinstance(value, str):
            self.err(f"{path}.{key}", "Must be text.", "必须是文字。")
            return default
        return value.strip()

    def _texts(self, d: dict, key: str, path: str, choices=None) -> tuple[str, ...]:
        value = d.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(f"{path}.{key}", "Must be a list of text.", "必须是文字列表。")
            return ()
        if choices is not None:
            bad = [v for v in value if v not in choices]
            if bad:
                self.err(
                    f"{path}.{key}",
                    f"Unknown value(s): {', '.join(bad)}; allowed: {', '.join(choices)}.",
                    f"未知的值：{'、'.join(bad)}；可用：{'、'.join(choices)}。",
                )
                return tuple(v for v in value if v in choices)
        return tuple(value)

    def _parts(self, d: dict, key: str, path: str) -> tuple[tuple[str, int], ...]:
        value = d.get(key, {})
        if not isinstance(value, dict):
            self.err(f"{path}.{key}", "Must map a part name to months.", "必须是“部件名: 月数”。")
            return ()
        out = []
        for name, months in value.items():
            if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600:
                self.err(
                    f"{path}.{key}.{name}",
                    "Months must be a whole number from 1 to 600.",
                    "月数必须是 1 到 600 的整数。",
                )
                continue
            out.append((name, months))
        return tuple(out)

    def _decimal(self, d: dict, key: str, path: str, default=None, maximum=Decimal("100")):
        value = d.get(key, default)
        if value is None or isinstance(value, Decimal):
            return value
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not (Decimal("0") <= number <= maximum) or isinstance(value, bool):
            self.err(
                f"{path}.{key}",
                f"Must be a number from 0 to {maximum}.",
                f"必须是 0 到 {maximum} 之间的数。",
            )
            return default
        return number

    def category(self, name: str, d: Any, path: str) -> CategoryRules:
        if not isinstance(d, dict):
            self.err(path, "Must be an object.", "必须是对象。")
            return CategoryRules(name=name)
        known = {
            "regime", "whole_unit_months", "main_parts", "components", "return_days",
            "exchange_days", "window_from", "repeat_repairs", "repair_days_own",
            "repair_days_parts", "loaner_after_days", "depreciation_per_day", "durable",
            "large", "basis", "unconfirmed",
        }  # fmt: skip
        for key in d:
            if key not in known:
                self.err(f"{path}.{key}", "Unknown field.", "未知字段。", "unknown")
        return CategoryRules(
            name=name,
            regime=self._choice(d, "regime", path, REGIMES, "general"),
            whole_unit_months=self._int(d, "whole_unit_months", path, minimum=1, maximum=600),
            main_parts=self._parts(d, "main_parts", path),
            components=self._parts(d, "components", path),
            return_days=self._int(d, "return_days", path, minimum=1, maximum=365),
            exchange_days=self._int(d, "exchange_days", path, minimum=1, maximum=365),
            window_from=self._choice(d, "window_from", path, STARTS, "sale"),
            repeat_repairs=self._int(d, "repeat_repairs", path, minimum=1, maximum=10),
            repair_days_own=self._int(d, "repair_days_own", path, minimum=1, maximum=365),
            repair_days_parts=self._int(d, "repair_days_parts", path, minimum=1, maximum=365),
            loaner_after_days=self._int(d, "loaner_after_days", path, minimum=1, maximum=365),
            depreciation_per_day=self._decimal(d, "depreciation_per_day", path),
            durable=bool(d.get("durable", False)),
            large=bool(d.get("large", False)),
            basis=self._text(d, "basis", path),
            unconfirmed=self._texts(d, "unconfirmed", path),
        )

    def aliases(self, d: dict, categories: dict, base: Policy | None) -> dict[str, str]:
        """``aliases``: {category: [other names]}. A category of this policy or of the one it
        builds on; an alias is not itself a category name and names one category only. A
        floor without the key (a copy saved before aliases existed) gets the shipped ones."""
        inherited = dict(base.aliases) if base is not None else {}
        if "aliases" not in d:
            return inherited if base is not None else _default_aliases(categories)
        value = d["aliases"]
        if not isinstance(value, dict):
            self.err(
                "aliases",
                "Must map a category name to a list of other names for it.",
                "必须是“品类: [其他名称]”。",
            )
            return inherited
        known = set(categories)
        layer = base
        while layer is not None:
            known |= set(layer.categories)
            layer = layer.base
        taken = {normalise_name(n): n for n in known}
        own: dict[str, str] = {}
        for target, names in value.items():
            path = f"aliases.{target}"
            if target not in known:
                self.err(
                    path,
                    "Not a category of this policy or of the policy it builds on.",
                    "不是本政策或其所依据政策中的品类。",
                )
                continue
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.err(path, "Must be a list of text.", "必须是文字列表。")
                continue
            for alias in names:
                key = normalise_name(alias)
                if not key or len(alias) > ALIAS_MAX:
                    self.err(
                        path,
                        f"Each name has 1 to {ALIAS_MAX} characters.",
                        f"每个名称 1 到 {ALIAS_MAX} 个字。",
                    )
                elif key in taken:
                    self.err(
                        path,
                        f'"{alias}" is already a category name.',
                        f'"{alias}"已是品类名称。',
                    )
                elif own.get(key, target) != target:
                    self.err(
                        path,
                        f'"{alias}" is also given for "{own[key]}".',
                        f'"{alias}"同时列在"{own[key]}"下。',
                    )
                else:
                    own[key] = target
        return {**inherited, **own}

    def unknown(self, d: dict, known: set[str], path: str) -> None:
        """A misspelt key would be saved and silently ignored: name it instead."""
        for key in d:
            if key not in known:
                where = f"{path}.{key}" if path else key
                self.err(where, "Unknown field.", "未知字段。", "unknown")

    def promise(self, i: int, d: Any) -> Promise | None:
        path = f"promises[{i}]"
        if not isinstance(d, dict):
            self.err(path, "Must be an object.", "必须是对象。")
            return None
        self.unknown(d, PROMISE_KEYS, path)
        if isinstance(d.get("within"), dict):
            self.unknown(d["within"], {"amount", "unit", "from"}, f"{path}.within")
        window = None
        if d.get("within") is not None:
            w = d["within"]
            if not isinstance(w, dict):
                self.err(f"{path}.within", "Must be an object.", "必须是对象。")
            else:
                amount = self._int(w, "amount", f"{path}.within", required=True, minimum=1)
                unit = self._choice(w, "unit", f"{path}.within", UNITS, "days")
                start = self._choice(w, "from", f"{path}.within", STARTS, "sale")
                if amount:
                    window = Window(amount, unit, start)
        remedies = self._texts(d, "remedies", path, REMEDIES)
        if not remedies:
            self.err(f"{path}.remedies", "Name at least one remedy.", "至少列出一种处理方式。")
        return Promise(
            id=self._text(d, "id", path) or f"promise-{i + 1}",
            remedies=remedies,
            problems=self._texts(d, "problems", path, PROBLEMS) or ("quality",),
            text=self._text(d, "text", path),
            basis=self._text(d, "basis", path),
            channels=self._texts(d, "channels", path, ("online", "offline")),
            categories=self._texts(d, "categories", path),
            window=window,
            repair_over_days=self._int(d, "repair_over_days", path, minimum=1, maximum=365),
            repairs_at_least=self._int(d, "repairs_at_least", path, minimum=1, maximum=10),
            judged_from_photos=bool(d.get("judged_from_photos", False)),
        )

    def policy(self, base: Policy | None) -> Policy:
        d = self.data
        if not isinstance(d, dict):
            raise EngineError(
                [FieldError("policy", "invalid", "Must be an object.", "必须是对象。")]
            )
        self.unknown(d, POLICY_KEYS, "")
        key = self._text(d, "key", "policy")
        if not key:
            self.err("key", "This field is required.", "此项必填。", "required")
        name = self._text(d, "name", "policy") or key
        layer_on = d.get("layer_on")
        if layer_on is not None and base is None:
            from .presets import preset

            try:
                base = preset(layer_on)
            except KeyError:
                self.err(
                    "layer_on", f"No policy named {layer_on!r}.", f"没有名为 {layer_on} 的政策。"
                )
        cats = d.get("categories", {})
        if not isinstance(cats, dict):
            self.err("categories", "Must map a category name to its rules.", "必须是“品类: 规则”。")
            cats = {}
        categories = {n: self.category(n, c, f"categories.{n}") for n, c in cats.items()}
        default = self.category("", d.get("default", {}), "default")
        aliases = self.aliases(d, categories, base)
        promises = tuple(
            q for i, p in enumerate(d.get("promises", []) or []) if (q := self.promise(i, p))
        )
        no_reason = None
        nr = d.get("no_reason")
        if nr is not None:
            if not isinstance(nr, dict):
                self.err("no_reason", "Must be an object.", "必须是对象。")
            else:
                self.unknown(
                    nr, {"channels", "days", "refund_days", "return_shipping"}, "no_reason"
                )
                no_reason = NoReason(
                    channels=self._texts(nr, "channels", "no_reason", ("online", "offline"))
                    or ("online",),
                    days=self._int(nr, "days", "no_reason", minimum=1, maximum=365) or 7,
                    refund_days=self._int(nr, "refund_days", "no_reason", minimum=1, maximum=90)
                    or 7,
                    return_shipping=self._choice(
                        nr, "return_shipping", "no_reason", PAYERS, "consumer"
                    ),
                )
        fees = d.get("fees", {})
        if not isinstance(fees, dict):
            self.err("fees", "Must be an object.", "必须是对象。")
            fees = {}
        for k, v in fees.items():
            if k not in FEE_KEYS:
                self.err(f"fees.{k}", "Unknown fee.", "未知的费用项。", "unknown")
            elif v not in PAYERS:
                self.err(
                    f"fees.{k}", "Must be business or consumer.", "必须是 business 或 consumer。"
                )
        split = self._decimal(d, "dealer_split", "policy", Decimal("0.50"), maximum=Decimal("1"))
        policy = Policy(
            key=key,
            name=name,
            source=self._text(d, "source", "policy"),
            layer_on=layer_on,
            categories=categories,
            default=default,
            promises=promises,
            no_reason=no_reason,
            fees={k: v for k, v in fees.items() if k in FEE_KEYS and v in PAYERS},
            refund_days=self._int(d, "refund_days", "policy", minimum=1, maximum=90),
            refund_penalty=self._text(d, "refund_penalty", "policy"),
            dealer_split=split if split is not None else Decimal("0.50"),
            upgrade_difference=self._choice(
                d, "upgrade_difference", "policy", UPGRADE_PAYERS, "consumer"
            ),
            exemptions=self._texts(d, "exemptions", "policy"),
            notes=self._texts(d, "notes", "policy"),
            base=base,
            aliases=aliases,
            data=d,
        )
        if self.errors:
            raise EngineError(self.errors)
        return policy


def _default_aliases(categories: dict) -> dict[str, str]:
    """The shipped national aliases for the categories a floor has (see ``_Reader.aliases``)."""
    from .presets import NATIONAL

    taken = {normalise_name(n) for n in categories}
    out: dict[str, str] = {}
    for target, names in NATIONAL.get("aliases", {}).items():
        if target in categories:
            for alias in names:
                key = normalise_name(alias)
                if key and key not in taken:
                    out.setdefault(key, target)
    return out
