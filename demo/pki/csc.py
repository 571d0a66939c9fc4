"""A demo remote signing provider (DEMO only): certomancer's dummy Cloud Signature Consortium v1
service holding the demo people's keys, with the OAuth 2 pages a real provider shows its users —
the approval page where the signer approves one hash with a PIN (demo PIN 123456), and the token
exchange. The application never sees the PIN."""

import base64
import html
import secrets
from pathlib import Path
from string import Template
from urllib.parse import urlencode

from aiohttp import web
from certomancer.registry import ArchLabel, CertLabel
from csc_dummy.csc_dummy_server import CSCAuthorization, CSCWithCertomancer, DummyServiceParams

from demo.pki.generate import load

DEMO_PIN = "123456"
PAGE = Template((Path(__file__).parent / "approve.html").read_text())


class Emulator:
    def __init__(self, folder, pki_port, client_id, client_secret):
        self.pki = load(folder, pki_port)
        self.params = DummyServiceParams(
            hash_pinning_required=True, sad_secret=secrets.token_bytes(32)
        )
        self.csc = CSCWithCertomancer(self.pki, service_params=self.params)
        self.csc.register_routes()
        self.client_id, self.client_secret = client_id, client_secret
        self.codes = {}
        self.csc.app.add_routes(
            [
                web.get("/oauth2/authorize", self.authorize_page),
                web.post("/oauth2/authorize", self.authorize),
                web.post("/oauth2/token", self.token),
            ]
        )

    @property
    def app(self):
        return self.csc.app

    def _holder(self, credential_id):
        try:
            arch, label = credential_id.split("/", 1)
            cert = self.pki.get_pki_arch(ArchLabel(arch)).get_cert(CertLabel(label))
        except Exception:  # noqa: BLE001  (an unknown credential is a bad request)
            raise web.HTTPBadRequest(text="unknown credential") from None
        return cert.subject.native.get("common_name", "")

    def _page(self, query, error=""):
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
        )
        digest = base64.urlsafe_b64decode(query.get("hash", "") + "==")
        return web.Response(
            content_type="text/html",
            text=PAGE.substitute(
                client=html.escape(query.get("client_id", "")),
                holder=html.escape(self._holder(query.get("credentialID", ""))),
                hash=digest.hex(),
                error=f'<p class="error">{html.escape(error)}</p>' if error else "",
                hidden=hidden,
            ),
        )

    async def authorize_page(self, request):
        query = dict(request.query)
        if query.get("client_id") != self.client_id or query.get("scope") != "credential":
            raise web.HTTPBadRequest(text="bad request")
        return self._page(query)

    async def authorize(self, request):
        form = dict(await request.post())
        pin, decision = form.pop("pin", ""), form.pop("decision", "")
        back = form.get("redirect_uri", "")
        if not back.startswith(("http://", "https://")):
            raise web.HTTPBadRequest(text="bad redirect")
        if decision != "approve":
            answer = {"error": "access_denied", "state": form.get("state", "")}
            raise web.HTTPFound(f"{back}?{urlencode(answer)}")
        if pin != DEMO_PIN:
            return self._page(form, "Mã PIN không đúng.")
        digest = base64.urlsafe_b64decode(form.get("hash", "") + "==")
        sad = CSCAuthorization(
            credential_id=form["credentialID"], num_signatures=1, hashes=[digest]
        ).derive_sad(self.params.sad_secret)
        code = secrets.token_urlsafe(24)
        self.codes[code] = sad
        raise web.HTTPFound(f"{back}?{urlencode({'code': code, 'state': form.get('state', '')})}")

    async def token(self, request):
        data = await request.json()
        if (
            data.get("client_id") != self.client_id
            or data.get("client_secret") != self.client_secret
        ):
            raise web.HTTPUnauthorized()
        sad = self.codes.pop(data.get("code", ""), None)
        if sad is None:
            raise web.HTTPBadRequest(text="unknown code")
        return web.json_response({"access_token": sad, "token_type": "SAD", "expires_in": 300})


def run(folder, *, pki_port, port, client_id, client_secret):
    emulator = Emulator(folder, pki_port, client_id, client_secret)
    web.run_app(emulator.app, host="127.0.0.1", port=port, print=None)
