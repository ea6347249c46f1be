"""SLA policy pages (administrators edit them) and the API."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.sla import services
from aftersales.sla.models import SlaPolicy
from aftersales.sla.tests.factories import preset_policy

pytestmark = pytest.mark.django_db


def form_data(policy=None, **changes):
    data = {
        "name": "大客户时限",
        "case_type": "",
        "priority": "urgent",
        "channel": "",
        "customer_level": "vip",
        "pause_statuses": "waiting_customer，waiting_parts",
        "business_opens": "08:30",
        "business_closes": "17:30",
        "active": "on",
        "source": "",
        "version": policy.version if policy else "",
        "t-TOTAL_FORMS": "5",
        "t-INITIAL_FORMS": "5",
        "s-TOTAL_FORMS": "4",
        "s-INITIAL_FORMS": "4",
    }
    metrics = ["first_response", "initial_verification", "on_site", "resolution", "refund"]
    for i, metric in enumerate(metrics):
        data[f"t-{i}-metric"] = metric
        data[f"t-{i}-unit"] = "clock_hours" if i == 0 else "working_days"
        data[f"t-{i}-amount"] = {0: "4", 2: "1"}.get(i, "")
    for i in range(4):
        data[f"s-{i}-level"] = str(i + 1)
        data[f"s-{i}-trigger"] = "after_due"
    data["s-0-offset_minutes"] = "0"
    data["s-0-notify_role"] = "customer_service"
    data.update(changes)
    return data


def test_policy_list_shows_the_preset(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/sla/policies/").content.decode()
    assert "标准服务时限（制度预设）" in html
    assert 'data-testid="target-initial_verification">3 工作日' in html


def test_policy_pages_are_for_administrators(client, make_user):
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    assert client.get("/sla/policies/").status_code == 404
    assert client.post("/sla/policies/new/", form_data()).status_code == 404


def test_creating_a_policy_with_targets_and_a_chain(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/sla/policies/new/", form_data())
    assert response.status_code == 302, response.content.decode()[-3000:]
    policy = SlaPolicy.objects.get(name="大客户时限")
    assert policy.pause_statuses == ["waiting_customer", "waiting_parts"]
    assert {t.metric: (t.amount, t.unit) for t in policy.targets.all()} == {
        "first_response": (4, "clock_hours"),
        "on_site": (1, "working_days"),
    }
    assert [(s.level, s.notify_role) for s in policy.escalations.all()] == [(1, "customer_service")]


def test_bad_policy_input_names_the_field_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    html = client.post(
        "/sla/policies/new/", form_data(business_closes="08:00", **{"s-1-offset_minutes": "60"})
    ).content.decode()
    assert 'data-field-error="business_closes"' in html
    assert not SlaPolicy.objects.filter(name="大客户时限").exists()


def test_a_stale_edit_is_refused(client, admin_user):
    policy = preset_policy()
    client.force_login(admin_user)
    stale = form_data(policy, name="新名称")
    services.sla_policy_save(
        actor=admin_user,
        policy=policy,
        expected_version=policy.version,
        fields={
            "name": "别人改过",
            "business_opens": policy.business_opens,
            "business_closes": policy.business_closes,
        },
        targets=[],
        steps=[],
    )
    html = client.post(f"/sla/policies/{policy.pk}/edit/", stale).content.decode()
    assert "其他人已修改" in html
    assert SlaPolicy.objects.get(pk=policy.pk).name == "别人改过"


def test_api_lists_policies_with_targets(api_as, make_user):
    body = api_as(make_user(Role.SERVICE)).get("/api/v1/sla/policies/").json()
    preset = next(p for p in body if p["name"] == "标准服务时限（制度预设）")
    assert {t["metric"]: t["amount"] for t in preset["targets"]}["resolution"] == 15


def test_api_overdue_clocks_with_a_fixed_number_of_queries(
    api_as, make_user, django_assert_max_num_queries
):
    policy = preset_policy()
    owner = make_user(username="owner")
    start = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=5)
    for _ in range(12):
        services.sla_clock_start(
            owner=owner, metric="first_response", policy=policy, started_at=start
        )
    client = api_as(make_user(Role.CUSTOMER_SERVICE))
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/sla/clocks/overdue/").json()
    assert body["count"] == 12 and body["results"][0]["metric"] == "first_response"
    assert api_as(make_user(Role.SALES)).get("/api/v1/sla/clocks/overdue/").status_code == 403


def test_a_tampered_escalation_level_is_a_form_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/sla/policies/new/", form_data(**{"s-0-level": "-1"}))
    assert response.status_code == 200
    assert not SlaPolicy.objects.filter(name="大客户时限").exists()


def test_dealers_do_not_read_the_policies(api_as, make_user):
    assert api_as(make_user(Role.DEALER)).get("/api/v1/sla/policies/").status_code == 403
