"""Roles of REQUIREMENTS "People and roles" as groups; navigation follows them."""

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.core.navigation import nav_for_user

pytestmark = pytest.mark.django_db


def test_the_data_migration_creates_a_group_for_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_a_person_may_hold_several_roles(make_user):
    person = make_user(Role.SERVICE, Role.CUSTOMER_SERVICE)
    assert user_roles(person) == {"service", "customer_service"}
    assert user_has_role(person, Role.SERVICE)
    assert not user_has_role(person, Role.ADMIN)


def test_a_superuser_is_an_administrator_not_every_role(make_user):
    """Security finding 12: superuser status opens the admin site; it does not make its
    holder a vice-president who approves orders and emergency releases."""
    boss = make_user(is_superuser=True)
    assert user_roles(boss) == {Role.ADMIN.value}
    vp = make_user(Role.SALES_VP, is_superuser=True, username="boss-vp")
    assert user_roles(vp) == {Role.ADMIN.value, Role.SALES_VP.value}


def test_an_inactive_person_holds_no_role(make_user):
    assert user_roles(make_user(Role.ADMIN, is_active=False)) == frozenset()


@pytest.mark.parametrize("role", list(Role))
def test_navigation_for_every_role(make_user, role):
    person = make_user(role)
    keys = [item.key for item in nav_for_user(person, user_roles(person))]
    assert keys[0] == "home"
    assert ("users" in keys) == (role == Role.ADMIN)


def test_navigation_is_empty_when_signed_out():
    from django.contrib.auth.models import AnonymousUser

    assert nav_for_user(AnonymousUser(), []) == []


def test_the_page_shows_only_the_entries_of_the_persons_roles(client, make_user):
    client.force_login(make_user(Role.SALES))
    html = client.get("/").content.decode()
    assert 'data-nav="home"' in html
    assert 'data-nav="users"' not in html
    client.force_login(make_user(Role.ADMIN))
    assert 'data-nav="users"' in client.get("/").content.decode()
