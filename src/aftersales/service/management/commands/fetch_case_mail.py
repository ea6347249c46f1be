from django.core.management.base import BaseCommand

from aftersales.service.services.mail import fetch_mail


class Command(BaseCommand):
    help = (
        "Read the after-sales mailbox (CASE_IMAP_*): new mails become cases, replies are recorded."
    )

    def handle(self, *args, **options):
        result = fetch_mail()
        self.stdout.write(
            f"created {len(result.created)}, replies {len(result.replies)}, failed {result.failed}"
        )
