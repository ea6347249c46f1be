"""QC-2: a new batch always waits for inspection, whoever creates it and however; batch and
serial numbers typed in full-width or another case are the same numbers (security finding 1)."""

from datetime import date

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog import services
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import InvalidInput
from aftersales.core.excel import get_importer, run_import
from aftersales.core.tests.test_excel import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def tv(db):
    return ProductFactory(sku="TV-55A1", serial_tracked=True)


@pytest.mark.parametrize("role", [Role.SALES, Role.LOGISTICS, Role.QUALITY, Role.ADMIN])
@pytest.mark.parametrize("status", ["passed", "released_by_exception", "failed"])
def test_qc2_no_role_creates_a_batch_that_skips_inspection(api_as, make_user, tv, role, status):
    """The probe's example: {"quality_status": "passed"} → 201 and a batch that ships with no
    inspection. Now a 400 on the field, and nothing is written."""
    response = api_as(make_user(role)).post(
        "/api/v1/batches/",
        {
            "product": "TV-55A1",
            "batch_no": "QCBYPASS-1",
            "production_date": "2026-12-01",
            "quality_status": status,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "quality_status" in response.json()["fields"]
    assert not Batch.objects.filter(batch_no="QCBYPASS-1").exists()


def test_qc2_a_new_batch_waits_for_inspection(api_as, make_user, tv):
    response = api_as(make_user(Role.LOGISTICS)).post(
        "/api/v1/batches/",
        {"product": "TV-55A1", "batch_no": "B1", "production_date": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["quality_status"] == "pending"


def test_qc2_the_batch_import_cannot_set_a_status(make_user, tv):
    """An old template's 质量状态 column is not read: the batch waits for inspection."""
    rows = [["TV-55A1", "B-IMPORT-1", "2026-12-01", "", "", "合格"]]
    headers = ["SKU", "批号", "生产日期", "装箱员编号", "装箱单", "质量状态"]
    result = run_import(get_importer("batches"), make_user(Role.LOGISTICS), workbook(rows, headers),
                        apply=True)  # fmt: skip
    assert not result.problems
    assert Batch.objects.get(batch_no="B-IMPORT-1").quality_status == Batch.QualityStatus.PENDING


@pytest.mark.parametrize("again", ["tv2026-0001", "ＴＶ２０２６－０００１", " TV2026-0001 "])
def test_batch_numbers_compare_without_case_or_width(make_user, tv, again):
    clerk = make_user(Role.LOGISTICS)
    services.batch_create(
        actor=clerk,
        data={"product": tv, "batch_no": "TV2026-0001", "production_date": date(2026, 12, 1)},
    )
    with pytest.raises(InvalidInput) as caught:
        services.batch_create(
            actor=clerk,
            data={"product": tv, "batch_no": again, "production_date": date(2026, 12, 1)},
        )
    assert list(caught.value.fields) == ["batch_no"]
    assert "TV2026-0001" in caught.value.fields["batch_no"][0]
    assert Batch.objects.count() == 1


def test_full_width_serial_numbers_are_stored_half_width(make_user, tv):
    serial = services.serial_create(
        actor=make_user(Role.LOGISTICS), data={"serial": "ｓｎ０００１", "product": tv}
    )
    assert serial.serial == "SN0001"
