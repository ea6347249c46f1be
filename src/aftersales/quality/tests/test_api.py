"""The quality API contracts of docs/api.md: field names, status codes, errors naming fields."""

from decimal import Decimal

import pytest

from aftersales.customers.tests.factories import CustomerFactory

from ..models import Nonconformance
from .factories import BatchFactory, findings, ship

pytestmark = pytest.mark.django_db


def _results(plan, **by_name):
    return [
        {
            "item": r.item_id,
            "passed": r.passed,
            "measured_value": str(r.measured_value) if r.measured_value is not None else None,
        }
        for r in findings(plan, **by_name)
    ]


def test_recording_a_passing_finished_inspection_issues_the_certificate(
    api_as, people, batch, plan
):
    """QC-1/QC-2: 201 with the verdict, the batch's new status and the certificate number."""
    response = api_as(people["inspector"]).post(
        "/api/v1/quality/inspections/",
        {"batch": batch.pk, "plan": plan.pk, "results": _results(plan)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["verdict"] == "passed" and body["batch_status"] == "passed"
    assert body["certificate"].startswith("HG-") and body["nonconformance"] is None
    assert [r["name"] for r in body["results"]] == ["外观", "包装", "耐压测试", "屏幕宽度"]
    assert body["inspector"] == "陈静"


def test_a_failed_critical_item_blocks_the_batch_and_opens_a_nonconformance(
    api_as, people, batch, plan
):
    response = api_as(people["inspector"]).post(
        "/api/v1/quality/inspections/",
        {"batch": batch.pk, "plan": plan.pk, "results": _results(plan, 耐压测试=False)},
        format="json",
    )
    body = response.json()
    assert body["verdict"] == "failed" and body["batch_status"] == "failed"
    assert body["nonconformance"].startswith("NC-") and body["certificate"] is None
    listed = api_as(people["quality"]).get("/api/v1/quality/nonconformances/?status=active")
    assert [n["number"] for n in listed.json()["results"]] == [body["nonconformance"]]
    assert listed.json()["results"][0]["severity"] == "critical"


def test_a_missing_result_is_a_field_error_and_nothing_is_written(api_as, people, batch, plan):
    results = _results(plan)[:-1]
    response = api_as(people["inspector"]).post(
        "/api/v1/quality/inspections/",
        {"batch": batch.pk, "plan": plan.pk, "results": results},
        format="json",
    )
    assert response.status_code == 400
    assert "屏幕宽度" in response.json()["fields"]["results"][0]
    assert batch.inspections.count() == 0


def test_a_measured_value_out_of_limits_fails_its_item(api_as, people, batch, plan):
    response = api_as(people["inspector"]).post(
        "/api/v1/quality/inspections/",
        {
            "batch": batch.pk,
            "plan": plan.pk,
            "results": _results(plan, 屏幕宽度=Decimal("140.1")),
        },
        format="json",
    )
    body = response.json()
    width = next(r for r in body["results"] if r["name"] == "屏幕宽度")
    assert width["passed"] is False and width["limits"] == "138 – 140 cm"
    # One non-critical failure is within the plan's tolerance of one.
    assert body["verdict"] == "passed_with_remarks"


def test_only_inspectors_record_and_dealers_read_nothing(api_as, people, make_user, batch, plan):
    from aftersales.accounts.roles import Role

    refused = api_as(people["sales"]).post(
        "/api/v1/quality/inspections/",
        {"batch": batch.pk, "plan": plan.pk, "results": _results(plan)},
        format="json",
    )
    assert refused.status_code == 403
    dealer = make_user(Role.DEALER)
    assert api_as(dealer).get("/api/v1/quality/inspections/").status_code == 403
    assert api_as(dealer).get(f"/api/v1/quality/batches/{batch.pk}/trace/").status_code == 403


def test_release_request_and_decision_through_the_api(api_as, people, batch):
    """QC-3: logistics asks (201), the inspector may not decide (403), the VP approves."""
    asked = api_as(people["logistics"]).post(
        "/api/v1/quality/emergency-releases/", {"batch": batch.pk, "reason": "客户急需"}
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    again = api_as(people["sales"]).post(
        "/api/v1/quality/emergency-releases/", {"batch": batch.pk, "reason": "再催"}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_requested"
    release_id = asked.json()["id"]
    url = f"/api/v1/quality/emergency-releases/{release_id}/approve/"
    assert api_as(people["inspector"]).post(url, {}).status_code == 403
    assert api_as(people["admin"]).post(url, {}).status_code == 403  # admin role is not the VP
    approved = api_as(people["vp"]).post(url, {"note": "同意"})
    assert approved.json()["status"] == "approved"
    assert approved.json()["batch_status"] == "released_by_exception"
    assert approved.json()["decided_by"] == "刘洋"


def test_corrective_action_lifecycle_through_the_api(api_as, people, batch):
    """QC-7: raise, investigate (stale version refused), act, complete, verify, close."""
    quality = api_as(people["quality"])
    raised = api_as(people["cs"]).post(
        "/api/v1/quality/nonconformances/",
        {
            "source": "complaint",
            "title": "面板开裂",
            "description": "客户投诉面板开裂",
            "batch": batch.pk,
        },
    )
    assert raised.status_code == 201
    nc = raised.json()
    stale = quality.patch(
        f"/api/v1/quality/nonconformances/{nc['id']}/",
        {"version": nc["version"] + 1, "containment": "隔离"},
        format="json",
    )
    assert stale.status_code == 409
    investigated = quality.patch(
        f"/api/v1/quality/nonconformances/{nc['id']}/",
        {
            "version": nc["version"],
            "containment": "隔离库存",
            "root_cause_method": "five_why",
            "whys": ["面板开裂", "运输中受压", "护角太薄"],
        },
        format="json",
    )
    assert investigated.json()["root_cause"] == "护角太薄"
    action = quality.post(
        f"/api/v1/quality/nonconformances/{nc['id']}/actions/",
        {"description": "护角加厚到5mm", "owner": people["logistics"].pk, "due_in_working_days": 3},
    )
    assert action.status_code == 201 and action.json()["overdue"] is False
    owner = api_as(people["logistics"])
    done = owner.post(
        f"/api/v1/quality/actions/{action.json()['id']}/complete/", {"result": "已更换护角"}
    )
    assert done.status_code == 200
    assert quality.get(f"/api/v1/quality/nonconformances/{nc['id']}/").json()["status"] == (
        "verification"
    )
    closed = quality.post(
        f"/api/v1/quality/nonconformances/{nc['id']}/verify/",
        {"effective": True, "verification": "后续三批无开裂"},
    )
    assert closed.json()["status"] == "closed"
    assert Nonconformance.objects.get(pk=nc["id"]).closed_at is not None


def test_trace_and_reverse_lookup_through_the_api(api_as, people, batch, plan):
    """QC-5 both ways: the batch lists who received it; the delivery note leads back."""
    from aftersales.quality.services.inspections import inspection_record

    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    customer = CustomerFactory(name="王小明")
    shipment = ship(
        batch=batch,
        customer=customer,
        quantity=2,
        seller=people["sales"],
        warehouse=people["logistics"],
    )
    trace = api_as(people["service"]).get(f"/api/v1/quality/batches/{batch.pk}/trace/").json()
    assert trace["batch"]["packer_no"] == "P-07"
    assert trace["inspections"][0]["certificate"].startswith("HG-")
    assert trace["summary"]["customers"] == 1 and trace["summary"]["pieces"] == 2
    assert trace["deliveries"][0]["customer_name"] == "王小明"
    hits = api_as(people["service"]).get("/api/v1/quality/trace/", {"q": shipment.number}).json()
    assert [h["batch_id"] for h in hits] == [batch.pk]


def test_judgement_through_the_api(api_as, people, batch, plan):
    """S8: the verdict on a damaged delivery decides the manufacturer's share."""
    from aftersales.quality.services.inspections import inspection_record

    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    shipment = ship(
        batch=batch,
        customer=CustomerFactory(),
        seller=people["sales"],
        warehouse=people["logistics"],
    )
    body = {
        "subject_type": "sales.shipment",
        "subject_id": shipment.pk,
        "verdict": "transport",
        "reasoning": "外箱有叉车孔，产品本身无缺陷",
        "batch": batch.pk,
    }
    assert api_as(people["service"]).post("/api/v1/quality/judgements/", body).status_code == 403
    judged = api_as(people["quality"]).post("/api/v1/quality/judgements/", body)
    assert judged.json()["manufacturer_share"] == "0.50" and judged.json()["packer_no"] == "P-07"
    unknown = api_as(people["quality"]).post(
        "/api/v1/quality/judgements/", {**body, "subject_type": "accounts.user"}
    )
    assert unknown.status_code == 400 and "subject_type" in unknown.json()["fields"]
    read = api_as(people["cs"]).get(
        "/api/v1/quality/judgements/",
        {"subject_type": "sales.shipment", "subject_id": shipment.pk},
    )
    assert read.json()["verdict"] == "transport"


def test_recall_through_the_api(api_as, people, plan, tv):
    from aftersales.quality.services.inspections import inspection_record

    batch = BatchFactory(product=tv)
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    for name in ("甲", "乙"):
        ship(
            batch=batch,
            customer=CustomerFactory(name=name),
            seller=people["sales"],
            warehouse=people["logistics"],
        )
    created = api_as(people["quality"]).post(
        "/api/v1/quality/recalls/",
        {"batches": [batch.pk], "reason": "电源板批次隐患"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["customers"] == 2
    closing = api_as(people["quality"]).post(
        f"/api/v1/quality/recalls/{created.json()['id']}/close/"
    )
    assert closing.status_code == 409 and closing.json()["code"] == "tasks_pending"
