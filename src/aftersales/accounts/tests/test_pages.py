"""Log-in, log-out, the home page and the administrators' people pages."""

import pytest

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_shows_the_home_page_in_chinese_with_my_roles(client, make_user):
    make_user(Role.SERVICE, username="chen", full_name="陈杰")
    response = client.post("/accounts/login/", {"username": "chen", "password": "pass12345"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert "您好，陈杰" in html
    assert "售后服务部" in html  # the role card
    assert "工程师与技术员" in html


def test_wrong_password_keeps_me_on_the_login_page_with_a_chinese_message(client, make_user):
    make_user(username="chen")
    html = client.post("/accounts/login/", {"username": "chen", "password": "x"}).content.decode()
    assert "请输入一个正确的 用户名 和密码" in html or "用户名" in html
    assert 'class="alert alert-danger"' in html


def test_log_out_is_a_post_and_ends_the_session(client, make_user):
    client.force_login(make_user())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_people_pages_look_missing_to_non_administrators(client, make_user):
    client.force_login(make_user(Role.SALES_VP))
    assert client.get("/accounts/users/").status_code == 404
    assert client.get("/accounts/users/new/").status_code == 404


def test_administrator_searches_people_by_name(client, admin_user, make_user):
    make_user(Role.SERVICE, full_name="杨敏")
    make_user(Role.SALES, full_name="张伟")
    client.force_login(admin_user)
    html = client.get("/accounts/users/", {"q": "杨"}).content.decode()
    assert "杨敏" in html and "张伟" not in html
    empty = client.get("/accounts/users/", {"q": "没有这个人"}).content.decode()
    assert 'data-testid="empty-users"' in empty and "没有符合筛选条件的用户" in empty


def test_people_list_page_does_a_fixed_number_of_queries(
    client, admin_user, make_user, django_assert_max_num_queries
):
    for _ in range(15):
        make_user(Role.SERVICE, Role.CUSTOMER_SERVICE)
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/users/")
    assert response.status_code == 200


def test_creating_a_person_with_a_bad_phone_names_the_field_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    html = client.post(
        "/accounts/users/new/",
        {"username": "newbie", "password": "longenough1", "phone": "12345", "roles": ["service"]},
    ).content.decode()
    assert 'data-field-error="phone"' in html
    assert "请输入中国大陆手机号" in html
    assert not User.objects.filter(username="newbie").exists()


def test_creating_a_person_with_roles(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newbie",
            "password": "longenough1",
            "full_name": "新同事",
            "phone": "13712345678",
            "roles": ["service", "customer_service"],
        },
    )
    person = User.objects.get(username="newbie")
    assert response["Location"] == f"/accounts/users/{person.pk}/"
    assert set(person.groups.values_list("name", flat=True)) == {"service", "customer_service"}
    assert person.history.first().history_user == admin_user


def test_an_administrator_cannot_lock_themselves_out(client, admin_user):
    client.force_login(admin_user)
    html = client.post(
        f"/accounts/users/{admin_user.pk}/edit/",
        {"full_name": "管理员甲", "roles": ["sales"], "is_active": "on"},
    ).content.decode()
    assert "不能移除自己的系统管理员角色" in html
    assert set(admin_user.groups.values_list("name", flat=True)) == {"admin"}


def test_profile_issues_a_token_shown_once(client, make_user):
    client.force_login(make_user(Role.DEALER))
    html = client.post("/accounts/profile/token/").content.decode()
    assert 'data-testid="new-token"' in html
    assert 'data-testid="new-token"' not in client.get("/accounts/profile/").content.decode()


def test_signing_in_stamps_last_login_without_a_history_entry(client, make_user):
    person = make_user(username="li")
    rows = person.history.count()
    client.post("/accounts/login/", {"username": "li", "password": "pass12345"})
    person.refresh_from_db()
    assert person.last_login is not None
    assert person.history.count() == rows
