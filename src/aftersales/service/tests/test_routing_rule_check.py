"""A routing rule must not send a kind of case to a department none of whose members may act on
it (issue 17, item 8): returns sent to the quality department, who cannot approve them, are
refused when the rule is saved, on the department field."""

import pytest
from django.core.management import call_command

from aftersales.accounts.models import Department
from aftersales.accounts.roles import Role
from aftersales.core.errors import InvalidInput
from aftersales.customers.models import Dealer, DealerMember

from ..models import RoutingRule
from ..services.routing import routing_rule_check, routing_rule_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(make_user):
    made = {
        code: Department.objects.create(code=code, name=name)
        for code, name in (
            ("svc", "售后服务部"),
            ("qa", "品质部"),
            ("cs", "客服部"),
            ("dl", "经销商"),
        )
    }
    make_user(Role.SERVICE, username="svc-1", department=made["svc"])
    make_user(Role.QUALITY, username="qa-1", department=made["qa"])
    make_user(Role.CUSTOMER_SERVICE, username="cs-1", department=made["cs"])
    return made


def refused(rule) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        routing_rule_save(actor=None, rule=rule)
    assert set(caught.value.fields) == {"department"}
    assert not RoutingRule.objects.filter(name=rule.name).exists()
    return [str(m) for m in caught.value.fields["department"]]


def test_returns_to_the_quality_department_are_refused(departments):
    for kind in ("return", "exchange", "repair", "complaint"):
        refused(RoutingRule(name=f"{kind} → 品质部", kind=kind, department=departments["qa"]))
    saved = routing_rule_save(
        actor=None, rule=RoutingRule(name="退货", kind="return", department=departments["svc"])
    )
    assert saved.pk is not None


def test_customer_service_handles_cases_but_does_not_approve_returns(departments):
    cs = departments["cs"]
    routing_rule_save(actor=None, rule=RoutingRule(name="咨询", kind="consultation", department=cs))
    refused(RoutingRule(name="退货 → 客服", kind="return", department=cs))
    # A rule without a kind sends every kind, returns included.
    messages = refused(RoutingRule(name="华东 → 客服", region="上海市", department=cs))
    assert "Return" in messages[0] or "退货" in messages[0]


def test_an_inactive_rule_and_an_empty_department(departments, make_user):
    routing_rule_save(
        actor=None,
        rule=RoutingRule(name="停用", kind="return", department=departments["qa"], active=False),
    )
    empty = Department.objects.create(code="none", name="空部门")
    refused(RoutingRule(name="空", kind="repair", department=empty))
    # Members who left do not count.
    gone = make_user(Role.SERVICE, username="gone", department=empty, is_active=False)
    assert not gone.is_active
    refused(RoutingRule(name="空 2", kind="repair", department=empty))


def test_a_dealers_people_act_on_their_own_dealers_cases_only(departments, make_user):
    dealer = Dealer.objects.create(code="sh-1", name="上海一店")
    person = make_user(Role.DEALER, username="dl-1", department=departments["dl"])
    DealerMember.objects.create(dealer=dealer, user=person)
    refused(RoutingRule(name="所有维修 → 经销商", kind="repair", department=departments["dl"]))
    routing_rule_save(
        actor=None,
        rule=RoutingRule(
            name="一店维修", kind="repair", dealer=dealer, department=departments["dl"]
        ),
    )
    # The company approves returns, not the dealer.
    refused(
        RoutingRule(name="一店退货", kind="return", dealer=dealer, department=departments["dl"])
    )


def test_the_admin_form_says_it_on_the_department(client, departments, make_user):
    admin = make_user(Role.ADMIN, username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    answer = client.post(
        "/admin/service/routingrule/add/",
        {
            "name": "退货 → 品质部",
            "position": 10,
            "kind": "return",
            "department": departments["qa"].pk,
            "assign_person": "on",
            "active": "on",
        },
    )
    assert answer.status_code == 200  # the form again, with the error
    assert "department" in answer.context["adminform"].form.errors
    assert not RoutingRule.objects.exists()
    answer = client.post(
        "/admin/service/routingrule/add/",
        {
            "name": "退货 → 售后",
            "position": 10,
            "kind": "return",
            "department": departments["svc"].pk,
            "assign_person": "on",
            "active": "on",
        },
    )
    assert answer.status_code == 302
    assert RoutingRule.objects.get().history.first().history_user == admin


def test_the_demo_routes_returns_where_they_can_be_approved():
    call_command("seed_demo", verbosity=0)
    for rule in RoutingRule.objects.filter(active=True):
        routing_rule_check(rule)  # none is refused
    assert RoutingRule.objects.get(kind="return").department.code == "service"
    assert RoutingRule.objects.get(kind="exchange").department.code == "service"

    # A demo database made before this fix is put right when the demo is loaded again.
    quality = Department.objects.get(code="quality")
    RoutingRule.objects.filter(kind="return").update(name="退换货 → 品质部判定", department=quality)
    call_command("seed_demo", verbosity=0)
    assert RoutingRule.objects.get(kind="return").department.code == "service"
