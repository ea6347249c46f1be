"""The 三包 decision engine against the legal rules (RULES-CN R1–R36, R38 for counting).

Each test names the rule it checks and asserts what a user of the answer would notice: the
remedies offered and refused, the last day to claim them, the end of the 三包 period, the rule
cited, who pays. Expected dates are worked out by hand from R38 (the start day is not counted;
a last day on a statutory rest day moves to the next working day) and the 2025/2026 holiday
tables (R39/R40), so each date below says which weekday or holiday it is.

No database: the engine is pure Python.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from aftersales.warranty.engine import evaluate, preset

# Monday 2025-03-03 is the usual day of sale. Counted under R38:
#   +7 days  -> 2025-03-10 (Mon, a working day)
#   +15 days -> 2025-03-18 (Tue)
#   +1 year  -> 2026-03-03 (Tue)
SALE = "2025-03-03"
LAST_7 = "2025-03-10"
LAST_15 = "2025-03-18"
YEAR_END = "2026-03-03"


def facts(**changes) -> dict:
    """A colour TV bought in a shop on Monday 2025-03-03 with its invoice, then a quality
    fault reported two days later; ``changes`` replace or (with None) blank fields."""
    base = {
        "category": "彩色电视机",
        "channel": "offline",
        "purchase_date": SALE,
        "received_date": SALE,
        "report_date": "2025-03-05",
        "problem": "quality",
        "has_invoice_or_card": True,
    }
    base.update(changes)
    return base


def run(policy: str = "national", **changes) -> dict:
    return evaluate(facts(**changes), policy)


def offered(result: dict) -> dict[str, dict]:
    return {o["remedy"]: o for o in result["options"]}


def refused(result: dict) -> dict[str, dict]:
    return {r["remedy"]: r for r in result["refused"]}


def cites(option: dict, rule: str) -> bool:
    return option["basis"].startswith(rule) or f"{rule} " in option["basis"]


def notes_with(result: dict, marker: str) -> list[str]:
    return [n for n in result["notes"] if marker in n]


# -- A. the general 三包 rules ------------------------------------------------------------------


def test_r1_only_catalogue_goods_get_sanbao_others_get_consumer_law():
    """R1: 三包 covers only goods in the catalogue; other goods fall under the consumer law
    (R25) and no 三包 article is cited for them."""
    tv = offered(run())
    assert cites(tv["return"], "R5")
    assert "部分商品修理更换退货责任规定" in tv["return"]["basis"]

    clothes = run(category="服装")
    for option in clothes["options"]:
        assert cites(option, "R25"), option
        assert "部分商品修理更换退货责任规定" not in option["basis"]
    assert clothes["warranty_end"] is None  # the law sets no warranty period for them


def test_r2_days_in_repair_push_the_end_of_the_period_back():
    """R2: the period is extended by the days the TV was in repair. 2025-06-02 … 06-13 is 12
    days counting both ends (11 without the hand-in day); either way the nominal end 2026-03-03
    moves to 03-14 (Sat) or 03-15 (Sun), both rest days, so the last day is Mon 2026-03-16."""
    intervals = [["2025-06-02", "2025-06-13"]]
    inside = run(report_date="2026-03-16", repair_intervals=intervals)
    assert inside["warranty_end"] == "2026-03-16"
    assert inside["period"]["extended_days"] in (11, 12)
    assert offered(inside)["free_repair"]["deadline"] == "2026-03-16"
    assert notes_with(inside, "R2")

    after = run(report_date="2026-03-17", repair_intervals=intervals)
    assert "free_repair" not in offered(after)
    assert "paid_repair" in offered(after)

    # Without the repair the same report is outside the period.
    assert "free_repair" not in offered(run(report_date="2026-03-16"))


def test_r3_r38_a_one_year_period_ends_on_the_same_date_next_year():
    """R3/R38: sold Mon 2025-03-03, one year ends Tue 2026-03-03 (the start day is not
    counted, the last day is included)."""
    on_last_day = run(report_date=YEAR_END)
    assert on_last_day["warranty_end"] == YEAR_END
    assert offered(on_last_day)["free_repair"]["deadline"] == YEAR_END

    day_after = run(report_date="2026-03-04")
    assert set(offered(day_after)) == {"paid_repair"}
    assert {"return", "exchange", "free_repair"} <= set(refused(day_after))


def test_r3_last_day_in_the_spring_festival_moves_to_the_next_working_day():
    """R3/R38: sold Sat 2025-02-15; 2026-02-15 is a Sunday inside the Spring Festival break
    (02-15 … 02-23, R40), so the period ends on Tue 2026-02-24."""
    result = run(purchase_date="2025-02-15", received_date="2025-02-15", report_date="2026-02-24")
    assert result["warranty_end"] == "2026-02-24"
    assert offered(result)["free_repair"]["deadline"] == "2026-02-24"
    late = run(purchase_date="2025-02-15", received_date="2025-02-15", report_date="2026-02-25")
    assert "free_repair" not in offered(late)


def test_r3_last_day_on_a_make_up_working_saturday_does_not_move():
    """R3/R38: sold Fri 2025-02-14; 2026-02-14 is a Saturday but a make-up working day (调休
    上班, R40), not a rest day, so the period ends that very day."""
    result = run(purchase_date="2025-02-14", received_date="2025-02-14", report_date="2025-03-01")
    assert result["warranty_end"] == "2026-02-14"


def test_r38_art_202_a_year_from_29_february_ends_on_28_february():
    """R38 (Civil Code art. 202): no 29 February in 2025, so the year from 2024-02-29 ends on
    the last day of that month, Fri 2025-02-28."""
    result = run(purchase_date="2024-02-29", received_date="2024-02-29", report_date="2024-05-01")
    assert result["warranty_end"] == "2025-02-28"


def test_r4_lost_documents_with_other_proof_keep_sanbao():
    """R4: invoice and 三包凭证 lost, but the purchase is otherwise proven: all 三包 duties
    still apply (return within 7 days, exchange within 15, free repair)."""
    result = run(has_invoice_or_card=False, other_proof_of_purchase=True)
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert options["return"]["deadline"] == LAST_7
    assert notes_with(result, "R4")


def test_r4_r12_no_documents_and_no_other_proof_means_paid_repair_only():
    """R4 + R12 item 3: no 三包凭证, no invoice and nothing else to prove the sale."""
    result = run(has_invoice_or_card=False)
    assert set(offered(result)) == {"paid_repair"}
    assert refused(result)["free_repair"]["basis"].startswith("R12")


def test_r5_fault_within_7_days_of_sale_return_exchange_or_repair():
    """R5: a performance fault within 7 days of sale: the consumer picks return, exchange or
    repair; the return is a full refund of the invoice price (no depreciation)."""
    result = run(report_date=LAST_7)
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert options["return"]["deadline"] == LAST_7
    assert cites(options["return"], "R5")
    assert "第九条" in options["return"]["basis"]
    assert options["return"]["source"] == "law"
    assert result["fees"]["depreciation"] is None


def test_r5_on_the_8th_day_the_full_refund_is_gone():
    """R5: 2025-03-11 is the 8th day after the sale: the R5 return (full refund of the invoice
    price) is over; the exchange remains (R6), and with it only the R9 return, which may
    charge depreciation (8 days at 0.1 %). [Changed for issue 18: the old test said no
    return at all, but R9 art. 13 covers every case where an exchange is due.]"""
    result = run(report_date="2025-03-11", price=3000)
    option = offered(result)["return"]
    assert cites(option, "R9") and not cites(option, "R5")
    assert result["fees"]["depreciation"]["days"] == 8
    assert result["fees"]["depreciation"]["amount"] == "24.00"
    assert "exchange" in offered(result)


def test_r5_r38_7th_day_on_national_day_rolls_to_the_first_working_day():
    """R5/R38: sold Wed 2025-09-24; the 7th day, 10-01, opens the National Day break
    (10-01 … 10-08, R39), so the return runs until Thu 2025-10-09; the 15th day is also
    10-09 (a working day)."""
    on_time = run(purchase_date="2025-09-24", received_date="2025-09-24", report_date="2025-10-09")
    options = offered(on_time)
    assert options["return"]["deadline"] == "2025-10-09"
    assert options["exchange"]["deadline"] == "2025-10-09"

    late = run(purchase_date="2025-09-24", received_date="2025-09-24", report_date="2025-10-10")
    assert "return" not in offered(late)
    assert "exchange" not in offered(late)
    assert "free_repair" in offered(late)


def test_r6_days_8_to_15_exchange_or_repair_and_r9_return_with_depreciation():
    """R6: a fault on day 8–15 after sale: exchange (free, same model) or repair. R9: the
    exchange being due, a consumer who would rather return may, with depreciation, until the
    exchange's last day. [Changed for issue 18: the old test said {exchange, free_repair}.]"""
    result = run(report_date=LAST_15)
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert cites(options["return"], "R9")
    assert options["return"]["deadline"] == LAST_15
    assert options["exchange"]["deadline"] == LAST_15
    assert cites(options["exchange"], "R6")
    assert "第十条" in options["exchange"]["basis"]

    late = run(report_date="2025-03-19")
    assert set(offered(late)) == {"free_repair"}
    assert "exchange" in refused(late)


def test_r6_r38_15th_day_on_a_sunday_moves_to_monday():
    """R6/R38: sold Sat 2026-01-17; the 15th day is Sun 2026-02-01 (an ordinary weekend), so
    the exchange runs until Mon 2026-02-02. The 7th day is Sat 01-24 -> Mon 01-26."""
    result = run(purchase_date="2026-01-17", received_date="2026-01-17", report_date="2026-01-26")
    options = offered(result)
    assert options["return"]["deadline"] == "2026-01-26"
    assert options["exchange"]["deadline"] == "2026-02-02"


def test_r7_two_repairs_and_still_broken_free_exchange_or_return():
    """R7: repaired twice within the period and still not usable: a free exchange for the
    same model, or a return under art. 13 (R9), until the end of the period."""
    result = run(report_date="2025-09-01", prior_repairs=2)
    options = offered(result)
    assert cites(options["exchange"], "R7")
    assert options["exchange"]["deadline"] == YEAR_END
    assert "return" in options
    assert cites(options["return"], "R9")
    assert options["return"]["deadline"] == YEAR_END


def test_r7_one_repair_is_not_enough():
    """R7: after a single repair (and past day 15) there is no exchange yet."""
    result = run(report_date="2025-09-01", prior_repairs=1)
    assert set(offered(result)) == {"free_repair"}
    assert "exchange" in refused(result)


def test_r8_repairer_takes_more_than_30_days_free_exchange():
    """R8: unrepaired more than 30 days after hand-in for the repairer's own reasons: free
    exchange. Handed in 2025-06-02; 07-03 is the 31st day, 07-02 only the 30th."""
    over = run(
        report_date="2025-07-03",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-07-03",
        delay_cause="repairer",
    )
    assert cites(offered(over)["exchange"], "R8")
    # R2: the 31 days in repair (07-03 − 06-02; the hand-in day is not counted, R38) push the
    # year's end from 2026-03-03 to Fri 04-03, a working day. [Changed for issue 18: the old
    # count of 32 days (both ends) gave 04-04 -> 04-07.]
    assert offered(over)["exchange"]["deadline"] == "2026-04-03"

    exactly_30 = run(
        report_date="2025-07-02",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-07-02",
        delay_cause="repairer",
    )
    assert "exchange" not in offered(exactly_30)


def test_r8_no_parts_for_more_than_90_days_free_exchange():
    """R8: the producer supplied no parts and the TV is unrepaired more than 90 days after
    hand-in. From 2025-06-02 the 90th day is Sun 08-31, a rest day, so the limit is the end of
    Mon 09-01 (R38); the exchange is due from Tue 09-02. 61 days (the phone limit, R20) are
    not enough for a TV. [Changed for issue 18: the old test gave the exchange on 09-01.]"""
    over = run(
        report_date="2025-09-02",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-09-02",
        delay_cause="producer_no_parts",
    )
    assert cites(offered(over)["exchange"], "R8")
    assert "90" in offered(over)["exchange"]["basis"]

    for day in ("2025-09-01", "2025-08-31", "2025-08-02"):
        not_yet = run(
            report_date=day,
            sent_for_repair="2025-06-02",
            still_unrepaired_on=day,
            delay_cause="producer_no_parts",
        )
        assert "exchange" not in offered(not_yet), day


def test_r2_r8_a_tv_held_by_the_repairer_past_the_nominal_end_keeps_sanbao():
    """R2 + R8: handed in for repair on Mon 2026-02-02, inside the period (nominal end
    2026-03-03), and still unrepaired by the repairer's fault on 2026-03-10 (36 days). The
    repair time extends the period (R2), and more than 30 days gives a free exchange (R8);
    the consumer must not be sent to paid repair."""
    result = run(
        report_date="2026-03-10",
        sent_for_repair="2026-02-02",
        still_unrepaired_on="2026-03-10",
        delay_cause="repairer",
    )
    options = offered(result)
    assert cites(options["exchange"], "R8")
    assert "free_repair" in options
    assert result["warranty_end"] >= "2026-03-10"
    assert result["fees"]["parts"] == "business"


def test_r9_return_instead_of_exchange_charges_depreciation_colour_tv_01_percent_a_day():
    """R9/R14: the exchange is due (two failed repairs), the same model is available, but the
    consumer wants a return: allowed, minus depreciation at 0.1 %/day for a colour TV from the
    invoice date (2025-03-03) to the return (2025-04-12): 40 days -> 4 % of 3000 = 120.00."""
    result = run(report_date="2025-04-12", prior_repairs=2, price=3000, same_model_available=True)
    option = offered(result)["return"]
    assert cites(option, "R9")
    assert "第十三条" in option["basis"]
    dep = result["fees"]["depreciation"]
    assert Decimal(dep["rate_percent_per_day"]) == Decimal("0.1")
    assert dep["days"] == 40
    assert Decimal(dep["percent"]) == Decimal("4")
    assert Decimal(dep["amount"]) == Decimal("120.00")
    assert "R9" in result["fees"]["depreciation_basis"]


def test_r9_no_same_model_the_seller_must_take_it_back():
    """R9: no same model to exchange and the consumer refuses another: a return, and no
    depreciation is computed (the article only allows it in the other branch)."""
    result = run(report_date="2025-04-12", prior_repairs=2, price=3000, same_model_available=False)
    assert cites(offered(result)["return"], "R9")
    assert result["fees"]["depreciation"] is None


def test_r10_exchange_restarts_the_period_from_the_exchange_date():
    """R10: exchanged on 2025-10-01; the new period ends on 2026-10-01, which falls in the
    National Day break (10-01 … 10-07, R40), so on Thu 2026-10-08. A fault reported after the
    original end (2026-03-03) is still repaired free."""
    result = run(exchanged_on="2025-10-01", report_date="2026-04-01")
    assert result["warranty_end"] == "2026-10-08"
    assert result["period"]["starts_on"] == "2025-10-01"
    assert offered(result)["free_repair"]["deadline"] == "2026-10-08"
    assert notes_with(result, "R10")


def test_r11_free_repair_covers_parts_and_labour_and_the_business_pays_transport():
    """R11 (and R25 para 2): within the period the repair is free, parts (材料费) and labour
    (工时费) included; transport of the (large) TV is borne by the business."""
    result = run(report_date="2025-06-02")
    fees = result["fees"]
    assert fees["parts"] == "business"
    assert fees["labour"] == "business"
    assert fees["travel"] == "business"
    assert fees["repair_basis"].startswith("R11")
    assert cites(offered(result)["free_repair"], "R11")


@pytest.mark.parametrize(
    ("changes", "item"),
    [
        ({"problem": "misuse", "misuse_evidence": True}, "第 1 项"),
        ({"problem": "unauthorized_repair"}, "第 2 项"),
        ({"has_invoice_or_card": False}, "第 3 项"),
        ({"card_model_mismatch_or_altered": True}, "第 4 项"),
        ({"problem": "force_majeure"}, "第 5 项"),
    ],
    ids=["misuse", "unauthorised-repair", "no-documents", "card-altered", "force-majeure"],
)
def test_r12_exemptions_give_paid_repair_only(changes, item):
    """R12: improper use, disassembly by others, no documents, altered or mismatched card,
    force majeure: no 三包 (no return, exchange, free repair), but paid repair; the consumer
    pays parts and labour. Even inside the 7-day window."""
    result = run(**changes)
    assert set(offered(result)) == {"paid_repair"}
    assert offered(result)["paid_repair"]["basis"].startswith("R12")
    for remedy in ("return", "exchange", "free_repair"):
        assert refused(result)[remedy]["basis"].startswith("R12")
        assert item in refused(result)[remedy]["basis"]
    assert result["fees"]["parts"] == "consumer"
    assert result["fees"]["labour"] == "consumer"


def test_r13_duties_appear_on_the_promises_page():
    """R13: the repaired product must work 30 days; parts for 5 years after discontinuation.
    The national terms (certificate and promises page) carry this note."""
    notes = preset("national").terms_for("彩色电视机")["notes"]
    r13 = [n for n in notes if "R13" in n]
    assert r13
    assert "30" in r13[0]
    assert "5" in r13[0]


def test_r13_a_free_repair_answer_carries_the_r13_note():
    """R13: an answer that offers a free repair tells the customer the repaired product must
    work normally for 30 days and parts are kept 5 years after discontinuation."""
    result = run(report_date="2025-06-02")
    assert "free_repair" in offered(result)
    assert notes_with(result, "R13")


def test_r14_main_part_of_a_colour_tv_has_three_years():
    """R14: 显像管 is a main part of a colour TV with a 3-year period: a fault on 2026-06-01
    (after the 1-year whole unit) is repaired free until 2028-03-03 (a Friday)."""
    result = run(report_date="2026-06-01", failed_part="显像管")
    assert result["warranty_end"] == "2028-03-03"
    assert result["period"]["unit"] == "main_part"
    assert result["period"]["months"] == 36
    assert offered(result)["free_repair"]["deadline"] == "2028-03-03"

    whole = run(report_date="2026-06-01")
    assert "free_repair" not in offered(whole)


def test_r14_bicycle_frame_two_years_and_depreciation_005_percent():
    """R14: bicycle frame (车架) 2 years -> 2027-03-03 (Wed); depreciation 0.05 %/day: 40 days
    -> 2 % of 1000 = 20.00."""
    frame = run(category="自行车", report_date="2026-06-01", failed_part="车架")
    assert frame["warranty_end"] == "2027-03-03"
    assert "free_repair" in offered(frame)

    ret = run(category="自行车", report_date="2025-04-12", prior_repairs=2, price=1000)
    dep = ret["fees"]["depreciation"]
    assert Decimal(dep["rate_percent_per_day"]) == Decimal("0.05")
    assert Decimal(dep["amount"]) == Decimal("20.00")


def test_r15_fixed_phone_loaner_after_3_days_none_for_a_tv():
    """R15: a fixed phone not repaired within 3 days of hand-in gets a free loaner; the
    general rules (TV) have no loaner duty."""
    repair = {
        "report_date": "2025-06-06",
        "sent_for_repair": "2025-06-02",
        "still_unrepaired_on": "2025-06-06",
        "delay_cause": "repairer",
    }
    fixed = run(category="固定电话机", **repair)
    assert fixed["fees"]["loaner"] is True
    assert notes_with(fixed, "R15")
    assert run(**repair)["fees"]["loaner"] is False


# -- B. category rules ------------------------------------------------------------------------

PHONE = {"category": "移动电话机"}


@pytest.mark.parametrize(
    ("component", "last_day", "day_after"),
    [
        ("电池", "2025-09-03", "2025-09-04"),  # 6 months, Wed
        ("有线耳机", "2025-06-03", "2025-06-04"),  # 3 months, Tue
        ("充电器", "2026-03-03", "2026-03-04"),  # 1 year (R16; one source says 6 months)
    ],
)
def test_r16_phone_components_have_their_own_periods(component, last_day, day_after):
    """R16: each phone component is counted on its own period."""
    inside = run(**PHONE, component=component, report_date=last_day)
    assert inside["warranty_end"] == last_day
    assert inside["period"]["unit"] == "component"
    assert "exchange" in offered(inside)
    outside = run(**PHONE, component=component, report_date=day_after)
    assert set(offered(outside)) == {"paid_repair"}


def test_r16_phone_host_one_year():
    """R16: the host unit (主机) has one year."""
    result = run(**PHONE, report_date="2025-09-01")
    assert result["warranty_end"] == YEAR_END
    assert offered(result)["free_repair"]["deadline"] == YEAR_END


def test_r17_phone_7_days_return_then_exchange_until_day_15():
    """R17: a host fault within 7 days: return (full refund), exchange or repair (art. 11);
    day 8–15: exchange or repair (art. 12)."""
    early = offered(run(**PHONE, report_date="2025-03-08"))
    assert cites(early["return"], "R17")
    assert "第十一条" in early["return"]["basis"]
    assert early["return"]["deadline"] == LAST_7

    day9 = run(**PHONE, report_date="2025-03-12")
    assert "return" not in offered(day9)
    exchange = offered(day9)["exchange"]
    assert cites(exchange, "R17")
    assert "第十二条" in exchange["basis"]
    assert exchange["deadline"] == LAST_15


def test_r18_phone_two_repairs_exchange_only():
    """R18: a phone repaired twice and still failing: free exchange of the host, no return."""
    result = run(**PHONE, report_date="2025-08-01", prior_repairs=2)
    assert cites(offered(result)["exchange"], "R18")
    assert "return" not in offered(result)
    assert "return" in refused(result)


def test_r18_phone_return_only_when_no_same_model():
    """R18 (art. 18): the return comes in only if there is no same model and the consumer
    refuses other models."""
    result = run(**PHONE, report_date="2025-08-01", prior_repairs=2, same_model_available=False)
    assert cites(offered(result)["return"], "R18")
    assert "第十八条" in offered(result)["return"]["basis"]


def test_r19_phone_accessory_is_exchanged_and_returned_after_two_exchanges():
    """R19: a battery failing within its 6 months is exchanged free (same brand, model);
    after two exchanges that still fail, the seller takes it back."""
    once = run(**PHONE, component="电池", report_date="2025-08-01")
    assert cites(offered(once)["exchange"], "R19")
    assert offered(once)["exchange"]["deadline"] == "2025-09-03"
    assert "return" not in offered(once)

    twice = run(**PHONE, component="电池", report_date="2025-08-01", prior_repairs=2)
    assert cites(offered(twice)["return"], "R19")
    assert notes_with(twice, "R19")  # refund at invoice or separate selling price


def test_r20_phone_no_parts_for_more_than_60_days_exchange():
    """R20: phone unrepaired more than 60 days for lack of parts (2025-06-02 -> 08-02 is 61
    days): free exchange of the host. At 60 days (08-01) not yet."""
    over = run(
        **PHONE,
        report_date="2025-08-02",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-08-02",
        delay_cause="producer_no_parts",
    )
    assert cites(offered(over)["exchange"], "R20")
    at_60 = run(
        **PHONE,
        report_date="2025-08-01",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-08-01",
        delay_cause="producer_no_parts",
    )
    assert "exchange" not in offered(at_60)


def test_r21_phone_without_documents_counts_from_factory_date_plus_90_days():
    """R21: no invoice, no 三包凭证, not even a copy: the period starts on the 90th day after
    the factory date (2025-01-10 -> 2025-04-10) and only free repair applies; one year ends
    on Fri 2026-04-10."""
    result = run(
        **PHONE,
        purchase_date=None,
        received_date=None,
        has_invoice_or_card=False,
        factory_date="2025-01-10",
        report_date="2025-09-01",
    )
    assert result["period"]["starts_on"] == "2025-04-10"
    assert result["warranty_end"] == "2026-04-10"
    assert set(offered(result)) == {"free_repair"}
    assert cites(offered(result)["free_repair"], "R21")
    assert {"return", "exchange"} <= set(refused(result))
    assert notes_with(result, "R21")

    late = run(
        **PHONE,
        purchase_date=None,
        received_date=None,
        has_invoice_or_card=False,
        factory_date="2025-01-10",
        report_date="2026-04-11",
    )
    assert "free_repair" not in offered(late)


def test_r21_unproven_purchase_date_does_not_replace_the_factory_date_rule():
    """R21: without documents the start is factory date + 90 days (2025-04-10 -> end
    2026-04-10), even if the consumer states a later purchase date; a fault on 2026-05-01 is
    outside the period."""
    result = run(
        **PHONE,
        purchase_date="2025-06-01",
        received_date="2025-06-01",
        has_invoice_or_card=False,
        factory_date="2025-01-10",
        report_date="2026-05-01",
    )
    assert result["warranty_end"] == "2026-04-10"
    assert "free_repair" not in offered(result)


def test_r21_phone_with_a_copy_of_the_invoice_gets_repair_and_exchange():
    """R21: with a copy or counterfoil of the invoice, free repair and exchange apply."""
    result = run(
        **PHONE, has_invoice_or_card=False, other_proof_of_purchase=True, report_date="2025-03-12"
    )
    assert {"exchange", "free_repair"} <= set(offered(result))
    assert "return" not in offered(result)


def test_r21_phone_without_documents_or_factory_date_paid_repair():
    """R21/R12 item 3: no documents and no factory date to count from: paid repair only."""
    result = run(
        **PHONE,
        purchase_date=None,
        received_date=None,
        has_invoice_or_card=False,
        report_date="2025-09-01",
    )
    assert set(offered(result)) == {"paid_repair"}


def test_r22_pc_7_days_return_15_days_exchange_main_part_two_years():
    """R22: PC within 7 days: return, exchange or repair (art. 11); day 8–15: exchange
    (art. 12); a main part (主板) is repaired free for 2 years (art. 10)."""
    pc = {"category": "微型计算机"}
    early = offered(run(**pc, report_date="2025-03-08"))
    assert cites(early["return"], "R22")
    assert early["return"]["deadline"] == LAST_7
    assert early["exchange"]["deadline"] == LAST_15
    assert cites(early["free_repair"], "R22")

    board = run(**pc, report_date="2026-06-01", failed_part="主板")
    assert board["warranty_end"] == "2027-03-03"
    assert cites(offered(board)["free_repair"], "R22")


def test_r22_pc_lost_documents_with_other_proof_repair_and_exchange_no_return():
    """R22 art. 9: PC documents lost, other proof: repair and exchange, not return."""
    result = run(
        category="微型计算机",
        has_invoice_or_card=False,
        other_proof_of_purchase=True,
        report_date="2025-03-08",
    )
    assert set(offered(result)) == {"exchange", "free_repair"}
    assert refused(result)["return"]["basis"].startswith("R22")


def test_r23_disc_player_is_home_audio_visual_tv_is_not():
    """R23: a home disc player (影碟机) is under the 家用视听 rules: 7-day return, main part
    (激光头) 2 years. A TV is not 家用视听; it stays under the general rules (R5/R14)."""
    dvd = run(category="影碟机", report_date="2025-03-08")
    assert offered(dvd)["return"]["deadline"] == LAST_7
    laser = run(category="影碟机", report_date="2026-06-01", failed_part="激光头")
    assert laser["warranty_end"] == "2027-03-03"
    assert "free_repair" in offered(laser)
    for option in run()["options"]:
        assert "家用视听" not in option["basis"]


def test_r24_cars_are_out_of_scope_and_say_so():
    """R24: family cars have their own 三包 regime, which the engine does not cover: the
    answer says so in a note."""
    result = run(category="家用汽车")
    assert notes_with(result, "R24")
    assert not notes_with(run(), "R24")


# -- C. consumer law --------------------------------------------------------------------------


def test_r25_goods_outside_the_catalogue_return_within_7_days_of_receipt():
    """R25: no national 三包 rule, no agreement: return within 7 days of receipt (received
    Wed 2025-03-05 -> Wed 03-12), then exchange or repair; the business bears transport."""
    result = run(
        category="服装",
        channel="online",
        purchase_date="2025-03-01",
        received_date="2025-03-05",
        report_date="2025-03-12",
    )
    options = offered(result)
    assert options["return"]["deadline"] == "2025-03-12"
    assert cites(options["return"], "R25")
    assert {"exchange", "free_repair"} <= set(options)
    assert options["free_repair"]["deadline"] is None
    assert result["fees"]["return_shipping"] == "business"
    assert "R25" in result["fees"]["return_shipping_basis"]

    late = run(
        category="服装",
        channel="online",
        purchase_date="2025-03-01",
        received_date="2025-03-05",
        report_date="2025-03-13",
    )
    assert "return" not in offered(late)
    assert cites(refused(late)["return"], "R25")
    assert {"exchange", "free_repair"} <= set(offered(late))


def test_r26_durable_goods_misuse_within_6_months_puts_the_proof_on_the_business():
    """R26: a TV (durable) received 2025-03-03; a misuse claim up to 2025-09-03 (6 months)
    must be proved by the business: without its evidence the fault is treated as a quality
    problem (free repair); with it, paid repair. Later, or for clothes, no note."""
    within = run(problem="misuse", report_date="2025-09-03")
    assert notes_with(within, "R26")
    assert "free_repair" in offered(within) and "paid_repair" not in offered(within)
    proved = run(problem="misuse", misuse_evidence=True, report_date="2025-09-03")
    assert notes_with(proved, "R26")
    assert set(offered(proved)) == {"paid_repair"}
    assert not notes_with(run(problem="misuse", report_date="2025-09-04"), "R26")
    assert not notes_with(run(category="服装", problem="misuse"), "R26")


@pytest.mark.parametrize(
    "category",
    [
        "微型计算机",
        "家用电冰箱",
        "家用空调器",
        "洗衣机",
        pytest.param(
            "家用汽车",
        ),
    ],
)
def test_r26_covers_the_durable_goods_named_in_the_law(category):
    """R26 names motor vehicles, computers, TVs, refrigerators, air conditioners and washing
    machines: a misuse claim within 6 months of receipt carries the burden-of-proof note."""
    result = run(category=category, problem="misuse", report_date="2025-06-02")
    assert notes_with(result, "R26")


NO_REASON = {"category": "服装", "channel": "online", "problem": "none"}


def test_r27_online_purchase_7_day_return_without_reason_consumer_pays_shipping():
    """R27: bought online, no fault: return within 7 days of receipt without a reason; the
    consumer pays return shipping (R35); the refund is due within 7 days (R34); no exchange or
    repair without a fault."""
    result = run(**NO_REASON, report_date="2025-03-06")
    options = offered(result)
    assert set(options) == {"return"}
    assert options["return"]["deadline"] == LAST_7
    assert cites(options["return"], "R27")
    assert result["fees"]["return_shipping"] == "consumer"
    assert {"exchange", "free_repair"} <= set(refused(result))


def test_r28_the_no_reason_return_is_for_online_sales_only():
    """R28 (scope): the 办法 covers online purchases; a shop purchase has no no-reason
    return."""
    result = run(**{**NO_REASON, "channel": "offline"}, report_date="2025-03-06")
    assert "return" not in offered(result)
    assert "return" in refused(result)


@pytest.mark.parametrize(
    "exception", ["custom_made", "perishable", "digital_unsealed", "periodicals"]
)
def test_r29_statutory_exceptions_exclude_the_no_reason_return(exception):
    """R29: made to order, perishable, unsealed digital goods, periodicals: no no-reason
    return, whether or not the consumer confirmed anything."""
    result = run(**NO_REASON, no_reason_exception=exception, report_date="2025-03-06")
    assert "return" not in offered(result)
    assert refused(result)["return"]["basis"].startswith("R29")


@pytest.mark.parametrize(
    "exception",
    ["health_safety_unsealed", "activation_devalues", "declared_near_expiry_or_defective"],
)
def test_r30_exceptions_need_the_consumers_confirmation_at_checkout(exception):
    """R30: these goods are excluded only if the consumer confirmed at checkout; without the
    confirmation the return stays (and a note explains why)."""
    confirmed = run(
        **NO_REASON,
        no_reason_exception=exception,
        consumer_confirmed_at_checkout=True,
        report_date="2025-03-06",
    )
    assert "return" not in offered(confirmed)
    assert refused(confirmed)["return"]["basis"].startswith("R30")

    for flag in (False, None):
        unconfirmed = run(
            **NO_REASON,
            no_reason_exception=exception,
            consumer_confirmed_at_checkout=flag,
            report_date="2025-03-06",
        )
        assert offered(unconfirmed)["return"]["deadline"] == LAST_7
        assert notes_with(unconfirmed, "R30")


def test_r31_goods_not_intact_cannot_be_returned_without_reason():
    """R31: goods that are no longer intact: no no-reason return. Intact unknown: a note
    reminds that inspection and reasonable testing do not spoil intactness."""
    result = run(**NO_REASON, goods_intact=False, report_date="2025-03-06")
    assert "return" not in offered(result)
    assert refused(result)["return"]["basis"].startswith("R31")

    unknown = run(**NO_REASON, report_date="2025-03-06")
    assert notes_with(unknown, "R31")
    assert "return" in offered(run(**NO_REASON, goods_intact=True, report_date="2025-03-06"))


@pytest.mark.parametrize(
    ("received", "last_day", "day_after"),
    [
        ("2025-03-03", "2025-03-10", "2025-03-11"),  # Mon -> Mon, no rest day
        ("2026-03-07", "2026-03-16", "2026-03-17"),  # 7th day Sat 03-14 -> Mon 03-16
        ("2025-09-24", "2025-10-09", "2025-10-10"),  # 7th day 10-01, National Day -> Thu 10-09
        ("2026-02-10", "2026-02-24", "2026-02-25"),  # 7th day 02-17, Spring Festival -> 02-24
        ("2026-02-07", "2026-02-14", "2026-02-15"),  # 7th day Sat 02-14 is a make-up workday
    ],
    ids=["plain", "weekend", "national-day", "spring-festival", "make-up-saturday"],
)
def test_r32_window_runs_d_plus_1_to_d_plus_7_with_rest_day_roll_over(
    received, last_day, day_after
):
    """R32/R38: signed for on day D: notice within D+1 … D+7; a 7th day on a rest day moves
    to the next working day; the day of receipt itself is fine too."""
    purchase = "2025-03-01" if received < "2026" else "2026-02-01"
    common = {**NO_REASON, "purchase_date": purchase, "received_date": received}
    for day in (received, last_day):
        result = run(**common, report_date=day)
        assert offered(result)["return"]["deadline"] == last_day, day
    late = run(**common, report_date=day_after)
    assert "return" not in offered(late)
    assert refused(late)["return"]["basis"].startswith("R27")


def test_r33_gifts_go_back_with_the_return():
    """R33: gifts, points and coupons are returned together with the goods."""
    assert notes_with(run(**NO_REASON, report_date="2025-03-06"), "R33")


def test_r34_refund_within_7_days_of_receiving_the_return():
    """R34: the refund is made within 7 days of receiving the returned goods."""
    fees = run(**NO_REASON, report_date="2025-03-06")["fees"]
    assert fees["refund_within_days"] == 7
    assert fees["refund_basis"].startswith("R34")


def test_r35_consumer_pays_the_return_shipping_of_a_no_reason_return():
    """R35: return shipping for a no-reason return is the consumer's, unless agreed."""
    fees = run(**NO_REASON, report_date="2025-03-06")["fees"]
    assert fees["return_shipping"] == "consumer"
    assert fees["return_shipping_basis"].startswith("R35")


@pytest.mark.parametrize("category", ["彩色电视机", "服装"])
def test_r36_online_quality_problem_the_business_pays_shipping(category):
    """R36: a defect in goods bought online falls under R25/三包, not the no-reason rules:
    the business pays transport and the return shipping."""
    result = run(category=category, channel="online", report_date="2025-03-06")
    assert "return" in offered(result)
    assert not offered(result)["return"]["basis"].startswith(("R27", "R32"))
    fees = result["fees"]
    assert fees["return_shipping"] == "business"
    assert fees["travel"] == "business"
    assert notes_with(result, "R36")


def test_r36_online_tv_without_a_fault_is_a_no_reason_return_at_the_consumers_cost():
    """R27/R36 contrast: the same online TV without a fault: the no-reason return, shipping
    paid by the consumer, and no free repair."""
    result = run(channel="online", problem="none", report_date="2025-03-06")
    assert cites(offered(result)["return"], "R27")
    assert result["fees"]["return_shipping"] == "consumer"
    assert "free_repair" not in offered(result)


# -- issue 18, part A: engine corrections, one test (or more) per item -------------------------


def test_r9_r6_issue_18_a1_day_11_no_same_model_tv_offers_a_return():
    """R9 (art. 13) with R6, issue 18 A1: a colour TV bought in a shop on Mon 2025-03-03, a
    quality fault on 03-14 (day 11: past the 7-day return, inside the 15 days). The exchange is
    due (R6), there is no same model, so the seller must take it back: a return under R9 until
    the exchange's last day (Tue 03-18), free of depreciation."""
    result = run(report_date="2025-03-14", same_model_available=False, price=3000)
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert cites(options["exchange"], "R6")
    assert cites(options["return"], "R9") and not cites(options["return"], "R5")
    assert "第十三条" in options["return"]["basis"]
    assert options["return"]["deadline"] == LAST_15
    assert result["fees"]["depreciation"] is None


@pytest.mark.parametrize(
    ("category", "basis"), [("移动电话机", "R18"), ("微型计算机", "R9")], ids=["phone", "pc"]
)
def test_r9_r17_r22_issue_18_a1_day_11_no_same_model_phone_and_pc(category, basis):
    """R9/R17/R22, issue 18 A1: the day 8–15 exchange of a phone (R17 art. 12) or a PC (R22
    art. 12) with no same model also gives a return (phones: R18 art. 18; PCs: R9)."""
    result = run(category=category, report_date="2025-03-14", same_model_available=False)
    options = offered(result)
    assert {"return", "exchange", "free_repair"} == set(options)
    assert cites(options["exchange"], "R17" if category == "移动电话机" else "R22")
    assert cites(options["return"], basis)
    assert options["return"]["deadline"] == LAST_15


def test_r21_issue_18_a2_phone_battery_without_invoice_free_repair_only():
    """R21 (with R16), issue 18 A2: a phone battery, no invoice and no 三包凭证, factory date
    2025-01-01, fault reported 2025-06-01. The period starts on the 90th day after the factory
    date (2025-04-01); the battery's 6 months end on 10-01, in the National Day break (R39), so
    on Thu 2025-10-09 (R38). Only free repair: no R19 exchange, no return."""
    result = run(
        **PHONE,
        component="电池",
        purchase_date=None,
        received_date=None,
        has_invoice_or_card=False,
        factory_date="2025-01-01",
        report_date="2025-06-01",
    )
    assert set(offered(result)) == {"free_repair"}
    assert cites(offered(result)["free_repair"], "R21")
    assert {"return", "exchange"} <= set(refused(result))
    assert refused(result)["exchange"]["basis"].startswith("R21")
    assert result["period"]["starts_on"] == "2025-04-01"
    assert result["period"]["unit"] == "component"
    assert result["warranty_end"] == "2025-10-09"


def test_r4_r23_issue_18_a3_disc_player_lost_documents_other_proof_return_on_day_3():
    """R4 (释义 6) with R23, issue 18 A3: a disc player (家用视听), invoice and 三包凭证 lost
    but the purchase otherwise proven; fault on day 3 (2025-03-06): every 三包 duty applies,
    the 7-day return included (unlike phones, R21, and PCs, R22 art. 9)."""
    result = run(
        category="影碟机",
        has_invoice_or_card=False,
        other_proof_of_purchase=True,
        report_date="2025-03-06",
    )
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert cites(options["return"], "R5")
    assert options["return"]["deadline"] == LAST_7
    assert notes_with(result, "R4")


@pytest.mark.parametrize("same_model", [None, True, False])
def test_r22_art9_issue_18_a3_pc_lost_documents_two_repairs_never_a_return(same_model):
    """R22 art. 9, issue 18 A3: a PC, documents lost, other proof, repaired twice and still
    failing, reported 2025-11-20: repair and exchange (R7) only, never a return (not even the
    R9 return when no same model is available)."""
    result = run(
        category="微型计算机",
        has_invoice_or_card=False,
        other_proof_of_purchase=True,
        prior_repairs=2,
        report_date="2025-11-20",
        same_model_available=same_model,
    )
    assert set(offered(result)) == {"exchange", "free_repair"}
    assert cites(offered(result)["exchange"], "R7")
    assert cites(offered(result)["free_repair"], "R22")
    assert refused(result)["return"]["basis"].startswith("R22")


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


def test_r1_r25_issue_18_a4_clothes_quality_defect_without_invoice():
    """R1 + R25 (CRPL art. 24), issue 18 A4: clothes are outside the catalogue, so the 三包
    condition of an invoice (R12 item 3) does not apply. A quality defect on day 2 (received
    Mon 2025-03-03, reported 03-05): return within 7 days of receipt (to Mon 03-10), then
    exchange or repair; nothing cites a 三包 article."""
    result = run(category="服装", has_invoice_or_card=False, report_date="2025-03-05")
    options = offered(result)
    assert set(options) == {"return", "exchange", "free_repair"}
    assert options["return"]["deadline"] == LAST_7
    for option in options.values():
        assert cites(option, "R25"), option
        assert not cites_sanbao(option["basis"]), option
    assert not cites_sanbao(result["fees"]["repair_basis"])

    late = run(category="服装", has_invoice_or_card=False, report_date="2025-03-11")
    assert set(offered(late)) == {"exchange", "free_repair"}
    assert cites(refused(late)["return"], "R25")


def test_r1_r12_issue_18_a4_clothes_misuse_paid_repair_cites_no_sanbao_article():
    """R1/R12, issue 18 A4: clothes damaged by misuse get a paid repair, but as the business's
    own service: neither the option nor the fee basis cites R12 or any other 三包 article."""
    result = run(category="服装", problem="misuse", report_date="2025-03-05")
    assert set(offered(result)) == {"paid_repair"}
    paid = offered(result)["paid_repair"]
    assert not cites_sanbao(paid["basis"]), paid
    assert not paid["basis"].startswith("R12")
    assert result["fees"]["parts"] == "consumer"
    assert not cites_sanbao(result["fees"]["repair_basis"])
    for r in result["refused"]:
        assert not cites_sanbao(r["basis"]), r


def test_r8_r38_issue_18_a5_30_day_limit_ending_in_labour_day_is_not_yet_passed():
    """R8 with R38/R39, issue 18 A5: a TV handed in Tue 2025-04-01 and still unrepaired on
    05-02 by the repairer's fault. The 30th day, 05-01, opens the Labour Day break (05-01 …
    05-05), so the limit runs to the end of Tue 05-06: on 05-02 (and 05-06) there is no R8
    exchange yet; on 05-07 there is."""
    repair = {"sent_for_repair": "2025-04-01", "delay_cause": "repairer"}
    for day in ("2025-05-02", "2025-05-06"):
        result = run(report_date=day, still_unrepaired_on=day, **repair)
        assert "exchange" not in offered(result), day
        assert "free_repair" in offered(result)
    over = run(report_date="2025-05-07", still_unrepaired_on="2025-05-07", **repair)
    assert cites(offered(over)["exchange"], "R8")
    assert "2025年5月6日" in offered(over)["exchange"]["why"]


def test_r8_r20_issue_18_a5_phone_60_day_limit_rolls_over_a_rest_day():
    """R20 with R38, issue 18 A5: a phone handed in 2025-03-31 for lack of parts; the 60th day
    is Fri 05-30, a working day, so the limit is passed on 05-31. Handed in 04-02 instead, the
    60th day is Sun 06-01, inside the Dragon Boat break (05-31 … 06-02): the limit runs to Tue
    06-03, and 06-03 is not yet over it."""
    parts = {**PHONE, "delay_cause": "producer_no_parts"}
    over = run(
        **parts,
        sent_for_repair="2025-03-31",
        report_date="2025-05-31",
        still_unrepaired_on="2025-05-31",
    )
    assert cites(offered(over)["exchange"], "R20")
    not_yet = run(
        **parts,
        sent_for_repair="2025-04-02",
        report_date="2025-06-03",
        still_unrepaired_on="2025-06-03",
    )
    assert "exchange" not in offered(not_yet)


def test_r26_issue_18_a6_motorcycles_are_durable_goods():
    """R26, issue 18 A6: the law names motor vehicles among the durable goods, so a 摩托车
    (catalogue, R14) misuse claim within 6 months of receipt puts the proof on the business:
    without its evidence the fault is a quality problem (free repair)."""
    result = run(category="摩托车", problem="misuse", report_date="2025-06-02")
    assert notes_with(result, "R26")
    assert "free_repair" in offered(result)
    assert "paid_repair" not in offered(result)
    alias = run(category="摩托", problem="misuse", report_date="2025-06-02")
    assert notes_with(alias, "R26")
    proved = run(category="摩托车", problem="misuse", misuse_evidence=True)
    assert set(offered(proved)) == {"paid_repair"}


def test_r2_r38_issue_18_a7_days_in_repair_are_returned_minus_handed_in():
    """R2 with R38 (docs/decisions.md), issue 18 A7: handed in 05-10 and back 05-30 is 20 days
    (returned − handed in; the hand-in day is not counted). The year from Mon 2025-03-03 ends
    on 2026-03-03 + 20 days = Mon 2026-03-23, a working day."""
    from datetime import date

    from aftersales.warranty.engine.periods import days_in_repair

    intervals = [["2025-05-10", "2025-05-30"]]
    result = run(report_date="2025-06-10", repair_intervals=intervals)
    assert result["period"]["extended_days"] == 20
    assert result["warranty_end"] == "2026-03-23"
    assert offered(result)["free_repair"]["deadline"] == "2026-03-23"
    assert notes_with(result, "顺延 20 日")
    assert days_in_repair([(date(2025, 5, 10), date(2025, 5, 30))], date(2025, 3, 3)) == 20
    assert days_in_repair([(date(2025, 5, 10), date(2025, 5, 10))], date(2025, 3, 3)) == 0


@pytest.mark.parametrize(
    ("alias", "category", "rule"),
    [
        ("手机", "移动电话机", "R17"),
        ("彩电", "彩色电视机", "R5"),
        ("电视", "彩色电视机", "R5"),
        ("电脑", "微型计算机", "R22"),
        ("笔记本", "微型计算机", "R22"),
        ("笔记本电脑", "微型计算机", "R22"),
        ("冰箱", "家用电冰箱", "R5"),
        ("空调", "家用空调器", "R5"),
        ("摩托", "摩托车", "R5"),
    ],
)
def test_r1_r14_issue_18_a8_category_aliases_map_to_the_catalogue(alias, category, rule):
    """R1/R14, issue 18 A8: the names people type stand for the catalogue category: the same
    answer as the catalogue name, plus a note saying which category was used."""
    by_alias = run(category=alias)
    by_name = run(category=category)
    assert by_alias["options"] == by_name["options"]
    assert by_alias["warranty_end"] == by_name["warranty_end"] == YEAR_END
    assert cites(offered(by_alias)["return"], rule)
    assert f"品类“{alias}”按“{category}”处理" in by_alias["notes"]


@pytest.mark.parametrize(
    ("given", "suggestion"),
    [("手提电脑", "微型计算机"), ("液晶电视机", "彩色电视机"), ("彩色电视几", "彩色电视机")],
)
def test_r1_issue_18_a8_unknown_category_like_a_catalogue_one_is_an_error(given, suggestion):
    """R1, issue 18 A8: a name that is not in the catalogue but resembles one is not silently
    treated as outside the catalogue: an EngineError on ``category`` suggests the category."""
    from aftersales.warranty.engine import EngineError

    with pytest.raises(EngineError) as caught:
        run(category=given)
    (error,) = caught.value.errors
    assert error.field == "category"
    assert error.code == "unknown"
    assert suggestion in error.suggestions
    assert f'您是否指"{suggestion}"' in error.zh or f"您是否指“{suggestion}”" in error.zh


@pytest.mark.parametrize(
    "changes",
    [
        {"problem": "none"},
        {"problem": "none", "channel": "online"},
        {"problem": "misuse", "misuse_evidence": True},
        {"problem": "unauthorized_repair"},
        {"problem": "force_majeure"},
        {"has_invoice_or_card": False},
        {"card_model_mismatch_or_altered": True},
        {"report_date": "2026-06-01"},
    ],
    ids=[
        "none",
        "none-online",
        "misuse",
        "unauthorised",
        "force-majeure",
        "no-docs",
        "card",
        "late",
    ],
)
def test_r2_r3_issue_18_a9_every_answer_states_the_end_of_the_period(changes):
    """R2/R3 (R12 exemptions, R27 no-reason), issue 18 A9: the answer states the 三包 period's
    end (Tue 2026-03-03 for the TV bought 2025-03-03) whatever it offers, also when exempt
    (paid repair only), when no problem is reported, or after the period."""
    result = run(**changes)
    assert result["warranty_end"] == YEAR_END
    assert result["period"]["starts_on"] == SALE
    assert result["warranty_end_provisional"] is False


def test_r16_r21_issue_18_a9_exempt_phone_component_states_its_own_period_end():
    """R16/R12, issue 18 A9: a misused phone battery (evidence given) still states the
    battery's 6-month end (Wed 2025-09-03)."""
    result = run(**PHONE, component="电池", problem="misuse", misuse_evidence=True)
    assert set(offered(result)) == {"paid_repair"}
    assert result["warranty_end"] == "2025-09-03"


def test_s5_a_company_free_repair_names_the_promise_once_in_its_fee_basis():
    """A company's free repair beyond the law (S5, the sales-contract preset): the fee basis
    reads 公司承诺：… once, as the option's basis does."""
    result = run("s5-s11-contract", received_date="2025-03-10", report_date="2026-03-05")
    assert offered(result)["free_repair"]["source"] == "company"
    basis = result["fees"]["repair_basis"]
    assert basis.startswith("公司承诺：") and "公司承诺：公司承诺" not in basis
