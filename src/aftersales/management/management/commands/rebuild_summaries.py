from django.core.management.base import BaseCommand

from aftersales.management.facts import rebuild


class Command(BaseCommand):
    help = "Recompute the management cockpit's summary tables from every record."

    def handle(self, *args, **options):
        done = rebuild()
        for source, n in done.items():
            self.stdout.write(f"{source}: {n} records")
