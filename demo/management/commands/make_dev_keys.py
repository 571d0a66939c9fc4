"""Generate the demo PKI into var/dev-keys (an ignored folder): never for production."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.pki.generate import generate


class Command(BaseCommand):
    help = "Create var/dev-keys: the demo PKI, its certificates and the demo sealing certificate."

    def handle(self, *args, **options):
        folder = settings.DEV_KEYS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("organisation-key.secret", "backup-key.secret"):
            secret = folder / name
            if not secret.exists():
                secret.write_text(secrets.token_hex(32))
                secret.chmod(0o600)
        made = generate(
            folder / "pki",
            port=settings.DEMO_PKI_PORT,
            seal_path=folder / "seal.p12",
            seal_password=settings.SEAL_PKCS12_PASSWORD,
        )
        self.stdout.write(self.style.SUCCESS(f"Demo PKI written to {folder} ({made} new keys)."))
