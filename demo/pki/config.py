"""The certomancer configuration of the demo PKI, built from the demo's districts."""

from demo.foundation import DISTRICTS

SERVICE = "demo-cong-vu"  # public-service signatures (chữ ký số chuyên dùng công vụ)
PUBLIC = "demo-cong-cong"  # a public CA (chữ ký số công cộng)
ARCHES = (SERVICE, PUBLIC)
VALID = {"valid-from": "2019-01-01T00:00:00+0000", "valid-to": "2037-01-01T00:00:00+0000"}
# The chairs of these districts hold public CA certificates; the others public-service ones.
PUBLIC_CA_CHAIRS = {"hoankiem", "longbien", "hoangmai"}
APP_SEAL = "ung-dung"
REVOKED = "thu-hoi"
EXPIRED = "het-han"
FORGED = "gia-mao"  # the name of Đống Đa's chair on another key


def chair_label(username):
    return f"chu-tich-{username}"


def unit_label(username):
    return f"don-vi-{username}"


def chair_arch(username):
    return PUBLIC if username in PUBLIC_CA_CHAIRS else SERVICE


def _key_usage(*usages):
    return {
        "id": "key_usage",
        "critical": True,
        "smart-value": {"schema": "key-usage", "params": list(usages)},
    }


def _ca_certs():
    return {
        "root": {
            "subject": "root",
            "issuer": "root",
            "validity": {
                "valid-from": "2019-01-01T00:00:00+0000",
                "valid-to": "2039-01-01T00:00:00+0000",
            },
            "extensions": [
                {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
            ],
        },
        "ca": {
            "issuer": "root",
            "validity": {
                "valid-from": "2019-01-01T00:00:00+0000",
                "valid-to": "2038-01-01T00:00:00+0000",
            },
            "extensions": [
                {
                    "id": "basic_constraints",
                    "critical": True,
                    "value": {"ca": True, "path-len-constraint": 0},
                },
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                {
                    "id": "crl_distribution_points",
                    "smart-value": {
                        "schema": "crl-dist-url",
                        "params": {"crl-repo-names": ["root"]},
                    },
                },
            ],
        },
        "ocsp": {
            "issuer": "ca",
            "validity": {
                "valid-from": "2019-01-01T00:00:00+0000",
                "valid-to": "2038-01-01T00:00:00+0000",
            },
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                {"id": "ocsp_no_check"},
            ],
        },
    }


def _signer_cert(**overrides):
    # An extended key usage, as real signing certificates carry: without one poppler's pdfsig
    # reports "Unknown issue with Certificate" (it reads a stale NSS error).
    return {
        "issuer": "ca",
        "validity": VALID,
        "extensions": [
            _key_usage("digital_signature", "non_repudiation"),
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["ca"]}},
            },
            {
                "id": "authority_information_access",
                "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["ca"]}},
            },
            {"id": "extended_key_usage", "value": ["email_protection", "client_auth"]},
        ],
        **overrides,
    }


def _services():
    return {
        "ocsp": {"ca": {"for-issuer": "ca", "responder-cert": "ocsp", "signing-key": "ocsp"}},
        "crl-repo": {
            "root": {
                "for-issuer": "root",
                "signing-key": "root",
                "simulated-update-schedule": "P90D",
            },
            "ca": {"for-issuer": "ca", "signing-key": "ca", "simulated-update-schedule": "P7D"},
        },
    }


def build():
    """The configuration as certomancer reads it (keys in `keys/<arch>/<label>.key.pem`)."""
    entities = {SERVICE: {}, PUBLIC: {}}
    certs = {SERVICE: _ca_certs(), PUBLIC: _ca_certs()}
    mark = "DEMO — DỮ LIỆU MINH HỌA"
    names = {
        SERVICE: ("DEMO Ban Cơ yếu Chính phủ", "DEMO Cơ quan chứng thực chữ ký số chuyên dùng"),
        PUBLIC: ("DEMO Công ty chứng thực số công cộng", "DEMO CA công cộng"),
    }
    for arch, (organisation, common) in names.items():
        entities[arch]["root"] = {
            "organization-name": organisation,
            "common-name": f"{common} (Root CA)",
        }
        entities[arch]["ca"] = {"organization-name": organisation, "common-name": common}
        entities[arch]["ocsp"] = {
            "organization-name": organisation,
            "common-name": f"{common} — OCSP",
        }
    for username, short_name, chair_name in DISTRICTS:
        arch = chair_arch(username)
        entities[arch][chair_label(username)] = {
            "organization-name": mark,
            "common-name": chair_name,
        }
        certs[arch][chair_label(username)] = _signer_cert()
        entities[SERVICE][unit_label(username)] = {
            "organization-name": mark,
            "common-name": f"Ủy ban MTTQ Việt Nam quận {short_name}",
        }
        certs[SERVICE][unit_label(username)] = _signer_cert()
    entities[SERVICE][APP_SEAL] = {
        "organization-name": mark,
        "common-name": "DEMO Hệ thống Thi đua — Khen thưởng",
    }
    certs[SERVICE][APP_SEAL] = _signer_cert()
    entities[SERVICE][REVOKED] = {"organization-name": mark, "common-name": "Chứng thư đã thu hồi"}
    certs[SERVICE][REVOKED] = _signer_cert(
        revocation={"revoked-since": "2025-01-01T00:00:00+0000", "reason": "key_compromise"}
    )
    entities[SERVICE][EXPIRED] = {"organization-name": mark, "common-name": "Chứng thư đã hết hạn"}
    certs[SERVICE][EXPIRED] = _signer_cert(
        validity={"valid-from": "2019-01-01T00:00:00+0000", "valid-to": "2021-01-01T00:00:00+0000"}
    )
    # The same subject as Đống Đa's chair, another key: it chains fine; only the registered
    # fingerprint tells it apart.
    certs[SERVICE][FORGED] = _signer_cert(subject=chair_label("dongda"), **{"subject-key": FORGED})
    certs[SERVICE]["tsa"] = {
        "issuer": "root",
        "validity": {
            "valid-from": "2019-01-01T00:00:00+0000",
            "valid-to": "2038-01-01T00:00:00+0000",
        },
        "extensions": [
            _key_usage("digital_signature"),
            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}},
            },
        ],
    }
    entities[SERVICE]["tsa"] = {
        "organization-name": names[SERVICE][0],
        "common-name": "DEMO Dịch vụ cấp dấu thời gian",
    }
    keysets = {}
    architectures = {}
    for arch in ARCHES:
        labels = [label for label, spec in certs[arch].items() if "subject-key" not in spec]
        labels += [spec["subject-key"] for spec in certs[arch].values() if "subject-key" in spec]
        keysets[arch] = {
            "path-prefix": arch,
            "keys": {label: {"path": f"{label}.key.pem"} for label in labels},
        }
        services = _services()
        if arch == SERVICE:
            services["time-stamping"] = {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}}
        architectures[arch] = {
            "keyset": arch,
            "entity-defaults": {"country-name": "VN"},
            "entities": entities[arch],
            "certs": certs[arch],
            "services": services,
        }
    return {"keysets": keysets, "pki-architectures": architectures}
