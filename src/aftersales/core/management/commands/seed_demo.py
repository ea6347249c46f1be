from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from aftersales.core.demo import DEMO_PASSWORD, seed_all


class Command(BaseCommand):
    help = "Load a small demo company (departments, people for every role, …). Idempotent."

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        ctx = seed_all()
        for line in ctx.log:
            self.stdout.write(line)
        if options["verbosity"] >= 1 and ctx.logins:
            self.stdout.write(self.style.SUCCESS(f"Demo log-ins (password: {DEMO_PASSWORD}):"))
            for username, name, roles in ctx.logins:
                self.stdout.write(f"  {username:<12} {name:<6} {roles}")
