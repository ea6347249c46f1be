"""Complaint analysis (FB-3, S9, S15, S18): every complaint in the register whatever its kind,
the customer's words as 客户意见, the Pareto, repeats, topics and trend, improvement
proposals that become nonconformances, and the monthly report."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from aftersales.core.models import Notification
from aftersales.quality.models import Nonconformance
from aftersales.service.models import Case, CaseCategory
from aftersales.service.services.intake import IntakeInput, case_intake

from ..analysis import analysis, parse_period, period_of
from ..models import ComplaintReport, FollowUp, ImprovementProposal
from ..services.followups import CallInput, follow_up_call
from ..services.reports import first_working_day, monthly_report_due
from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db):
    quality, _ = CaseCategory.objects.get_or_create(code="quality", defaults={"name": "产品质量"})
    delivery, _ = CaseCategory.objects.get_or_create(code="delivery", defaults={"name": "送货配送"})
    return quality, delivery


def _complain(
    agent, text, *, category="", kind="complaint", phone="13912345678", name="王小明", **more
):
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind=kind,
            customer_name=name,
            customer_phone=phone,
            description=text,
            category=category,
            **more,
        ),
    )
    return case


def test_keywords_are_cut_from_the_customers_words_at_intake(agent):
    case = _complain(agent, "电视屏幕有横线，开机十分钟后屏幕闪烁")
    words = case.keywords.split()
    assert "屏幕" in words and "横线" in words
    assert "开机" in words or "闪烁" in words


def test_the_register_holds_every_complaint_whatever_its_kind(client, agent):
    complaint = _complain(agent, "送货员态度差")
    repair = _complain(agent, "修了三次还是坏", kind="repair", is_complaint=True)
    plain = _complain(agent, "请上门保养", kind="maintenance", phone="13800000002", name="李四")
    assert repair.is_complaint and complaint.is_complaint and not plain.is_complaint
    client.force_login(agent)
    page = client.get("/service/register/complaints/").content.decode()
    assert complaint.number in page and repair.number in page and plain.number not in page


def test_the_customers_opinion_column_shows_what_they_said(
    time_machine, client, agent, closed_case
):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("complaint")
    follow_up_call(
        actor=agent,
        follow_up=FollowUp.objects.get(case=case),
        data=CallInput("reached", verdict="satisfied", remarks="处理及时，很满意"),
    )
    client.force_login(agent)
    response = client.get("/service/register/complaints/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    column = [str(h) for h in rows[0]].index("客户意见")
    row = next(r for r in rows[1:] if r[0] == case.number)
    assert row[column] == "处理及时，很满意"


def test_the_pareto_repeats_topics_and_trend(time_machine, agent, categories):
    quality, _delivery = categories
    time_machine.move_to(at(2026, 10, 12, 10))
    _complain(agent, "冰箱不制冷", category="quality", phone="13900000009", name="周九")
    time_machine.move_to(at(2026, 11, 5, 10))
    for _i in range(3):
        _complain(
            agent, "冰箱不制冷，压缩机异响", category="quality", phone="13900000001", name="钱一"
        )
    _complain(agent, "送货晚了两天", category="delivery", phone="13900000002", name="孙二")
    user = agent
    data = analysis(user, period_of("month", date(2026, 11, 1)), "category")
    assert data["total"] == 4 and data["previous_total"] == 1 and data["change"] == 3
    bars = data["pareto"]
    assert [(b["label"], b["count"], b["cumulative"]) for b in bars] == [
        ("产品质量", 3, 75.0),
        ("送货配送", 1, 100.0),
    ]
    assert bars[0]["key"] == str(quality.pk)
    assert [(r["label"], r["count"]) for r in data["repeat_customers"]] == [("钱一", 3)]
    words = {t["word"]: t["count"] for t in data["topics"]}
    assert words.get("制冷") == 3 and words.get("冰箱") == 3
    trend = {r["label"]: (r["previous"], r["count"]) for r in data["trend"]}
    assert trend["产品质量"] == (1, 3)


def test_the_analysis_page_and_its_drill_down(time_machine, client, agent, categories):
    time_machine.move_to(at(2026, 11, 5, 10))
    q = _complain(agent, "冰箱不制冷", category="quality")
    d = _complain(agent, "送货晚了两天", category="delivery", phone="13900000002", name="孙二")
    client.force_login(agent)
    page = client.get("/feedback/complaints/analysis/", {"period": "month", "at": "2026-11"})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="pareto-bar"' in text and "制冷" in text
    quality, _ = categories
    drill = client.get(
        "/service/register/complaints/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "by": "category", "key": quality.pk},
    ).content.decode()
    assert q.number in drill and d.number not in drill
    topic = client.get(
        "/service/register/complaints/", {"date_from": "2026-11-01", "topic": "制冷"}
    ).content.decode()
    assert q.number in topic and d.number not in topic


def test_a_proposal_becomes_a_nonconformance_that_lists_its_complaints(
    time_machine, client, agent, categories, make_user
):
    from aftersales.accounts.roles import Role

    quality, _ = categories
    time_machine.move_to(at(2026, 11, 5, 10))
    cases = [_complain(agent, "冰箱不制冷", category="quality") for _ in range(2)]
    _complain(agent, "送货晚了", category="delivery")
    client.force_login(agent)
    form = client.get(
        "/feedback/complaints/proposals/new/",
        {
            "period": "month",
            "at": "2026-11",
            "by": "category",
            "key": quality.pk,
            "label": "产品质量",
        },
    )
    assert form.status_code == 200
    response = client.post(
        "/feedback/complaints/proposals/new/",
        {
            "period": "month",
            "at": "2026-11",
            "by": "category",
            "key": quality.pk,
            "label": "产品质量",
            "title": "冰箱制冷投诉集中",
            "description": "排查压缩机供应商批次",
            "target": "nonconformance",
            "severity": "major",
        },
    )
    assert response.status_code == 302
    proposal = ImprovementProposal.objects.get()
    nc = proposal.nonconformance
    assert nc.source == Nonconformance.Source.COMPLAINT and nc.source_ref == proposal.number
    assert set(proposal.complaints.all()) == set(cases)
    for case in cases:
        assert case.number in nc.description
    quality_person = make_user(Role.QUALITY, username="qe1")
    client.force_login(quality_person)
    page = client.get(f"/quality/nonconformances/{nc.pk}/").content.decode()
    assert 'data-testid="nc-complaints"' in page
    for case in cases:
        assert case.number in page


def test_a_proposal_as_a_liaison_form_and_bad_input(time_machine, agent, categories, department):
    from aftersales.core.errors import InvalidInput

    from ..services.improvements import proposal_raise

    _quality, delivery = categories
    time_machine.move_to(at(2026, 11, 5, 10))
    _complain(agent, "送货晚了", category="delivery")
    period = parse_period("month", "2026-11", today=date(2026, 12, 1))
    with pytest.raises(InvalidInput) as exc:
        proposal_raise(
            actor=agent,
            period=period,
            dimension="category",
            key=str(delivery.pk),
            key_label="送货配送",
            title="",
            description="",
            target="liaison",
        )
    assert {"title", "description", "department"} <= set(exc.value.fields)
    with pytest.raises(InvalidInput) as exc:
        proposal_raise(
            actor=agent,
            period=period,
            dimension="category",
            key="99999",
            key_label="?",
            title="t",
            description="d",
            target="nonconformance",
        )
    assert "key" in exc.value.fields
    assert not ImprovementProposal.objects.exists()
    proposal = proposal_raise(
        actor=agent,
        period=period,
        dimension="category",
        key=str(delivery.pk),
        key_label="送货配送",
        title="送货准时率",
        description="与物流商约定时限",
        target="liaison",
        department=department,
    )
    assert proposal.liaison_form.department == department
    assert proposal.complaints.count() == 1


def test_the_first_working_day_of_the_month():
    assert first_working_day(date(2026, 12, 1))  # a Tuesday
    assert not first_working_day(date(2026, 12, 2))
    assert first_working_day(date(2026, 10, 8))  # after National Day (1–7 October 2026)
    assert not first_working_day(date(2026, 10, 9))
    assert not first_working_day(date(2026, 10, 1))


def test_the_monthly_report_is_made_once_and_sent_to_the_policys_roles(
    time_machine, agent, categories
):
    from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs

    time_machine.move_to(at(2026, 11, 5, 10))
    _complain(agent, "冰箱不制冷", category="quality")
    time_machine.move_to(at(2026, 12, 1, 7))
    with no_missing_glyphs():
        report = monthly_report_due(date(2026, 12, 1))
        assert report is not None and report.month == date(2026, 11, 1) and report.complaints == 1
        assert_pdf_reads_well(report.pdf.read(), "顾客投诉分析月报", "2026-11", "产品质量")
    assert monthly_report_due(date(2026, 12, 1)) is None  # once
    assert monthly_report_due(date(2026, 12, 2)) is None
    assert ComplaintReport.objects.count() == 1
    assert Notification.objects.filter(recipient=agent, title__contains="2026-11").exists()


def test_the_daily_task_runs_through_celery(time_machine, agent):
    from ..tasks import daily_task

    time_machine.move_to(at(2026, 12, 2, 7))
    assert daily_task.delay().get() == {
        "overdue_follow_ups": 0,
        "complaint_report": None,
        "self_inspections": [],
    }


def test_analysis_pages_are_for_the_analysts(client, technician):
    client.force_login(technician)
    assert client.get("/feedback/complaints/analysis/").status_code == 404
    assert Case.objects.count() == 0
