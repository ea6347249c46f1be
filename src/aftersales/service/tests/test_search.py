"""Search over cases in Chinese (SVC): a word of the text without spaces, a number, a phone,
a serial number; on SQLite and on PostgreSQL (its full-text index)."""

import pytest

from aftersales.core.testing import soon

from ..selectors import case_search
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db


def take(agent, description, phone="13912345678", name="王小明"):
    return case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name=name,
            customer_phone=phone,
            description=description,
        ),
    )[0]


def test_a_chinese_word_finds_the_case_whose_text_contains_it(agent):
    tv = take(agent, "电视屏幕有横线")
    fridge = take(agent, "冰箱冷藏室不制冷", phone="13800000002", name="李四")
    assert list(case_search(agent, "屏幕")) == [tv]
    assert list(case_search(agent, "制冷")) == [fridge]
    assert list(case_search(agent, "屏幕 横线")) == [tv]  # every word must occur
    assert list(case_search(agent, "洗衣机")) == []


def test_number_phone_and_name_find_the_case(agent):
    case = take(agent, "电视屏幕有横线")
    assert list(case_search(agent, case.number)) == [case]
    assert list(case_search(agent, "13912345678")) == [case]
    assert list(case_search(agent, "王小明")) == [case]


def test_the_queue_page_searches_too(client, agent):
    case = take(agent, "电视屏幕有横线")
    client.force_login(agent)
    assert case.number in client.get("/service/", {"q": "横线"}).content.decode()
    assert case.number not in client.get("/service/", {"q": "漏水"}).content.decode()


def test_operators_in_a_query_are_just_text(agent):
    take(agent, "电视屏幕有横线")
    for query in ["\\", "屏幕 & !", "'横线'", "a:*"]:
        list(case_search(agent, query))  # no error on either database
    assert list(case_search(agent, "139 1234 5678"))  # a phone written with spaces
    for query in ['"', "NEAR(屏幕 横线)", "屏幕 OR 漏水", "-横线", "横线*", "^屏幕"]:
        list(case_search(agent, query))  # FTS5 syntax is quoted away too


def test_sqlite_answers_from_its_fts5_table_and_keeps_it_in_step(agent, on_postgres):
    """SVC search on the embedded database: the FTS5 table follows inserts and edits, and a
    word's beginning finds it (typing is still going on)."""
    from django.db import connection

    from ..models import Case
    from ..selectors import fts5_ready

    if on_postgres:
        pytest.skip("PostgreSQL uses its GIN index (test above)")
    assert fts5_ready()
    case = take(agent, "The unit keeps overheating after ten minutes")
    assert list(case_search(agent, "overheat")) == [case]
    Case.objects.filter(pk=case.pk).update(search_text="firmware update fails")
    assert list(case_search(agent, "overheating")) == []
    assert list(case_search(agent, "firmware")) == [case]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM service_case_fts WHERE service_case_fts MATCH 'firmware'"
        )
        assert cursor.fetchone()[0] == 1


def test_a_renamed_customer_is_found_by_the_new_name(agent):
    """The search words follow the customer's file: after a rename the new name finds the
    case (the caller's own name, as given at intake, still does too)."""
    from aftersales.customers.services import customer_update

    case = take(agent, "空调外机噪音大", name="王小明")
    customer_update(actor=agent, customer=case.customer, data={"name": "王晓明"})
    assert list(case_search(agent, "王晓明")) == [case]


def test_merging_customers_moves_their_cases_and_orders(agent, make_user):
    """A merged duplicate's cases and orders belong to the customer kept; the kept name finds
    the case."""
    from decimal import Decimal

    from aftersales.accounts.roles import Role
    from aftersales.catalog.tests.factories import ProductFactory
    from aftersales.customers.services import customer_merge
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.sales.services import LineInput, order_create

    case = take(agent, "热水器不出热水", phone="13900000031", name="李四")
    order = order_create(
        actor=make_user(Role.SALES),
        customer=case.customer,
        lines=[LineInput(product=ProductFactory(), quantity=1, unit_price=Decimal("999.00"))],
        delivery_date=soon(),
        delivery_place="上海市徐汇区漕溪北路88号",
        contact_phone="13900000031",
    )
    kept = CustomerFactory(name="李四（老客户）", mobile="13900000032")
    customer_merge(actor=agent, source=case.customer, target=kept)
    case.refresh_from_db()
    order.refresh_from_db()
    assert case.customer == kept and order.customer == kept
    assert case.events.filter(action="customer_merged").exists()  # on the case's timeline
    assert list(case_search(agent, "老客户")) == [case]


def test_the_search_triggers_survive_every_migration(on_postgres):
    """A migration that adds a column to the case table rebuilds it on SQLite and drops the
    FTS5 triggers: search then silently finds nothing. After all migrations they exist."""
    from django.db import connection

    if on_postgres:
        pytest.skip("PostgreSQL keeps a generated search vector, not triggers")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        if not any(row[0] == "ENABLE_FTS5" for row in cursor.fetchall()):
            pytest.skip("this SQLite has no FTS5")
        cursor.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'service_case_fts_%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"service_case_fts_ai", "service_case_fts_ad", "service_case_fts_au"}


def test_the_last_four_digits_of_the_phone_find_the_case(agent):
    """A caller reads out the end of their number: 4444 finds the case of 139-1234-4444, on
    SQLite's FTS5 table and PostgreSQL's tsvector alike (the tail is a word of its own)."""
    case = take(agent, "电视屏幕有横线", phone="13912344444")
    fridge = take(agent, "冰箱冷藏室不制冷", phone="13800005678", name="李四")
    assert list(case_search(agent, "4444")) == [case]
    assert list(case_search(agent, "5678")) == [fridge]


def test_the_words_of_the_solution_find_the_case_once_resolved(agent):
    from ..services.workflow import case_transition

    case = take(agent, "洗衣机不脱水")
    assert list(case_search(agent, "排水泵")) == []
    case = case_transition(actor=agent, case=case, action="accept")
    case_transition(actor=agent, case=case, action="resolve", solution="更换排水泵后脱水正常")
    assert list(case_search(agent, "排水泵")) == [case]


def test_the_search_words_of_existing_cases_are_rebuilt_by_the_migration(agent):
    """Migration 0011 gives cases taken before it the phone's tail and the solution's words."""
    from importlib import import_module

    from django.apps import apps

    from ..models import Case

    case = take(agent, "空调外机噪音大", phone="13900007777")
    Case.objects.filter(pk=case.pk).update(search_text="old words", solution="更换风扇电机")
    assert list(case_search(agent, "7777")) == []
    migration = import_module(
        "aftersales.service.migrations.0011_search_words_phone_tail_and_solution"
    )
    migration.rebuild(apps, None)
    assert list(case_search(agent, "7777")) == [case]
    assert list(case_search(agent, "风扇")) == [case]
