"""Liaison forms (信息联络处理单, QC-8): whoever hears the customer writes it down, the
department concerned analyses and acts, the originator or quality verifies the effect."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.models import Notification
from aftersales.core.timeline import timeline_for
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.quality import selectors
from aftersales.quality.models import LiaisonForm, Nonconformance
from aftersales.quality.services.liaison import (
    liaison_create,
    liaison_handle,
    liaison_raise_nonconformance,
    liaison_route,
    liaison_verify,
)

pytestmark = pytest.mark.django_db

S = LiaisonForm.Status


@pytest.fixture
def production(make_user):
    """The production department, two of its people, and a member who has left."""
    dept = DepartmentFactory(code="production", name="生产部")
    return {
        "dept": dept,
        "lead": make_user(Role.QUALITY_INSPECTION, department=dept, full_name="钱进"),
        "clerk": make_user(Role.LOGISTICS, department=dept, full_name="冯丽"),
        "gone": make_user(Role.LOGISTICS, department=dept, is_active=False),
    }


@pytest.fixture
def customer():
    return CustomerFactory(name="王小明")


def write(people, production, customer, who="cs", **extra):
    fields = {
        "kind": LiaisonForm.Kind.COMPLAINT,
        "content": "客户说遥控器按键太硬\n希望改进",
        "department": production["dept"],
        "customer": customer,
        **extra,
    }
    return liaison_create(actor=people[who], **fields)


def fresh(form):
    form.refresh_from_db()
    return form


def test_qc8_written_by_staff_and_sent_to_the_department(people, production, customer):
    form = write(people, production, customer)
    assert form.number.startswith("LF-")
    assert (form.status, form.originator, form.heard_on) == (
        S.OPEN,
        people["cs"],
        timezone.localdate(),
    )
    for member in ("lead", "clerk"):
        told = Notification.objects.get(recipient=production[member])
        assert form.number in told.title and "遥控器" in told.body
    assert not Notification.objects.filter(recipient=production["gone"]).exists()
    assert not Notification.objects.filter(recipient=people["cs"]).exists()


@pytest.mark.parametrize("who", ["sales", "service", "logistics", "vp", "inspector"])
def test_qc8_any_staff_member_may_write_one(people, production, who):
    form = write(people, production, None, who=who, contact="路人，电话未留")
    assert form.originator == people[who]


def test_qc8_dealers_do_not(make_user, production, customer):
    dealer = dealer_user(make_user, DealerFactory())
    with pytest.raises(PermissionDenied):
        liaison_create(
            actor=dealer,
            kind="complaint",
            content="x",
            department=production["dept"],
            customer=customer,
        )


def test_qc8_the_form_must_say_what_who_and_where(people):
    closed = DepartmentFactory(code="old", name="旧部门", active=False)
    with pytest.raises(InvalidInput) as err:
        liaison_create(
            actor=people["cs"],
            kind="rumour",
            content="  ",
            department=closed,
            heard_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(err.value.fields) == {"kind", "content", "department", "heard_on", "contact"}
    with pytest.raises(InvalidInput) as err:
        liaison_create(
            actor=people["cs"], kind="suggestion", content="x", department=None, contact="张"
        )
    assert list(err.value.fields) == ["department"]
    assert not LiaisonForm.objects.exists()
    assert not Notification.objects.exists()


def test_qc8_the_whole_path_with_a_first_attempt_not_effective(people, production, customer):
    form = write(people, production, customer)

    # Only the department handles, and it must give both analysis and measures.
    with pytest.raises(PermissionDenied):
        liaison_handle(actor=people["cs"], form=form, analysis="a", measures="m")
    with pytest.raises(InvalidInput) as err:
        liaison_handle(actor=production["lead"], form=form, analysis=" ", measures="")
    assert set(err.value.fields) == {"analysis", "measures"}
    liaison_handle(
        actor=production["lead"], form=form, analysis="按键硅胶硬度偏高", measures="改用40度硅胶"
    )
    form = fresh(form)
    assert (form.status, form.handled_by) == (S.HANDLED, production["lead"])
    assert Notification.objects.filter(recipient=people["cs"], title__contains=form.number)
    with pytest.raises(Conflict):
        liaison_handle(actor=production["clerk"], form=form, analysis="a", measures="m")

    # A department member who did not write the form may not verify it.
    with pytest.raises(PermissionDenied):
        liaison_verify(actor=production["clerk"], form=form, effective=True, verification="好")
    with pytest.raises(InvalidInput) as err:
        liaison_verify(actor=people["cs"], form=form, effective=True, verification=" ")
    assert list(err.value.fields) == ["verification"]

    Notification.objects.all().delete()
    liaison_verify(actor=people["cs"], form=form, effective=False, verification="客户仍说偏硬")
    form = fresh(form)
    assert form.status == S.OPEN
    assert "客户仍说偏硬" in form.verification
    for member in ("lead", "clerk"):
        told = Notification.objects.get(recipient=production[member])
        assert told.level == "warning" and told.body == "客户仍说偏硬"

    liaison_handle(
        actor=production["clerk"], form=form, analysis="硅胶批次不稳", measures="改用30度硅胶"
    )
    # Quality may verify as well as the originator.
    liaison_verify(actor=people["quality"], form=form, effective=True, verification="客户满意")
    form = fresh(form)
    assert form.status == S.CLOSED and form.verified_by == people["quality"]
    assert form.verification.count("\n") == 1  # both verifications kept
    with pytest.raises(Conflict):
        liaison_verify(actor=people["cs"], form=form, effective=True, verification="再次")

    events = timeline_for(form)
    assert [e.kind for e in events][-1] == "created"
    assert len(events) == 5  # created, handled, sent back, handled again, closed
    status = str(LiaisonForm._meta.get_field("status").verbose_name)
    label = {s.value: str(s.label) for s in S}
    assert [(c.old, c.new) for e in reversed(events) for c in e.changes if c.field == status] == [
        (label["open"], label["handled"]),
        (label["handled"], label["open"]),
        (label["open"], label["handled"]),
        (label["handled"], label["closed"]),
    ]
    assert [e.actor for e in reversed(events)] == ["孙丽", "钱进", "孙丽", "冯丽", "周敏"]


def test_qc8_verification_waits_for_the_department(people, production, customer):
    form = write(people, production, customer)
    with pytest.raises(Conflict) as err:
        liaison_verify(actor=people["cs"], form=form, effective=True, verification="好")
    assert err.value.code == "illegal_transition"


def test_qc8_a_form_at_the_wrong_desk_is_routed_on(people, production, customer, make_user):
    form = write(people, production, customer)
    packing = DepartmentFactory(code="packing", name="包装车间")
    packer = make_user(Role.LOGISTICS, department=packing)
    Notification.objects.all().delete()
    with pytest.raises(PermissionDenied):
        liaison_route(actor=packer, form=form, department=packing)
    with pytest.raises(StaleVersion):
        liaison_route(actor=production["lead"], form=form, department=packing, expected_version=0)
    liaison_route(actor=production["lead"], form=form, department=packing)
    form = fresh(form)
    assert form.department == packing
    assert Notification.objects.filter(recipient=packer, title__contains=form.number).exists()
    # The old department no longer handles it; the new one does.
    with pytest.raises(PermissionDenied):
        liaison_handle(actor=production["lead"], form=form, analysis="a", measures="m")
    liaison_handle(actor=packer, form=form, analysis="纸箱太薄", measures="改五层瓦楞")
    with pytest.raises(Conflict):
        liaison_route(actor=people["cs"], form=form, department=production["dept"])


def test_qc8_an_administrator_may_handle_for_any_department(people, production, customer):
    form = write(people, production, customer)
    liaison_handle(actor=people["admin"], form=form, analysis="a", measures="m")
    assert fresh(form).status == S.HANDLED


def test_qc8_open_forms_per_department(people, production, customer):
    service_dept = DepartmentFactory(code="service", name="售后服务部")
    handled = write(people, production, customer)
    liaison_handle(actor=production["lead"], form=handled, analysis="a", measures="m")
    write(people, production, customer)
    write(people, production, customer)
    closed = write(people, production, customer, department=service_dept)
    liaison_handle(actor=people["admin"], form=closed, analysis="a", measures="m")
    liaison_verify(actor=people["cs"], form=closed, effective=True, verification="好")
    write(people, production, customer, department=service_dept)

    counts = {
        row["department__name"]: (row["open"], row["handled"])
        for row in selectors.open_liaison_by_department()
    }
    assert counts == {"生产部": (2, 1), "售后服务部": (1, 0)}
    mine = selectors.liaison_list(user=production["lead"], box="department", status="active")
    assert mine.count() == 3
    assert selectors.liaison_list(user=people["cs"], box="mine").count() == 5
    assert selectors.liaison_list(user=people["cs"], q="王小明").count() == 5


def test_qc8_a_complaint_pointing_at_a_defect_becomes_a_nonconformance(
    people, production, customer
):
    form = write(people, production, customer)
    with pytest.raises(PermissionDenied):
        liaison_raise_nonconformance(actor=people["cs"], form=form)
    nc = liaison_raise_nonconformance(actor=people["quality"], form=form)
    assert (nc.source, nc.source_ref, nc.title) == (
        Nonconformance.Source.LIAISON_FORM,
        form.number,
        "客户说遥控器按键太硬",
    )
    assert fresh(form).nonconformance == nc
    with pytest.raises(Conflict):
        liaison_raise_nonconformance(actor=people["quality"], form=form)
