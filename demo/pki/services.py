"""The demo PKI's online services: OCSP, CRLs and timestamps (certomancer's Animator, a WSGI
app) on 127.0.0.1, in a thread (tests) or in the foreground (`manage.py demo_pki`)."""

import logging
import threading

from certomancer.integrations.animator import Animator, AnimatorArchStore
from werkzeug.serving import make_server

from demo.pki import config
from demo.pki.generate import load, service_url

logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _WholeSecondAnimator(Animator):
    """OCSP answers stamped to the whole second: NSS (poppler's pdfsig) refuses certomancer's
    microseconds and then reports an unknown certificate problem."""

    def at_time(self, request):
        return super().at_time(request).replace(microsecond=0)


def timestamp_url(port):
    return f"{service_url(port)}/{config.SERVICE}/tsa/tsa"


def server(folder, port):
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
