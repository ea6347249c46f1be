"""API tokens expire and can be revoked (security probe, finding 3): by their owner
(``DELETE /api/v1/auth/token/``) and by administrators (``DELETE /api/v1/users/<id>/token/``,
the person's page, the admin site)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.roles import Role

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def person(make_user):
    return make_user(Role.SERVICE, username="chen", full_name="陈杰")


def issue(username="chen", password="pass12345"):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_answer_keeps_its_contract_and_says_when_it_expires(person, settings):
    settings.API_TOKEN_DAYS = 30
    body = issue().json()
    assert set(body) == {"token", "expires_at"}
    token = Token.objects.get(user=person)
    assert body["token"] == token.key
    assert body["expires_at"].endswith("+08:00")
    assert datetime.fromisoformat(body["expires_at"]) == token.created + timedelta(days=30)
    # Asked again while good: the same token.
    assert issue().json()["token"] == token.key
    assert with_token(token.key).get("/api/v1/me/").status_code == 200


def test_an_expired_token_answers_401_with_a_clear_message(person, settings):
    settings.API_TOKEN_DAYS = 30
    key = issue().json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=30, seconds=1))
    response = with_token(key).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "The API token has expired" in response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Token")
    # Signing in again issues a new one.
    fresh = issue().json()["token"]
    assert fresh != key
    assert with_token(fresh).get("/api/v1/me/").status_code == 200


def test_an_expired_token_does_not_stand_in_the_way_of_a_new_one(person):
    key = issue().json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=400))
    response = with_token(key).post(
        TOKEN, {"username": "chen", "password": "pass12345"}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"] != key


def test_the_owner_revokes_their_own_token(person):
    key = issue().json()["token"]
    client = with_token(key)
    assert client.delete(TOKEN).status_code == 204
    assert not Token.objects.filter(user=person).exists()
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_revoking_needs_a_signed_in_caller():
    assert APIClient().delete(TOKEN).status_code == 401


def test_administrators_revoke_anyones_token_others_cannot(person, admin_user, api_as, make_user):
    key = issue().json()["token"]
    path = f"/api/v1/users/{person.pk}/token/"
    assert api_as(make_user(Role.SERVICE)).delete(path).status_code == 403
    assert with_token(key).get("/api/v1/me/").status_code == 200
    assert api_as(admin_user).delete(path).status_code == 204
    assert with_token(key).get("/api/v1/me/").status_code == 401
    # The revocation is on the person's timeline.
    record = person.history.order_by("-history_date").first()
    assert record.history_user == admin_user and record.history_change_reason


def test_the_persons_page_shows_the_token_and_revokes_it(client, person, admin_user):
    key = issue().json()["token"]
    client.force_login(admin_user)
    html = client.get(f"/accounts/users/{person.pk}/").content.decode()
    assert 'data-testid="revoke-token"' in html
    assert client.post(f"/accounts/users/{person.pk}/token/revoke/").status_code == 302
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_the_profile_page_revokes_my_own_token(client, person):
    key = issue().json()["token"]
    client.force_login(person)
    assert 'data-testid="token-revoke"' in client.get("/accounts/profile/").content.decode()
    assert client.post("/accounts/profile/token/revoke/").status_code == 302
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_the_admin_site_action_revokes_tokens(client, person, make_user):
    key = issue().json()["token"]
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert with_token(key).get("/api/v1/me/").status_code == 401
