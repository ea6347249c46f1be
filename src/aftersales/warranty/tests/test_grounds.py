"""Grounds for a return beyond a fault: a misleading sale (WAR-5, S5, issue 18 B3) and goods
not of the ordered specification (WAR-3, S7, issue 18 B5), in the engine, the API, the
new-application form and in English."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from aftersales.warranty import presentation as P
from aftersales.warranty.engine import EngineError, evaluate
from aftersales.warranty.engine import rules as R
from aftersales.warranty.models import Application
from aftersales.workdays.calendar import official_calendar

CJK = re.compile(r"[\u3400-\u9fff]")
# A fixed today, after every date the tests give (the form refuses days still to come).
TODAY = datetime(2026, 12, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


# A TV bought in store, no fault: only the ground raised can give a return.
BASE = {
    "category": "彩色电视机",
    "channel": "offline",
    "purchase_date": "2026-09-20",
    "received_date": "2026-09-20",
    "report_date": "2026-10-09",
    "problem": "none",
    "has_invoice_or_card": True,
}


def answer(**facts) -> dict:
    return evaluate({**BASE, **facts}, calendar=official_calendar())


def option(result: dict, remedy: str) -> dict | None:
    return next((o for o in result["options"] if o["remedy"] == remedy), None)


def refusal(result: dict, remedy: str) -> dict | None:
    return next((r for r in result["refused"] if r["remedy"] == remedy), None)


# --- B3: a misleading sale ------------------------------------------------------------------


def test_misrepresentation_with_evidence_gives_a_return_for_15_working_days():
    """WAR-5, S5, issue 18 B3: discovered on Monday 2026-09-28, just before the National Day
    holiday (10-01 … 10-07, with Saturday 10-10 a working day): the 15 working days run to
    2026-10-23, not to 10-19 as fifteen weekdays would."""
    result = answer(misrepresented_on="2026-09-28", misrepresentation_evidence=True)
    ret = option(result, "return")
    assert ret is not None
    assert ret["source"] == "company"
    assert ret["basis"] == R.B_WAR5 and "WAR-5" in ret["basis"] and "S5" in ret["basis"]
    assert ret["deadline"] == "2026-10-23"
    assert date.fromisoformat(ret["deadline"]) == official_calendar().add_working_days(
        date(2026, 9, 28), 15
    )
    assert "15 个工作日" in ret["why"] and "2026年10月23日" in ret["why"]


def test_misrepresentation_reported_after_the_15_working_days_is_refused():
    """WAR-5, S5, issue 18 B3 (and WAR-13): notice one working day too late."""
    result = answer(
        misrepresented_on="2026-09-28",
        misrepresentation_evidence=True,
        report_date="2026-10-26",
    )
    assert option(result, "return") is None
    late = refusal(result, "return")
    assert late["basis"] == R.B_WAR5 and "15 个工作日" in late["reason"]


@pytest.mark.parametrize("evidence", [False, None])
def test_misrepresentation_without_evidence_is_refused_saying_evidence_is_needed(evidence):
    """WAR-5, S5, issue 18 B3: the buyer must give the evidence (S5: "并提供相关证据")."""
    facts = {"misrepresented_on": "2026-09-28"}
    if evidence is not None:
        facts["misrepresentation_evidence"] = evidence
    result = answer(**facts)
    assert option(result, "return") is None
    refused = refusal(result, "return")
    assert refused["basis"] == R.B_WAR5
    assert "须提供相关证据" in refused["reason"]


def test_evidence_without_the_discovery_date_asks_for_it():
    """WAR-5, S5, issue 18 B3: the 15 working days count from the discovery."""
    with pytest.raises(EngineError) as exc:
        answer(misrepresentation_evidence=True)
    assert [e.field for e in exc.value.errors] == ["misrepresented_on"]
    with pytest.raises(EngineError) as exc:
        answer(misrepresented_on="2026-09-01", misrepresentation_evidence=True)
    assert [e.field for e in exc.value.errors] == ["misrepresented_on"]  # before the sale


# --- B5: not the ordered specification --------------------------------------------------------


def test_spec_mismatch_offers_return_and_exchange_within_the_period():
    """WAR-3, issue 18 B5: on a case, not only at acceptance; WAR-3 (S7) names no period of
    its own, so within the 三包 period the answer states."""
    result = answer(spec_mismatch=True)
    for remedy in ("return", "exchange"):
        o = option(result, remedy)
        assert o is not None, remedy
        assert o["basis"] == R.B_WAR3 and "WAR-3" in o["basis"]
        assert o["source"] == "company"
        assert o["deadline"] == result["warranty_end"] == "2027-09-20"


def test_spec_mismatch_needs_proof_of_purchase_and_the_period():
    """WAR-3, issue 18 B5: S7 asks for the proof of purchase; after the period, refused."""
    no_proof = answer(spec_mismatch=True, has_invoice_or_card=False)
    assert option(no_proof, "exchange") is None and option(no_proof, "return") is None
    assert "购买凭证" in refusal(no_proof, "exchange")["reason"]
    late = answer(spec_mismatch=True, report_date="2027-10-08")
    assert option(late, "return") is None and option(late, "exchange") is None
    assert refusal(late, "return")["basis"] == R.B_WAR3


def test_without_the_grounds_nothing_changes():
    """WAR-3, WAR-5, issue 18 B3/B5: false or absent facts give the answer as before."""
    assert answer(spec_mismatch=False, misrepresentation_evidence=False) == answer()


# --- English --------------------------------------------------------------------------------


def test_the_grounds_read_in_english():
    """WAR-5, S5, issue 18 B3 / WAR-3, issue 18 B5: rules and reasons in English."""
    with translation.override("en"):
        for facts in (
            {"misrepresented_on": "2026-09-28", "misrepresentation_evidence": True},
            {"misrepresented_on": "2026-09-28"},
            {"misrepresented_on": "2026-09-28", "misrepresentation_evidence": True,
             "report_date": "2026-10-26"},
            {"spec_mismatch": True},
            {"spec_mismatch": True, "has_invoice_or_card": False},
            {"spec_mismatch": True, "report_date": "2027-10-08"},
        ):  # fmt: skip
            shown = P.present_answer(answer(**facts))
            for o in shown["options"]:
                assert not CJK.search(f"{o['why']} {o['basis']}"), (facts, o)
            for r in shown["refused"]:
                assert not CJK.search(f"{r['reason']} {r['basis']}"), (facts, r)


# --- the API and the form -------------------------------------------------------------------


def test_the_evaluate_api_takes_the_new_facts(api_as, agent):
    """WAR-5, S5, issue 18 B3 / WAR-3, issue 18 B5: POST /api/v1/warranty/evaluate/."""
    api = api_as(agent)
    body = {
        **BASE,
        "policy": "national",
        "misrepresented_on": "2026-09-28",
        "misrepresentation_evidence": True,
        "spec_mismatch": True,
    }
    r = api.post("/api/v1/warranty/evaluate/", body, format="json")
    assert r.status_code == 200, r.json()
    options = {o["remedy"]: o for o in r.json()["options"]}
    assert options["exchange"]["basis"] == R.B_WAR3
    # the later of the two grounds' last days stands for the return
    assert options["return"]["deadline"] == "2027-09-20"
    bad = api.post(
        "/api/v1/warranty/evaluate/",
        {**body, "misrepresentation_evidence": "yes", "spec_mismatch": 1},
        format="json",
    )
    assert bad.status_code == 400
    assert {"misrepresentation_evidence", "spec_mismatch"} <= set(bad.json()["fields"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = api.post(
        "/api/v1/warranty/evaluate/", {**body, "misrepresented_on": future}, format="json"
    )
    assert bad.status_code == 400 and "misrepresented_on" in bad.json()["fields"]


def _form(**fields) -> dict:
    return {
        "channel": "offline",
        "problem": "none",
        "prior_repairs": "0",
        "failed_part": "",
        "has_invoice_or_card_present": "1",
        "has_invoice_or_card": "1",
        "consumer_confirmed_at_checkout_present": "1",
        "misrepresentation_evidence_present": "1",
        "spec_mismatch_present": "1",
        "no_reason_exception": "",
        "policy": "",
        "submit": "evaluate",
        **fields,
    }


def test_the_application_form_carries_the_new_facts(client, agent, tv_case):
    """WAR-3, issue 18 B5 / WAR-5, S5, issue 18 B3: staff tick them on the new-application
    form and the answer follows."""
    client.force_login(agent)
    url = f"/warranty/new/?case={tv_case.number}"
    html = client.get(url).content.decode()
    assert 'name="spec_mismatch"' in html and 'name="misrepresented_on"' in html
    html = client.post(url, _form(spec_mismatch="1")).content.decode()
    offered = set(re.findall(r'data-testid="option-([a-z_]+)"', html))
    assert {"return", "exchange"} <= offered
    assert "WAR-3" in html
    discovered = (timezone.localdate() - timedelta(days=1)).isoformat()
    html = client.post(
        url, _form(misrepresented_on=discovered, misrepresentation_evidence="1")
    ).content.decode()
    assert 'data-testid="option-return"' in html and "WAR-5" in html
    assert f'value="{discovered}"' in html
    html = client.post(url, _form(misrepresented_on=discovered)).content.decode()
    assert 'data-testid="option-return"' not in html
    assert "须提供相关证据" in html
    assert not Application.objects.exists()
