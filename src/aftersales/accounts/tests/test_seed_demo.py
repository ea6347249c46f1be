import pytest
from django.core.management import call_command

from aftersales.accounts.models import User
from aftersales.accounts.permissions import user_roles
from aftersales.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_company_has_a_person_for_every_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == first
    covered = set()
    for person in User.objects.all():
        covered |= {r for r in user_roles(person) if not person.is_superuser}
    assert covered | {"admin"} == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    out = capsys.readouterr().out
    assert "zhangwei" in out and "demo1234" in out and "销售部" in out
