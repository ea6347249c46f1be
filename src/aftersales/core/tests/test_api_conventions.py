"""The uniform error body {"code", "message", "fields"}, the schema and the Swagger UI."""

import pytest

from aftersales.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_bad_input_names_the_fields_in_chinese_by_default(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"username", "password"}
    assert body["message"] == "请更正以下字段：password, username。"
    assert body["fields"]["password"] == ["该字段是必填项。"]


def test_bad_input_in_english_when_the_client_asks(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.json()
    assert body["message"] == "Please correct these fields: password, username."
    assert body["fields"]["password"] == ["This field is required."]


def test_not_signed_in_is_401_with_the_same_body(api_client):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_wrong_role_is_403_and_missing_record_is_404(api_as, make_user, admin_user):
    sales = make_user(Role.SALES)
    forbidden = api_as(sales).get("/api/v1/users/")
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "permission_denied"
    missing = api_as(admin_user).get("/api/v1/users/999999/")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "未找到该记录。", "fields": {}}


def test_token_authentication(api_client, make_user):
    make_user(Role.SERVICE, username="tech1")
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "tech1", "password": "pass12345"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == "tech1" and me["roles"] == ["service"]


def test_wrong_password_is_refused_on_the_password_field(api_client, make_user):
    make_user(username="tech2")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "tech2", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["fields"] == {"password": ["用户名或密码错误。"]}


def test_openapi_schema_lists_our_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/auth/token/", "/api/v1/me/", "/api/v1/users/"]:
        assert path in schema["paths"]


def test_swagger_ui_is_served_from_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
