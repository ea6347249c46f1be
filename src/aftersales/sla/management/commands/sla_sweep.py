from django.core.management.base import BaseCommand

from aftersales.sla.services import sla_sweep


class Command(BaseCommand):
    help = (
        "Escalate SLA clocks that are about to breach or have breached (idempotent). "
        "Run from cron every few minutes when no Celery beat is running."
    )

    def handle(self, *args, **options):
        result = sla_sweep()
        self.stdout.write(
            f"checked {result.checked} clocks; escalated {result.escalated} "
            f"({result.breached} overdue); {result.notified} notifications"
        )
