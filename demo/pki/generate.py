"""Write the demo PKI to a folder: keys (made once), every certificate and its PKCS#12, the two
roots, and the application's sealing PKCS#12 (password-protected, as production's is)."""

from pathlib import Path

from asn1crypto import pem
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from demo.pki import config


def service_url(port):
    return f"http://127.0.0.1:{port}"


def _ensure_keys(keys_dir, settings):
    """certomancer loads keys, it never makes them: make the missing ones (RSA-2048)."""
    made = 0
    for keyset in settings["keysets"].values():
        folder = keys_dir / keyset["path-prefix"]
        folder.mkdir(parents=True, exist_ok=True)
        for key in keyset["keys"].values():
            path = folder / key["path"]
            if path.exists():
                continue
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path.write_bytes(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
            made += 1
    return made


def load(folder, port):
    """The demo PKI's certomancer configuration, its services at 127.0.0.1:`port`."""
    return CertomancerConfig(
        config.build(),
        key_search_dir=str(Path(folder) / "keys"),
        lazy_load_keys=True,
        external_url_prefix=service_url(port),
    )


def cert(pki, arch, label):
    return pki.get_pki_arch(ArchLabel(arch)).get_cert(CertLabel(label))


def pfx_path(folder, arch, label):
    return Path(folder) / arch / f"{label}.pfx"


def generate(folder, *, port, seal_path, seal_password):
    """Everything at once; return the number of keys made (0 when they existed)."""
    folder = Path(folder)
    made = _ensure_keys(folder / "keys", config.build())
    pki = load(folder, port)
    for arch in config.ARCHES:
        pki.get_pki_arch(ArchLabel(arch)).dump_certs(
            str(folder / arch), use_pem=True, flat=True, include_pkcs12=True
        )
    roots = folder / "roots"
    roots.mkdir(exist_ok=True)
    for arch in config.ARCHES:
        for label in ("root", "ca"):
            (roots / f"{arch}-{label}.pem").write_bytes(
                pem.armor("CERTIFICATE", cert(pki, arch, label).dump())
            )
    _write_seal(pki, folder, Path(seal_path), seal_password)
    return made


def _write_seal(pki, folder, path, password):
    """The application's sealing certificate as production keeps it: one encrypted PKCS#12."""
    arch = pki.get_pki_arch(ArchLabel(config.SERVICE))
    label = CertLabel(config.APP_SEAL)
    key = serialization.load_der_private_key(
        arch.key_set.get_private_key(arch.get_cert_spec(label).subject_key).dump(), None
    )
    leaf = x509.load_der_x509_certificate(arch.get_cert(label).dump())
    chain = [x509.load_der_x509_certificate(arch.get_cert(c).dump()) for c in arch.get_chain(label)]
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"thidua-demo-seal",
            key,
            leaf,
            chain,
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    path.chmod(0o600)
