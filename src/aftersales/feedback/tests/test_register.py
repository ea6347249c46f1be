"""The 顾客满意度调查表 (S18, RPT): every answer with its case, product, handler, department,
dealer, scores and remarks; filtered, exported to Excel and printed (the register with its
summary, and one answer as the paper form); the statistics page (FB-2)."""

import io

import pytest
from openpyxl import load_workbook

from aftersales.core.models import ExportRecord

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(time_machine, api_as, closed_case, agent):
    time_machine.move_to(at(2026, 11, 10, 10))
    happy = closed_case("repair", phone="13900000001", name="周一")
    unhappy = closed_case("installation", phone="13900000002", name="吴二")
    api = api_as(agent)
    for case, answers in (
        (
            happy,
            {
                "overall": 5,
                "timeliness": 4,
                "attitude": 5,
                "quality": 5,
                "nps": 10,
                "comment": "很专业",
            },
        ),
        (unhappy, {"overall": 2, "nps": 3, "comment": "安装师傅迟到"}),
    ):
        response = api.post(
            "/api/v1/surveys/responses/",
            {"case": case.number, "channel": "phone", "answers": answers},
            format="json",
        )
        assert response.status_code == 201
    time_machine.move_to(at(2026, 12, 1, 10))
    return happy, unhappy


def test_the_register_page_lists_and_filters_the_answers(client, agent, answered):
    happy, unhappy = answered
    client.force_login(agent)
    page = client.get("/feedback/satisfaction/register/").content.decode()
    assert happy.number in page and unhappy.number in page and "安装师傅迟到" in page
    low = client.get("/feedback/satisfaction/register/", {"low": "1"}).content.decode()
    assert unhappy.number in low and happy.number not in low


def test_the_register_in_excel(client, agent, answered, technician):
    happy, unhappy = answered
    client.force_login(agent)
    response = client.get("/feedback/satisfaction/register/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    header = [str(h) for h in rows[0]]
    assert header[:3] == ["答卷时间", "工单号", "客户"] and "推荐意愿（0–10）" in header
    by_case = {r[1]: r for r in rows[1:]}
    row = by_case[unhappy.number]
    assert row[2] == "吴二" and row[5] == "陈杰" and row[6] == "售后服务部"
    assert row[header.index("总体")] == 2 and row[header.index("推荐意愿（0–10）")] == 3
    assert row[header.index("意见")] == "安装师傅迟到" and row[-1] == "电话回访"
    assert by_case[happy.number][header.index("及时性")] == 4
    assert ExportRecord.objects.filter(what="satisfaction_register.xlsx", rows=2).exists()


def test_the_register_and_the_paper_form_print(client, agent, answered):
    from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs

    from ..models import Survey

    _happy, unhappy = answered
    client.force_login(agent)
    with no_missing_glyphs():
        register = client.get("/feedback/satisfaction/register/", {"format": "pdf"})
        assert register["Content-Type"] == "application/pdf"
        assert_pdf_reads_well(register.content, "顾客满意度调查表", unhappy.number, "安装师傅迟到")
        survey = Survey.objects.get(case=unhappy)
        form = client.get(f"/feedback/satisfaction/{survey.pk}/", {"format": "pdf"})
        text = assert_pdf_reads_well(form.content, "顾客满意度调查表", unhappy.number, "吴二")
        assert "安装师傅迟到" in text and "顾客签字" in text


def test_the_statistics_page_shows_the_figures(client, agent, answered):
    client.force_login(agent)
    page = client.get(
        "/feedback/satisfaction/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "group_by": "assignee"},
    ).content.decode()
    assert 'data-testid="figure-sent">2<' in page
    assert 'data-testid="figure-rate">100.0%<' in page
    assert 'data-testid="figure-csat">50.0%<' in page
    assert 'data-testid="figure-nps">0.0<' in page
    assert 'data-testid="average-overall">3.5<' in page
    assert "陈杰" in page


def test_the_register_is_for_those_who_answer_for_the_service(client, make_user, answered):
    from aftersales.accounts.roles import Role

    client.force_login(make_user(Role.LOGISTICS, username="wh1"))
    assert client.get("/feedback/satisfaction/register/").status_code == 404
    assert client.get("/feedback/satisfaction/").status_code == 404
