"""The two registers of S18: every case with handling and result; the complaints. Page, Excel
and PDF from one scoped queryset; phones masked for roles that do not call customers."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.core.models import ExportRecord

from ..services import workflow
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(agent, technician):
    complaint, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone="13912345678",
            description="送货员态度差",
        ),
    )
    repair, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="web",
            kind="repair",
            customer_name="李四",
            customer_phone="13800000002",
            description="洗衣机漏水",
        ),
    )
    workflow.case_transition(actor=agent, case=complaint, action="accept")
    workflow.case_transition(
        actor=agent,
        case=complaint,
        action="resolve",
        solution="致歉并培训送货员",
        result="客户接受",
    )
    return complaint, repair


def test_the_service_register_lists_every_case_and_the_complaint_register_only_complaints(
    client, agent, cases
):
    complaint, repair = cases
    client.force_login(agent)
    service = client.get("/service/register/").content.decode()
    assert complaint.number in service and repair.number in service
    complaints = client.get("/service/register/complaints/").content.decode()
    assert complaint.number in complaints and repair.number not in complaints
    assert "致歉并培训送货员" in complaints and "送货员态度差" in complaints


def test_the_registers_export_to_excel_and_print_to_pdf(client, agent, make_user, cases):
    complaint, _repair = cases
    client.force_login(agent)
    response = client.get("/service/register/complaints/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == complaint.number and rows[1][3] == "13912345678"
    assert ExportRecord.objects.filter(what="complaint_register.xlsx", rows=1).exists()
    # Quality does not call customers: the phone is masked (SEC-1).
    client.force_login(make_user(Role.QUALITY))
    response = client.get("/service/register/complaints/", {"format": "xlsx"})
    masked = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert masked[1][3] == "139****5678"
    if shutil.which("pdftotext"):
        pdf = client.get("/service/register/", {"format": "pdf"}).content
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True
        ).stdout.decode()
        assert "售后服务记录" in text.replace(" ", "") and complaint.number in text


def test_a_dealer_sees_its_own_cases_only_in_the_registers(client, make_user, cases):
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory

    dealer_person = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=dealer_person)
    client.force_login(dealer_person)
    page = client.get("/service/register/").content.decode()
    assert cases[0].number not in page and cases[1].number not in page


def test_registers_keep_formula_and_markup_like_names_as_text(client, agent):
    from aftersales.core.testing import FORMULA_NAME, MARKUP_TEXTS, assert_pdf_prints_as_typed

    def intake(name, description):
        return case_intake(
            actor=agent,
            data=IntakeInput(
                channel="phone",
                kind="complaint",
                customer_name=name,
                customer_phone=f"139{len(description):08d}",
                description=description,
            ),
        )[0]

    formula = intake(FORMULA_NAME, "=1+1")
    for index, text in enumerate(MARKUP_TEXTS):
        intake(f"客户{text}", f"{'x' * index}{text}")
    client.force_login(agent)
    response = client.get("/service/register/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == formula.number)
    cells = [c for c in row if c.value in (FORMULA_NAME, "=1+1")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    for path in ("/service/register/", "/service/register/complaints/"):
        pdf = client.get(path, {"format": "pdf", "kind": "complaint"}).content
        assert_pdf_prints_as_typed(pdf, *MARKUP_TEXTS)
