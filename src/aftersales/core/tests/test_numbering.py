"""Document numbers: prefix per kind, gap-free daily sequence under a row lock (DESIGN)."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from aftersales.core.errors import InvalidInput, StaleVersion
from aftersales.core.models import NumberSeries
from aftersales.core.numbering import document_number_next, register_document_kind
from aftersales.core.services import model_update

register_document_kind("test-ticket", prefix="TK", name="测试工单")
register_document_kind("test-contract", prefix="HT", name="测试合同")

DAY = date(2026, 11, 28)


@pytest.mark.django_db
def test_numbers_count_up_per_kind_and_restart_each_day():
    assert document_number_next(kind="test-ticket", on=DAY) == "TK-20261128-0001"
    assert document_number_next(kind="test-ticket", on=DAY) == "TK-20261128-0002"
    assert document_number_next(kind="test-contract", on=DAY) == "HT-20261128-0001"
    assert document_number_next(kind="test-ticket", on=date(2026, 11, 29)) == "TK-20261129-0001"


@pytest.mark.django_db
def test_a_failed_use_case_gives_its_number_back():
    document_number_next(kind="test-ticket", on=DAY)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_next(kind="test-ticket", on=DAY) == "TK-20261128-0002"
        raise RuntimeError("the use case failed after taking a number")
    assert document_number_next(kind="test-ticket", on=DAY) == "TK-20261128-0002"


@pytest.mark.django_db
def test_the_prefix_is_data_an_administrator_can_change():
    document_number_next(kind="test-ticket", on=DAY)
    series = NumberSeries.objects.get(kind="test-ticket")
    model_update(instance=series, fields=["prefix"], data={"prefix": "FW"})
    assert document_number_next(kind="test-ticket", on=DAY) == "FW-20261128-0002"


@pytest.mark.django_db
def test_unknown_kind_is_a_clear_error():
    with pytest.raises(InvalidInput) as err:
        document_number_next(kind="no-such-kind")
    assert "kind" in err.value.fields


@pytest.mark.django_db
def test_stale_edit_of_a_series_is_refused():
    document_number_next(kind="test-ticket", on=DAY)
    first = NumberSeries.objects.get(kind="test-ticket")
    second = NumberSeries.objects.get(kind="test-ticket")
    model_update(instance=first, fields=["prefix"], data={"prefix": "AA"})
    with pytest.raises(StaleVersion):
        model_update(instance=second, fields=["prefix"], data={"prefix": "BB"})
    assert NumberSeries.objects.get(kind="test-ticket").prefix == "AA"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_threads_never_share_a_number_and_leave_no_gap():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL (CI runs this there)")
    threads, per_thread = 8, 25
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker():
        from django.db import connections

        try:
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = document_number_next(kind="test-ticket", on=DAY)
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == threads * per_thread
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, threads * per_thread + 1))


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    """Only inside the use case's transaction can a failure give the number back."""
    with pytest.raises(RuntimeError):
        document_number_next(kind="test-ticket", on=DAY)
