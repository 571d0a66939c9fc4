"""Send the reminders of the steps due soon (run once a day; see docs/deploy.md)."""

from django.core.management.base import BaseCommand

from core.reminders import send_reminders


class Command(BaseCommand):
    help = "Send, once each, the reminders of the steps whose deadline is near."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="How far ahead (default: REMINDER_DAYS)."
        )

    def handle(self, *args, days=None, **options):
        sent = send_reminders(days=days)  # mails and records in the default language
        for record in sent:
            self.stdout.write(f"{record.due:%Y-%m-%d %H:%M} {record.title} ({record.recipients})")
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
