"""STF-1: training gates the work. With the policy on, someone who has not passed their role's
required training is not given cases (routing, assignment) or visits (dispatch), and the
suggestion says why; a product category's qualification is preferred, or required, for a
visit to that category's product."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import Department
from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.errors import InvalidInput
from aftersales.repairs.services import dispatch
from aftersales.repairs.services.work_orders import work_order_create
from aftersales.repairs.tests.conftest import technician as make_technician
from aftersales.repairs.tests.conftest import tomorrow_at
from aftersales.service.models import RoutingRule
from aftersales.service.services import routing
from aftersales.service.services.intake import IntakeInput, case_intake
from aftersales.staff.models import Course, StaffPolicy

from .conftest import passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def gating(policy):
    policy.induction_gates_work = True
    policy.save()
    return policy


@pytest.fixture
def service_dept(db):
    return Department.objects.create(code="svc", name="售后服务部")


def member(make_user, department, username, *, trained: bool):
    person = make_user(Role.SERVICE, username=username, full_name=username, department=department)
    if trained:
        passed(person, "induction-service", date(2026, 1, 5))
    return person


def take(agent, n=0):
    return case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone", kind="repair", customer_name=f"客户{n}",
            customer_phone=f"1370000{n:04d}", description="电视黑屏",
        ),
    )[0]  # fmt: skip


def test_as_shipped_nobody_is_held_back(make_user, service_dept):
    """The preset policy does not gate the work until a company has recorded its people's
    training: an untrained member is still picked."""
    assert StaffPolicy.objects.get().induction_gates_work is False
    new = member(make_user, service_dept, "new", trained=False)
    assert routing.pick_member(service_dept).person == new


def test_routing_passes_over_the_untrained_and_says_so_when_nobody_is_trained(
    gating, make_user, service_dept, agent
):
    """SVC-5 with STF-1: the least-loaded member who has passed induction gets the case."""
    new = member(make_user, service_dept, "a-new", trained=False)  # first by name, no load
    old = member(make_user, service_dept, "b-old", trained=True)
    RoutingRule.objects.create(name="维修", position=10, kind="repair", department=service_dept)
    assert take(agent, 1).assignee == old
    old.is_active = False
    old.save()
    pick = routing.pick_member(service_dept)
    assert pick.person is None
    assert "没有人通过岗位要求的培训" in pick.note
    assert new.pk in routing.work_blockers([new])


def test_assigning_an_untrained_person_names_the_missing_course(
    gating, make_user, service_dept, agent
):
    new = member(make_user, service_dept, "new", trained=False)
    case = take(agent, 2)
    with pytest.raises(InvalidInput) as error:
        routing.case_assign(actor=agent, case=case, department=service_dept, assignee=new)
    message = str(error.value.fields["assignee"][0])
    assert "new" in message and "售后技术人员入职培训" in message
    passed(new, "induction-service", timezone.localdate())
    routing.case_assign(actor=agent, case=case, department=service_dept, assignee=new)
    case.refresh_from_db()
    assert case.assignee == new


def test_an_expired_qualification_no_longer_counts(gating, make_user, service_dept):
    person = make_user(Role.SERVICE, username="x", department=service_dept)
    passed(person, "induction-service", date(2025, 1, 5), valid_until=date(2025, 12, 31))
    assert person.pk in routing.work_blockers([person], day=date(2026, 1, 1))
    assert person.pk not in routing.work_blockers([person], day=date(2025, 12, 31))


def test_the_assignment_form_shows_who_is_not_offered_and_why(
    gating, client, make_user, service_dept, agent
):
    member(make_user, service_dept, "old", trained=True)
    new = member(make_user, service_dept, "new", trained=False)
    case = take(agent, 3)
    client.force_login(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'<option value="{new.pk}" disabled' in page
    assert "未通过岗位要求的培训：售后技术人员入职培训" in page


# -- dispatch -------------------------------------------------------------------------------------


@pytest.fixture
def tv_course(db):
    tv = CategoryFactory(code="tv-cat", name="电视")
    course = Course.objects.create(
        code="product-tv", name="电视产品知识与维修", kind="product", category=tv, hours=6
    )
    return course


@pytest.fixture
def tv_work(dispatcher, customer, tv_course):
    product = ProductFactory(category=tv_course.category)
    return work_order_create(
        actor=dispatcher, kind="onsite_repair", customer=customer, problem="电视黑屏",
        product=product,
    )  # fmt: skip


def test_a_category_qualification_is_preferred_then_required(
    policy, make_user, tv_work, dispatcher
):
    unqualified = make_technician(make_user, "t1", "甲", "浦东新区")
    qualified = make_technician(make_user, "t2", "乙", "徐汇区")
    passed(qualified, "product-tv", timezone.localdate() - timedelta(days=30))
    day = timezone.localdate() + timedelta(days=1)
    # Preferred (the preset): the qualified one first although the other covers the region.
    ranked = dispatch.dispatch_suggestions(tv_work, day)
    assert [s.technician for s in ranked] == [qualified, unqualified]
    assert all(s.offered for s in ranked)
    assert "已取得资格：电视产品知识与维修" in ranked[0].reasons
    assert "没有电视的有效资格" in ranked[1].reasons
    # Required: the unqualified one is listed last, not offered, and says why.
    policy.category_qualification = StaffPolicy.CategoryRule.REQUIRE
    policy.save()
    ranked = dispatch.dispatch_suggestions(tv_work, day)
    assert [(s.technician, s.offered) for s in ranked] == [(qualified, True), (unqualified, False)]
    with pytest.raises(InvalidInput) as error:
        dispatch.work_order_schedule(
            actor=dispatcher, work_order=tv_work, technician=unqualified,
            start=tomorrow_at(9), end=tomorrow_at(11),
        )  # fmt: skip
    assert "没有电视的有效资格" in str(error.value.fields["technician"][0])
    dispatch.work_order_schedule(
        actor=dispatcher, work_order=tv_work, technician=qualified,
        start=tomorrow_at(9), end=tomorrow_at(11),
    )  # fmt: skip


def test_the_work_order_page_books_only_those_offered(
    policy, client, make_user, tv_work, dispatcher
):
    policy.category_qualification = StaffPolicy.CategoryRule.REQUIRE
    policy.save()
    unqualified = make_technician(make_user, "t1", "甲", "浦东新区")
    qualified = make_technician(make_user, "t2", "乙", "徐汇区")
    passed(qualified, "product-tv", timezone.localdate())
    client.force_login(dispatcher)
    page = client.get(reverse("repairs:work-order-detail", args=[tv_work.number])).content.decode()
    assert f'<option value="{qualified.pk}"' in page
    assert f'<option value="{unqualified.pk}"' not in page
    assert "不推荐：甲" in page and "没有电视的有效资格" in page


def test_an_untrained_technician_is_not_offered_for_any_visit(
    gating, make_user, customer, dispatcher
):
    untrained = make_technician(make_user, "t1", "甲", "浦东新区")
    trained = make_technician(make_user, "t2", "乙", "浦东新区")
    passed(trained, "induction-service", date(2026, 1, 5))
    wo = work_order_create(
        actor=dispatcher, kind="onsite_repair", customer=customer, problem="异响"
    )
    ranked = dispatch.dispatch_suggestions(wo, timezone.localdate() + timedelta(days=1))
    offered = {s.technician: s for s in ranked}
    assert offered[trained].offered and not offered[untrained].offered
    assert any("入职培训" in r for r in offered[untrained].reasons)


@pytest.fixture
def dispatcher(make_user):
    return make_user(Role.SERVICE, username="disp1", full_name="周敏")


@pytest.fixture
def customer(db):
    from aftersales.customers.tests.factories import CustomerFactory

    return CustomerFactory(
        name="王小明", mobile="13912345678", province="上海市", city="上海市",
        district="浦东新区", street="张江路 88 号",
    )  # fmt: skip
