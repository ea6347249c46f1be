"""Dealer claims against the manufacturer (WAR-9, WAR-10, source S8).

S8: "谁销售谁负责" — the dealer does the 三包 work and claims from the manufacturer; the
quality department judges from the photos, the batch number and the packer number; a defect
that is not the manufacturer's production cause is shared 50/50 (materials and labour)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SerialNumber
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from aftersales.core.models import ExportRecord, Notification
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.quality.services.judgements import responsibility_judge
from aftersales.quality.tests.factories import BatchFactory
from aftersales.service.models import Case
from aftersales.service.services import workflow
from aftersales.service.services.intake import IntakeInput, case_intake

from ..models import DealerClaim
from ..services import claims as services

pytestmark = pytest.mark.django_db

S = DealerClaim.Status


# --- set-up ---------------------------------------------------------------------------------


@pytest.fixture
def agent(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="agent1", full_name="孙丽")


@pytest.fixture
def quality(make_user):
    return make_user(Role.QUALITY, username="qa1", full_name="品质部甲")


@pytest.fixture
def vp(make_user):
    return make_user(Role.SALES_VP, username="vp1", full_name="副总甲")


@pytest.fixture
def dealer_a():
    return DealerFactory(code="dealer-a", name="甲经销店")


@pytest.fixture
def dealer_b():
    return DealerFactory(code="dealer-b", name="乙经销店")


@pytest.fixture
def seller_a(make_user, dealer_a):
    return dealer_user(make_user, dealer_a, username="seller-a", full_name="甲店长")


@pytest.fixture
def seller_b(make_user, dealer_b):
    return dealer_user(make_user, dealer_b, username="seller-b", full_name="乙店长")


_serials = iter(range(1, 10_000))


def finished_case(staff, dealer, *, packer="P-07", resolve=True) -> Case:
    """A repair case of ``dealer``'s customer, for a unit of a batch packed by ``packer``,
    taken in and resolved through the service app's use cases."""
    product = ProductFactory()
    batch = BatchFactory(product=product, packer_no=packer)
    serial = SerialNumber.objects.create(
        serial=f"SN-{next(_serials):05d}", product=product, batch=batch
    )
    customer = CustomerFactory(dealer=dealer)
    case, _created = case_intake(
        actor=staff,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=customer.name,
            customer_phone=customer.mobile,
            description="衣柜柜门断榫",
            serial_no=serial.serial,
        ),
    )
    if not resolve:
        return case
    workflow.case_transition(actor=staff, case=case, action="accept")
    return workflow.case_transition(actor=staff, case=case, action="resolve", solution="更换柜门")


def submit(actor, case, parts="300.00", labour="100.00", other="0", **extra) -> DealerClaim:
    return services.claim_submit(
        actor=actor,
        case=case,
        parts_cost=Decimal(parts),
        labour_cost=Decimal(labour),
        other_cost=Decimal(other),
        description="更换柜门一扇，上门两小时",
        **extra,
    )


def judge(quality, case, verdict):
    return responsibility_judge(
        actor=quality, subject=case, verdict=verdict, reasoning="照片显示榫头断裂", batch=case.batch
    )


# --- submitting (WAR-10) --------------------------------------------------------------------


def test_war10_the_dealer_claims_for_its_own_case_with_batch_and_packer(
    agent, seller_a, dealer_a, quality, make_user
):
    """WAR-10 / S8: the seller does the 三包 work, then claims from the manufacturer; the
    claim carries the case's batch and packer number for the quality department."""
    dealer_user(make_user, dealer_a, username="seller-a2")
    case = finished_case(agent, dealer_a, packer="P-12")
    claim = submit(seller_a, case)
    assert claim.number.startswith("DC-")
    assert claim.dealer == dealer_a and claim.case == case and claim.batch == case.batch
    assert claim.packer_no == "P-12" and claim.packing_list_ref == case.batch.packing_list_ref
    assert claim.claimed == Decimal("400.00") and claim.status == S.SUBMITTED
    assert claim.submitted_by == seller_a
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    # The quality department and the dealer's other people hear of it; not the submitter.
    assert {"qa1", "seller-a2"} <= told and "seller-a" not in told


def test_war10_staff_enter_a_claim_for_the_cases_dealer_only(agent, dealer_a, dealer_b, make_user):
    """WAR-10: after-sales staff may enter a claim for a dealer; it is the case's dealer's."""
    staff = make_user(Role.SERVICE)
    case = finished_case(agent, dealer_a)
    with pytest.raises(InvalidInput) as exc:
        submit(staff, case, dealer=dealer_b)
    assert "dealer" in exc.value.fields
    assert submit(staff, case, dealer=dealer_a).dealer == dealer_a


def test_war10_a_case_without_dealer_or_batch_is_refused_naming_the_field(agent, make_user):
    """WAR-10 / S8: only a dealer's case is claimed, and the batch must be known."""
    staff = make_user(Role.SERVICE)
    case = finished_case(agent, None)
    with pytest.raises(InvalidInput) as exc:
        submit(staff, case)
    assert "case" in exc.value.fields
    Case.objects.filter(pk=case.pk).update(batch=None, packer_no="")
    case.refresh_from_db()
    with pytest.raises(InvalidInput) as exc:
        submit(staff, case)
    assert {"case", "batch", "packer_no"} <= set(exc.value.fields)


def test_war10_the_repair_comes_first(agent, seller_a, dealer_a):
    """S8 clause 9: solve first, settle responsibility afterwards."""
    case = finished_case(agent, dealer_a, resolve=False)
    with pytest.raises(Conflict) as exc:
        submit(seller_a, case)
    assert exc.value.code == "case_not_resolved"


@pytest.mark.parametrize(
    ("parts", "labour", "other", "field"),
    [
        ("-1.00", "100", "0", "parts_cost"),
        ("100", "-0.01", "0", "labour_cost"),
        ("0", "0", "0", "parts_cost"),
        ("10.005", "0", "0", "parts_cost"),
    ],
)
def test_war9_amounts_are_not_negative_and_add_up_to_something(
    agent, seller_a, dealer_a, parts, labour, other, field
):
    """WAR-9: the claim is for the parts and labour spent; nothing negative, total above 0."""
    case = finished_case(agent, dealer_a)
    with pytest.raises(InvalidInput) as exc:
        submit(seller_a, case, parts=parts, labour=labour, other=other)
    assert field in exc.value.fields
    assert not DealerClaim.objects.exists()


def test_war10_one_open_claim_per_case(agent, seller_a, dealer_a, quality):
    """WAR-10: a case has one claim being handled; after a rejection the dealer may claim
    again with better evidence."""
    case = finished_case(agent, dealer_a)
    first = submit(seller_a, case)
    with pytest.raises(Conflict) as exc:
        submit(seller_a, case)
    assert exc.value.code == "claim_open"
    services.claim_decide(actor=quality, claim=first, approve=False, note="缺少装箱单")
    second = submit(seller_a, case, packing_list_ref="PL-9")
    assert second.number != first.number and second.packing_list_ref == "PL-9"


# --- dealer isolation -------------------------------------------------------------------------


def test_war10_a_dealer_cannot_claim_or_see_another_dealers_case(
    agent, seller_a, seller_b, dealer_a, client, api_as
):
    """WAR-10, SEC-1: dealer B neither claims dealer A's case nor sees dealer A's claims."""
    case = finished_case(agent, dealer_a)
    with pytest.raises(NotFound):
        submit(seller_b, case)
    claim = submit(seller_a, case)
    assert list(services.claim_list_for_user(seller_b)) == []
    assert services.claim_get_for_user(seller_b, number=claim.number) is None
    assert services.claim_get_for_user(seller_a, number=claim.number) == claim
    client.force_login(seller_b)
    assert client.get(f"/warranty/claims/{claim.number}/").status_code == 404
    assert claim.number not in client.get("/warranty/claims/").content.decode()
    assert client.get(f"/warranty/claims/new/?case={case.number}").status_code == 200
    posted = client.post(
        "/warranty/claims/new/",
        {"case": case.number, "parts_cost": "1", "labour_cost": "0", "other_cost": "0"},
    )
    assert posted.status_code == 404
    api = api_as(seller_b)
    assert api.get(f"/api/v1/warranty/claims/{claim.number}/").status_code == 404
    assert api.get("/api/v1/warranty/claims/").json()["count"] == 0
    refused = api.post(
        "/api/v1/warranty/claims/",
        {"case": case.number, "parts_cost": "10", "description": "x"},
        format="json",
    )
    assert refused.status_code == 400 and "case" in refused.json()["fields"]
    # The statement of a dealer's person is always their own dealer's.
    mine = api.get("/api/v1/warranty/claims/statement/?dealer=dealer-a&month=2026-11")
    assert mine.status_code == 200 and mine.json()["dealer"] == "dealer-b"


# --- deciding (WAR-9, S8) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "share", "approved"),
    [
        ("manufacturer", "1.00", "400.00"),
        ("dealer", "0.50", "200.00"),
        ("transport", "0.50", "200.00"),
        ("customer", "0.00", "0.00"),
        ("no_defect", "0.00", "0.00"),
    ],
)
def test_war9_s8_the_verdict_sets_the_manufacturers_share(
    agent, seller_a, dealer_a, quality, verdict, share, approved
):
    """WAR-9 / S8 clause 11: the manufacturer's fault → it pays all; not its production cause
    (the dealer's handling, transport) → 50/50 of materials and labour; the customer's misuse
    or no defect → nothing to recover."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    judge(quality, case, verdict)
    claim = services.claim_decide(actor=quality, claim=claim, approve=True)
    assert claim.status == S.APPROVED
    assert claim.manufacturer_share == Decimal(share)
    assert claim.approved_amount == Decimal(approved)
    assert claim.decided_by == quality and claim.decided_at is not None


def test_war9_the_split_rounds_to_the_fen(agent, seller_a, dealer_a, quality):
    """WAR-9 / S8: 50% of 100.05 yuan is 50.03 yuan (rounded half up to the fen)."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case, parts="60.05", labour="40.00")
    judge(quality, case, "dealer")
    claim = services.claim_decide(actor=quality, claim=claim, approve=True)
    assert claim.approved_amount == Decimal("50.03")


def test_s8_the_split_follows_the_policy_data(agent, seller_a, dealer_a, quality, monkeypatch):
    """S8 is a preset: the policy's ``dealer_split`` decides the shared part."""
    from types import SimpleNamespace

    from ..services import policies

    monkeypatch.setattr(
        policies, "policy_for", lambda key=None: SimpleNamespace(dealer_split=Decimal("0.40"))
    )
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    judge(quality, case, "transport")
    claim = services.claim_decide(actor=quality, claim=claim, approve=True)
    assert claim.manufacturer_share == Decimal("0.60") and claim.approved_amount == Decimal("240")


def test_the_default_dealer_split_is_the_s8_half():
    """S8: half and half unless the policy data says otherwise (the shipped presets say 0.50;
    an unknown policy falls back to the S8 half)."""
    assert services.dealer_split() == Decimal("0.50")
    assert services.dealer_split("no-such-policy") == Decimal("0.50")


def test_war9_the_decider_may_override_the_share_with_a_note(agent, seller_a, dealer_a, quality):
    """WAR-9: customer misuse gives 0 unless the quality department overrides, saying why."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    judge(quality, case, "customer")
    with pytest.raises(InvalidInput) as exc:
        services.claim_decide(
            actor=quality, claim=claim, approve=True, manufacturer_share=Decimal("0.3")
        )
    assert "note" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        services.claim_decide(
            actor=quality, claim=claim, approve=True, manufacturer_share="1.5", note="x"
        )
    assert "manufacturer_share" in exc.value.fields
    claim = services.claim_decide(
        actor=quality,
        claim=claim,
        approve=True,
        manufacturer_share=Decimal("0.30"),
        note="说明书未写明承重，厂家承担三成",
    )
    assert claim.manufacturer_share == Decimal("0.30") and claim.approved_amount == Decimal("120")


def test_s8_no_judgement_no_approval(agent, seller_a, dealer_a, quality):
    """S8: the quality department's verdict decides the split: without one, no approval."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    with pytest.raises(Conflict) as exc:
        services.claim_decide(actor=quality, claim=claim, approve=True)
    assert exc.value.code == "judgement_missing" and case.number in str(exc.value.message)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_war10_a_rejection_needs_a_note_and_tells_the_dealer(agent, seller_a, dealer_a, quality):
    """WAR-10: a rejected claim says why; the dealer hears of it."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    with pytest.raises(InvalidInput) as exc:
        services.claim_decide(actor=quality, claim=claim, approve=False)
    assert "note" in exc.value.fields
    claim = services.claim_decide(actor=quality, claim=claim, approve=False, note="照片不清")
    assert claim.status == S.REJECTED and claim.approved_amount == 0
    assert Notification.objects.filter(recipient=seller_a, title__contains=claim.number).count()
    with pytest.raises(Conflict) as exc:
        services.claim_decide(actor=quality, claim=claim, approve=False, note="again")
    assert exc.value.code == "already_decided"


def test_a_stale_decision_is_refused(agent, seller_a, dealer_a, quality):
    """Lost updates are impossible: a decision from an old copy is a 409."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    judge(quality, case, "dealer")
    with pytest.raises(StaleVersion):
        services.claim_decide(
            actor=quality, claim=claim, approve=True, expected_version=claim.version + 1
        )
    decided = services.claim_decide(
        actor=quality, claim=claim, approve=True, expected_version=claim.version
    )
    assert decided.version == claim.version + 1


def test_war10_settling_pays_an_approved_claim_only(agent, seller_a, dealer_a, quality, vp):
    """WAR-10: the manufacturer pays what was approved; approved → settled."""
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    with pytest.raises(Conflict):
        services.claim_settle(actor=vp, claim=claim)
    judge(quality, case, "manufacturer")
    services.claim_decide(actor=quality, claim=claim, approve=True)
    claim = services.claim_settle(actor=vp, claim=claim)
    assert claim.status == S.PAID and claim.settled_at is not None
    with pytest.raises(Conflict):
        services.claim_settle(actor=vp, claim=claim)


# --- every role ---------------------------------------------------------------------------------

SUBMIT = {Role.DEALER, Role.SERVICE, Role.ADMIN}
DECIDE = {Role.QUALITY, Role.SALES_VP, Role.ADMIN}
SETTLE = {Role.SALES_VP, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_war10_every_roles_permission(role, agent, seller_a, dealer_a, quality, make_user):
    """WAR-10 / S8: dealers and after-sales staff claim; the quality department (with the
    sales vice-president and administrators) decides; the vice-president records payment."""
    person = make_user(role, username=f"who-{role.value}")
    if role == Role.DEALER:
        from aftersales.customers.models import DealerMember

        DealerMember.objects.create(dealer=dealer_a, user=person)
    case = finished_case(agent, dealer_a)
    if role in SUBMIT:
        claim = submit(person, case)
    else:
        with pytest.raises(PermissionDenied):
            submit(person, case)
        claim = submit(seller_a, case)
    judge(quality, case, "dealer")
    if role in DECIDE:
        services.claim_decide(actor=person, claim=claim, approve=True)
    else:
        with pytest.raises(PermissionDenied):
            services.claim_decide(actor=person, claim=claim, approve=True)
        services.claim_decide(actor=quality, claim=claim, approve=True)
    if role in SETTLE:
        assert services.claim_settle(actor=person, claim=claim).status == S.PAID
    else:
        with pytest.raises(PermissionDenied):
            services.claim_settle(actor=person, claim=claim)
    sees = role in SUBMIT | DECIDE | SETTLE
    assert services.can_view_claims(person) is sees
    assert (services.claim_get_for_user(person, number=claim.number) is not None) is sees


def test_a_dealer_user_with_a_decider_role_still_cannot_decide(
    make_user, dealer_a, agent, seller_a, quality
):
    """SEC-1: a dealer's person never decides claims, whatever other role they hold."""
    person = dealer_user(make_user, dealer_a, username="dual")
    from aftersales.accounts.services import role_groups

    person.groups.add(*role_groups([Role.QUALITY]))
    case = finished_case(agent, dealer_a)
    claim = submit(seller_a, case)
    judge(quality, case, "dealer")
    with pytest.raises(PermissionDenied):
        services.claim_decide(actor=person, claim=claim, approve=True)


# --- the monthly statement ----------------------------------------------------------------------


def _decided(quality, vp, seller, dealer, agent, *, verdict, parts, approve=True, settle=False):
    case = finished_case(agent, dealer)
    claim = submit(seller, case, parts=parts, labour="0")
    judge(quality, case, verdict)
    claim = services.claim_decide(
        actor=quality, claim=claim, approve=approve, note="" if approve else "证据不足"
    )
    if settle:
        claim = services.claim_settle(actor=vp, claim=claim)
    return claim


def _in_month(claim, year, month, day=15):
    when = timezone.make_aware(datetime(year, month, day, 10))
    DealerClaim.objects.filter(pk=claim.pk).update(decided_at=when)


@pytest.fixture
def november(agent, quality, vp, seller_a, seller_b, dealer_a, dealer_b):
    """Dealer A in Nov 2026: one paid (manufacturer, 500), one approved unpaid (dealer's
    handling, 300 → 150), one rejected (200); one decided in December; dealer B's claim."""
    paid = _decided(quality, vp, seller_a, dealer_a, agent, verdict="manufacturer", parts="500")
    owed = _decided(quality, vp, seller_a, dealer_a, agent, verdict="dealer", parts="300")
    rejected = _decided(
        quality, vp, seller_a, dealer_a, agent, verdict="dealer", parts="200", approve=False
    )
    services.claim_settle(actor=vp, claim=paid)
    later = _decided(quality, vp, seller_a, dealer_a, agent, verdict="manufacturer", parts="999")
    other = _decided(quality, vp, seller_b, dealer_b, agent, verdict="manufacturer", parts="777")
    for claim, day in ((paid, 3), (owed, 20), (rejected, 30)):
        _in_month(claim, 2026, 11, day)
    _in_month(later, 2026, 12, 1)
    _in_month(other, 2026, 11)
    # The last moment of November in Shanghai still counts; the first of December does not.
    DealerClaim.objects.filter(pk=rejected.pk).update(
        decided_at=timezone.make_aware(datetime(2026, 11, 30, 23, 59, 59))
    )
    return {"paid": paid, "owed": owed, "rejected": rejected}


def test_war10_the_monthly_statement_totals(dealer_a, november):
    """WAR-10: per dealer and month, claimed / approved / settled / outstanding."""
    statement = services.dealer_statement(dealer=dealer_a, year=2026, month=11)
    assert [r["number"] for r in statement["rows"]] == [
        november["paid"].number,
        november["owed"].number,
        november["rejected"].number,
    ]
    assert statement["totals"] == {
        "claimed": Decimal("1000.00"),
        "approved": Decimal("650.00"),
        "settled": Decimal("500.00"),
        "outstanding": Decimal("150.00"),
    }
    empty = services.dealer_statement(dealer=dealer_a, year=2026, month=10)
    assert empty["rows"] == [] and empty["totals"]["claimed"] == 0


def test_war10_the_statement_as_excel_reads_back(dealer_a, november):
    """WAR-10: the statement goes to the dealer as an Excel workbook with a totals row."""
    statement = services.dealer_statement(dealer=dealer_a, year=2026, month=11)
    response, count = services.dealer_statement_export(statement)
    assert count == 3
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == _("Claim number") and len(rows) == 5
    assert [r[0] for r in rows[1:4]] == [november[k].number for k in ("paid", "owed", "rejected")]
    assert rows[2][7] == 150 and rows[2][9] == 150
    assert rows[4][0] == _("Total") and rows[4][5:] == (1000, None, 650, 500, 150)


def test_war10_the_statement_page_and_its_download(client, quality, dealer_a, november):
    """WAR-10: the statement page shows the totals and downloads Excel (the export is
    recorded)."""
    client.force_login(quality)
    page = client.get("/warranty/claims/statement/?dealer=dealer-a&month=2026-11")
    html = page.content.decode()
    assert page.status_code == 200 and escape(_("Dealer claim statement")) in html
    assert 'data-testid="total-approved">650.00' in html
    assert 'data-testid="total-outstanding">150.00' in html
    download = client.get("/warranty/claims/statement/?dealer=dealer-a&month=2026-11&export=xlsx")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active.max_row == 5
    assert ExportRecord.objects.get().what == "dealer_claim_statement"
    empty = client.get("/warranty/claims/statement/?dealer=dealer-a&month=2026-01")
    assert 'data-testid="statement-empty"' in empty.content.decode()
    bad = client.get("/warranty/claims/statement/?dealer=dealer-a&month=11-2026")
    assert 'data-testid="statement-problem"' in bad.content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_war9_war10_the_api_flow(api_as, agent, seller_a, dealer_a, quality, vp):
    """WAR-9 / WAR-10 / S8 through the API: the dealer claims, quality judges and decides
    (50/50 for the dealer's handling), the vice-president records the payment, the statement
    shows it."""
    case = finished_case(agent, dealer_a)
    dealer_api, quality_api, vp_api = api_as(seller_a), api_as(quality), api_as(vp)
    created = dealer_api.post(
        "/api/v1/warranty/claims/",
        {
            "case": case.number,
            "parts_cost": "350.00",
            "labour_cost": "150.00",
            "description": "更换柜门并上门安装",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    number = body["number"]
    assert body["status"] == "submitted" and body["claimed"] == "500.00"
    assert body["batch_no"] == case.batch.batch_no and body["packer_no"] == "P-07"
    assert body["judgement"] is None and body["split"] is None
    again = dealer_api.post(
        "/api/v1/warranty/claims/",
        {"case": case.number, "parts_cost": "1", "description": "x"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "claim_open"
    early = quality_api.post(f"/api/v1/warranty/claims/{number}/decide/", {"approve": True})
    assert early.status_code == 409 and early.json()["code"] == "judgement_missing"
    assert (
        dealer_api.post(f"/api/v1/warranty/claims/{number}/decide/", {"approve": True}).status_code
        == 403
    )
    judge(quality, case, "dealer")
    detail = quality_api.get(f"/api/v1/warranty/claims/{number}/").json()
    assert detail["judgement"]["verdict"] == "dealer"
    assert detail["split"] == {"share": "0.50", "manufacturer": "250.00", "dealer": "250.00"}
    stale = quality_api.post(
        f"/api/v1/warranty/claims/{number}/decide/",
        {"approve": True, "version": detail["version"] + 5},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    decided = quality_api.post(
        f"/api/v1/warranty/claims/{number}/decide/",
        {"approve": True, "version": detail["version"]},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["approved_amount"] == "250.00"
    assert decided.json()["manufacturer_share"] == "0.50"
    settled = vp_api.post(f"/api/v1/warranty/claims/{number}/settle/", {}, format="json")
    assert settled.status_code == 200 and settled.json()["status"] == "paid"
    month = timezone.localdate().strftime("%Y-%m")
    statement = vp_api.get(f"/api/v1/warranty/claims/statement/?dealer=dealer-a&month={month}")
    assert statement.status_code == 200
    assert statement.json()["totals"] == {
        "claimed": "500.00",
        "approved": "250.00",
        "settled": "250.00",
        "outstanding": "0.00",
    }
    listed = dealer_api.get("/api/v1/warranty/claims/?status=paid").json()
    assert [c["number"] for c in listed["results"]] == [number]


def test_the_api_names_bad_fields_and_bad_filters(api_as, agent, seller_a, dealer_a, vp):
    """Bad input gets field errors: negative amounts, an unknown month or dealer."""
    case = finished_case(agent, dealer_a)
    api = api_as(seller_a)
    bad = api.post(
        "/api/v1/warranty/claims/",
        {"case": case.number, "parts_cost": "-5", "description": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "parts_cost" in bad.json()["fields"]
    vp_api = api_as(vp)
    month = vp_api.get("/api/v1/warranty/claims/statement/?dealer=dealer-a&month=2026-13")
    assert month.status_code == 400 and "month" in month.json()["fields"]
    dealer = vp_api.get("/api/v1/warranty/claims/statement/?dealer=nope&month=2026-11")
    assert dealer.status_code == 400 and "dealer" in dealer.json()["fields"]
    assert api_as(agent).get("/api/v1/warranty/claims/").status_code == 403


def test_the_claim_list_api_does_not_query_per_claim(
    api_as, agent, seller_a, dealer_a, quality, django_assert_max_num_queries
):
    """No N+1: the list's queries do not grow with the claims."""
    for _i in range(4):
        submit(seller_a, finished_case(agent, dealer_a))
    api = api_as(quality)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/warranty/claims/")
    assert response.json()["count"] == 4


# --- pages ----------------------------------------------------------------------------------


def test_war10_the_pages_claim_decide_and_settle(client, agent, seller_a, dealer_a, quality, vp):
    """WAR-10 / S8 on the pages: the dealer picks a finished case and claims; the detail shows
    batch, packer, verdict and split; quality decides; the vice-president settles."""
    case = finished_case(agent, dealer_a)
    client.force_login(seller_a)
    empty = client.get("/warranty/claims/").content.decode()
    assert 'data-testid="claim-empty"' in empty and escape(_("Dealer claims")) in empty
    picker = client.get("/warranty/claims/new/").content.decode()
    assert case.number in picker
    form = client.get(f"/warranty/claims/new/?case={case.number}").content.decode()
    assert 'data-testid="claim-form"' in form and case.batch.batch_no in form
    refused = client.post(
        "/warranty/claims/new/",
        {"case": case.number, "parts_cost": "0", "labour_cost": "0", "other_cost": "0"},
    )
    assert refused.status_code == 200 and not DealerClaim.objects.exists()
    posted = client.post(
        "/warranty/claims/new/",
        {
            "case": case.number,
            "parts_cost": "120.50",
            "labour_cost": "80",
            "other_cost": "0",
            "description": "更换柜门",
        },
    )
    claim = DealerClaim.objects.get()
    assert posted.status_code == 302 and posted["Location"] == claim.get_absolute_url()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-testid="claim-no-judgement"' in page and "P-07" in page
    assert 'data-testid="claim-decide-form"' not in page
    judge(quality, case, "transport")
    client.force_login(quality)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-testid="claim-decide-form"' in page and "50%" in page and "100.25" in page
    client.post(
        f"/warranty/claims/{claim.number}/decide/",
        {"decision": "approve", "version": claim.version},
    )
    claim.refresh_from_db()
    assert claim.status == S.APPROVED and claim.approved_amount == Decimal("100.25")
    settle_form = 'data-testid="claim-settle-form"'
    assert settle_form not in client.get(claim.get_absolute_url()).content.decode()
    client.force_login(vp)
    assert settle_form in client.get(claim.get_absolute_url()).content.decode()
    client.post(f"/warranty/claims/{claim.number}/settle/", {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == S.PAID
    listed = client.get("/warranty/claims/?status=paid&dealer=dealer-a").content.decode()
    assert claim.number in listed


def test_the_pages_refuse_what_the_role_may_not_do(client, agent, seller_a, dealer_a, make_user):
    """SEC-1: pages are 404 for roles outside claims; a dealer cannot decide."""
    claim = submit(seller_a, finished_case(agent, dealer_a))
    client.force_login(make_user(Role.LOGISTICS))
    assert client.get("/warranty/claims/").status_code == 404
    assert client.get("/warranty/claims/new/").status_code == 404
    assert client.get("/warranty/claims/statement/").status_code == 404
    client.force_login(seller_a)
    assert (
        client.post(f"/warranty/claims/{claim.number}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    statement = client.get("/warranty/claims/statement/").content.decode()
    assert 'data-testid="statement-empty"' in statement  # their own dealer, this month
