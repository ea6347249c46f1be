"""The small world the access matrix walks: the demo company (``seed_demo``) plus the few
records it lacks, one reader per role, and sample URL arguments for every route.

Everything the URLs name belongs to dealer A (上海徐汇经销店, the demo dealer); dealer B
(杭州西湖经销店) has a person of its own, who must never see dealer A's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from aftersales.accounts.roles import Role

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
OTHER_DEALER = "other_dealer"
# Every reader of the matrix, in the order the report lists them.
READERS = (ANONYMOUS, *Role.values, SUPERUSER, OTHER_DEALER)


@dataclass
class World:
    readers: dict[str, object] = field(default_factory=dict)  # reader name → user (or None)
    samples: dict[str, object] = field(default_factory=dict)  # sample name → URL value
    dealer_a: object = None
    dealer_b: object = None


def build_world() -> World:
    from aftersales.accounts.models import User
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.catalog.models import EmergencyRelease, Product, SerialNumber
    from aftersales.customers.models import Customer, Dealer, DealerMember
    from aftersales.knowledge.models import Article
    from aftersales.quality.models import (
        Certificate,
        CorrectiveAction,
        Inspection,
        InspectionPlan,
        LiaisonForm,
        Nonconformance,
    )
    from aftersales.repairs.models import LoanerUnit, Location, SparePart, WorkOrder
    from aftersales.sales import services as sales
    from aftersales.sales.models import Order, ShipmentLine, WrittenPromise
    from aftersales.sla.models import SlaPolicy
    from aftersales.warranty.models import Application, Rulebook, WarrantyCard

    call_command("seed_demo", verbosity=0)
    world = World()
    a = world.dealer_a = Dealer.objects.get(code="sh-xuhui")
    b = world.dealer_b = Dealer.objects.get(code="hz-xihu")
    demo = {u.username: u for u in User.objects.all()}

    # -- readers: a user with only that role; the dealer's person acts for dealer A ----------
    readers = world.readers
    readers[ANONYMOUS] = None
    for role in Role:
        readers[role.value] = UserFactory(username=f"matrix-{role.value}", roles=[role])
    DealerMember.objects.create(dealer=a, user=readers[Role.DEALER.value])
    readers[SUPERUSER] = UserFactory(username="matrix-superuser", is_superuser=True, is_staff=True)
    other = UserFactory(username="matrix-other-dealer", roles=[Role.DEALER])
    DealerMember.objects.create(dealer=b, user=other)
    readers[OTHER_DEALER] = other

    # -- dealer A's records ---------------------------------------------------------------
    customer = Customer.objects.filter(dealer=a, kind="individual").order_by("id").first()
    staff_a = readers[Role.ADMIN.value]
    sales_person, warehouse = demo["zhangwei"], demo["zhaolei"]
    agent, quality = demo["sunli"], demo["lina"]

    draft = Order.objects.filter(customer=customer, status=Order.Status.DRAFT).first()
    tv = Product.objects.get(sku="TV-55A1")
    shipped = sales.order_create(
        actor=sales_person,
        customer=customer,
        delivery_date=timezone.localdate() + timedelta(days=7),
        delivery_place=customer.address or "上海市",
        contact_phone=customer.mobile,
        lines=[sales.LineInput(tv, 1, tv.list_price)],
    )
    sales.order_submit(actor=sales_person, order=shipped)
    batch = tv.batches.filter(quality_status="passed").order_by("production_date").first()
    unit = (  # a serial-tracked TV ships with the serial of a unit in stock
        batch.serials.filter(owner__isnull=True)
        .exclude(pk__in=ShipmentLine.serials.through.objects.values("serialnumber_id"))
        .order_by("serial")
        .first()
    )
    shipment = sales.shipment_create(
        actor=warehouse,
        order=shipped,
        lines=[sales.ShipInput(shipped.lines.get(), batch, 1, (unit,))],
        documents=["contract", "invoice", "manual"],
    )
    sales.shipment_deliver(actor=warehouse, shipment=shipment, deliverer="赵磊", carrier="沪A")

    from aftersales.service.services import workflow
    from aftersales.service.services.intake import IntakeInput, case_intake

    serial = SerialNumber.objects.filter(owner__dealer=a, product=tv).first()
    if serial is None:
        serial = SerialNumber.objects.create(
            serial="MATRIX-TV-0001", product=tv, batch=batch, owner=customer
        )
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=serial.owner.name,
            customer_phone=serial.owner.mobile,
            description="电视无法开机",
            serial_no=serial.serial,
        ),
    )
    delay_case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="delivery_delay",
            customer_name=customer.name,
            customer_phone=customer.mobile,
            description="约定日期未送货",
            order_no=shipped.number,
        ),
    )
    # A finished case with a batch: what a dealer claims for (WAR-10).
    claimed_case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=serial.owner.name,
            customer_phone=serial.owner.mobile,
            description="电视屏幕闪烁",
            serial_no=serial.serial,
        ),
    )
    workflow.case_transition(actor=agent, case=claimed_case, action="accept")
    workflow.case_transition(actor=agent, case=claimed_case, action="resolve", solution="更换屏幕")
    from aftersales.warranty.services.claims import claim_submit

    claim = claim_submit(
        actor=readers[Role.DEALER.value],
        case=claimed_case,
        parts_cost=Decimal("300.00"),
        labour_cost=Decimal("100.00"),
        other_cost=Decimal("0"),
        description="更换屏幕一块",
    )
    from aftersales.quality.services.judgements import responsibility_judge

    responsibility_judge(
        actor=quality, subject=shipment, verdict="transport", reasoning="外箱破损", batch=batch
    )

    card = WarrantyCard.objects.filter(customer__dealer=a).order_by("id").first()
    application = Application.objects.filter(customer__dealer=a).first()
    if application is None:
        from aftersales.warranty.services import applications as flow

        application = flow.application_from_case(
            actor=agent,
            case=case,
            requested="exchange",
            reason="无法开机",
            price=tv.list_price,
            payments=[flow.PaymentInput("cash", tv.list_price)],
        )
    work_order = WorkOrder.objects.filter(customer__dealer=a, technician__isnull=False).first()

    # -- company records (not dealer-scoped) ----------------------------------------------
    from aftersales.quality.services.recalls import recall_create

    recall = recall_create(actor=quality, batches=[batch], reason="屏幕排线批次缺陷")
    from aftersales.repairs.services.loaners import loaner_issue
    from aftersales.repairs.services.parts import counter_sale_create

    repair_centre = Location.objects.get(code="repair-centre")
    part = SparePart.objects.get(part_no="P-TV-PWR")
    sale = counter_sale_create(
        actor=warehouse, location=repair_centre, lines=[(part, 1)], customer=customer
    )
    lent = LoanerUnit.objects.create(code="LN-MATRIX", product=tv, serial="LNM1", condition="完好")
    loan = loaner_issue(
        actor=staff_a,
        unit=lent,
        customer=customer,
        due_back_on=timezone.localdate() + timedelta(days=10),
        condition_out="完好",
    )

    inspection = Inspection.objects.filter(certificate__isnull=False).order_by("id").first()
    release = EmergencyRelease.objects.order_by("id").first()
    nc = Nonconformance.objects.order_by("id").first()
    # an extended warranty on dealer A's certificate (S14 五、2; warranty.demo's plan)
    from aftersales.warranty.models import ExtendedWarranty, ExtendedWarrantyPlan
    from aftersales.warranty.services.extended import plan_terms

    ew_plan = ExtendedWarrantyPlan.objects.get(code="tv-2y")
    contract = ExtendedWarranty.objects.create(
        number="EW-MATRIX-0001",
        plan=ew_plan,
        serial=card.serial,
        customer=card.customer,
        price=ew_plan.price,
        sold_on=timezone.localdate(),
        terms=plan_terms(ew_plan),
    )
    # a follow-up, a survey and an improvement proposal (feedback.demo's history)
    from aftersales.feedback.models import FollowUp, ImprovementProposal, Survey

    follow_up = FollowUp.objects.filter(case__isnull=False).order_by("id").first()
    # this month's open self-inspection and last week's meeting (feedback.demo, FB-5)
    from aftersales.feedback.models import SelfInspection, ServiceMeeting

    self_inspection = SelfInspection.objects.filter(status="open").order_by("id").first()
    meeting = ServiceMeeting.objects.order_by("id").first()
    survey = Survey.objects.filter(status="answered").order_by("id").first()
    proposal = ImprovementProposal.objects.order_by("id").first()
    # another person's training and scorecard (staff.demo): 陈杰's, read by HR and the VP
    from aftersales.staff.models import Attendance, Scorecard, TrainingSession

    chenjie = demo["chenjie"]
    # dealer A's promise waiting for the company's review (sales.demo)
    promise = WrittenPromise.objects.filter(dealer=a, status="submitted").order_by("id").first()
    world.samples.update(
        {
            "user": demo["zhangwei"].pk,
            "year": timezone.localdate().year,
            "day": f"{timezone.localdate().year}-10-08",
            "customer": customer.pk,
            "product": tv.pk,
            "order": draft.pk,
            "shipment": shipment.pk,
            "follow_up": follow_up.number,
            "survey": survey.pk,
            "proposal": proposal.number,
            "self_inspection": self_inspection.number,
            "meeting": meeting.number,
            "sla_policy": SlaPolicy.objects.order_by("id").first().pk,
            "inspection": inspection.pk,
            "certificate": Certificate.objects.order_by("id").first().pk,
            "plan": InspectionPlan.objects.order_by("id").first().pk,
            "release": release.pk,
            "nc": nc.pk,
            "action": CorrectiveAction.objects.order_by("id").first().pk,
            "batch": batch.pk,
            "serial": serial.pk,
            "liaison": LiaisonForm.objects.order_by("id").first().pk,
            "recall": recall.pk,
            "recall_task": recall.tasks.order_by("id").first().pk,
            "case": case.number,
            "delay_case": delay_case.number,
            "policy_key": Rulebook.objects.order_by("key").first().key,
            "card": card.number,
            "sku": tv.sku,
            "claim": claim.number,
            "application": application.number,
            "work_order": work_order.number,
            "counter_sale": sale.number,
            "part_no": part.part_no,
            "loaner_code": LoanerUnit.objects.get(code="LN-TV-01").code,
            "loan": loan.pk,
            "import_name": "customers",
            "dealer_code": a.code,
            "promise": promise.pk,
            "extended": contract.number,
            "extended_plan": ew_plan.code,
            "person": chenjie.username,
            "attendance": Attendance.objects.filter(user=chenjie, passed=True).first().pk,
            "scorecard": Scorecard.objects.filter(user=chenjie).order_by("-period").first().pk,
            "session": TrainingSession.objects.exclude(trainer__isnull=False).first().number,
            "course": "induction-service",
            "indicator": "csat",
            # a public article: every reader may open it (knowledge.demo)
            "article": Article.objects.filter(status="published", visibility="public")
            .order_by("number")
            .first()
            .number,
        }
    )
    _check_dealer_a(
        world,
        customer=customer,
        order=draft,
        shipment=shipment,
        cases=[case, delay_case],
        card=card,
        claim=claim,
        application=application,
        wo=work_order,
        promise=promise,
    )
    return world


def _check_dealer_a(
    world, *, customer, order, shipment, cases, card, claim, application, wo, promise
):
    """The records the dealer-scoped URLs name are dealer A's: otherwise dealer B's 404 would
    prove nothing (and dealer A's 200 would be luck)."""
    a = world.dealer_a
    owners = {
        "customer": customer.dealer_id,
        "order": order.customer.dealer_id,
        "shipment": shipment.order.customer.dealer_id,
        **{f"case {c.number}": c.dealer_id for c in cases},
        "card": card.customer.dealer_id,
        "claim": claim.dealer_id,
        "application": application.customer.dealer_id,
        "work order": wo.customer.dealer_id,
        "written promise": promise.dealer_id,
    }
    strangers = {what: dealer for what, dealer in owners.items() if dealer != a.pk}
    assert not strangers, f"not dealer A's ({a.code}): {strangers}"


# -- sample URL arguments --------------------------------------------------------------------

# Which record a ``number`` names, by the route it is in (a page's name or an API path).
_NUMBER_OF = (
    ("knowledge:", "article"),
    ("help:", "article"),
    ("/api/v1/knowledge/articles/", "article"),
    ("repairs:counter-sale", "counter_sale"),
    ("repairs:", "work_order"),
    ("/api/v1/work-orders/", "work_order"),
    ("/api/v1/parts/work-orders/", "work_order"),
    ("service:", "case"),
    ("/api/v1/tickets/", "case"),
    ("warranty:card", "card"),
    ("/api/v1/warranty/cards/", "card"),
    ("warranty:claim", "claim"),
    ("/api/v1/warranty/claims/", "claim"),
    ("warranty:application", "application"),
    ("warranty:extended", "extended"),
    ("feedback:follow-up", "follow_up"),
    ("feedback:proposal", "proposal"),
    ("feedback:self-inspection", "self_inspection"),
    ("/api/v1/feedback/self-inspections/", "self_inspection"),
    ("feedback:meeting", "meeting"),
    ("/api/v1/feedback/meetings/", "meeting"),
    ("staff:session", "session"),
    ("/api/v1/warranty/extended/", "extended"),
    ("/api/v1/warranty/applications/", "application"),
)

# Arguments that mean the same in every route.
_SAME_EVERYWHERE = {
    "user_id": "user",
    "year": "year",
    "day": "day",
    "customer_id": "customer",
    "product_id": "product",
    "order_id": "order",
    "shipment_id": "shipment",
    "policy_id": "sla_policy",
    "inspection_id": "inspection",
    "certificate_id": "certificate",
    "plan_id": "plan",
    "release_id": "release",
    "nc_id": "nc",
    "action_id": "action",
    "batch_id": "batch",
    "serial_id": "serial",
    "form_id": "liaison",
    "recall_id": "recall",
    "task_id": "recall_task",
    "subject_id": "shipment",
    "key": "policy_key",
    "sku": "sku",
    "part_no": "part_no",
    "code": "loaner_code",
    "name": "import_name",
    "promise_id": "promise",
    "username": "person",
}

# Arguments that are a word of the route itself, not a record.
_WORDS = {
    "which": "approval",
    "decision": "approve",
    "step": "handle",
    "subject_type": "sales.shipment",
    "area": "service",  # a cockpit dashboard
}


def sample_kwargs(route: str, names, world: World) -> dict[str, object]:
    """The value of each URL argument ``names`` of ``route`` (a page's name, or an API path
    like ``/api/v1/tickets/{number}/``). Raises ``KeyError`` for an argument nobody knows:
    add it here when a new route brings one."""
    samples = world.samples
    values = {}
    for name in names:
        if name == "number":
            if "compensation" in route:
                values[name] = samples["delay_case"]
            else:
                values[name] = samples[next(s for p, s in _NUMBER_OF if route.startswith(p))]
        elif name == "pk" and route.startswith("staff:"):
            values[name] = samples["attendance" if route == "staff:certificate" else "scorecard"]
        elif name == "code" and route.startswith("staff:"):
            values[name] = samples["indicator" if route == "staff:scorecard-line" else "course"]
        elif name in ("pk", "id"):
            values[name] = (
                samples["loan"]
                if "loan" in route
                else samples["survey"]
                if route == "feedback:survey"
                else 1
            )
        elif name in ("attachment_id",):
            values[name] = 1
        elif name == "action":
            values[name] = "accept" if "quote" in route else "approve"
        elif name == "code" and "extended" in route:
            values[name] = samples["extended_plan"]
        elif name in _WORDS:
            values[name] = _WORDS[name]
        else:
            values[name] = samples[_SAME_EVERYWHERE[name]]
    return values
