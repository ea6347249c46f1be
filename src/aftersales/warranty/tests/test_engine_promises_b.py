"""The engine's side of issue 18 B2, B4 and B6: an extended warranty applied after the
statutory period (S14 五、2), "cannot be repaired in the promised time" making an exchange
available (WAR-7, S14 二、3), and the furniture promise waiting for the quality department's
verdict on photos (WAR-6, S8 三、10, tested in test_engine_presets)."""

from __future__ import annotations

import pytest

from aftersales.warranty.engine import EngineError, evaluate

TV = {
    "category": "彩色电视机",
    "channel": "offline",
    "purchase_date": "2025-03-03",
    "problem": "quality",
    "has_invoice_or_card": True,
}
PLAN = {
    "plan": "整机延保两年",
    "number": "EW-20250303-0001",
    "months": 24,
    "parts": True,
    "labour": False,
    "exclusions": ["遥控器"],
}


def offered(answer) -> dict:
    return {o["remedy"]: o for o in answer["options"]}


def test_after_the_statutory_year_the_plan_repairs_free_and_says_it_is_the_plan():
    """S14 五、2, R2: the TV's 三包 year ends 2026-03-03; a plan of 24 months runs to
    2028-03-03. A quality fault on 2026-05-01 is repaired free under the plan, its source is
    the plan, and the fees follow its cover (parts yes, labour no)."""
    answer = evaluate({**TV, "report_date": "2026-05-01", "extended_warranty": PLAN})
    option = offered(answer)["free_repair"]
    assert option["source"] == "extended"
    assert option["basis"] == "延保：整机延保两年（EW-20250303-0001）"
    assert option["deadline"] == "2028-03-03"
    assert "paid_repair" not in offered(answer)
    assert answer["warranty_end"] == "2028-03-03"
    assert answer["period"]["unit"] == "extended"
    assert answer["period"]["starts_on"] == "2026-03-04"
    assert answer["fees"]["parts"] == "business"
    assert answer["fees"]["labour"] == "consumer"


def test_without_the_plan_the_same_claim_is_a_paid_repair():
    answer = evaluate({**TV, "report_date": "2026-05-01"})
    assert set(offered(answer)) == {"paid_repair"}


def test_inside_the_statutory_year_the_law_answers_and_the_plan_is_a_note():
    """R2: inside the 三包 year the law's free repair stands; the answer says the plan follows."""
    answer = evaluate({**TV, "report_date": "2025-09-01", "extended_warranty": PLAN})
    assert offered(answer)["free_repair"]["source"] == "law"
    assert any("延长保修至 2028年3月3日" in n for n in answer["notes"])


def test_an_excluded_part_and_an_expired_plan_are_not_covered():
    excluded = evaluate(
        {**TV, "report_date": "2026-05-01", "component": "遥控器", "extended_warranty": PLAN}
    )
    assert "free_repair" not in offered(excluded)
    assert {r["remedy"]: r["reason"] for r in excluded["refused"]}["free_repair"] == (
        "延保不含“遥控器”"
    )
    expired = evaluate({**TV, "report_date": "2028-03-06", "extended_warranty": PLAN})
    assert set(offered(expired)) == {"paid_repair"}
    assert any("延保期已于 2028年3月3日 届满" in n for n in expired["notes"])


def test_misuse_under_the_plan_is_still_paid_but_the_answer_says_where_the_customer_stands():
    """WAR-8: the plan covers quality faults only; warranty_end still states the plan's end
    (issue 18 A9)."""
    answer = evaluate(
        {**TV, "report_date": "2026-05-01", "problem": "misuse", "extended_warranty": PLAN}
    )
    assert "free_repair" not in offered(answer)
    assert answer["warranty_end"] == "2028-03-03"


@pytest.mark.parametrize(
    "bad, field",
    [
        ({**PLAN, "months": 0}, "extended_warranty.months"),
        ({**PLAN, "plan": ""}, "extended_warranty.plan"),
        ({**PLAN, "labour": "no"}, "extended_warranty.labour"),
        ({**PLAN, "exclusions": "遥控器"}, "extended_warranty.exclusions"),
        ({**PLAN, "price": 1}, "extended_warranty"),
    ],
)
def test_a_bad_plan_names_its_field(bad, field):
    with pytest.raises(EngineError) as caught:
        evaluate({**TV, "report_date": "2026-05-01", "extended_warranty": bad})
    assert field in [e.field for e in caught.value.errors]


S14 = {**TV, "purchase_date": "2025-03-03", "report_date": "2025-08-01"}


def test_cannot_be_repaired_in_time_makes_the_exchange_available_at_once():
    """WAR-7, S14 二、3: "不能按时修好的，可更换" — a repair judged unable to finish in the
    promised time need not wait the 15 days out: the exchange is offered now."""
    waiting = evaluate(S14, "s14-sanbao")
    assert "exchange" not in offered(waiting)
    judged = evaluate({**S14, "cannot_repair_in_time": True}, "s14-sanbao")
    exchange = offered(judged)["exchange"]
    assert exchange["source"] == "company" and "S14 二、3" in exchange["basis"]
    assert exchange["deadline"] == "2026-03-03"  # within the quality guarantee period


def test_a_policy_says_who_pays_a_higher_specification_s_difference():
    """WAR-7, S11: the sales-contract policy makes the supplier bear it; others the customer."""
    from aftersales.warranty.engine import preset

    assert preset("s5-s11-contract").upgrade_difference == "business"
    assert preset("national").upgrade_difference == "consumer"
