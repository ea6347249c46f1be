"""Who sees what, and that what people recorded stays theirs (SEC-1, SEC-2, QC-3, QC-5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.roles import Role
from aftersales.core.errors import PermissionDenied
from aftersales.customers.models import DealerMember
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory

from ..models import LiaisonForm, RecallTask
from ..permissions import can_view_quality
from ..services.inspections import inspection_record
from ..services.recalls import recall_create, recall_task_record
from ..services.releases import batch_release_by_exception, emergency_release_request
from .factories import BatchFactory, findings, ship

pytestmark = pytest.mark.django_db


def test_sec1_a_dealers_person_with_a_staff_role_still_sees_no_quality_records(
    client, api_as, make_user, batch
):
    """Dealer scoping wins over any other role: quality pages name every dealer's customers."""
    person = make_user(Role.SERVICE)
    DealerMember.objects.create(dealer=DealerFactory(), user=person)
    assert not can_view_quality(person)
    client.force_login(person)
    assert client.get(f"/quality/trace/batches/{batch.pk}/").status_code == 404
    assert api_as(person).get(f"/api/v1/quality/batches/{batch.pk}/trace/").status_code == 403


def test_a_dealer_gets_403_before_the_body_is_read(api_as, make_user):
    """Docs: quality endpoints answer a dealer 403, not a 400 about its input."""
    dealer = make_user(Role.DEALER)
    for url in (
        "/api/v1/quality/inspections/",
        "/api/v1/quality/nonconformances/",
        "/api/v1/quality/liaison-forms/",
        "/api/v1/quality/recalls/",
    ):
        assert api_as(dealer).post(url, {}, format="json").status_code == 403, url


def test_qc3_the_vice_president_releasing_a_requested_batch_approves_that_request(people, batch):
    """The VP's own button on a batch someone already asked about: one register row."""
    asked = emergency_release_request(actor=people["logistics"], batch=batch, reason="急单")
    batch = batch_release_by_exception(actor=people["vp"], batch=batch, reason="同意，先发")
    assert batch.quality_status == "released_by_exception"
    asked.refresh_from_db()
    assert asked.status == "approved" and asked.decision_note == "同意，先发"
    assert batch.emergency_releases.count() == 1


def test_sec2_a_recorded_recall_contact_is_not_overwritten_by_someone_else(
    people, make_user, plan, tv
):
    batch = BatchFactory(product=tv)
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    ship(
        batch=batch,
        customer=CustomerFactory(),
        seller=people["sales"],
        warehouse=people["logistics"],
    )
    recall = recall_create(actor=people["quality"], batches=[batch], reason="隐患")
    task = recall.tasks.get()
    recall_task_record(actor=people["cs"], task=task, outcome="unreachable", note="三次未接")
    colleague = make_user(Role.CUSTOMER_SERVICE, username="cs-other")
    with pytest.raises(PermissionDenied):
        recall_task_record(actor=colleague, task=task, outcome="contacted")
    # The one who called may correct it, and so may quality.
    recall_task_record(actor=people["cs"], task=task, outcome="contacted", note="回电已联系")
    recall_task_record(actor=people["quality"], task=task, outcome="returned", note="已退回")
    assert RecallTask.objects.get(pk=task.pk).outcome == "returned"


def test_sec1_phone_numbers_in_a_liaison_contact_are_masked_for_quality(client, people, api_as):
    from aftersales.accounts.models import Department

    department = Department.objects.create(code="quality-x", name="品质部X")
    form = LiaisonForm.objects.create(
        number="LF-T-1",
        kind="complaint",
        contact="李先生 13900001234",
        heard_on="2026-11-27",
        content="门封条变形",
        department=department,
        originator=people["cs"],
    )
    client.force_login(people["quality"])
    page = client.get(f"/quality/liaison/{form.pk}/").content.decode()
    assert "13900001234" not in page and "139****1234" in page
    assert api_as(people["quality"]).get(f"/api/v1/quality/liaison-forms/{form.pk}/").json()[
        "contact"
    ] == ("李先生 139****1234")
    client.force_login(people["cs"])  # customer service calls customers: the full number
    assert "13900001234" in client.get(f"/quality/liaison/{form.pk}/").content.decode()


def test_the_recall_list_api_does_not_query_per_recall(api_as, people, plan, tv):
    batch = BatchFactory(product=tv)
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    ship(
        batch=batch,
        customer=CustomerFactory(),
        seller=people["sales"],
        warehouse=people["logistics"],
    )
    client = api_as(people["quality"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/quality/recalls/").status_code == 200
        return len(queries)

    recall_create(actor=people["quality"], batches=[batch], reason="一")
    count()  # warm-up: first-request caches
    one = count()
    for reason in ("二", "三", "四"):
        recall_create(actor=people["quality"], batches=[batch], reason=reason)
    assert count() == one
