"""The patient portal's test helpers: an outbox for sign-in codes, a patient with a portal
account, a client signed in to the portal, and a fake OpenID Connect provider (its own
keys, discovery, token endpoint) standing in for the hospital's SPID/CIE gateway."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from jwcrypto import jwk, jwt

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.portal.access import SESSION_KEY, SESSION_SEEN
from corsia.portal.models import PortalAccount
from corsia.portal.senders import CodeMessage
from corsia.portal.services import portal_account_open
from corsia.testing.patients import patient_registered

SENDER = "corsia.testing.portal.OutboxSender"


class OutboxSender:
    """Keeps every code message in ``OutboxSender.sent`` (tests read the code there)."""

    sent: ClassVar[list[CodeMessage]] = []

    def send(self, message: CodeMessage) -> None:
        OutboxSender.sent.append(message)


def last_code() -> str:
    return OutboxSender.sent[-1].code


def patient_with_account(make_user: Any, **fields: Any) -> tuple[Patient, PortalAccount]:
    """A registered patient (``mario_rossi`` with ``fields``) and the portal account a nurse
    opened for them."""
    nurse: User = make_user(Role.NURSE)
    email = fields.pop("email", "mario@example.org")
    patient = patient_registered(make_user(Role.COORDINATOR), email=email, **fields)
    account = portal_account_open(actor=nurse, workstation=None, patient_id=patient.pk)
    return patient, account


def portal_client(account: PortalAccount) -> Client:
    """A test client signed in to the portal as ``account`` (no staff user)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = account.pk
    session[SESSION_SEEN] = int(time.time())
    session.save()
    return client


@dataclass
class FakeProvider:
    """A hospital's OpenID Connect provider in memory: the ``transport`` the portal's
    OIDC client uses in tests. ``claims`` are what its next ID token says (on top of the
    right iss/aud/nonce/times); ``sign_with`` another key to forge one."""

    issuer: str = "https://idp.example.org"
    client_id: str = "corsia-portale"
    key: jwk.JWK = field(default_factory=lambda: jwk.JWK.generate(kty="RSA", size=2048, kid="k1"))
    claims: dict[str, Any] = field(default_factory=dict)
    sign_with: jwk.JWK | None = None
    nonce: str = ""
    challenge: str = ""
    code: str = ""
    posted: list[dict[str, str]] = field(default_factory=list)

    def get_json(self, url: str) -> dict[str, Any]:
        if url == f"{self.issuer}/.well-known/openid-configuration":
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
            }
        if url == f"{self.issuer}/jwks":
            return {"keys": [json.loads(self.key.export_public())]}
        raise OSError(f"not found: {url}")

    def authorise(self, url: str) -> str:
        """The provider's login: remembers the nonce and challenge, answers the code."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        self.nonce = query["nonce"]
        self.challenge = query["code_challenge"]
        self.code = uuid.uuid4().hex
        return f"{query['redirect_uri']}?code={self.code}&state={query['state']}"

    def id_token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "spid-user-1",
            "nonce": self.nonce,
            "iat": now,
            "exp": now + 300,
            **self.claims,
            **overrides,
        }
        key = self.sign_with or self.key
        token = jwt.JWT(header={"alg": "RS256", "kid": key.key_id}, claims=claims)
        token.make_signed_token(key)
        return str(token.serialize())

    def post_form(self, url: str, data: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        self.posted.append(data)
        if url != f"{self.issuer}/token" or data.get("code") != self.code:
            raise OSError("invalid_grant")
        digest = hashlib.sha256(data.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != self.challenge:
            raise OSError("invalid_grant: PKCE")
        return {"access_token": "at", "token_type": "Bearer", "id_token": self.id_token()}
