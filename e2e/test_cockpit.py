"""The management cockpit (RPT-1) in the browser: the vice-president opens the service
dashboard, sees real charts, clicks a bar and lands on the list of the same count; the
other dashboards draw too, and the headline figures are on the workbench."""

import json

import pytest
from django.core.management import call_command
from django.db.models import Sum

from conftest import ARTIFACTS
from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def _busiest_month() -> str:
    """The demo's month with the most cases (the demo is dated from today)."""
    from aftersales.management.models import Fact

    by_month: dict[str, int] = {}
    for row in Fact.objects.filter(measure="case.intake").values("day").annotate(n=Sum("count")):
        key = f"{row['day']:%Y-%m}"
        by_month[key] = by_month.get(key, 0) + row["n"]
    return max(by_month, key=lambda k: (by_month[k], k))


def _chart_data(page, key: str) -> dict:
    return json.loads(page.locator(f"#chart-data-{key}").text_content())


def test_click_a_bar_and_land_on_its_records(page, shot, demo_company):
    month = _busiest_month()
    sign_in(page, "liuyang")
    page.wait_for_url("**/")
    # The workbench shows the cockpit's headline figures.
    assert page.get_by_test_id("figure-management.cases").count() == 1
    page.goto(f"/management/service/?period={month}")
    chart = page.get_by_test_id("chart-intake_channel")
    chart.locator("svg").wait_for()
    shot("137-cockpit-service")
    data = _chart_data(page, "intake_channel")
    index = max(range(len(data["labels"])), key=lambda i: data["series"][0]["data"][i])
    expected = int(data["series"][0]["data"][index])
    assert expected > 0
    # Click the middle of the tallest bar (where ECharts drew it).
    x, y_top, y_base = page.evaluate(
        """([index, value]) => {
            const el = document.querySelector('[data-testid="chart-intake_channel"]');
            const chart = echarts.getInstanceByDom(el);
            const top = chart.convertToPixel({seriesIndex: 0}, [index, value]);
            const base = chart.convertToPixel({seriesIndex: 0}, [index, 0]);
            return [top[0], top[1], base[1]];
        }""",
        [index, expected],
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + (y_top + y_base) / 2)
    page.wait_for_url("**/management/records/**")
    count = page.get_by_test_id("records-count").inner_text()
    assert count.startswith(str(expected)), count
    assert page.get_by_test_id("records").locator("tbody tr").count() == min(expected, 50)
    shot("138-cockpit-records")


def test_every_dashboard_draws(page, shot, demo_company):
    year = _busiest_month()[:4]  # a whole year: every area has records in it
    sign_in(page, "liuyang")
    page.wait_for_url("**/")
    for number, area in enumerate(("sales", "quality", "satisfaction"), start=139):
        page.goto(f"/management/{area}/?period={year}")
        page.locator("[data-chart] svg").first.wait_for()
        assert page.locator("[data-chart] svg").count() >= 2
        shot(f"{number}-cockpit-{area}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/management/service/?period={year}")
    page.locator("[data-chart] svg").first.wait_for()
    shot("142-cockpit-phone")
    assert ARTIFACTS.exists()
