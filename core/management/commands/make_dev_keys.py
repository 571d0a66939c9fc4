"""Generate the development CA and sealing certificate (demo only) into an ignored folder."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.management.base import BaseCommand


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thi đua — DỮ LIỆU MINH HỌA (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class Command(BaseCommand):
    help = "Create var/dev-keys: a demo CA and a demo sealing certificate (never for production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace existing keys.")

    def handle(self, *args, force=False, **options):
        folder = settings.DEV_KEYS_DIR
        if (folder / "seal.p12").exists() and not force:
            self.stdout.write("Development keys already exist.")
            return
        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.UTC)
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        ca_name = _name("Thi đua DEMO Root CA — DỮ LIỆU MINH HỌA")
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("Thi đua DEMO sealing certificate — DỮ LIỆU MINH HỌA"))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        password = settings.SEAL_PKCS12_PASSWORD.encode()
        (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        (folder / "seal.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        p12 = pkcs12.serialize_key_and_certificates(
            b"thidua-demo-seal",
            key,
            cert,
            [ca_cert],
            serialization.BestAvailableEncryption(password),
        )
        (folder / "seal.p12").write_bytes(p12)
        (folder / "seal.p12").chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Development keys written to {folder}."))
