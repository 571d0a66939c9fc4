"""Remote signing (chữ ký số từ xa) through a provider of the Cloud Signature Consortium API v1.

The user approves each signature on the provider's side (its page or phone app): the
application sends the user there with the hash to sign (OAuth 2 authorization of the credential,
`scope=credential`), gets a one-time authorisation back through the browser, and asks the
provider to sign exactly that hash. No PIN or OTP passes through the application.

A provider that is not CSC (send a hash, then poll for the result or receive a webhook) fits
behind the same three methods: `certificates`, `start` and `finish` (docs/signing.md).
"""

import base64
from urllib.parse import urlencode

import requests
from django.conf import settings

SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_SHA256_OID = "1.2.840.113549.1.1.11"
TIMEOUT = 10


class RemoteError(Exception):
    """The provider refused, did not answer, or answered something unusable."""


class CSCProvider:
    """A CSC API v1 provider at `service_url` (OAuth endpoints under the same address)."""

    def __init__(self, service_url, client_id, client_secret):
        self.service_url = service_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret

    def _post(self, path, payload):
        try:
            reply = requests.post(f"{self.service_url}/{path}", json=payload, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise RemoteError(f"{path}: {type(error).__name__}") from None
        if reply.status_code != 200:
            raise RemoteError(f"{path}: HTTP {reply.status_code}")
        try:
            return reply.json()
        except ValueError:
            raise RemoteError(f"{path}: not JSON") from None

    def certificates(self, credential_id):
        """(the certificate, its chain) of the credential, DER."""
        info = self._post(
            "csc/v1/credentials/info", {"credentialID": credential_id, "certificates": "chain"}
        )
        try:
            chain = [base64.b64decode(c) for c in info["cert"]["certificates"]]
        except (KeyError, TypeError, ValueError):
            raise RemoteError("credentials/info: no certificate") from None
        if not chain:
            raise RemoteError("credentials/info: no certificate")
        return chain[0], chain[1:]

    def start(self, credential_id, digest, *, state, return_url):
        """Where to send the user to approve the signature of `digest`."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": return_url,
            "scope": "credential",
            "credentialID": credential_id,
            "numSignatures": 1,
            "hash": base64.urlsafe_b64encode(digest).decode("ascii").rstrip("="),
            "state": state,
        }
        return f"{self.service_url}/oauth2/authorize?{urlencode(query)}"

    def finish(self, credential_id, digest, params, *, return_url):
        """The signature value, from the code the provider sent back with the user."""
        if params.get("error"):
            raise RemoteError(f"refused: {params.get('error')}")
        code = params.get("code", "")
        if not code:
            raise RemoteError("no authorisation code")
        token = self._post(
            "oauth2/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": return_url,
            },
        ).get("access_token")
        if not token:
            raise RemoteError("oauth2/token: no access token")
        signed = self._post(
            "csc/v1/signatures/signHash",
            {
                "credentialID": credential_id,
                "SAD": token,
                "hash": [base64.b64encode(digest).decode("ascii")],
                "hashAlgo": SHA256_OID,
                "signAlgo": RSA_SHA256_OID,
            },
        )
        try:
            return base64.b64decode(signed["signatures"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            raise RemoteError("signatures/signHash: no signature") from None


def provider():
    """The configured provider (REMOTE_SIGNING_URL and its client credentials)."""
    return CSCProvider(
        settings.REMOTE_SIGNING_URL,
        settings.REMOTE_SIGNING_CLIENT_ID,
        settings.REMOTE_SIGNING_CLIENT_SECRET,
    )
