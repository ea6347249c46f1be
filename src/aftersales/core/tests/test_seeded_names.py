"""Seeded names in English (issue 17, item 10): departments, complaint categories, skills,
product categories and the shipped policies have English names while nobody has renamed
them; the calendar's weekday headers and statutory holidays are translated; staff lists turn
into cards on a phone."""

import re

import pytest
from django.utils import translation

from aftersales.accounts.models import Department
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Category, WarrantyPolicy
from aftersales.service.models import CaseCategory, ServiceSkill
from aftersales.sla.models import SlaPolicy
from aftersales.sla.presets import PRESET_NAME
from aftersales.warranty.models import Rulebook
from aftersales.workdays.names import holiday_name

pytestmark = pytest.mark.django_db
ENGLISH = "aftersales_language"


def test_a_seeded_department_is_named_in_the_reader_language():
    service = Department.objects.create(code="service", name="售后服务部")
    with translation.override("en"):
        assert str(service) == service.label == "After-sales Service Department"
    with translation.override("zh-hans"):
        assert str(service) == "售后服务部"


def test_a_renamed_or_own_department_keeps_its_name():
    renamed = Department.objects.create(code="sales", name="华东销售部")
    own = Department.objects.create(code="r-and-d", name="研发部")
    with translation.override("en"):
        assert str(renamed) == "华东销售部" and str(own) == "研发部"


def test_the_other_seeded_names():
    with translation.override("en"):
        assert str(CaseCategory(code="quality", name="产品质量")) == "Product quality"
        assert str(ServiceSkill(code="aircon", name="空调")) == "Air conditioners"
        assert str(Category(code="kitchen", name="厨具")) == "Kitchenware"
        assert str(WarrantyPolicy(name="家具三包（1年）")).startswith("Furniture: Three")
        assert str(SlaPolicy(name=PRESET_NAME)) == "Standard service time limits (preset)"
        national = Rulebook.objects.get(key="national")  # installed by a data migration
        assert national.label.startswith("National Three Guarantees (三包) rules")
        assert str(CaseCategory(code="quality", name="质量问题")) == "质量问题"


def test_holiday_names():
    with translation.override("en"):
        assert holiday_name("春节") == "Spring Festival"
        assert holiday_name("国庆节（补假）") == "National Day (day off in lieu)"
        assert holiday_name("春节调休上班") == "Spring Festival (make-up working day)"
        assert holiday_name("公司年会") == "公司年会"
    with translation.override("zh-hans"):
        assert holiday_name("春节") == "春节"


def test_the_calendar_weekday_headers_follow_the_language(client, make_user):
    client.force_login(make_user(Role.ADMIN, username="cal-admin"))
    client.cookies[ENGLISH] = "en"
    html = client.get("/calendar/2026/").content.decode()
    headers = re.findall(r"<thead><tr>((?:<th>[^<]*</th>){7})</tr></thead>", html)
    assert headers and headers[0] == "".join(
        f"<th>{d}</th>" for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    )
    assert 'title="2026-02-17 Spring Festival"' in html
    client.cookies[ENGLISH] = "zh-hans"
    html = client.get("/calendar/2026/").content.decode()
    assert "<th>一</th><th>二</th>" in html


def test_the_user_list_is_cards_on_a_phone(client, make_user):
    """Below 576 px app.css stacks each row of a .table-cards table; each cell says its
    column."""
    Department.objects.create(code="cs", name="客服部")
    client.force_login(make_user(Role.ADMIN, username="list-admin"))
    client.cookies[ENGLISH] = "en"
    html = client.get("/accounts/users/").content.decode()
    table = re.search(r'<table class="[^"]*table-cards[^"]*" data-testid="user-table">', html)
    assert table is not None
    for label in ("Username", "Department", "Roles", "Status"):
        assert f'data-label="{label}"' in html
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static" / "css" / "app.css").read_text()
    assert "@media (max-width: 575.98px)" in css and ".table-cards > thead" in css
