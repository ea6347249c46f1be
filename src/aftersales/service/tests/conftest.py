import pytest

from aftersales.accounts.roles import Role


@pytest.fixture
def agent(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="agent1", full_name="孙丽")


@pytest.fixture
def technician(make_user):
    return make_user(Role.SERVICE, username="tech1", full_name="陈杰")


def intake_body(**overrides):
    body = {
        "channel": "phone",
        "kind": "complaint",
        "customer": {"name": "王小明", "phone": "13912345678"},
        "description": "电视屏幕有横线，开机十分钟后出现",
    }
    body.update(overrides)
    return body
