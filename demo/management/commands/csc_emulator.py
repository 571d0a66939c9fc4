"""Serve the demo remote signing provider on 127.0.0.1 (DEMO only)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.pki import csc


class Command(BaseCommand):
    help = "Serve the demo Cloud Signature Consortium provider holding the demo keys (DEMO only)."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo remote signing provider on 127.0.0.1:{settings.DEMO_CSC_PORT}")
        csc.run(
            settings.DEV_KEYS_DIR / "pki",
            pki_port=settings.DEMO_PKI_PORT,
            port=settings.DEMO_CSC_PORT,
            client_id=settings.REMOTE_SIGNING_CLIENT_ID,
            client_secret=settings.REMOTE_SIGNING_CLIENT_SECRET,
        )
