"""The people pages' queries pinned, the Excel for the performance review read back, the
monthly task, and the score's properties."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.core.models import Notification
from aftersales.staff.indicators import line_score, parse_period
from aftersales.staff.models import Scorecard
from aftersales.staff.services import scorecards as svc

from .conftest import passed

NOV = parse_period("2026-11")


@pytest.fixture
def team(db, make_user, department, head):
    people = [
        make_user(Role.SERVICE, username=f"t{n:02d}", full_name=f"技术员{n}", department=department)
        for n in range(12)
    ]
    for person in people:
        passed(person, "induction-service", date(2026, 1, 5))
    svc.scorecards_compute(period=NOV)
    return people


def test_the_ranking_and_a_scorecard_take_a_fixed_number_of_queries(
    client, team, head, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("staff:scorecards"), {"period": "2026-11"})
    assert len(response.context["cards"]) == 13
    card = Scorecard.objects.get(user=team[0])
    with django_assert_max_num_queries(22):
        assert client.get(card.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("staff:person", args=[team[0].username])).status_code == 200


def test_the_api_takes_a_fixed_number_of_queries(
    api_client, team, hr, django_assert_max_num_queries
):
    api_client.force_authenticate(hr)
    with django_assert_max_num_queries(10):
        response = api_client.get("/api/v1/staff/scorecards/", {"period": "2026-11"})
    assert len(response.json()) == 13


def test_the_performance_review_excel_reads_back(client, team, head):
    card = Scorecard.objects.get(user=team[0])
    svc.scorecard_review(
        actor=head,
        scorecard=card,
        scores={"knowledge": (60, "需加强"), "conduct": (100, "好")},
    )
    client.force_login(head)
    response = client.get(reverse("staff:scorecards"), {"period": "2026-11", "format": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "2026-11 考核评分表"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "名次" and "业务知识" in rows[0]
    mine = next(r for r in rows[1:] if r[1] == "技术员0")
    assert mine[5] == "已审核" and mine[rows[0].index("业务知识")] == 60


def test_the_monthly_task_computes_last_month_on_the_first_working_day(team, head, time_machine):
    """1 Dec 2026 is a Tuesday, a working day: November's scorecards are computed and the
    head told; on 2 Dec nothing more is done. Had the task not run on 1 Dec, 2 Dec would
    catch up."""
    Scorecard.objects.all().delete()
    assert svc.monthly_scorecards_due(today=date(2026, 12, 1)) == "2026-11"
    assert Scorecard.objects.filter(period="2026-11").count() == 13
    told = Notification.objects.get(recipient=head)
    assert "12 份" in told.title and "2026-11" in told.title
    assert svc.monthly_scorecards_due(today=date(2026, 12, 2)) is None
    Scorecard.objects.all().delete()
    assert svc.monthly_scorecards_due(today=date(2026, 12, 2)) == "2026-11"


def test_the_first_working_day_follows_the_holidays(team):
    """The National Day holiday opens October 2026: September's scorecards are computed on the
    first working day after it, once."""
    from aftersales.workdays import is_workday

    Scorecard.objects.all().delete()
    done = {d: svc.monthly_scorecards_due(today=date(2026, 10, d)) for d in range(1, 16)}
    [day] = [d for d, period in done.items() if period == "2026-09"]
    assert is_workday(date(2026, 10, day)) and day > 1
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, day))


@given(
    value=st.decimals(min_value=0, max_value=10_000, places=2),
    target=st.decimals(min_value=0, max_value=1000, places=2),
    direction=st.sampled_from(["higher", "lower"]),
    points=st.decimals(min_value=0, max_value=100, places=1),
)
def test_a_score_is_between_0_and_100_and_full_at_the_target(value, target, direction, points):
    score = line_score(value, target, direction, points)
    assert Decimal(0) <= score <= Decimal(100)
    if (direction == "higher" and value >= target) or (direction == "lower" and value <= target):
        assert score == Decimal(100)


@given(
    a=st.decimals(min_value=0, max_value=1000, places=2),
    b=st.decimals(min_value=0, max_value=1000, places=2),
    target=st.decimals(min_value=0, max_value=1000, places=2),
)
def test_a_better_value_never_scores_less(a, b, target):
    low, high = sorted([a, b])
    assert line_score(high, target, "higher") >= line_score(low, target, "higher")
    assert line_score(low, target, "lower") >= line_score(high, target, "lower")
