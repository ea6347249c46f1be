"""Property tests of the 三包 decision engine (hypothesis; no database).

(a) A later report date never adds a return, exchange or free repair (national preset).
(b) A company preset never offers less than the national floor, for 三包 catalogue goods and
    for the online no-reason return.
(c) Any dict in, only EngineError out.
(d) issue 18 A10, national and every company preset: a later report adds no remedy at all
    unless the law (or the promise) makes one appear with time; every return has a deadline;
    goods outside the catalogue are offered nothing that cites a 三包 article; ``provisional``
    is set exactly on the deadlines in a year without a published holiday schedule (R43).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.warranty.engine import PRESETS, EngineError, evaluate, preset
from aftersales.warranty.tests.test_provisional_dates import calendar_with_sample_2027

FREE = ("return", "exchange", "free_repair")
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

CATALOGUE = sorted(preset("national").categories)  # 彩色电视机, 移动电话机, 微型计算机 …
OUTSIDE = ["服装", "食品", "蓝牙耳机", "板式家具", "家用汽车"]
COMPANY_PRESETS = sorted(k for k in PRESETS if k != "national")
PARTS = ["", "显像管", "车架", "压缩机", "主板", "激光头", "电池", "有线耳机", "充电器", "玻璃"]
EXCEPTIONS = [
    None,
    "custom_made",
    "perishable",
    "digital_unsealed",
    "periodicals",
    "health_safety_unsealed",
    "activation_devalues",
    "declared_near_expiry_or_defective",
]
FIRST, LAST = date(2025, 1, 1), date(2026, 12, 31)


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@st.composite
def claims(
    draw,
    categories=CATALOGUE + OUTSIDE,
    problems=None,
    channels=None,
    first_sale=FIRST,
    last_sale=LAST,
    open_repairs=False,
    unreceived=False,
):
    """Consistent facts (dates in order) and a second, later report date. Anything that
    depends on "today" is pinned: a repair still running is always given its own
    ``still_unrepaired_on``, so only the report date moves. With ``open_repairs`` a running
    repair is handed in at most 120 days before the report (and the later report often comes
    within 120 days), and may also come without it
    (still unrepaired on the report date); with
    ``unreceived`` the goods may not have been signed for yet (no received date)."""
    category = draw(st.sampled_from(categories))
    channel = draw(st.sampled_from(channels or ["online", "offline"]))
    problem = draw(
        st.sampled_from(
            problems or ["quality", "none", "misuse", "unauthorized_repair", "force_majeure"]
        )
    )
    sale = draw(st.dates(first_sale, last_sale))
    received = sale + timedelta(days=draw(st.integers(0, 10)))
    first = max(sale, received) + timedelta(days=draw(st.integers(0, 500)))
    gaps = st.integers(1, 400)
    if open_repairs:  # often just past a repair limit (30, 60, 90 days)
        gaps = st.one_of(st.integers(1, 120), gaps)
    later = first + timedelta(days=draw(gaps))
    span = (first - sale).days

    def day_between() -> date:
        return sale + timedelta(days=draw(st.integers(0, span)))

    f = {
        "category": category,
        "channel": channel,
        "purchase_date": iso(sale),
        "received_date": iso(received),
        "report_date": iso(first),
        "problem": problem,
        "has_invoice_or_card": draw(st.booleans()),
        "prior_repairs": draw(st.integers(0, 3)),
    }
    if draw(st.booleans()):
        f["other_proof_of_purchase"] = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        f["card_model_mismatch_or_altered"] = True
    part = draw(st.sampled_from(PARTS))
    if part:
        f["failed_part"] = part
    if draw(st.booleans()):
        intervals = []
        for _ in range(draw(st.integers(1, 2))):
            a, b = sorted((day_between(), day_between()))
            intervals.append([iso(a), iso(b)])
        f["repair_intervals"] = intervals
    if draw(st.integers(0, 3)) == 0:
        f["exchanged_on"] = iso(day_between())
    if draw(st.integers(0, 1 if open_repairs else 2)) == 0:
        if open_repairs:
            # Near the report, so the repair limits (30, 60, 90 days) can pass in between.
            sent = max(sale, first - timedelta(days=draw(st.integers(0, 120))))
        else:
            sent = day_between()
        f["sent_for_repair"] = iso(sent)
        if not (open_repairs and draw(st.booleans())):
            f["still_unrepaired_on"] = iso(
                sent + timedelta(days=draw(st.integers(0, (first - sent).days)))
            )
        f["delay_cause"] = draw(st.sampled_from(["repairer", "producer_no_parts"]))
    if draw(st.booleans()):
        f["goods_intact"] = draw(st.booleans())
    exception = draw(st.sampled_from(EXCEPTIONS))
    if exception:
        f["no_reason_exception"] = exception
        f["consumer_confirmed_at_checkout"] = draw(st.booleans())
    if draw(st.booleans()):
        f["same_model_available"] = draw(st.booleans())
    if draw(st.booleans()):
        f["factory_date"] = iso(sale - timedelta(days=draw(st.integers(0, 200))))
    if draw(st.booleans()):
        f["price"] = draw(st.integers(0, 20000))
    if unreceived and draw(st.integers(0, 3)) == 0:
        del f["received_date"]
    return f, iso(later)


def free_remedies(result: dict) -> set[str]:
    return {o["remedy"] for o in result["options"] if o["remedy"] in FREE}


@PROPERTY_SETTINGS
@given(claims())
def test_a_later_report_never_adds_a_free_remedy(claim):
    """(a) National preset, catalogue and non-catalogue goods, both channels, every problem,
    dates in 2025–2026: reporting the same facts later never adds a return, an exchange or a
    free repair (windows and periods only run out, R2–R8, R25, R32)."""
    f, later = claim
    earlier = evaluate(f)
    after = evaluate({**f, "report_date": later})
    assert free_remedies(after) <= free_remedies(earlier), (f, later)


def _not_earlier(company_deadline: str | None, law_deadline: str | None) -> bool:
    if company_deadline is None:
        return True
    return law_deadline is not None and company_deadline >= law_deadline


@st.composite
def floor_claims(draw):
    """Catalogue goods with any problem and channel, or non-catalogue goods returned online
    without a reason."""
    if draw(st.booleans()):
        f, _ = draw(claims(categories=CATALOGUE))
    else:
        f, _ = draw(claims(categories=OUTSIDE, problems=["none"], channels=["online"]))
    return f


@PROPERTY_SETTINGS
@given(floor_claims(), st.sampled_from(COMPANY_PRESETS))
def test_b_a_company_preset_never_offers_less_than_the_law(f, key):
    """(b) R1: the 三包 figures are minimums and a company's promises add to them. For goods
    in the 三包 catalogue (any problem, channel) and for the online no-reason return (R27),
    every remedy the national preset offers is offered under each company preset, with a
    deadline no earlier (None: no limit). A paid repair (the 三包 period over) is the one
    remedy that may instead be replaced by the company's free repair: offering both would let
    the same repair be charged (issue 18 A10).

    Not stated for other goods outside the catalogue: there the consumer law makes the
    company's agreed warranty the measure (R25 "依照国家规定、当事人约定"), so an agreed
    period may legitimately end a free repair the bare law leaves open."""
    law = {o["remedy"]: o for o in evaluate(f)["options"]}
    ours = {o["remedy"]: o for o in evaluate(f, key)["options"]}
    for remedy, option in law.items():
        if remedy == "paid_repair" and "free_repair" in ours:
            assert "paid_repair" not in ours, (key, f)
            continue
        assert remedy in ours, (key, remedy, f)
        assert _not_earlier(ours[remedy]["deadline"], option["deadline"]), (key, remedy, f)


# -- (c) any input ----------------------------------------------------------------------------

KEYS = [
    "category",
    "channel",
    "purchase_date",
    "received_date",
    "report_date",
    "problem",
    "prior_repairs",
    "has_invoice_or_card",
    "other_proof_of_purchase",
    "card_model_mismatch_or_altered",
    "failed_part",
    "component",
    "repair_intervals",
    "exchanged_on",
    "sent_for_repair",
    "still_unrepaired_on",
    "delay_cause",
    "goods_intact",
    "no_reason_exception",
    "consumer_confirmed_at_checkout",
    "same_model_available",
    "factory_date",
    "price",
    "misuse_evidence",
]
# Dates and numbers inside the engine's working range: the out-of-range cases are pinned by
# the explicit tests below, so this property keeps guarding everything else.
some_dates = st.dates(date(2004, 1, 1), date(2060, 12, 31))
date_texts = st.one_of(
    some_dates.map(date.isoformat),
    st.sampled_from(["2026-02-30", "2025-13-01", "", "yesterday", "2025-3-1"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(min_value=-1e9, max_value=1e9),
    st.just(float("nan")),
    st.text(max_size=8),
    date_texts,
    some_dates,
    st.sampled_from(
        [
            "online",
            "offline",
            "quality",
            "none",
            "misuse",
            "repairer",
            "producer_no_parts",
            *CATALOGUE[:4],
            *EXCEPTIONS[1:],
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=6,
)
valid_base = st.fixed_dictionaries(
    {
        "category": st.sampled_from(CATALOGUE + OUTSIDE),
        "channel": st.sampled_from(["online", "offline"]),
        "purchase_date": date_texts,
        "report_date": date_texts,
        "problem": st.sampled_from(["quality", "none", "misuse"]),
    }
)
anything = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), values, max_size=8),
    st.builds(
        lambda base, extra: {**base, **extra},
        valid_base,
        st.dictionaries(st.sampled_from([*KEYS, "colour"]), values, max_size=6),
    ),
    values,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything, st.sampled_from(["national", *COMPANY_PRESETS]))
def test_c_any_input_raises_only_engine_error(raw, key):
    """(c) Whatever comes in (wrong types, unknown keys, impossible dates, missing fields),
    evaluate either answers or raises EngineError."""
    try:
        result = evaluate(raw, key)
    except EngineError as e:
        assert e.errors
        assert e.by_field("en") and e.by_field("zh")
        return
    assert {"options", "refused", "warranty_end", "period", "fees", "notes", "policy"} <= set(
        result
    )


CRASHES = [
    ({"price": float("inf"), "prior_repairs": 2, "report_date": "2025-04-12"}, "price=inf"),
    ({"price": "1e999999", "prior_repairs": 2, "report_date": "2025-04-12"}, "price=1e999999"),
    ({"price": 10**30, "prior_repairs": 2, "report_date": "2025-04-12"}, "price=10**30"),
    (
        {"purchase_date": "2003-12-30", "received_date": None, "report_date": "2004-01-05"},
        "sale-before-2004",
    ),
    (
        {"purchase_date": "9999-12-01", "received_date": None, "report_date": "9999-12-03"},
        "sale-in-9999",
    ),
    (
        {"purchase_date": "2099-12-01", "received_date": None, "report_date": "2099-12-03"},
        "period-past-2099",
    ),
]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            changes,
            id=name,
        )
        for changes, name in CRASHES
    ],
)
def test_c_out_of_range_price_or_date_is_an_engine_error(changes):
    """(c) Pinned examples: a colour TV bought in a shop, with a price or dates the engine
    cannot compute with, must come back as EngineError, not another exception."""
    raw = {
        "category": "彩色电视机",
        "channel": "offline",
        "purchase_date": "2025-03-03",
        "received_date": "2025-03-03",
        "problem": "quality",
        "has_invoice_or_card": True,
        **changes,
    }
    with contextlib.suppress(EngineError):
        evaluate(raw)


# -- (d) issue 18 A10 --------------------------------------------------------------------------

ALL_PRESETS = ["national", *COMPANY_PRESETS]
A10_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Exchanges due because a repair ran over its limit (R8: 30 days the repairer's fault, 90
# without parts; R20: 60 for phones), and the return that may replace a due exchange (R9;
# phones R18 art. 18).
OVERDUE_EXCHANGE = ("R8 ", "R20 ")
RETURN_FOR_EXCHANGE = ("R9 ", "R18 ")


def _open_repair(f: dict) -> bool:
    """Handed in and not seen back: unrepaired up to the report date itself."""
    return "sent_for_repair" in f and "still_unrepaired_on" not in f


def _overdue_promise(key: str, basis: str) -> bool:
    """A company promise that applies once a repair has run more than N days."""
    return any(
        f"公司承诺：{p.basis}" == basis and p.repair_over_days is not None
        for p in preset(key).promises
    )


def _why_new(remedy: str, option: dict, f: dict, key: str, earlier: dict, after: dict) -> bool:
    """Is there a legal reason for ``remedy`` to be offered on the later report only?"""
    if remedy == "paid_repair":
        # R2/R3 (the period ran out), R12 (R26: after 6 months the misuse exemption applies
        # without the business's proof), R19 (a phone accessory's own period ran out): the paid
        # repair takes the place of a free remedy that lapsed.
        if "free_repair" in earlier and "free_repair" not in after:
            return True
        exchange = earlier.get("exchange")
        return bool(exchange and exchange["basis"].startswith("R19") and "exchange" not in after)
    if not _open_repair(f):
        return False
    # A repair still open on the report date: the R8/R20 limit (or a company's "more than N
    # days") can pass between the two reports, and with the exchange the R9/R18 return.
    exchange = after.get("exchange")
    exchange_by_overdue = bool(
        exchange
        and (
            exchange["basis"].startswith(OVERDUE_EXCHANGE)
            or _overdue_promise(key, exchange["basis"])
        )
    )
    if remedy == "exchange":
        return exchange_by_overdue
    if remedy == "return":
        if option["source"] == "company":
            return _overdue_promise(key, option["basis"])
        return exchange_by_overdue and option["basis"].startswith(RETURN_FOR_EXCHANGE)
    return False


# Quality faults three times as often: most time-dependent rules (R5–R9, R20) need one.
WEIGHTED_PROBLEMS = ["quality"] * 3 + ["none", "misuse", "unauthorized_repair", "force_majeure"]


@A10_SETTINGS
@given(
    claims(problems=WEIGHTED_PROBLEMS, open_repairs=True, unreceived=True),
    st.sampled_from(ALL_PRESETS),
)
def test_d_r2_r8_issue_18_a10_a_later_report_never_adds_any_remedy(claim, key):
    """(d) issue 18 A10, R2–R8, R12, R19, R25, R32, every preset: reporting the same facts
    later never adds a remedy, paid repair included. Two genuine exceptions, asserted exactly:

    - a paid repair replaces a free remedy that lapsed: the free repair at the end of the
      三包 or agreed period (R2/R3), or after R26's 6 months the misuse exemption (R12); a
      phone accessory's exchange at the end of its own period (R19);
    - a repair still open on the report date (no ``still_unrepaired_on``) can pass its limit
      between the two reports: the exchange of R8/R20 (or a company's "repair over N days"
      promise) appears, and with it the return of R9/R18 (art. 13 / phone art. 18).

    Everything else (windows, periods, R26) only runs out with time."""
    f, later = claim
    earlier = {o["remedy"]: o for o in evaluate(f, key)["options"]}
    after = {o["remedy"]: o for o in evaluate({**f, "report_date": later}, key)["options"]}
    for remedy in set(after) - set(earlier):
        assert _why_new(remedy, after[remedy], f, key, earlier, after), (key, remedy, f, later)


@A10_SETTINGS
@given(claims(unreceived=True), st.sampled_from(ALL_PRESETS))
def test_d_r5_r25_r27_issue_18_a10_a_return_offered_always_has_a_deadline(claim, key):
    """(d) issue 18 A10, R5/R9/R17/R18/R19/R22/R25/R27 and the company's promises: a return
    offered always says its last day. Two exceptions, asserted exactly:

    - goods bought online and not signed for yet (no received date) keep the no-reason return
      (R27) with no last day yet, as the 7 days only start the day after signing (R32);
    - a company promise that names no time limit, on goods for which the company agreed no
      period (S1: food with a quality or safety problem is taken back): the engine must not
      invent a limit the promise does not set (R1 art. 4: the promise binds as made)."""
    f, later = claim
    for report in (f["report_date"], later):
        result = evaluate({**f, "report_date": report}, key)
        for option in result["options"]:
            if option["remedy"] != "return" or option["deadline"] is not None:
                continue
            if option["source"] == "company":
                assert _unlimited_promise(key, f["category"], option["basis"]), (key, f, option)
                continue
            assert "received_date" not in f and f["problem"] == "none", (key, f, report, option)
            assert f["channel"] == "online" and option["basis"].startswith("R27"), option


def _unlimited_promise(key: str, category: str, basis: str) -> bool:
    """A promise without a window, by a company that agreed no period for ``category``."""
    policy = preset(key)
    own = policy.resolve(category, strict=False).own
    rules = policy.categories.get(own) if own else None
    if (rules or policy.default).whole_unit_months:
        return False
    return any(f"公司承诺：{p.basis}" == basis and p.window is None for p in policy.promises)


# The 三包 rules of RULES-CN: R2–R23 (sections A and B) and R24 (the car 三包 rules). R1 is the
# scope rule that says which goods they cover, so citing it does not apply them.
SANBAO_RULES = frozenset(range(2, 25))
SANBAO_TITLES = ("修理更换退货责任规定", "移动电话机三包规定")


def cites_sanbao(basis: str) -> bool:
    """Does ``basis`` cite a 三包 article (an R-number in SANBAO_RULES, or a 三包 regulation by
    its title)? ("不属三包" or "无国家三包规定" do not cite one.)"""
    if any(title in basis for title in SANBAO_TITLES):
        return True
    return any(int(n) in SANBAO_RULES for n in re.findall(r"(?<![A-Za-z0-9])R(\d+)", basis))


@A10_SETTINGS
@given(claims(categories=OUTSIDE, unreceived=True), st.sampled_from(ALL_PRESETS))
def test_d_r1_issue_18_a10_goods_outside_the_catalogue_get_nothing_citing_sanbao(claim, key):
    """(d) issue 18 A10, R1 (R24 for cars): for goods outside the catalogue no option, and no
    fee rule of one, cites a 三包 article (R2–R24): the consumer law (R25, R27…), the company's
    own promises or a paid service only — paid repairs for misuse included (not R12)."""
    f, later = claim
    for report in (f["report_date"], later):
        result = evaluate({**f, "report_date": report}, key)
        for option in result["options"]:
            assert not cites_sanbao(option["basis"]), (key, f, report, option)
        fees = result["fees"]
        for name in ("repair_basis", "depreciation_basis", "return_shipping_basis"):
            assert not cites_sanbao(fees[name]), (key, f, report, name, fees[name])
        assert fees["depreciation"] is None


# R42/R40: the official schedules run to 2026 (the 2026 notice is the last published); the
# sample 2027 notice (workdays/tests/notices) adds 2027 to a calendar that imported it.
LAST_PUBLISHED = {"official": 2026, "with-2027": 2027}


@cache
def _calendars() -> dict:
    return {"official": None, "with-2027": calendar_with_sample_2027()}


@A10_SETTINGS
@given(
    claims(first_sale=date(2025, 10, 1), last_sale=date(2027, 12, 31), unreceived=True),
    st.sampled_from(ALL_PRESETS),
    st.sampled_from(sorted(LAST_PUBLISHED)),
)
def test_d_r43_issue_18_a10_provisional_exactly_in_unpublished_years(claim, key, which):
    """(d) issue 18 A10, R43: an option is ``provisional`` exactly when its deadline falls in a
    year whose holiday schedule is not published (after 2026 on the official calendar, after
    2027 on one that imported the 2027 notice); options without a deadline never are. The same
    holds for ``warranty_end``. Sales from late 2025 to 2027, so deadlines straddle the
    years."""
    f, later = claim
    last = LAST_PUBLISHED[which]
    calendar = _calendars()[which]
    for report in (f["report_date"], later):
        result = evaluate({**f, "report_date": report}, key, calendar=calendar)
        for option in result["options"]:
            deadline = option["deadline"]
            expected = deadline is not None and int(deadline[:4]) > last
            assert option["provisional"] is expected, (which, key, f, report, option)
        end = result["warranty_end"]
        assert result["warranty_end_provisional"] is (end is not None and int(end[:4]) > last)
        r43 = [n for n in result["notes"] if n.startswith("R43")]
        if any(o["provisional"] for o in result["options"]) or result["warranty_end_provisional"]:
            assert len(r43) == 1, (which, key, f, report, result["notes"])
        else:
            assert not r43
