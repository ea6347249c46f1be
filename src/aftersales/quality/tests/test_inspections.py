"""Inspections (QC-1, QC-2, QC-6): the verdict from the findings, what it does to the batch,
the certificate of conformity and the inspection report as the customer reads them."""

import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, Category
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.testing import MARKUP_TEXTS, assert_pdf_prints_as_typed
from aftersales.quality import pdf, selectors
from aftersales.quality.models import (
    Certificate,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionResult,
    Nonconformance,
)
from aftersales.quality.services.inspections import (
    ItemInput,
    ItemSpec,
    inspection_record,
    plan_create,
    plans_for_batch,
)

from .factories import BatchFactory, InspectionPlanFactory, findings, plan_with_items

pytestmark = pytest.mark.django_db

V = Inspection.Verdict
Q = Batch.QualityStatus


def record(people, batch, plan, results=None, **extra):
    return inspection_record(
        actor=people["inspector"],
        batch=batch,
        plan=plan,
        results=findings(plan) if results is None else results,
        **extra,
    )


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


# --- the verdict (QC-1) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found", "verdict"),
    [
        ({}, V.PASSED),
        ({"耐压测试": False}, V.FAILED),  # a critical item fails the batch on its own
        ({"外观": False}, V.PASSED_WITH_REMARKS),  # one minor failure is allowed by the plan
        ({"外观": False, "包装": False}, V.FAILED),  # two are more than allowed
        ({"屏幕宽度": Decimal("141")}, V.PASSED_WITH_REMARKS),  # out of limits, not critical
        ({"外观": False, "屏幕宽度": Decimal("137")}, V.FAILED),
    ],
)
def test_qc1_the_verdict_follows_critical_items_and_the_minor_failures_allowed(
    people, batch, plan, found, verdict
):
    inspection = record(people, batch, plan, findings(plan, **found))
    assert inspection.verdict == verdict
    failed = set(
        InspectionResult.objects.filter(inspection=inspection, passed=False).values_list(
            "item__name", flat=True
        )
    )
    assert failed == set(found)


def test_qc1_a_plan_allowing_no_minor_failure_fails_on_the_first(people, batch, tv):
    strict = plan_with_items(tv, minor_failures_allowed=0)
    assert record(people, batch, strict, findings(strict, 包装=False)).verdict == V.FAILED


@pytest.mark.parametrize(
    ("value", "passed"),
    [
        (Decimal("138.0"), True),  # the lower limit itself is within
        (Decimal("140.0"), True),  # so is the upper one
        (Decimal("139.25"), True),
        (Decimal("137.9999"), False),
        (Decimal("140.0001"), False),
    ],
)
def test_qc1_a_measured_value_is_judged_against_inclusive_limits(
    people, batch, plan, value, passed
):
    inspection = record(people, batch, plan, findings(plan, 屏幕宽度=value))
    result = inspection.results.get(item__name="屏幕宽度")
    assert (result.passed, result.measured_value) == (passed, value)
    assert inspection.verdict == (V.PASSED if passed else V.PASSED_WITH_REMARKS)


def test_qc1_a_measured_item_takes_the_value_not_the_inspectors_word(people, batch, plan):
    width = plan.items.get(name="屏幕宽度")
    results = [
        r
        if r.item_id != width.pk
        else ItemInput(width.pk, passed=True, measured_value=Decimal("150"))
        for r in findings(plan)
    ]
    inspection = record(people, batch, plan, results)
    assert inspection.results.get(item=width).passed is False


def test_qc1_one_sided_limits(people, batch, tv):
    plan = InspectionPlanFactory(product=tv, minor_failures_allowed=0)
    InspectionItem.objects.create(
        plan=plan,
        name="绝缘电阻",
        aspect="function",
        result_type="measured",
        unit="MΩ",
        lower_limit=Decimal("2"),
    )
    assert record(people, batch, plan, [_measured(plan, "1.99")]).verdict == V.FAILED
    other = BatchFactory(product=tv)
    assert record(people, other, plan, [_measured(plan, "2000")]).verdict == V.PASSED
    assert plan.items.get().limits_text() == "≥ 2 MΩ"


def _measured(plan, value):
    return ItemInput(plan.items.get().pk, measured_value=Decimal(value))


def _nothing_written(batch):
    assert Inspection.objects.count() == 0
    assert InspectionResult.objects.count() == 0
    assert Certificate.objects.count() == 0
    assert Nonconformance.objects.count() == 0
    assert Notification.objects.count() == 0
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING


def test_qc1_every_item_needs_a_result_and_the_field_names_the_missing_ones(people, batch, plan):
    with pytest.raises(InvalidInput) as err:
        record(people, batch, plan, findings(plan)[:2])
    assert list(err.value.fields) == ["results"]
    assert "耐压测试" in err.value.fields["results"][0]
    assert "屏幕宽度" in err.value.fields["results"][0]
    _nothing_written(batch)


def test_qc1_bad_findings_name_their_row_and_nothing_is_written(people, batch, plan, tv):
    rows = findings(plan)
    stranger = plan_with_items(tv).items.first()
    width = plan.items.get(name="屏幕宽度")
    bad = [
        ItemInput(rows[0].item_id),  # pass/fail not given
        rows[1],
        rows[1],  # listed twice
        rows[2],
        ItemInput(width.pk),  # the measured value is missing
        ItemInput(stranger.pk, passed=True),  # from another plan
    ]
    with pytest.raises(InvalidInput) as err:
        record(people, batch, plan, bad)
    assert set(err.value.fields) == {
        "results[0].passed",
        "results[2].item",
        "results[4].measured_value",
        "results[5].item",
    }
    assert "包装" in err.value.fields["results[2].item"][0]
    assert "屏幕宽度" in err.value.fields["results[4].measured_value"][0]
    _nothing_written(batch)
    # Nothing was used up either: the first inspection recorded still gets number 0001.
    assert record(people, batch, plan).number.endswith("-0001")


def test_qc1_a_plan_for_another_product_is_refused_on_plan(people, batch):
    other_plan = plan_with_items(ProductFactory(name="冰箱"))
    with pytest.raises(InvalidInput) as err:
        record(people, batch, other_plan)
    # The findings are not checked against a plan that does not apply.
    assert list(err.value.fields) == ["plan"]
    _nothing_written(batch)


def test_qc1_an_inactive_plan_is_refused(people, batch, plan):
    plan.active = False
    plan.save()
    with pytest.raises(InvalidInput) as err:
        record(people, batch, plan)
    assert "plan" in err.value.fields


def test_qc1_time_in_the_future_and_sample_size_below_one_are_refused(people, batch, plan):
    with pytest.raises(InvalidInput) as err:
        record(
            people,
            batch,
            plan,
            inspected_at=timezone.now() + timedelta(hours=1),
            sample_size=0,
        )
    assert set(err.value.fields) == {"inspected_at", "sample_size"}
    _nothing_written(batch)


@pytest.mark.parametrize("role", [Role.SALES, Role.LOGISTICS, Role.SALES_VP, Role.SERVICE])
def test_qc1_only_quality_inspection_records_inspections(make_user, batch, plan, role):
    with pytest.raises(PermissionDenied):
        inspection_record(actor=make_user(role), batch=batch, plan=plan, results=findings(plan))


def test_qc1_the_quality_department_may_record_too(people, batch, plan):
    inspection = inspection_record(
        actor=people["quality"], batch=batch, plan=plan, results=findings(plan)
    )
    assert inspection.inspector == people["quality"]
    assert inspection.sample_size == plan.sample_size == 5


# --- plans ----------------------------------------------------------------------------------


def test_qc1_a_category_plan_applies_to_products_below_it_and_the_product_plan_comes_first(
    people,
):
    appliances = CategoryFactory(code="appliances", name="家用电器")
    tvs = Category.objects.create(code="tvs", name="电视", parent=appliances)
    tv = ProductFactory(category=tvs)
    batch = BatchFactory(product=tv)
    broad = plan_with_items(None, category=appliances, name="家电通用")
    narrow = plan_with_items(None, category=tvs, name="电视通用")
    own = plan_with_items(tv, name="本型号")
    plan_with_items(None, category=appliances, kind=InspectionKind.INCOMING, name="来料")
    assert [p.name for p in plans_for_batch(batch, kind=InspectionKind.FINISHED)] == [
        own.name,
        narrow.name,
        broad.name,
    ]
    inspection = record(people, batch, broad)
    assert inspection.verdict == V.PASSED and inspection.plan == broad


def test_qc1_plan_create_checks_every_item(people, tv):
    with pytest.raises(InvalidInput) as err:
        plan_create(
            actor=people["quality"],
            data={"name": "成品检验", "kind": "finished"},
            items=[
                ItemSpec(name=" ", aspect="appearance"),
                ItemSpec(name="宽度", aspect="dimensions", result_type="measured"),
                ItemSpec(
                    name="高度",
                    aspect="dimensions",
                    result_type="measured",
                    lower_limit=Decimal("80"),
                    upper_limit=Decimal("79"),
                ),
                ItemSpec(name="味道", aspect="flavour"),
            ],
        )
    assert set(err.value.fields) == {
        "product",
        "items[0].name",
        "items[1].lower_limit",
        "items[2].upper_limit",
        "items[3].aspect",
    }
    with pytest.raises(InvalidInput) as err:
        plan_create(actor=people["quality"], data={"name": "空", "product": tv}, items=[])
    assert "items" in err.value.fields
    with pytest.raises(PermissionDenied):
        plan_create(
            actor=people["inspector"],
            data={"name": "成品检验", "kind": "finished", "product": tv},
            items=[ItemSpec(name="外观", aspect="appearance")],
        )


def test_qc1_plan_create_writes_the_items_in_order(people, tv):
    plan = plan_create(
        actor=people["quality"],
        data={"name": "成品检验", "kind": "finished", "product": tv, "minor_failures_allowed": 2},
        items=[
            ItemSpec(name=" 外观 ", aspect="appearance", lower_limit=Decimal("1")),
            ItemSpec(
                name="宽度",
                aspect="dimensions",
                result_type="measured",
                unit="cm",
                upper_limit=Decimal("140"),
                critical=True,
            ),
        ],
    )
    items = list(plan.items.all())
    assert [(i.position, i.name, i.critical) for i in items] == [
        (1, "外观", False),
        (2, "宽度", True),
    ]
    assert items[0].lower_limit is None  # limits mean nothing on a pass/fail item
    assert items[1].limits_text() == "≤ 140 cm"


# --- what the verdict does (QC-2, QC-6) -----------------------------------------------------


def test_qc2_a_finished_goods_pass_releases_the_batch_with_a_certificate(people, batch, plan):
    inspection = record(people, batch, plan)
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED
    certificate = Certificate.objects.get(batch=batch)
    assert certificate.inspection == inspection
    assert certificate.issued_by == people["inspector"]
    assert certificate.number.startswith("HG-")
    assert inspection.number.startswith("QI-")
    assert not Nonconformance.objects.exists()


def test_qc2_a_pass_with_remarks_still_releases_and_certifies(people, batch, plan):
    record(people, batch, plan, findings(plan, 包装=False))
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED
    assert Certificate.objects.filter(batch=batch).count() == 1


def test_qc2_the_certificate_pdf_reads_as_a_certificate_of_this_batch(people, batch, plan):
    inspection = record(people, batch, plan)
    text = pdf_text(pdf.certificate_pdf(inspection.certificate, company="华东精工"))
    for expected in ("华东精工", "合格证", "55英寸电视", "B-20261101", "陈静", "检验合格"):
        assert expected in text.replace(" ", ""), expected
    assert inspection.certificate.number in text
    assert "GB/T3325-2017" in text.replace(" ", "")


def test_qc6_the_inspection_report_pdf_lists_the_findings_and_the_verdict(people, batch, plan):
    inspection = record(
        people, batch, plan, findings(plan, 外观=False, 屏幕宽度=Decimal("141.5")), note="需复检"
    )
    assert inspection.verdict == V.FAILED
    text = pdf_text(pdf.inspection_report_pdf(inspection, company="华东精工")).replace(" ", "")
    for expected in (
        "华东精工",
        "检验报告",
        "55英寸电视",
        "B-20261101",
        inspection.number,
        "成品检验",
        "外观",
        "屏幕宽度",
        "141.5cm",
        "138–140cm",
        "不合格",
        "需复检",
    ):
        assert expected in text, expected


def test_qc6_text_that_looks_like_markup_is_printed_as_typed(people, batch, tv):
    """Notes and names are text: "<i>" or "A&B<C>" must neither break the PDF nor vanish."""
    tv.name = "R&D<样机>"
    tv.save()
    plan = plan_with_items(tv, standard="Q/HD <2026>")
    rows = [
        r if i else ItemInput(r.item_id, passed=False, note="A&B<C>")
        for i, r in enumerate(findings(plan))
    ]
    inspection = record(people, batch, plan, rows, note="<i>见附件</i>")
    report = pdf_text(pdf.inspection_report_pdf(inspection, company="华东&精工")).replace(" ", "")
    for expected in ("R&D<样机>", "A&B<C>", "<i>见附件</i>", "华东&精工"):
        assert expected in report, expected
    inspection = record(people, BatchFactory(product=tv), plan)
    certificate = pdf_text(pdf.certificate_pdf(inspection.certificate, company="华东&精工"))
    certificate = certificate.replace(" ", "")
    for expected in ("R&D<样机>", "Q/HD<2026>", "华东&精工"):
        assert expected in certificate, expected


def test_qc6_markup_in_any_field_prints_as_typed_without_images_or_links(people, batch, tv):
    image, link, less, amp = MARKUP_TEXTS
    tv.name = image
    tv.save()
    plan = plan_with_items(tv, standard=link)
    rows = [
        r if i else ItemInput(r.item_id, passed=False, note=less)
        for i, r in enumerate(findings(plan))
    ]
    inspection = record(people, batch, plan, rows, note=link)
    report = pdf.inspection_report_pdf(inspection, company=amp)
    assert_pdf_prints_as_typed(report, *MARKUP_TEXTS)
    inspection = record(people, BatchFactory(product=tv), plan)
    certificate = pdf.certificate_pdf(inspection.certificate, company=amp)
    assert_pdf_prints_as_typed(certificate, image, link, amp)


def test_qc6_the_report_of_a_pass_says_so(people, batch, plan):
    inspection = record(people, batch, plan)
    text = pdf_text(pdf.inspection_report_pdf(inspection, company="华东精工")).replace(" ", "")
    assert "检验结论：合格" in text
    assert "不合格" not in text


def test_qc2_a_failed_finished_inspection_blocks_the_batch_and_opens_a_nonconformance(
    people, batch, plan
):
    inspection = record(people, batch, plan, findings(plan, 耐压测试=False))
    batch.refresh_from_db()
    assert batch.quality_status == Q.FAILED
    assert not Certificate.objects.exists()
    nc = Nonconformance.objects.get()
    assert (nc.source, nc.inspection, nc.batch) == (
        Nonconformance.Source.INSPECTION,
        inspection,
        batch,
    )
    assert nc.severity == Nonconformance.Severity.CRITICAL  # a critical item failed
    assert nc.source_ref == inspection.number
    assert "耐压测试" in nc.description and "B-20261101" in nc.title
    assert list(selectors.nonconformance_list(status="active")) == [nc]
    told = Notification.objects.filter(recipient=people["quality"]).get()
    assert nc.number in told.title and told.level == "danger"
    # Only the quality department hears of it, not sales or the warehouse.
    assert not Notification.objects.exclude(recipient=people["quality"]).exists()


def test_qc2_minor_failures_beyond_the_allowance_open_a_major_nonconformance(people, batch, plan):
    record(people, batch, plan, findings(plan, 外观=False, 屏幕宽度=Decimal("137.5")))
    nc = Nonconformance.objects.get()
    assert nc.severity == Nonconformance.Severity.MAJOR
    assert "屏幕宽度 = 137.5 (138 – 140 cm)" in nc.description


def test_qc6_an_in_process_failure_blocks_but_an_in_process_pass_does_not_release(
    people, batch, tv
):
    in_process = plan_with_items(tv, kind=InspectionKind.IN_PROCESS)
    record(people, batch, in_process)
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING
    assert not Certificate.objects.exists()

    record(people, batch, in_process, findings(in_process, 耐压测试=False))
    batch.refresh_from_db()
    assert batch.quality_status == Q.FAILED
    assert Nonconformance.objects.count() == 1


def test_qc6_an_incoming_pass_releases_the_material_without_a_certificate(people, batch, tv):
    incoming = plan_with_items(tv, kind=InspectionKind.INCOMING)
    record(people, batch, incoming)
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED
    assert not Certificate.objects.exists()


def test_qc6_a_third_party_sample_must_name_the_agency(people, batch, tv):
    sample = plan_with_items(tv, kind=InspectionKind.SAMPLE)
    with pytest.raises(InvalidInput) as err:
        record(people, batch, sample, party=Inspection.Party.THIRD_PARTY, party_name="  ")
    assert list(err.value.fields) == ["party_name"]
    with pytest.raises(InvalidInput) as err:
        record(people, batch, sample, party="neighbour")
    assert list(err.value.fields) == ["party"]


def test_qc6_a_failed_sample_opens_a_nonconformance_but_leaves_the_batch_alone(people, batch, tv):
    sample = plan_with_items(tv, kind=InspectionKind.SAMPLE)
    inspection = record(
        people,
        batch,
        sample,
        findings(sample, 耐压测试=False),
        party=Inspection.Party.THIRD_PARTY,
        party_name=" 上海市质检院 ",
    )
    assert inspection.party_name == "上海市质检院"
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING
    assert Nonconformance.objects.get().source == Nonconformance.Source.INSPECTION
    text = pdf_text(pdf.inspection_report_pdf(inspection, company="华东精工")).replace(" ", "")
    assert "第三方机构：上海市质检院" in text


@pytest.mark.parametrize("kind", [InspectionKind.FINISHED, InspectionKind.INCOMING])
def test_qc2_a_plan_of_another_kind_cannot_release_the_batch(people, batch, tv, kind):
    """An in-process plan recorded as finished goods would release and certify goods that
    were never given the finished-goods checks."""
    in_process = plan_with_items(tv, kind=InspectionKind.IN_PROCESS)
    with pytest.raises(InvalidInput) as err:
        record(people, batch, in_process, kind=kind)
    assert list(err.value.fields) == ["kind"]
    _nothing_written(batch)


def test_qc6_a_sample_or_returned_goods_may_follow_the_finished_goods_plan(people, batch, plan):
    sample = record(
        people, batch, plan, kind=InspectionKind.SAMPLE, party="customer", party_name="王小明"
    )
    returned = record(people, batch, plan, kind=InspectionKind.RETURNED)
    assert (sample.kind, returned.kind) == (InspectionKind.SAMPLE, InspectionKind.RETURNED)
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING
    assert not Certificate.objects.exists()


def test_qc6_a_passed_sample_changes_nothing_and_issues_no_certificate(people, batch, tv):
    sample = plan_with_items(tv, kind=InspectionKind.SAMPLE)
    record(people, batch, sample, party=Inspection.Party.CUSTOMER, party_name="王小明")
    batch.refresh_from_db()
    assert batch.quality_status == Q.PENDING
    assert not Certificate.objects.exists()


def test_qc1_a_corrected_batch_passes_on_a_new_inspection_and_both_stay_on_record(
    people, batch, plan
):
    first = record(people, batch, plan, findings(plan, 耐压测试=False))
    # After rework the inspector may not put the blocked batch back on the shelf alone...
    with pytest.raises(PermissionDenied):
        record(people, batch, plan)
    # ...the quality department records the re-inspection.
    second = inspection_record(
        actor=people["quality"], batch=batch, plan=plan, results=findings(plan)
    )
    batch.refresh_from_db()
    assert batch.quality_status == Q.PASSED
    assert Certificate.objects.get().inspection == second
    assert list(selectors.inspection_list(q=batch.batch_no)) == [second, first]
    assert list(selectors.inspection_list(verdict=V.FAILED)) == [first]
