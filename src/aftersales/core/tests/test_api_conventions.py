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


def test_an_unknown_api_url_answers_the_error_body_and_a_page_keeps_html(client):
    response = client.get("/api/v1/orders/abc/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "not_found",
        "message": "The record was not found.",
        "fields": {},
    }
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_page_size_is_a_whole_number_from_1_and_at_most_200(api_as, admin_user):
    api = api_as(admin_user)
    for bad in ("abc", "0", "-5", "null"):
        response = api.get(f"/api/v1/users/?page_size={bad}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, bad
        assert list(response.json()["fields"]) == ["page_size"]
    assert api.get("/api/v1/users/?page_size=").status_code == 200
    big = api.get("/api/v1/users/?page_size=5000").json()
    assert big["count"] == 1 and len(big["results"]) == 1


def test_a_yes_no_filter_refuses_other_words(api_as, admin_user):
    api = api_as(admin_user)
    response = api.get("/api/v1/tickets/?overdue=maybe", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {"overdue": ["Must be a valid boolean."]}
    for good in ("1", "true", "false", "0", ""):
        assert api.get(f"/api/v1/tickets/?overdue={good}").status_code == 200, good


def test_a_number_where_the_schema_says_text_is_refused(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/users/",
        {"username": 12345, "password": "pass12345"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"username": ["Not a valid string."]}


def test_a_number_where_the_schema_says_true_or_false_is_refused(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/workdays/overrides/",
        {"day": "2027-02-01", "is_workday": 0, "name": "厂休"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"is_workday": ["Must be a valid boolean."]}


def _schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_schema_describes_lists_as_pages(client):
    schema = _schema(client)
    users = schema["paths"]["/api/v1/users/"]["get"]
    ref = users["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    params = {p["name"]: p for p in users["parameters"]}
    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    # A list that is not paginated stays an array.
    categories = schema["paths"]["/api/v1/categories/"]["get"]["responses"]["200"]
    assert categories["content"]["application/json"]["schema"]["type"] == "array"


def test_schema_documents_the_error_statuses_with_the_error_body(client):
    schema = _schema(client)
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {
        "code",
        "message",
        "fields",
    }
    create = schema["paths"]["/api/v1/orders/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "415"} <= set(create)
    for status in ("400", "401", "403", "404", "409", "415"):
        assert create[status]["content"]["application/json"]["schema"] == error
    detail = schema["paths"]["/api/v1/orders/{order_id}/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404"} == set(detail)
    track = schema["paths"]["/api/v1/track/"]["get"]["responses"]
    assert {"200", "400", "404", "429"} == set(track)


def test_schema_says_an_amount_may_be_a_string_or_a_number(client):
    schema = _schema(client)
    price = schema["components"]["schemas"]["ProductInputRequest"]["properties"]["list_price"]
    text, number = price["anyOf"]
    assert text == {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"}
    assert number["type"] == "number" and number["multipleOf"] == 0.01
    assert number["minimum"] == 0
