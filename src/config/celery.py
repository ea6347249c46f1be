"""The Celery application. Workers: `celery -A config worker`; beat: `celery -A config beat`.

Without CELERY_BROKER_URL the settings make every task run eagerly in the calling process, so the
embedded mode needs no broker; with one, tasks go to the broker and a worker runs them.
"""

from celery import Celery

from config.boot import load_settings_or_exit

load_settings_or_exit()

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
