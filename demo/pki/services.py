"""The demo PKI's online services: OCSP, CRLs and timestamps (certomancer's Animator, a WSGI
app) on 127.0.0.1, in a thread (tests) or in the foreground (`manage.py demo_pki`)."""

import logging
import threading

from certomancer import crypto_utils
from certomancer.integrations.animator import Animator, AnimatorArchStore
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from werkzeug.serving import make_server

from demo.pki import config
from demo.pki.generate import load, service_url

logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _WholeSecondAnimator(Animator):
    """OCSP answers stamped to the whole second: NSS (poppler's pdfsig) refuses certomancer's
    microseconds and then reports an unknown certificate problem."""

    def at_time(self, request):
        return super().at_time(request).replace(microsecond=0)


class _KeysLoadedOnce(crypto_utils.PycaCryptographyBackend):
    """certomancer's signing, with each CA key loaded once instead of for every answer.

    certomancer loads the signing key from its DER bytes for every OCSP answer, CRL and
    timestamp, and OpenSSL checks an RSA key when it loads it: about 0.2 s of a core each
    time, so that the demo CA answered far slower than a real one and every signature's
    revocation check waited for it. The demo's keys are RSA with PKCS #1 v1.5 signatures;
    anything else goes the original way.
    """

    def __init__(self):
        self._keys = {}

    def generic_sign(self, private_key, tbs_bytes, sd_algo):
        if sd_algo.signature_algo != "rsassa_pkcs1v15":
            return super().generic_sign(private_key, tbs_bytes, sd_algo)
        der = private_key.dump()
        key = self._keys.get(der)
        if key is None:
            key = self._keys[der] = serialization.load_der_private_key(der, password=None)
        digest = getattr(hashes, sd_algo.hash_algo.upper())()
        return key.sign(tbs_bytes, padding.PKCS1v15(), digest)


def timestamp_url(port):
    return f"{service_url(port)}/{config.SERVICE}/tsa/tsa"


def server(folder, port):
    crypto_utils.CRYPTO_BACKEND = _KeysLoadedOnce()
    pki = load(folder, port)
    app = _WholeSecondAnimator(AnimatorArchStore(pki.pki_archs), with_web_ui=False)
    return make_server("127.0.0.1", port, app, threaded=True)


class Running:
    """The services in a background thread, for as long as the `with` block lasts."""

    def __init__(self, folder, port):
        self.server = server(folder, port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()
