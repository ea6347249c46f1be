"""RPT-2: the summary tables kept current by the refresh agree with a rebuild from scratch,
whatever changed in between (new records, changed ones, deleted ones)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from aftersales.management import facts
from aftersales.management.models import Fact, FactLedger, SummaryState

from .conftest import NOW, _case, at

pytestmark = pytest.mark.django_db


def snapshot() -> set[tuple]:
    return {
        (
            f.measure,
            f.day,
            f.department,
            f.product,
            f.category,
            f.dealer,
            f.region,
            f.key,
            f.count,
            Decimal(f.amount).quantize(Decimal("0.01")),
            Decimal(f.total).quantize(Decimal("0.0001")),
        )
        for f in Fact.objects.all()
    }


def rebuilt() -> set[tuple]:
    facts.rebuild()
    return snapshot()


def test_refresh_takes_in_changes_and_equals_a_rebuild(world, time_machine):
    from aftersales.sales.models import Order
    from aftersales.service.models import Case

    facts.refresh()
    first = snapshot()
    assert first and first == rebuilt()

    # An hour later: a case resolved, a new case, an order cancelled, a case deleted.
    time_machine.move_to(NOW + timedelta(hours=1))
    facts.refresh()  # nothing changed: nothing moves
    assert snapshot() == first

    time_machine.move_to(NOW + timedelta(hours=2))
    c2 = Case.objects.get(pk=world.c2.pk)
    c2.status = "resolved"
    c2.resolved_at = at(2026, 11, 20, 14)
    c2.assignee = world.tech
    c2.save()
    _case(
        9,
        created=at(2026, 11, 20, 13),
        channel="email",
        customer=world.y,
        product=world.p2,
        department=world.dept_b,
    )
    o1 = Order.objects.get(pk=world.o1.pk)
    o1.status = "cancelled"
    o1.save()
    Case.objects.get(pk=world.c5.pk).delete()
    facts.refresh(NOW + timedelta(hours=3))
    incremental = snapshot()
    assert incremental != first
    assert incremental == rebuilt()


def test_refresh_records_its_state_and_reads_back_over_the_overlap(world, time_machine):
    facts.refresh()
    state = SummaryState.objects.get(source="case")
    assert abs(state.seen_until - NOW) < timedelta(minutes=1) and state.records == 5
    # The next run reads back over the overlap (re-reading moves nothing) ...
    time_machine.move_to(NOW + timedelta(minutes=5))
    before = Fact.objects.count()
    assert facts.refresh()["case"] == 5
    assert Fact.objects.count() == before
    # ... and later runs read only what changed since.
    time_machine.move_to(NOW + timedelta(hours=1))
    facts.refresh()
    time_machine.move_to(NOW + timedelta(hours=2))
    assert facts.refresh()["case"] == 0


def test_a_record_changing_measure_leaves_no_zero_rows(world, time_machine):
    from aftersales.service.models import Case

    facts.refresh()
    time_machine.move_to(NOW + timedelta(hours=1))
    c4 = Case.objects.get(pk=world.c4.pk)
    c4.status = "cancelled"
    c4.save()
    facts.refresh()
    assert not Fact.objects.filter(count=0, amount=0, total=0).exists()
    assert not Fact.objects.filter(measure="case.backlog", day=c4.created_at.date()).exists()
    assert FactLedger.objects.filter(source="case", record_id=c4.pk).exists()


def test_rebuild_command(world, capsys):
    from django.core.management import call_command

    call_command("rebuild_summaries")
    out = capsys.readouterr().out
    assert "case: 5 records" in out
    assert Fact.objects.filter(measure="case.intake").count() >= 4
