from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.repairs.models import TechnicianProfile
from aftersales.service.models import AgentProfile, ServiceSkill


@pytest.fixture
def dispatcher(make_user):
    return make_user(Role.SERVICE, username="disp1", full_name="周敏")


def technician(make_user, username, name, regions, skills=(), per_day=6):
    person = make_user(Role.SERVICE, username=username, full_name=name)
    TechnicianProfile.objects.create(user=person, regions=regions, visits_per_day=per_day)
    profile = AgentProfile.objects.create(user=person)
    profile.skills.set(skills)
    return person


@pytest.fixture
def skills(db):
    return {
        code: ServiceSkill.objects.create(code=code, name=name)
        for code, name in (("tv", "电视"), ("aircon", "空调"))
    }


@pytest.fixture
def customer(db):
    return CustomerFactory(
        name="王小明", mobile="13912345678", province="上海市", city="上海市",
        district="浦东新区", street="张江路 88 号",
    )  # fmt: skip


def tomorrow_at(hour: int):
    day = timezone.localdate() + timedelta(days=1)
    from datetime import datetime

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))
