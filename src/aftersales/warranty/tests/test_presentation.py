"""The 三包 answer in English (issue 17, item 10): every rule the engine cites has an English
title, the sentences it writes are rendered in English with the Chinese one click away, notes
without a rendering say they are Chinese, and the policy editor's [未确认] notes stay off the
front-line panels."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.warranty import presentation as P
from aftersales.warranty.engine import PRESETS, EngineError, evaluate
from aftersales.warranty.engine import rules as R
from aftersales.warranty.engine.presets import NATIONAL
from aftersales.workdays.calendar import official_calendar

CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH = "aftersales_language"
TODAY = date(2026, 6, 1)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def answer(facts: dict, policy: str = "national") -> dict:
    base = {
        "channel": "offline",
        "report_date": TODAY.isoformat(),
        "problem": "quality",
        "has_invoice_or_card": True,
    }
    return evaluate({**base, **facts}, policy, calendar=official_calendar())


def bought(days: int) -> dict:
    day = (TODAY - timedelta(days=days)).isoformat()
    return {"purchase_date": day, "received_date": day}


# --- the rules cited ---------------------------------------------------------------------------


def test_every_basis_constant_of_the_engine_has_an_english_title():
    constants = {name for name in dir(R) if name.startswith("B_")}
    assert constants - set(P.BASIS_TITLES) == set(), "give the new basis an English title"
    for name in constants:
        assert not CJK.search(P.BASIS_TITLES[name]), name


def test_citations_read_in_english(english):
    cases = {
        R.B_R5: "R5 Provisions on Repair, Exchange and Return of Certain Goods, art. 9",
        "R2、R3 部分商品修理更换退货责任规定 第八条": "R2, R3 Provisions on Repair, Exchange and "
        "Return of Certain Goods, art. 8",
        "R22 第九条": "R22 art. 9",
        "R12 第 3 项；R4": "R12 item 3; R4",
        "R22 微型计算机商品修理更换退货责任规定 第十至十二条": "R22 Provisions on Repair, "
        "Exchange and Return of Microcomputers, arts. 10–12",
        "R8/R15 固定电话机商品修理更换退货责任规定 第二十、二十一、二十二条": "R8/R15 Provisions "
        "on Repair, Exchange and Return of Fixed Telephones, arts. 20, 21 and 22",
        "公司承诺：S3 二、2": "Our promise: S3 二、2",
    }
    for chinese, expected in cases.items():
        assert P.basis_english(chinese) == expected, chinese
    assert P.basis_english(f"{R.B_R9}（自发票日至退货日，扣除修理占用和待修时间）").endswith(
        "art. 13 (from the invoice date to the return date, less the days in repair or waiting "
        "for repair)"
    )
    assert P.basis_english("某公司自定的说法") is None  # shown in Chinese, labelled


# --- the sentences ------------------------------------------------------------------------------


def test_the_first_week_of_a_tv_in_english(english):
    shown = P.present_answer(answer({"category": "彩色电视机", **bought(5)}))
    options = {o["remedy"]: o for o in shown["options"]}
    why = str(options["return"]["why"])
    assert why.startswith("A performance fault within 7 days of sale (until 2026-")
    assert "the customer may choose a return, an exchange or a repair" in why
    assert str(options["return"]["basis"]) == P.BASIS_TITLES["B_R5"]
    # The Chinese original travels with it, word for word.
    assert options["return"]["original"].startswith("售出 7 日内（至 2026年")
    assert R.B_R5 in options["return"]["original"]
    assert str(options["free_repair"]["why"]).startswith(
        "Within the Three Guarantees period of the whole unit (until 2027-"
    )
    for o in shown["options"]:
        assert not CJK.search(str(o["why"]) + str(o["basis"]))
    for n in shown["notes"]:
        assert not n["text"].chinese and not CJK.search(str(n["text"])), n
        assert n["original"] and CJK.search(n["original"])


def test_a_chinese_page_shows_the_engine_words_as_they_are():
    with translation.override("zh-hans"):
        raw = answer({"category": "彩色电视机", **bought(5)})
        shown = P.present_answer(raw)
    assert [str(o["why"]) for o in shown["options"]] == [o["why"] for o in raw["options"]]
    assert all(o["original"] is None for o in shown["options"])
    assert all(n["original"] is None for n in shown["notes"])


def test_a_note_without_an_english_rendering_is_shown_in_chinese_and_says_so(english):
    said = P.text_said("S12 第六条：24 小时内答复，3 个工作日内安排上门")
    assert said.chinese and said.text.startswith("S12 第六条")
    assert P.text_said("R31：退回的商品须完好；为查验而拆封、合理调试不影响完好").text.startswith(
        "R31: returned goods must be intact"
    )


def test_unconfirmed_notes_are_for_the_policy_editor_only(english):
    raw = answer({"category": "家用电冰箱", **bought(5)})
    assert any("[未确认]" in n for n in raw["notes"])
    front = P.present_answer(raw)
    assert not any("unconfirmed" in str(n["text"]) for n in front["notes"])
    editor = P.present_answer(raw, editor=True)
    assert any(str(n["text"]).startswith("[unconfirmed] R14:") for n in editor["notes"])


def test_the_engine_sentences_all_read_in_english(english):
    """Many answers, every policy shipped: what the law gives (option, refusal, rule and the
    statutory notes) is English; only the company presets' own words stay Chinese."""
    rng = random.Random(17)
    categories = [*NATIONAL["categories"], "食品", "板式家具", "家具", "家用汽车", "日用品"]
    company_words = set()
    for data in PRESETS.values():
        company_words |= set(data.get("notes", [])) | {data.get("refund_penalty", "")}
        for rules in [data.get("default", {}), *data.get("categories", {}).values()]:
            company_words |= set(rules.get("unconfirmed", []))
    checked = 0
    for _ in range(800):
        days = rng.choice([1, 5, 10, 14, 40, 200, 400, 800, 1200])
        facts = {
            "category": rng.choice(categories),
            "channel": rng.choice(["online", "offline"]),
            **bought(days),
            "problem": rng.choice(["quality", "quality", "none", "misuse", "force_majeure"]),
            "has_invoice_or_card": rng.choice([True, True, False]),
            "prior_repairs": rng.choice([0, 0, 2, 3]),
        }
        if rng.random() < 0.3:
            facts["same_model_available"] = rng.choice([True, False])
        if rng.random() < 0.2:
            facts["sent_for_repair"] = (
                TODAY - timedelta(days=rng.choice([5, 40, 100]))
            ).isoformat()
            facts["delay_cause"] = rng.choice(["repairer", "producer_no_parts"])
        if rng.random() < 0.2:
            facts["no_reason_exception"] = rng.choice(list(R.EXCEPTION_TEXT))
        if rng.random() < 0.2:
            facts["failed_part"] = rng.choice(["显像管", "电池", "充电器", "压缩机", "主板"])
        try:
            raw = answer(facts, rng.choice(list(PRESETS)))
        except EngineError:
            continue
        shown = P.present_answer(raw, editor=True)
        for o in shown["options"]:
            text = f"{o['why']} {o['basis'] if o['source'] == 'law' else ''}"
            assert not CJK.search(text), (facts, o)
        for r in shown["refused"]:
            assert not CJK.search(f"{r['reason']} {r['basis']}"), (facts, r)
        for n in shown["notes"]:
            if n["text"].chinese:
                assert n["text"].text in company_words, n
        checked += 1
    assert checked > 500


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def tv(db):
    category = CategoryFactory(code="tv", name="电视", sanbao_category="彩色电视机")
    return ProductFactory(sku="TV-55E", name="55 寸电视", category=category, serial_tracked=True)


@pytest.fixture
def fridge_case(api_as, make_user, db):
    """A refrigerator (its national figures are unconfirmed) with a fault, bought 5 days ago."""
    category = CategoryFactory(code="fr", name="冰箱", sanbao_category="家用电冰箱")
    ProductFactory(sku="FR-1", name="冰箱", category=category)
    agent = make_user(Role.CUSTOMER_SERVICE, username="agent-en")
    response = api_as(agent).post(
        "/api/v1/tickets/",
        {
            "channel": "phone",
            "kind": "repair",
            "customer": {"name": "王小明", "phone": "13912345670"},
            "description": "冰箱不制冷",
            "product_sku": "FR-1",
            "purchase_date": (timezone.localdate() - timedelta(days=5)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    from aftersales.service.models import Case

    return agent, Case.objects.get(number=response.json()["number"])


def _panel(html: str) -> str:
    return re.search(r'data-testid="case-warranty-panel">(.*?)</div></div>', html, re.S).group(1)


def _without_chinese_originals(html: str) -> str:
    html = re.sub(r'<(div|span) lang="zh-Hans">.*?</\1>', "", html, flags=re.S)
    return re.sub(r"\(三包\)", "", html)


def test_the_case_panel_in_english_keeps_the_chinese_one_click_away(client, fridge_case):
    agent, case = fridge_case
    client.force_login(agent)
    client.cookies[ENGLISH] = "en"
    panel = _panel(client.get(f"/service/cases/{case.number}/").content.decode())
    assert "Three Guarantees (三包): what the rules give the customer" in panel
    assert "A performance fault within 7 days of sale" in panel
    assert P.BASIS_TITLES["B_R5"] in panel
    assert '<details class="zh-original' in panel and "<summary>Chinese original</summary>" in panel
    assert '<div lang="zh-Hans">售出 7 日内' in panel
    assert "[未确认]" not in panel and "unconfirmed" not in panel
    assert not CJK.search(re.sub(r"<[^>]+>", " ", _without_chinese_originals(panel)))

    client.cookies[ENGLISH] = "zh-hans"
    panel = _panel(client.get(f"/service/cases/{case.number}/").content.decode())
    assert "售出 7 日内" in panel and "Chinese original" not in panel
    assert "[未确认]" not in panel  # not for front-line staff in any language


def test_the_policy_page_shows_the_editor_its_unconfirmed_notes(client, make_user):
    client.force_login(make_user(Role.ADMIN, username="admin-en"))
    client.cookies[ENGLISH] = "en"
    html = client.post(
        "/warranty/policies/national/",
        {
            "submit": "try",
            "category": "家用电冰箱",
            "purchase_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "report_date": timezone.localdate().isoformat(),
            "problem": "quality",
            "channel": "offline",
        },
    ).content.decode()
    assert "[unconfirmed] R14:" in html
    assert '<div lang="zh-Hans">[未确认] R14' in html


def test_the_certificate_reads_in_english_with_the_company_main_parts(client, make_user, tv):
    """The demo company's policy names an LCD TV's main parts; the certificate lists them
    (the national catalogue's picture tube is for another kind of set)."""
    from aftersales.warranty.demo import DEMO_POLICY
    from aftersales.warranty.services.cards import card_issue
    from aftersales.warranty.services.policies import rulebook_make_default, rulebook_save

    admin = make_user(Role.ADMIN, username="admin-card")
    rulebook_save(actor=admin, key=DEMO_POLICY["key"], data=DEMO_POLICY)
    rulebook_make_default(actor=admin, key=DEMO_POLICY["key"])
    card = card_issue(
        actor=admin,
        product=tv,
        customer=CustomerFactory(),
        invoice_date=timezone.localdate() - timedelta(days=10),
    )
    parts = [p["name"] for p in card.terms["main_parts"]]
    # A policy's parts are a JSON object: PostgreSQL's jsonb keeps no key order.
    assert sorted(parts) == sorted(["液晶面板", "背光组件", "主板", "电源板"])
    assert "显像管" in [p["name"] for p in card.terms["statutory_main_parts"]]

    client.force_login(admin)
    client.cookies[ENGLISH] = "en"
    html = client.get(f"/warranty/cards/{card.number}/").content.decode()
    assert "Main part: LCD panel" in html and "Main part: backlight unit" in html
    assert "picture tube" not in html
    assert "Our Three Guarantees (三包) promise (main parts of LCD TVs)" in html
    assert "Free repair within the Three Guarantees period" in html
    assert "Damage from improper use, maintenance or storage." in html
    assert '<div lang="zh-Hans">因使用、维护、保管不当造成损坏的</div>' in html
    # The company's own promise has no English: shown in Chinese and labelled.
    assert '<span lang="zh-Hans">液晶电视主要部件' in html and "(Chinese original)" in html
