"""The 三包 policy pages (WAR-1): every policy listed, the try-it panel, the administrator's JSON
editor (checked by the engine before anything is saved, kept in the history), "make default"
and "reset to shipped figures", and the engine API on a company policy."""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.warranty.engine import PRESETS
from aftersales.warranty.engine.periods import Periods, add_months
from aftersales.warranty.models import Rulebook
from aftersales.warranty.services import policies
from aftersales.warranty.services.evaluation import evaluate_facts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Parsed policies are cached by (key, version); each test's database starts again at the
    shipped version, so a copy parsed in an earlier test must not answer here."""
    policies._CACHE.clear()
    yield
    policies._CACHE.clear()


@pytest.fixture
def viewer(make_user):
    return make_user(Role.SERVICE, username="svc-view", full_name="周敏")


# --- helpers ------------------------------------------------------------------------------------


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def textarea_json(html: str) -> dict:
    found = re.search(r'<textarea[^>]*data-testid="policy-json"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no JSON editor on the page"
    return json.loads(htmllib.unescape(found.group(1)))


def policy_errors(html: str) -> list[tuple[str, str]]:
    """(field path, message) of each error listed above the editor."""
    box = re.search(r'data-testid="policy-errors">(.*?)</div>', html, re.S)
    assert box, "no error list on the page"
    return [
        (htmllib.unescape(f), htmllib.unescape(m).strip())
        for f, m in re.findall(r"<li><code>(.*?)</code>: (.*?)</li>", box.group(1), re.S)
    ]


def messages_on(html: str) -> str:
    found = re.search(r'<div class="messages">(.*?)</div>\s*(?:</div>|<)', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def save(client, key: str, data, *, version=None):
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2)
    row = Rulebook.objects.get(key=key)
    return client.post(
        f"/warranty/policies/{key}/",
        {"submit": "save", "data": text, "version": row.version if version is None else version},
    )


def months_ago(n: int, day: int = 10) -> date:
    today = timezone.localdate()
    total = today.year * 12 + today.month - 1 - n
    return date(total // 12, total % 12 + 1, day)


def fridge_facts() -> dict:
    """A refrigerator bought 42 months ago whose compressor failed (R14: main part)."""
    return {
        "category": "家用电冰箱",
        "channel": "offline",
        "purchase_date": months_ago(42).isoformat(),
        "report_date": timezone.localdate().isoformat(),
        "problem": "quality",
        "has_invoice_or_card": True,
        "failed_part": "压缩机",
    }


# --- the list and the detail page ---------------------------------------------------------------


def test_the_list_shows_every_shipped_policy_with_the_floor_as_default(client, viewer):
    """WAR-1: the statutory floor and each company policy of the source documents."""
    client.force_login(viewer)
    html = page(client, "/warranty/policies/")
    rows = re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)">(.*?)</a>', html, re.S)
    assert rows[0][0] == "/warranty/policies/national/"  # the default first
    assert {href.split("/")[-2] for href, _ in rows} == set(PRESETS)
    by_key = {href.split("/")[-2]: body for href, body in rows}
    national = by_key.pop("national")
    assert "国家三包规定与消费者权益保护法（法定底线）" in national
    assert "默认" in national and "法定底线" in national and "公司承诺" not in national
    for key, body in by_key.items():
        assert PRESETS[key]["name"] in body
        assert "公司承诺" in body and "法定底线" not in body and ">默认<" not in body, key
    assert "售后服务三包管理规定（15 日退款，延保）" in by_key["s14-sanbao"]


def test_a_reader_sees_the_rules_but_cannot_change_them(client, viewer):
    client.force_login(viewer)
    html = page(client, "/warranty/policies/national/")
    assert "规则" in html and "编辑规则" not in html
    assert re.search(r'<textarea[^>]*data-testid="policy-json"[^>]*readonly', html)
    assert 'data-testid="policy-save"' not in html
    assert ">设为默认</button>" not in html and "恢复预设数据" not in html
    assert textarea_json(html)["categories"]["家用电冰箱"]["main_parts"] == {"压缩机": 36}
    assert "[未确认]" in html  # the unconfirmed figures are flagged for whoever checks them


def test_quality_inspection_and_unknown_policies_are_404(client, viewer, make_user):
    client.force_login(viewer)
    assert client.get("/warranty/policies/no-such-policy/").status_code == 404
    client.force_login(make_user(Role.QUALITY_INSPECTION))
    assert client.get("/warranty/policies/").status_code == 404
    assert client.get("/warranty/policies/national/").status_code == 404


def test_the_try_it_panel_answers_for_a_phone(client, viewer):
    """R17: a mobile phone with a fault five days after the sale may be returned."""
    client.force_login(viewer)
    today = timezone.localdate()
    bought = (today - timedelta(days=5)).isoformat()
    response = client.post(
        "/warranty/policies/national/",
        {
            "submit": "try",
            "category": "移动电话机",
            "channel": "offline",
            "problem": "quality",
            "purchase_date": bought,
            "received_date": bought,
            "report_date": today.isoformat(),
            "prior_repairs": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    offered = set(re.findall(r'data-testid="option-([a-z_]+)"', html))
    assert offered == {"return", "exchange", "free_repair"}
    assert "可退货" in html
    assert "R17 移动电话机商品修理更换退货责任规定 第十一条" in html
    assert "R17 移动电话机商品修理更换退货责任规定 第十二条" in html  # the exchange
    assert 'value="移动电话机"' in html  # the facts stay on the form
    assert Rulebook.objects.get(key="national").version == 1  # trying changes nothing


def test_the_try_it_panel_names_an_impossible_date(client, viewer):
    client.force_login(viewer)
    today = timezone.localdate()
    response = client.post(
        "/warranty/policies/national/",
        {
            "submit": "try",
            "category": "移动电话机",
            "purchase_date": today.isoformat(),
            "received_date": (today - timedelta(days=3)).isoformat(),
        },
    )
    assert ("try.received_date", "签收日期早于购买日期。") in policy_errors(
        response.content.decode()
    )


# --- editing ------------------------------------------------------------------------------------


def test_an_administrator_corrects_an_unconfirmed_figure_and_the_engine_uses_it(
    client, admin_user, api_as
):
    """WAR-1: the 未确认 compressor period of a refrigerator (R14) corrected from 36 to 48
    months without a release; the next answer, on the pages and the API, uses it."""
    before = evaluate_facts(fridge_facts())
    assert before["period"]["months"] == 36
    assert [o["remedy"] for o in before["options"]] == ["paid_repair"]  # 42 months: expired

    client.force_login(admin_user)
    html = page(client, "/warranty/policies/national/")
    assert "编辑规则" in html and 'data-testid="policy-save"' in html
    data = textarea_json(html)
    data["categories"]["家用电冰箱"]["main_parts"]["压缩机"] = 48
    response = save(client, "national", data)
    assert response.status_code == 302
    assert response["Location"] == "/warranty/policies/national/"

    html = page(client, "/warranty/policies/national/")
    assert "政策已保存，此后的判定将使用新规则。" in messages_on(html)
    assert textarea_json(html)["categories"]["家用电冰箱"]["main_parts"] == {"压缩机": 48}
    row = Rulebook.objects.get(key="national")
    assert row.version == 2 and row.is_default

    after = evaluate_facts(fridge_facts())
    assert after["period"]["months"] == 48 and after["period"]["part"] == "压缩机"
    # R2/R3: 48 months from the invoice date, a last day on a rest day moving to the next
    # working day (2026-05-10 was a Sunday, so 36 months from 2023-05-10 ended on the 11th)
    purchase = months_ago(42)
    assert before["warranty_end"] == Periods().months_end(purchase, 36).isoformat()
    assert after["warranty_end"] == Periods().months_end(purchase, 48).isoformat()
    end_after = date.fromisoformat(after["warranty_end"])
    assert add_months(purchase, 48) <= end_after <= add_months(purchase, 48) + timedelta(days=7)
    assert end_after > timezone.localdate()
    assert [o["remedy"] for o in after["options"]] == ["free_repair"]

    api = api_as(admin_user).post("/api/v1/warranty/evaluate/", fridge_facts(), format="json")
    assert api.status_code == 200
    assert api.json()["warranty_end"] == after["warranty_end"]
    assert api.json()["policy"] == "national"

    # The change is in the history, with who made it.
    assert "修改记录" in html and "管理员甲" in html and "v2" in html
    assert row.history.filter(version=2, history_user=admin_user).exists()


def test_text_that_is_not_json_is_shown_back_with_the_place_of_the_error(client, admin_user):
    client.force_login(admin_user)
    response = save(client, "national", '{"key": "national",\n  "name": }')
    assert response.status_code == 200
    html = response.content.decode()
    ((field, message),) = policy_errors(html)
    assert field == "data"
    assert message.startswith("JSON 格式错误，第 2 行第 11 列：")
    assert '"name": }' in htmllib.unescape(html)  # the text is kept for correcting
    row = Rulebook.objects.get(key="national")
    assert row.version == 1 and row.data == PRESETS["national"]


def test_invalid_figures_and_unknown_fields_name_each_field_and_save_nothing(client, admin_user):
    client.force_login(admin_user)
    data = json.loads(json.dumps(PRESETS["national"]))
    data["categories"]["彩色电视机"]["whole_unit_months"] = -1
    data["categories"]["彩色电视机"]["保修卡颜色"] = "红"
    data["categories"]["家用电冰箱"]["main_parts"]["压缩机"] = 0
    response = save(client, "national", data)
    assert response.status_code == 200
    errors = policy_errors(response.content.decode())
    assert ("categories.彩色电视机.whole_unit_months", "必须在 1 到 600 之间。") in errors
    assert ("categories.彩色电视机.保修卡颜色", "未知字段。") in errors
    assert ("categories.家用电冰箱.main_parts.压缩机", "月数必须是 1 到 600 的整数。") in errors
    assert len(errors) == 3
    row = Rulebook.objects.get(key="national")
    assert row.version == 1 and row.data == PRESETS["national"]
    assert evaluate_facts(fridge_facts())["period"]["months"] == 36


def test_a_misspelt_promise_window_is_refused_not_ignored(client, admin_user):
    """A typo must not widen a promise: an administrator who writes "withn" to limit the S14
    repair promise to 30 days gets it saved with no limit at all, and "refund_day" leaves the
    15-day refund promise unchanged without a word. The editor should name each unknown key
    and save nothing."""
    client.force_login(admin_user)
    data = json.loads(json.dumps(PRESETS["s14-sanbao"]))
    data["promises"][0]["withn"] = {"amount": 30, "unit": "days", "from": "sale"}
    data["refund_day"] = 10
    response = save(client, "s14-sanbao", data)
    assert response.status_code == 200
    fields = {f for f, _ in policy_errors(response.content.decode())}
    assert {"promises[0].withn", "refund_day"} <= fields
    assert Rulebook.objects.get(key="s14-sanbao").version == 1


def test_a_company_policy_must_build_on_the_statutory_floor(client, admin_user):
    """R1: 三包 figures are minimums; a company policy layers on them, never replaces them."""
    client.force_login(admin_user)
    data = json.loads(json.dumps(PRESETS["s14-sanbao"]))
    del data["layer_on"]
    response = save(client, "s14-sanbao", data)
    assert response.status_code == 200
    assert policy_errors(response.content.decode()) == [
        ("layer_on", "公司政策须建立在法定底线之上：请设置 “layer_on”: “national”。")
    ]
    row = Rulebook.objects.get(key="s14-sanbao")
    assert row.version == 1 and row.data["layer_on"] == "national"


def test_a_policy_cannot_build_on_itself(client, admin_user):
    client.force_login(admin_user)
    data = {**json.loads(json.dumps(PRESETS["s14-sanbao"])), "layer_on": "s14-sanbao"}
    response = save(client, "s14-sanbao", data)
    assert ("layer_on", "政策不能以自身为基础。") in policy_errors(response.content.decode())
    assert Rulebook.objects.get(key="s14-sanbao").version == 1


def test_a_save_over_someone_elses_change_is_refused(client, admin_user, make_user):
    """Two administrators edit at once: the second save, made from the older text, is refused
    instead of silently undoing the first."""
    client.force_login(admin_user)
    first = json.loads(json.dumps(PRESETS["national"]))
    first["categories"]["家用电冰箱"]["main_parts"]["压缩机"] = 48
    assert save(client, "national", first, version=1).status_code == 302
    second = json.loads(json.dumps(PRESETS["national"]))
    second["categories"]["洗衣机"]["main_parts"]["电动机"] = 48
    response = save(client, "national", second, version=1)
    assert response.status_code == 200
    ((field, message),) = policy_errors(response.content.decode())
    assert field == "data" and message == "您打开此记录后，其他人已修改了它。请刷新后重试。"
    row = Rulebook.objects.get(key="national")
    assert row.version == 2
    assert row.data["categories"]["家用电冰箱"]["main_parts"]["压缩机"] == 48
    assert row.data["categories"]["洗衣机"]["main_parts"]["电动机"] == 36


def test_a_non_administrator_cannot_save_or_change_the_default(client, viewer):
    client.force_login(viewer)
    data = json.loads(json.dumps(PRESETS["national"]))
    data["categories"]["家用电冰箱"]["main_parts"]["压缩机"] = 48
    assert save(client, "national", data).status_code == 404

    response = client.post("/warranty/policies/s14-sanbao/default/", follow=True)
    assert "只有管理员可以修改三包政策。" in messages_on(response.content.decode())
    response = client.post("/warranty/policies/national/reset/", follow=True)
    assert "只有管理员可以修改三包政策。" in messages_on(response.content.decode())

    row = Rulebook.objects.get(key="national")
    assert row.version == 1 and row.is_default and row.data == PRESETS["national"]
    assert not Rulebook.objects.get(key="s14-sanbao").is_default
    assert evaluate_facts(fridge_facts())["period"]["months"] == 36


# --- make default, reset ------------------------------------------------------------------------


def test_make_default_changes_what_answers_use_and_is_kept_in_the_history(
    client, admin_user, viewer
):
    client.force_login(admin_user)
    html = page(client, "/warranty/policies/s14-sanbao/")
    assert ">设为默认</button>" in html
    response = client.post("/warranty/policies/s14-sanbao/default/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/warranty/policies/s14-sanbao/", 302)]
    assert "已设为默认政策。" in messages_on(html)
    assert re.search(
        r"<h1[^>]*>售后服务三包管理规定（15 日退款，延保） <span[^>]*>默认</span>", html
    )
    assert ">设为默认</button>" not in html
    assert "修改记录" in html and "管理员甲" in html

    assert evaluate_facts(fridge_facts())["policy"] == "s14-sanbao"
    s14 = Rulebook.objects.get(key="s14-sanbao")
    national = Rulebook.objects.get(key="national")
    assert s14.is_default and not national.is_default
    assert s14.history.filter(is_default=True, history_user=admin_user).exists()

    client.force_login(viewer)
    listing = page(client, "/warranty/policies/")
    first = re.search(r'<a class="list-group-item[^"]*" href="([^"]+)">(.*?)</a>', listing, re.S)
    assert first.group(1) == "/warranty/policies/s14-sanbao/" and "默认" in first.group(2)


def test_the_old_default_records_that_it_stopped_being_the_default(client, admin_user):
    """SEC-2 / WAR-1: every change of a policy is in its history, including losing the
    default flag when another policy is made the default."""
    client.force_login(admin_user)
    client.post("/warranty/policies/s14-sanbao/default/")
    national = Rulebook.objects.get(key="national")
    assert not national.is_default
    assert national.history.filter(is_default=False, history_user=admin_user).exists()


def test_reset_brings_back_the_shipped_figures_and_keeps_the_edit_in_the_history(
    client, admin_user
):
    client.force_login(admin_user)
    data = json.loads(json.dumps(PRESETS["national"]))
    data["categories"]["家用电冰箱"]["main_parts"]["压缩机"] = 48
    assert save(client, "national", data).status_code == 302
    assert evaluate_facts(fridge_facts())["period"]["months"] == 48

    html = page(client, "/warranty/policies/national/")
    assert "恢复预设数据" in html
    response = client.post("/warranty/policies/national/reset/", follow=True)
    html = response.content.decode()
    assert "已恢复预设数据。" in messages_on(html)
    assert textarea_json(html)["categories"]["家用电冰箱"]["main_parts"] == {"压缩机": 36}
    assert evaluate_facts(fridge_facts())["period"]["months"] == 36

    row = Rulebook.objects.get(key="national")
    assert row.version == 3 and row.data == PRESETS["national"]
    kept = {
        h.version: h.data["categories"]["家用电冰箱"]["main_parts"]["压缩机"]
        for h in row.history.filter(history_user=admin_user)
    }
    assert kept == {2: 48, 3: 36}
    assert "v3" in html and "v2" in html


def test_only_a_shipped_policy_can_be_reset(client, admin_user):
    client.force_login(admin_user)
    data = {
        "key": "own-promise",
        "name": "本公司延保",
        "layer_on": "national",
        "default": {"whole_unit_months": 24, "basis": "公司延保"},
    }
    policies.rulebook_save(actor=admin_user, key="own-promise", data=data)
    html = page(client, "/warranty/policies/own-promise/")
    assert "恢复预设数据" not in html and ">设为默认</button>" in html
    response = client.post("/warranty/policies/own-promise/reset/", follow=True)
    assert "只有系统预设的政策可以恢复。" in messages_on(response.content.decode())
    assert Rulebook.objects.get(key="own-promise").data["default"]["whole_unit_months"] == 24


# --- the engine API on a company policy ---------------------------------------------------------


def test_the_api_answers_with_the_company_promise_on_top_of_the_floor(api_as, viewer):
    """S14 二、1 / 四、3: after two repairs the company takes the goods back (a promise beyond
    the law for goods outside the 三包 catalogue), and refunds within 15 days."""
    today = timezone.localdate()
    bought = (today - timedelta(days=200)).isoformat()
    response = api_as(viewer).post(
        "/api/v1/warranty/evaluate/",
        {
            "policy": "s14-sanbao",
            "category": "日用品",
            "channel": "offline",
            "purchase_date": bought,
            "received_date": bought,
            "report_date": today.isoformat(),
            "problem": "quality",
            "prior_repairs": 2,
            "has_invoice_or_card": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["policy"] == "s14-sanbao"
    options = {o["remedy"]: o for o in body["options"]}
    assert options["return"]["source"] == "company"
    assert options["return"]["basis"] == "公司承诺：S14 二、1；四、3"
    assert options["free_repair"]["source"] == "law"  # the floor stays underneath (R1)
    assert body["fees"]["refund_within_days"] == 15


def test_unknown_facts_answer_400_naming_each_key_in_chinese(api_as, viewer):
    response = api_as(viewer).post(
        "/api/v1/warranty/evaluate/",
        {"category": "彩色电视机", "colour": "黑色", "screen_inches": 55},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["colour"] == ["未知的事实字段。"]
    assert fields["screen_inches"] == ["未知的事实字段。"]
    assert fields["report_date"] == ["此项必填。"]  # every problem at once, in Chinese too


def test_unknown_facts_answer_in_english_when_asked(api_as, viewer):
    client = api_as(viewer)
    response = client.post(
        "/api/v1/warranty/evaluate/",
        {"policy": "s14-sanbao", "category": "彩色电视机", "colour": "black", "inches": 55},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    fields = response.json()["fields"]
    assert fields["colour"] == ["Unknown fact."] and fields["inches"] == ["Unknown fact."]
    assert fields["report_date"] == ["This field is required."]  # every problem at once
    assert not any("未知" in m or "必填" in m for ms in fields.values() for m in ms)


def test_an_unknown_policy_key_is_a_clear_error(api_as, viewer):
    response = api_as(viewer).post(
        "/api/v1/warranty/evaluate/",
        {"policy": "no-such-policy", "category": "彩色电视机"},
        format="json",
    )
    assert response.status_code == 404
    assert "没有三包政策“no-such-policy”。" in response.json()["message"]
