"""Serve the demo PKI's OCSP, CRLs and timestamps on 127.0.0.1 (demo and tests only)."""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.pki.services import server, timestamp_url


class Command(BaseCommand):
    help = "Serve the demo PKI's OCSP responders, CRLs and timestamp service (DEMO only)."

    def handle(self, *args, **options):
        port = settings.DEMO_PKI_PORT
        http = server(settings.DEV_KEYS_DIR / "pki", port)
        self.stdout.write(f"Demo PKI on 127.0.0.1:{port}; timestamps: {timestamp_url(port)}")
        with contextlib.suppress(KeyboardInterrupt):
            http.serve_forever()
