"""Property tests of the 三包 decision engine (hypothesis; no database).

(a) A later report date never adds a return, exchange or free repair (national preset).
(b) A company preset never offers less than the national floor, for 三包 catalogue goods and
    for the online no-reason return.
(c) Any dict in, only EngineError out.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.warranty.engine import PRESETS, EngineError, evaluate, preset

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
def claims(draw, categories=CATALOGUE + OUTSIDE, problems=None, channels=None):
    """Consistent facts (dates in order) and a second, later report date. Anything that
    depends on "today" is pinned: a repair still running is always given its own
    ``still_unrepaired_on``, so only the report date moves."""
    category = draw(st.sampled_from(categories))
    channel = draw(st.sampled_from(channels or ["online", "offline"]))
    problem = draw(
        st.sampled_from(
            problems or ["quality", "none", "misuse", "unauthorized_repair", "force_majeure"]
        )
    )
    sale = draw(st.dates(FIRST, LAST))
    received = sale + timedelta(days=draw(st.integers(0, 10)))
    first = max(sale, received) + timedelta(days=draw(st.integers(0, 500)))
    later = first + timedelta(days=draw(st.integers(1, 400)))
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
    if draw(st.integers(0, 2)) == 0:
        sent = day_between()
        f["sent_for_repair"] = iso(sent)
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
    deadline no earlier (None: no limit).

    Not stated for other goods outside the catalogue: there the consumer law makes the
    company's agreed warranty the measure (R25 "依照国家规定、当事人约定"), so an agreed
    period may legitimately end a free repair the bare law leaves open."""
    law = {o["remedy"]: o for o in evaluate(f)["options"]}
    ours = {o["remedy"]: o for o in evaluate(f, key)["options"]}
    for remedy, option in law.items():
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
