"""RPT-3: the monthly management report, made by the scheduled task on the first working day,
read back with pdftotext and looked at as a picture."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from aftersales.core.models import Notification
from aftersales.management.models import ManagementPolicy, ManagementReport
from aftersales.management.services import first_working_day

from .conftest import at

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[4] / "var" / "test-artifacts"


def test_first_working_days():
    assert first_working_day(date(2026, 12, 1))
    assert not first_working_day(date(2026, 12, 2))
    assert not first_working_day(date(2026, 10, 1))  # National Day
    assert first_working_day(date(2026, 10, 9)) or first_working_day(date(2026, 10, 8))


def test_the_scheduled_task_makes_the_report_once_and_tells_the_policys_roles(world, time_machine):
    from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs, pdf_text

    from ..tasks import daily_task

    ManagementPolicy.objects.create(name="月报", report_roles=["sales_vp"])
    time_machine.move_to(at(2026, 12, 1, 8))
    with no_missing_glyphs():
        result = daily_task.delay().get()
    assert result == {"management_report": "2026-11"}
    report = ManagementReport.objects.get()
    assert report.month == date(2026, 11, 1) and report.sent_to == 1 and report.pages >= 2
    data = report.pdf.read()
    text = assert_pdf_reads_well(data, "经营管理月报", "2026-11", "销售", "售后服务", "质量")
    layout = pdf_text(data, layout=True)
    # The figures worked out by hand in test_figures, as printed.
    assert "受理工单数" in text and "元" in layout
    assert "66.7%" in layout  # SLA met, inspection pass rate, CSAT
    assert "21000" in layout.replace(",", "")  # the month's order amount
    assert "合规" in text and "本月改进措施" in text and "服务工作会议" in text
    assert Notification.objects.filter(recipient=world.vp, title__contains="2026-11").exists()
    # Once: the next run, and the next day, make nothing.
    assert daily_task.delay().get() == {"management_report": None}
    time_machine.move_to(at(2026, 12, 2, 8))
    assert daily_task.delay().get() == {"management_report": None}
    assert ManagementReport.objects.count() == 1
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "management-report.pdf").write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                str(ARTIFACTS / "management-report.pdf"),
                str(ARTIFACTS / "management-report"),
            ],
            check=True,
        )
        assert list(ARTIFACTS.glob("management-report-*.png"))


def test_the_report_pages_are_for_the_cockpit_readers(client, world, time_machine):
    from ..services import management_report_make

    time_machine.move_to(at(2026, 12, 3, 9))
    client.force_login(world.vp)
    made = client.post("/management/reports/make/", {"month": "2026-11"})
    assert made.status_code == 302
    page = client.get("/management/reports/")
    assert "2026-11" in page.content.decode()
    pdf = client.get("/management/reports/2026-11.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    bad = client.post("/management/reports/make/", {"month": "2026"}, follow=True)
    assert "Not a month" in bad.content.decode() or "月份" in bad.content.decode()
    client.force_login(world.tech)
    assert client.get("/management/reports/2026-11.pdf").status_code == 403
    assert client.post("/management/reports/make/", {"month": "2026-11"}).status_code == 403
    assert management_report_make(date(2026, 11, 1)) is None  # exists: not made again
