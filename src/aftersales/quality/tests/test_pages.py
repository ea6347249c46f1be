"""The quality pages as people use them: what they see after each step."""

import shutil
import subprocess

import pytest

from aftersales.accounts.roles import Role
from aftersales.customers.tests.factories import CustomerFactory

from ..models import Inspection, Nonconformance
from ..services.inspections import inspection_record
from .factories import findings, ship

pytestmark = pytest.mark.django_db


def _form_data(plan, failing=()):
    data = {}
    for item in plan.items.all():
        if item.result_type == "measured":
            data[f"item-{item.pk}-value"] = "139"
        else:
            data[f"item-{item.pk}-passed"] = "no" if item.name in failing else "yes"
    return data


def test_an_inspector_records_a_failing_inspection_on_the_page(client, people, batch, plan):
    """QC-1/QC-2: the verdict is on the page, the batch is blocked, the NC is linked."""
    client.force_login(people["inspector"])
    start = client.get("/quality/inspections/new/", {"batch": batch.pk}).content.decode()
    assert f'data-testid="plan-{plan.pk}"' in start
    url = f"/quality/inspections/new/?batch={batch.pk}&plan={plan.pk}"
    response = client.post(
        url,
        {"party": "company", "sample_size": 5, **_form_data(plan, failing={"耐压测试"})},
        follow=True,
    )
    html = response.content.decode()
    assert "不合格" in html and 'data-testid="failed-alert"' in html
    batch.refresh_from_db()
    assert batch.quality_status == "failed"
    nc = Nonconformance.objects.get(batch=batch)
    assert nc.number in html


def test_a_missing_finding_is_shown_on_its_row_and_nothing_is_saved(client, people, batch, plan):
    client.force_login(people["inspector"])
    data = _form_data(plan)
    first = plan.items.get(name="外观")
    del data[f"item-{first.pk}-passed"]
    response = client.post(
        f"/quality/inspections/new/?batch={batch.pk}&plan={plan.pk}",
        {"party": "company", "sample_size": 5, **data},
    )
    assert response.status_code == 200
    assert "外观" in response.content.decode() and "table-danger" in response.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_report_and_certificate_pdfs_read_back_in_chinese(client, people, batch, plan):
    inspection = inspection_record(
        actor=people["inspector"], batch=batch, plan=plan, results=findings(plan)
    )
    client.force_login(people["service"])
    for url, words in (
        (f"/quality/inspections/{inspection.pk}/report.pdf", ["检验报告", "B-20261101", "合格"]),
        (
            f"/quality/certificates/{inspection.certificate.pk}.pdf",
            ["合格证", "55英寸电视", "B-20261101", inspection.certificate.number],
        ),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        for word in words:
            assert word in text.replace(" ", ""), (url, word)


def test_nonconformance_page_from_investigation_to_closure(client, people, batch):
    """QC-7 on the page: 5 whys, an action, done by its owner, verified, closed."""
    from ..services.nonconformances import nonconformance_open

    nc = nonconformance_open(
        actor=people["cs"],
        source="complaint",
        title="面板开裂",
        description="客户投诉",
        batch=batch,
    )
    client.force_login(people["quality"])
    client.post(
        f"/quality/nonconformances/{nc.pk}/investigate/",
        {
            "version": nc.version,
            "severity": "major",
            "root_cause_method": "five_why",
            "why1": "面板开裂",
            "why2": "包装受压",
        },
    )
    client.post(
        f"/quality/nonconformances/{nc.pk}/actions/",
        {
            "kind": "corrective",
            "description": "护角加厚",
            "owner": people["logistics"].pk,
            "due_in_working_days": 5,
        },
    )
    nc.refresh_from_db()
    assert nc.root_cause == "包装受压" and nc.status == "action"
    action = nc.actions.get()
    client.force_login(people["logistics"])
    page = client.get(f"/quality/nonconformances/{nc.pk}/").content.decode()
    assert f'data-testid="complete-{action.pk}"' in page
    client.post(f"/quality/actions/{action.pk}/complete/", {"result": "已加厚"})
    client.force_login(people["quality"])
    client.post(
        f"/quality/nonconformances/{nc.pk}/verify/",
        {"effective": "yes", "verification": "后续两批无开裂"},
    )
    page = client.get(f"/quality/nonconformances/{nc.pk}/").content.decode()
    assert 'data-testid="nc-status">已关闭' in page
    assert "护角加厚" in page  # the action on the page and its timeline


def test_trace_page_and_search(client, people, batch, plan):
    """QC-5: the batch page names the customer; a serial number leads back to the batch."""
    from aftersales.catalog.models import SerialNumber

    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    unit = SerialNumber.objects.create(serial="SN-0001", product=batch.product, batch=batch)
    shipment = ship(
        batch=batch,
        customer=CustomerFactory(name="李四"),
        seller=people["sales"],
        warehouse=people["logistics"],
        serials=[unit],
    )
    client.force_login(people["cs"])
    page = client.get(f"/quality/trace/batches/{batch.pk}/").content.decode()
    assert "李四" in page and shipment.number in page and "P-07" in page
    found = client.get("/quality/trace/", {"q": "SN-0001"})
    assert found.status_code == 302
    serial_page = client.get(found["Location"]).content.decode()
    assert "B-20261101" in serial_page and shipment.number in serial_page


def test_quality_pages_are_not_for_dealers(client, make_user, batch):
    client.force_login(make_user(Role.DEALER))
    for url in ("/quality/", "/quality/nonconformances/", f"/quality/trace/batches/{batch.pk}/"):
        assert client.get(url).status_code == 404


def test_quality_home_counts_what_waits(client, people, batch, plan):
    inspection_record(
        actor=people["inspector"], batch=batch, plan=plan, results=findings(plan, 耐压测试=False)
    )
    client.force_login(people["quality"])
    html = client.get("/quality/").content.decode()
    assert 'data-testid="open-ncs">1<' in html


def test_every_delivery_of_a_batch_is_reachable_page_by_page(
    client, people, batch, plan, monkeypatch
):
    """QC-5: the trace page lists every delivery, a page at a time."""
    from aftersales.quality import selectors

    monkeypatch.setattr(selectors, "DELIVERIES_ON_PAGE", 2)
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    names = ["甲", "乙", "丙"]
    for name in names:
        ship(
            batch=batch,
            customer=CustomerFactory(name=f"客户{name}"),
            seller=people["sales"],
            warehouse=people["logistics"],
        )
    client.force_login(people["quality"])
    first = client.get(f"/quality/trace/batches/{batch.pk}/").content.decode()
    second = client.get(f"/quality/trace/batches/{batch.pk}/?page=2").content.decode()
    assert 'data-testid="delivery-pager"' in first
    seen = [n for n in names if f"客户{n}" in first] + [n for n in names if f"客户{n}" in second]
    assert sorted(seen) == sorted(names)
