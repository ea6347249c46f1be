import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_to_administrators(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["detail"].startswith("not configured")


def test_anonymous_callers_get_the_status_only(client):
    """Security finding 14: a load balancer needs the status, not the system's details."""
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert "checks" not in body
    assert set(body) == {"status", "calendar"}


@override_settings(HEALTHZ_TOKEN="s3cret-monitoring-token")
def test_monitoring_sees_the_details_with_its_token(client):
    body = client.get("/healthz", headers={"X-Healthz-Token": "s3cret-monitoring-token"}).json()
    assert body["checks"]["database"]["status"] == "ok"
    assert "checks" not in client.get("/healthz", headers={"X-Healthz-Token": "guess"}).json()


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_configured_broker_is_down(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"
    assert "127.0.0.1" not in response.content.decode()


def test_a_database_down_is_a_json_503_naming_no_host(client, monkeypatch):
    """Security finding 14: with the database down, a node that had not loaded the calendar
    answered an HTML 500 showing the database host, port and name."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    from aftersales.workdays.store import forget_company_calendar

    forget_company_calendar()

    def down(self, *args, **kwargs):
        raise OperationalError(
            'connection to server at "db.internal" (10.0.0.5), port 5432 failed: '
            'database "aftersales_prod" does not exist'
        )

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    assert response.json()["status"] == "error"
    assert "db.internal" not in text and "5432" not in text and "aftersales_prod" not in text


def test_marking_notifications_read_never_redirects_off_site(client, make_user):
    from aftersales.core.notifications import notify

    person = make_user()
    notify(recipients=[person], title="提醒", email=False)
    client.force_login(person)
    response = client.post("/notifications/read/", {"id": ["²", "x"], "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    response = client.post("/notifications/read/", {"next": "/"})
    assert response["Location"] == "/"
    assert not person.notifications.filter(read_at__isnull=True).exists()


def test_every_admin_page_opens(client, make_user):
    """The admin's list pages for every registered model answer (no broken admin class)."""
    from django.contrib import admin

    client.force_login(make_user(is_superuser=True, is_staff=True))
    for model in admin.site._registry:
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label
