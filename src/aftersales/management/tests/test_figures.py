"""RPT-1: every cockpit figure against the number worked out by hand on the small month of
``conftest.world`` (November 2026, seen on 20 November)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from aftersales.management import facts, figures
from aftersales.management.figures import Filters, parse_period
from aftersales.management.models import Fact

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def board(area: str, **filters):
    """The dashboard in English (labels of our own and of the records' choices alike)."""
    facts.rebuild()
    f = Filters(parse_period("2026-11", TODAY), **filters)
    with translation.override("en"):
        return figures.DASHBOARDS[area][1](f, TODAY)


def card(b, key):
    return next(c for c in b["cards"] if c.key == key)


def chart(b, key):
    c = next(c for c in b["charts"] if c.key == key)
    return dict(zip(c.labels, c.series[0]["data"], strict=True))


def test_service_cards(world):
    b = board("service")
    intake = card(b, "intake")
    assert (intake.value, intake.previous, intake.last_year) == (3, 1, 1)
    assert card(b, "backlog").value == 2  # c2 in progress, c4 new
    assert card(b, "sla").value == 66.7  # 2 of 3 limits met
    # Resolution: 2 h and 9 working hours → median (nearest rank 1 of 2) 2, P90 9.
    assert card(b, "resolution").value == 2.0
    assert card(b, "first_time_fix").value == 50.0  # c1's first visit fixed, c3's did not
    assert card(b, "repeat").value == 50.0  # c3 of the two repair cases


def test_service_charts(world):
    b = board("service")
    assert chart(b, "intake_channel") == {"Phone": 2, "Web form": 1}
    assert chart(b, "intake_kind") == {"Repair": 2, "Complaint": 1}
    ages = chart(b, "backlog_age")
    assert ages["15–30"] == 1 and ages["≥31"] == 1 and sum(ages.values()) == 2
    assert chart(b, "sla_targets") == {"First response": 50.0, "Resolution": 100.0}
    durations = next(c for c in b["charts"] if c.key == "durations")
    first, resolution = durations.rows
    assert first[1:] == [2, 2.2, 0.5, 4.0]  # n, average of 0.5 and 4, median, P90
    assert resolution[1:] == [2, 5.5, 2.0, 9.0]
    assert set(chart(b, "work_department").values()) == {1}
    people = chart(b, "work_person")
    assert people == {"陈杰": 1, "孙丽": 1}
    sanbao = next(c for c in b["charts"] if c.key == "sanbao")
    costs = {row[0]: (row[1], row[2]) for row in sanbao.rows}
    assert costs["Return and refund"] == (1, Decimal("1999.00"))
    assert costs["Exchange"] == (1, Decimal("2999.00"))


def test_service_filters_by_department_product_and_dealer(world):
    assert card(board("service", department=world.dept_b.pk), "intake").value == 1
    assert card(board("service", product=world.p1.pk), "intake").value == 2
    assert card(board("service", category=world.cat_ac.pk), "intake").value == 1
    assert card(board("service", dealer=world.dealer.pk), "intake").value == 1


def test_sales_cards_and_charts(world):
    b = board("sales")
    orders = card(b, "orders")
    assert (orders.value, orders.previous, orders.last_year) == (2, 0, 1)
    amount = card(b, "amount")
    assert amount.value == Decimal("21000.00") and amount.last_year == Decimal("1000.00")
    assert card(b, "approval").value == 4.0
    assert card(b, "on_time").value == 50.0
    assert card(b, "acceptance").value == 1
    categories = {k: float(v) for k, v in chart(b, "amount_category").items()}
    assert categories == {"TVs": 15000.0, "空调": 6000.0}  # a seeded category: its English name
    assert {k: float(v) for k, v in chart(b, "amount_region").items()} == {
        "上海": 16000.0,
        "江苏": 5000.0,
    }
    dealers = {k: float(v) for k, v in chart(b, "amount_dealer").items()}
    assert dealers == {"Direct": 16000.0, "苏州经销商": 5000.0}
    customers = {k: float(v) for k, v in chart(b, "amount_customer").items()}
    assert customers == {"李华": 16000.0, "王小明": 5000.0}
    assert chart(b, "deliveries") == {"On time": 1, "Late": 1}
    assert chart(b, "acceptance") == {"Damaged": 1}


def test_sales_product_filter_narrows_amounts_and_says_orders_are_not_by_product(world):
    b = board("sales", product=world.p2.pk)
    assert card(b, "amount").value == Decimal("6000.00")
    assert card(b, "orders").ignored == ["product"]


def test_quality_cards_and_charts(world):
    b = board("quality")
    assert card(b, "pass_rate").value == 66.7
    # One complaint (c2, P1) for 15 units shipped.
    assert card(b, "complaints_per_1000").value == 66.67
    assert card(b, "return_rate").value == 6.67  # 1 return per 15 units
    assert chart(b, "failed_items") == {"外观": 1}
    assert chart(b, "pass_rate") == {"Finished goods": 50.0, "Incoming material": 100.0}
    per_product = chart(b, "complaints_product")
    assert per_product["55寸电视"] == 66.67
    assert chart(b, "complaints_batch") == {"B1": 66.67}


def test_satisfaction(world):
    b = board("satisfaction")
    assert card(b, "csat").value == 66.7
    assert card(b, "nps").value == 33.3
    assert card(b, "answers").value == 3
    assert chart(b, "overall_scores") == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}


def test_buckets_and_quantiles():
    assert facts.bucket(Decimal("0.1")) == "0.25"
    assert facts.bucket(2) == "2"
    assert facts.bucket(Decimal("8.01")) == "9"
    assert facts.bucket(100) == "104"
    assert facts.bucket(1000) == "1000"
    assert facts.quantile({"2": 1, "9": 1}, 0.5) == 2.0
    assert facts.quantile({"2": 1, "9": 1}, 0.9) == 9.0
    assert facts.quantile({}, 0.5) is None


@pytest.mark.parametrize(
    "text, label",
    [("2026-11", "2026-11"), ("2026-q4", "2026-Q4"), ("2026", "2026"), ("", "2026-11")],
)
def test_periods(text, label):
    assert parse_period(text, TODAY).label == label


@pytest.mark.parametrize("text", ["2026-13", "11/2026", "2026-Q5", "1999"])
def test_a_wrong_period_names_the_field(text):
    from aftersales.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        parse_period(text, TODAY)
    assert "period" in exc.value.fields


def test_the_dashboards_read_only_the_summary_table(world, django_assert_max_num_queries):
    """No dashboard reads the cases or orders themselves: a fixed, small number of queries."""
    facts.rebuild()
    f = Filters(parse_period("2026-11", TODAY))
    with django_assert_max_num_queries(40):
        figures.service_dashboard(f, TODAY)
    assert Fact.objects.exists()
