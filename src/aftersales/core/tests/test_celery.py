"""Background jobs: eager without a broker; a real worker on Redis when one is configured."""

import socket

import pytest

from aftersales.core.tasks import ping
from config.celery import app


def test_without_a_broker_tasks_run_in_process():
    assert app.conf.task_always_eager is True
    assert ping.delay().get(timeout=1) == "pong"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.redis
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (CI starts one)")
def test_a_real_worker_consumes_from_redis():
    """A job goes through Redis to a worker thread and its result comes back.

    A separate Celery app with a broker stands in for a deployment; ``shared_task`` registers
    our tasks on every app, so the worker runs the same code as production would.
    """
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    url = "redis://127.0.0.1:6379/15"
    queued = Celery("aftersales-test", broker=url, backend=url)
    queued.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True)
    with start_worker(queued, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = queued.tasks["core.ping"].apply_async()
        assert result.get(timeout=20) == "pong"
        assert result.successful()
