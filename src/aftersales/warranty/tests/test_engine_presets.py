"""Company presets against their source texts (seed file, S1–S17) and the statutory floor, and
the engine's handling of bad input.

A company preset adds to the law (R1: stricter promises bind the company) and is marked
source "company" where it goes beyond the law; where a company term offers less than the
law, the law wins. No database.
"""

from __future__ import annotations

import pytest

from aftersales.warranty.engine import PRESETS, EngineError, Policy, evaluate

SALE = "2025-03-03"  # Monday
YEAR_END = "2026-03-03"  # Tuesday: one year after SALE (R38)


def facts(**changes) -> dict:
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


def run(policy, **changes) -> dict:
    return evaluate(facts(**changes), policy)


def offered(result: dict) -> dict[str, dict]:
    return {o["remedy"]: o for o in result["options"]}


def refused(result: dict) -> dict[str, dict]:
    return {r["remedy"]: r for r in result["refused"]}


def company(result: dict, remedy: str) -> dict:
    option = offered(result)[remedy]
    assert option["source"] == "company", option
    assert option["basis"].startswith("公司承诺"), option
    return option


def test_every_preset_is_offered_and_named_in_the_answer():
    expected = {
        "national",
        "s1-food",
        "s2-ecommerce",
        "s3-electronics",
        "s5-s11-contract",
        "s8-furniture",
        "s12-sanbao",
        "s14-sanbao",
        "s17-sanbao",
    }
    assert expected <= set(PRESETS)
    for key in expected:
        assert run(key)["policy"] == key


# -- S1: food company (seed lines 5–19) ---------------------------------------------------------


def test_s1_food_quality_complaint_return_or_exchange_beyond_7_days():
    """S1 二、4: complaints about food quality are accepted and resolved: return or exchange,
    also after the 7 days the consumer law gives (R25)."""
    result = run("s1-food", category="食品", report_date="2025-03-20")
    assert company(result, "return")
    assert "exchange" in offered(result)


def test_s1_perishable_food_bought_online_has_no_no_reason_return():
    """S1 (with R29): fresh or perishable food is excluded from the no-reason return."""
    result = run(
        "s1-food",
        category="食品",
        channel="online",
        problem="none",
        no_reason_exception="perishable",
    )
    assert "return" not in offered(result)


# -- S2: e-commerce (seed lines 20–39) --------------------------------------------------------


def test_s2_quality_return_within_7_working_days_of_receipt():
    """S2 一、1: a quality problem: return, exchange or repair within 7 working days.
    Received Wed 2025-09-24: working days 09-25, 09-26, 09-28 (make-up Sunday), 09-29, 09-30,
    then the National Day break, 10-09, 10-10 -> last day Fri 2025-10-10, one day past the
    legal 7 calendar days (10-01 rolled to 10-09, R25/R38)."""
    common = {
        "category": "服装",
        "channel": "online",
        "purchase_date": "2025-09-22",
        "received_date": "2025-09-24",
    }
    law = run("national", **common, report_date="2025-10-09")
    assert offered(law)["return"]["deadline"] == "2025-10-09"

    result = run("s2-ecommerce", **common, report_date="2025-10-10")
    option = company(result, "return")
    assert option["deadline"] == "2025-10-10"
    assert "S2" in option["basis"]

    late = run("s2-ecommerce", **common, report_date="2025-10-11")
    assert "return" not in offered(late)


def test_s2_seven_day_no_reason_return_and_lifetime_paid_repair():
    """S2 一、3: 七天无理由退货 online; 终身维修 (paid outside the warranty)."""
    none = run("s2-ecommerce", category="服装", channel="online", problem="none")
    assert offered(none)["return"]["deadline"] == "2025-03-10"
    misuse = run("s2-ecommerce", category="服装", channel="online", problem="misuse")
    assert set(offered(misuse)) == {"paid_repair"}


# -- S3: electronics (seed lines 40–57) -------------------------------------------------------


def test_s3_repair_longer_than_15_days_gives_replacement_or_full_refund():
    """S3 二、2: a repair taking more than 15 days: a replacement or a full refund. The law
    (R8) would need more than 30 days, so both come from the company. Handed in 2025-06-02:
    06-18 is day 16, 06-17 day 15."""
    repair = {"sent_for_repair": "2025-06-02", "delay_cause": "repairer"}
    over = run(
        "s3-electronics", **repair, still_unrepaired_on="2025-06-18", report_date="2025-06-18"
    )
    assert company(over, "exchange")
    assert company(over, "return")

    national = run("national", **repair, still_unrepaired_on="2025-06-18", report_date="2025-06-18")
    assert "exchange" not in offered(national)

    day15 = run(
        "s3-electronics", **repair, still_unrepaired_on="2025-06-17", report_date="2025-06-17"
    )
    assert "exchange" not in offered(day15)


def test_s3_free_repair_with_parts_and_labour_then_paid_repair():
    """S3 二、2 / 三、2: free repair for a year from sale with parts and labour; afterwards
    paid repair."""
    inside = run("s3-electronics", report_date="2025-12-01")
    assert offered(inside)["free_repair"]["deadline"] == YEAR_END
    assert inside["fees"]["parts"] == "business"
    assert inside["fees"]["labour"] == "business"
    outside = run("s3-electronics", report_date="2026-03-04")
    assert set(offered(outside)) == {"paid_repair"}


AGREED_YEAR = ["s3-electronics", "s5-s11-contract", "s8-furniture", "s12-sanbao", "s14-sanbao"]


@pytest.mark.parametrize("key", AGREED_YEAR)
def test_agreed_one_year_warranty_is_shown_for_goods_outside_the_catalogue(key):
    """R25: for goods outside the catalogue the agreed warranty period is the measure; each
    of these presets agrees one year (S3 二、2; S5 一、1; S8 三、3; S12 第五条; S14 一、2)."""
    result = run(key, category="蓝牙耳机", report_date="2025-12-01")
    assert result["warranty_end"] == YEAR_END
    assert "free_repair" in offered(result)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            k,
        )
        for k in AGREED_YEAR
    ],
)
def test_after_the_agreed_warranty_goods_outside_the_catalogue_get_paid_repair(key):
    """R25 ("依照国家规定、当事人约定"): the company's agreed year ends 2026-03-03; a fault
    reported 2026-06-01 on a non-catalogue product gets paid repair, not a free one, as it does
    for the presets that list the category by name (S8 板式家具, S17 日用品)."""
    result = run(key, category="蓝牙耳机", report_date="2026-06-01")
    assert result["warranty_end"] == YEAR_END
    assert "free_repair" not in offered(result)
    assert "exchange" not in offered(result)
    assert "paid_repair" in offered(result)


# -- S5 / S11: sales contract (seed lines 67–86 and 189–201) -----------------------------------


def test_s5_s11_quality_defect_full_refund_during_the_quality_period():
    """S5 二、1 a gives a return within 3 working days of receipt; S11 一、3 goes further: a
    confirmed defect gives a replacement or a full refund. Both come from the contract, not
    from the law (R25 allows a return for 7 days only)."""
    result = run("s5-s11-contract", category="办公设备", report_date="2025-06-02")
    option = company(result, "return")
    assert option["deadline"] == YEAR_END
    assert "S11" in option["basis"]
    assert "return" not in offered(run("national", category="办公设备", report_date="2025-06-02"))


def test_s5_three_working_days_never_cut_the_legal_seven_days():
    """S5 二、1 a says 3 working days; the law (R25) gives 7 days from receipt, and the
    contract's own S11 clause even more: on day 6 the return is still there."""
    result = run("s5-s11-contract", category="办公设备", report_date="2025-03-09")
    assert "return" in offered(result)


# -- S8: furniture (seed lines 126–144) -------------------------------------------------------

FURNITURE = {"category": "板式家具"}


def test_s8_serious_defect_within_15_days_of_delivery_return_exchange_or_repair():
    """S8 三、10: within 15 days of delivery (2025-03-03 -> Tue 03-18) a serious defect gives
    return, exchange or repair; the law alone gives a return only for 7 days (R25). The
    quality department judges the photos first (WAR-6): the return waits for its verdict."""
    pending = run("s8-furniture", **FURNITURE, report_date="2025-03-14")
    assert "return" not in offered(pending)
    assert refused(pending)["return"]["reason"] == "须待品质部根据照片判定为严重缺陷"
    assert refused(pending)["return"]["basis"].startswith("WAR-6 S8")
    not_serious = run(
        "s8-furniture", **FURNITURE, report_date="2025-03-14", quality_verdict="not_serious"
    )
    assert refused(not_serious)["return"]["reason"] == "品质部根据照片判定不属严重缺陷"
    day11 = run("s8-furniture", **FURNITURE, report_date="2025-03-14", quality_verdict="serious")
    option = company(day11, "return")
    assert option["deadline"] == "2025-03-18"
    assert "S8" in option["basis"]
    day16 = run("s8-furniture", **FURNITURE, report_date="2025-03-19", quality_verdict="serious")
    assert "return" not in offered(day16)


def test_s8_within_the_law_s_7_days_no_verdict_is_needed():
    """R25 is the floor (R1 art. 4): within 7 days of receipt the return stands whatever the
    quality department has yet to say about the photos (WAR-6 gates only S8's own promise)."""
    day5 = run("s8-furniture", **FURNITURE, report_date="2025-03-08")
    assert offered(day5)["return"]["source"] == "law"


def test_s8_one_year_period_then_paid_repair():
    """S8 三、3: the 三包 period is one year (from delivery): free repair until 2026-03-03,
    paid repair after."""
    inside = run("s8-furniture", **FURNITURE, report_date="2026-03-03")
    assert inside["warranty_end"] == YEAR_END
    assert offered(inside)["free_repair"]["deadline"] == YEAR_END
    outside = run("s8-furniture", **FURNITURE, report_date="2026-03-04")
    assert set(offered(outside)) == {"paid_repair"}


def test_s8_glass_and_mirror_six_months():
    """S8 三、3: mould spots and fogging on glass or mirrors have six months: delivered
    2025-03-03, the period ends Wed 2025-09-03; a report on 2025-11-03 gets paid repair."""
    result = run("s8-furniture", **FURNITURE, failed_part="玻璃", report_date="2025-11-03")
    assert result["warranty_end"] == "2025-09-03"
    assert "free_repair" not in offered(result)
    assert "paid_repair" in offered(result)


def test_s8_dealer_and_factory_share_and_traceability_notes():
    """S8 三、2/三、9/三、11: who sells is responsible; batch numbers; 50 % split."""
    notes = " ".join(run("s8-furniture", **FURNITURE)["notes"])
    assert "50%" in notes
    assert "批号" in notes


# -- S12 (seed lines 202–219) -----------------------------------------------------------------


def test_s12_return_accepted_unconditionally_during_the_warranty():
    """S12 第九条: a customer asking for a return is accepted: in month 3 of a TV's life the
    law has no return any more (R5), the company does."""
    result = run("s12-sanbao", report_date="2025-06-02")
    option = company(result, "return")
    assert option["deadline"] == YEAR_END
    assert "return" not in offered(run("national", report_date="2025-06-02"))


def test_s12_exchange_when_the_repair_failed():
    """S12 第八条: not repairable: exchange for the same model, before the law's two repairs
    (R7)."""
    result = run("s12-sanbao", report_date="2025-06-02", prior_repairs=1)
    assert company(result, "exchange")
    assert "exchange" not in offered(run("national", report_date="2025-06-02", prior_repairs=1))


def test_s12_misuse_paid_repair_only():
    """S12 第四条 2 (and R12): damage from improper use (proved, R26): paid repair."""
    result = run("s12-sanbao", problem="misuse", misuse_evidence=True, report_date="2025-06-02")
    assert set(offered(result)) == {"paid_repair"}


# -- S14 (seed lines 246–261) -----------------------------------------------------------------


def test_s14_exchange_when_not_repaired_in_time():
    """S14 二、3: not repaired in time (preset: more than 15 days): exchange."""
    result = run(
        "s14-sanbao",
        sent_for_repair="2025-06-02",
        still_unrepaired_on="2025-06-18",
        delay_cause="repairer",
        report_date="2025-06-18",
    )
    assert company(result, "exchange")


def test_s14_refund_in_15_days_never_slows_the_legal_7_day_refund():
    """S14 二、2 says refunds within 15 days; a no-reason online return must be refunded
    within 7 days (R34), so the law's 7 stands. The penalty note is shown."""
    result = run("s14-sanbao", category="服装", channel="online", problem="none")
    assert result["fees"]["refund_within_days"] == 7
    assert any("三倍" in n for n in result["notes"])


def test_s14_return_when_the_problem_cannot_be_solved():
    """S14 二、1 / 四、3: a quality problem that cannot be solved: return."""
    result = run("s14-sanbao", prior_repairs=2, report_date="2025-06-18")
    assert "return" in offered(result)


# -- S17 (seed lines 304–319) -----------------------------------------------------------------


def test_s17_periods_by_category():
    """S17 第六条: electronics and household appliances 1 year, daily goods 6 months, from
    the day of purchase."""
    electronics = run("s17-sanbao", category="电子产品", report_date="2026-03-03")
    assert electronics["warranty_end"] == YEAR_END
    assert "free_repair" in offered(electronics)
    daily = run("s17-sanbao", category="日用品", report_date="2025-09-03")
    assert daily["warranty_end"] == "2025-09-03"
    assert "free_repair" in offered(daily)
    late = run("s17-sanbao", category="日用品", report_date="2025-09-04")
    assert set(offered(late)) == {"paid_repair"}


@pytest.mark.parametrize("category", ["电子产品", "彩色电视机"])
def test_s17_charges_parts_but_the_law_makes_a_quality_repair_free(category):
    """S17 第十条 charges parts and travel to the consumer; a quality repair within the
    period is free of parts and labour, and transport is the business's (R11, R25)."""
    result = run("s17-sanbao", category=category, report_date="2025-06-02")
    assert "free_repair" in offered(result)
    fees = result["fees"]
    assert fees["parts"] == "business"
    assert fees["labour"] == "business"
    assert fees["travel"] == "business"


def test_s17_lost_warranty_card_does_not_remove_sanbao():
    """S17 第七条 4 excludes goods whose warranty card is lost; under R4 a TV with other proof
    of purchase keeps 三包 (free repair), and the company's term is shown as a note only."""
    result = run(
        "s17-sanbao",
        has_invoice_or_card=False,
        other_proof_of_purchase=True,
        report_date="2025-06-02",
    )
    assert "free_repair" in offered(result)
    assert any("保修卡" in n for n in result["notes"])


# -- a company policy built from data ---------------------------------------------------------


def test_a_company_policy_from_data_layers_on_the_national_floor():
    """R1 art. 4: a company promise of a 30-day no-reason return online is binding and shown
    as the company's; the law's 7 days stay under it."""
    policy = Policy.from_dict(
        {
            "key": "acme",
            "name": "Acme",
            "layer_on": "national",
            "promises": [
                {
                    "id": "acme-30",
                    "remedies": ["return"],
                    "problems": ["none"],
                    "channels": ["online"],
                    "within": {"amount": 30, "unit": "days", "from": "receipt"},
                    "text": "30 天无理由退货",
                    "basis": "Acme 承诺",
                }
            ],
        }
    )
    result = evaluate(facts(category="服装", channel="online", problem="none"), policy)
    option = company(result, "return")
    assert option["deadline"] == "2025-04-02"  # 30 days after Mon 03-03: Wed 04-02
    assert result["policy"] == "acme"


# -- bad input --------------------------------------------------------------------------------


def test_unknown_fact_is_named():
    with pytest.raises(EngineError) as info:
        evaluate(facts(colour="red"))
    assert "colour" in info.value.by_field("en")
    assert info.value.by_field("zh")["colour"] == ["未知的事实字段。"]


def test_impossible_date_is_named_in_both_languages():
    with pytest.raises(EngineError) as info:
        evaluate(facts(purchase_date="2026-02-30", received_date=None, report_date="2026-03-05"))
    en = info.value.by_field("en")["purchase_date"][0]
    zh = info.value.by_field("zh")["purchase_date"][0]
    assert "2026-02-30" in en
    assert "日期" in zh


def test_report_before_purchase_is_refused():
    with pytest.raises(EngineError) as info:
        evaluate(facts(report_date="2025-03-01"))
    assert "report_date" in info.value.by_field("en")


def test_every_problem_is_reported_at_once():
    with pytest.raises(EngineError) as info:
        evaluate({"category": "彩色电视机", "channel": "shop", "problem": "broken", "x": 1})
    fields = set(info.value.by_field("en"))
    assert {"channel", "problem", "report_date", "x"} <= fields


def test_unknown_policy_is_an_engine_error():
    with pytest.raises(EngineError) as info:
        evaluate(facts(), "no-such-policy")
    assert "policy" in info.value.by_field("en")


def test_bad_policy_data_names_each_field_path_in_english_and_chinese():
    data = {
        "key": "bad",
        "layer_on": "national",
        "categories": {"手表": {"whole_unit_months": "twelve", "colour": "red"}},
        "promises": [{"remedies": ["refund"], "within": {"unit": "weeks"}}],
        "fees": {"parts": "nobody"},
    }
    with pytest.raises(EngineError) as info:
        Policy.from_dict(data)
    en = info.value.by_field("en")
    zh = info.value.by_field("zh")
    for path in (
        "categories.手表.whole_unit_months",
        "categories.手表.colour",
        "promises[0].remedies",
        "promises[0].within.amount",
        "promises[0].within.unit",
        "fees.parts",
    ):
        assert path in en, path
        assert path in zh, path
    assert en["categories.手表.whole_unit_months"] == ["Must be a whole number."]
    assert zh["categories.手表.whole_unit_months"] == ["必须是整数。"]
    assert "refund" in en["promises[0].remedies"][0]
    assert "refund" in zh["promises[0].remedies"][0]
    assert zh["promises[0].within.amount"] == ["此项必填。"]


def test_policy_layered_on_an_unknown_policy_is_refused():
    with pytest.raises(EngineError) as info:
        Policy.from_dict({"key": "x", "layer_on": "nowhere"})
    assert "layer_on" in info.value.by_field("en")
