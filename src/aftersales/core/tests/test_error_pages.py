"""403, 404 and 500 are friendly pages inside the layout, with the way back (issue 17, item 4):
nobody sees Django's own error or debug pages. The 500 page reads nothing from the database."""

import pytest
from django.test import Client, RequestFactory

from aftersales.accounts.roles import Role

DEBUG_MARKERS = ("Traceback", "DEBUG = True", "Django tried these URL patterns", "technical")


def assert_friendly(response, status: int, *, with_menu: bool) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and f'data-status="{status}"' in html
    assert 'data-testid="error-way-back"' in html and 'href="/"' in html
    assert "bootstrap.min.css" in html and "app.css" in html  # inside the layout
    assert ('data-testid="main-nav"' in html) is with_menu
    for marker in DEBUG_MARKERS:
        assert marker not in html
    return html


@pytest.mark.django_db
def test_a_missing_page_and_a_record_out_of_reach(client, make_user):
    person = make_user(Role.SALES, username="s1")
    client.force_login(person)
    assert_friendly(client.get("/no/such/page/"), 404, with_menu=True)
    assert_friendly(client.get("/service/cases/TK-19990101-0001/"), 404, with_menu=True)
    assert_friendly(client.get("/quality/recalls/"), 404, with_menu=True)  # not for sales
    anonymous = Client()
    assert_friendly(anonymous.get("/no/such/page/"), 404, with_menu=False)


@pytest.mark.django_db
@pytest.mark.urls("aftersales.core.tests.error_urls")
def test_no_access(client, make_user):
    client.force_login(make_user(Role.SALES, username="s2"))
    assert_friendly(client.get("/test-errors/forbidden/"), 403, with_menu=True)


@pytest.mark.django_db
@pytest.mark.urls("aftersales.core.tests.error_urls")
def test_an_expired_form_is_the_403_page(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.SALES, username="s3"))
    html = assert_friendly(client.post("/test-errors/form/", {}), 403, with_menu=True)
    assert "CSRF verification failed" not in html  # Django's own page says so


@pytest.mark.django_db
@pytest.mark.urls("aftersales.core.tests.error_urls")
def test_a_server_error_is_the_500_page_and_json_under_the_api(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        assert_friendly(client.get("/test-errors/broken/"), 500, with_menu=False)
    answer = client.get("/api/v1/test-errors/broken/")
    assert answer.status_code == 500
    assert answer.json()["code"] == "server_error" and answer.json()["fields"] == {}


def test_the_500_page_needs_no_database():
    """No ``django_db`` mark: any query would fail this test."""
    from aftersales.core.error_views import server_error

    response = server_error(RequestFactory().get("/orders/1/"))
    assert response.status_code == 500
    assert 'data-testid="error-page"' in response.content.decode()
