"""The case's public status page cannot be used to guess the customer's phone digits (security
probe, finding 1): limited per trusted address, and per case number whatever the address; the
signed link from the SMS still opens the case."""

import pytest

from ..services.intake import IntakeInput, case_intake
from ..services.tracking import tracking_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):
    data = IntakeInput(
        channel="phone",
        kind="repair",
        customer_name="王小明",
        customer_phone="13912345678",
        description="电视屏幕有横线",
    )
    return case_intake(actor=agent, data=data)[0]


def test_five_wrong_phones_lock_the_case_number_whatever_the_address(client, case):
    for n in range(5):
        page = client.get(
            "/service/track/",
            {"number": case.number, "phone": f"{1000 + n}"},
            REMOTE_ADDR=f"10.0.{n}.1",
        )
        assert page.status_code == 200 and 'data-testid="track-none"' in page.content.decode()
    refused = client.get(
        "/service/track/", {"number": case.number, "phone": "5678"}, REMOTE_ADDR="10.0.9.1"
    )
    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'data-testid="track-limited"' in html and 'data-testid="case-track"' not in html
    # The customer's signed link still opens it.
    link = client.get(f"/service/track/?t={tracking_token(case)}", REMOTE_ADDR="10.0.9.1")
    assert link.status_code == 200 and 'data-testid="case-track"' in link.content.decode()


def test_right_answers_do_not_lock_the_customer_out(client, case):
    for _ in range(8):
        page = client.get("/service/track/", {"number": case.number, "phone": "5678"})
        assert 'data-testid="case-track"' in page.content.decode()
    for n in range(4):
        client.get("/service/track/", {"number": case.number, "phone": f"{1000 + n}"})
    page = client.get("/service/track/", {"number": case.number, "phone": "5678"})
    assert page.status_code == 200 and 'data-testid="case-track"' in page.content.decode()


def test_rotating_x_forwarded_for_does_not_reset_the_address_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [
        client.get(
            "/service/track/",
            {"number": f"TK-NOPE-{n}", "phone": "1234"},
            HTTP_X_FORWARDED_FOR=f"10.{n}.0.1",
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [200] * 20 and codes[20] == 429
