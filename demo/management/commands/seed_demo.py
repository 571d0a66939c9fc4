from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from demo import stages
from demo.foundation import DEMO_PASSWORD
from demo.pki import running


class Command(BaseCommand):
    help = "Load the seed story (Hà Nội, Cluster No. 1, 2020) as demo data; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--through",
            choices=stages.names(),
            default=stages.names()[-1],
            help="Build the story up to this stage (default: the fullest).",
        )

    def handle(self, *args, through, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo loads demo data and runs only with DEBUG on.")
        # The story sends the e-mails real use would (circulation, reminders, decisions):
        # keep them in memory instead of flooding the console.
        quiet_mail = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        # The digital signatures are checked against the demo PKI's OCSP, CRL and timestamp
        # services: start them unless they answer already (`make run` starts them itself).
        started = running.start()
        try:
            with override_settings(MAILERS=quiet_mail), transaction.atomic():
                world = stages.build(through)
        finally:
            running.stop(started)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded through stage '{through}'."))
        self.stdout.write(f"Accounts (password for all: {DEMO_PASSWORD}):")
        for username, user in world.users.items():
            self.stdout.write(f"  {username:<14} {user.get_full_name()}")
