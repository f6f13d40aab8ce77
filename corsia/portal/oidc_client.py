"""The hospital's OpenID Connect provider (SPID/CIE): discovery, the authorisation request
with PKCE, the code exchange and the ID token's signature (jwcrypto, the provider's JWKS).

Configured by ``CORSIA_PORTAL_OIDC_*`` (docs/configuration.md). The network goes through
``transport`` (a module attribute the tests replace with a fake provider); no transaction
is held across it.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

from corsia.portal.domain.oidc import (
    Expected,
    SignInRefused,
    fiscal_code_from_claim,
    id_token_claims_check,
    pkce_challenge,
)

# Signature algorithms accepted (never "none", never a symmetric one keyed by the secret).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
TIMEOUT_SECONDS = 10


class Transport(Protocol):
    def get_json(self, url: str) -> dict[str, Any]: ...

    def post_form(
        self, url: str, data: dict[str, str], headers: dict[str, str]
    ) -> dict[str, Any]: ...


class UrllibTransport:
    def get_json(self, url: str) -> dict[str, Any]:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310  # https from settings
            result: dict[str, Any] = json.loads(answer.read())
        return result

    def post_form(self, url: str, data: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            result: dict[str, Any] = json.loads(answer.read())
        return result


transport: Transport = UrllibTransport()


def _refused(check: str) -> SignInRefused:
    return SignInRefused(
        "L'accesso con SPID/CIE non è riuscito. Riprova dall'inizio.", details={"check": check}
    )


def configured() -> bool:
    return bool(settings.CORSIA_PORTAL_OIDC_ISSUER and settings.CORSIA_PORTAL_OIDC_CLIENT_ID)


def _discovery() -> dict[str, Any]:
    issuer = settings.CORSIA_PORTAL_OIDC_ISSUER.rstrip("/")
    try:
        document = transport.get_json(f"{issuer}/.well-known/openid-configuration")
    except (OSError, ValueError) as error:
        raise _refused("discovery") from error
    if document.get("issuer", "").rstrip("/") != issuer:
        raise _refused("discovery_issuer")
    return document


@dataclass(frozen=True)
class Pending:
    """What the browser's session keeps between the redirect and the callback."""

    state: str
    nonce: str
    verifier: str


def pending_new() -> Pending:
    return Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),
    )


def authorization_url(pending: Pending, *, redirect_uri: str) -> str:
    endpoint = _discovery()["authorization_endpoint"]
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.CORSIA_PORTAL_OIDC_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": settings.CORSIA_PORTAL_OIDC_SCOPES,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pkce_challenge(pending.verifier),
            "code_challenge_method": "S256",
            "prompt": "login",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _basic(client_id: str, secret: str) -> str:
    pair = f"{urllib.parse.quote(client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def fiscal_code_from_callback(
    *, code: str, pending: Pending, redirect_uri: str, now: float | None = None
) -> str:
    """Exchange the authorisation code (with the PKCE verifier), check the ID token —
    signature by the provider's keys, issuer, audience, nonce, times — and return the
    fiscal code of the configured claim. ``SignInRefused`` on anything else."""
    document = _discovery()
    client_id = settings.CORSIA_PORTAL_OIDC_CLIENT_ID
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": pending.verifier,
    }
    headers = {"Accept": "application/json"}
    if settings.CORSIA_PORTAL_OIDC_CLIENT_SECRET:
        headers["Authorization"] = _basic(client_id, settings.CORSIA_PORTAL_OIDC_CLIENT_SECRET)
    try:
        tokens = transport.post_form(document["token_endpoint"], form, headers)
        keys = jwk.JWKSet.from_json(json.dumps(transport.get_json(document["jwks_uri"])))
    except (OSError, ValueError, KeyError, JWException) as error:
        raise _refused("token_endpoint") from error
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise _refused("id_token")
    try:
        token = jwt.JWT(jwt=id_token, key=keys, algs=ALGORITHMS, check_claims=False)
        claims = json.loads(token.claims)
    except (JWException, ValueError, TypeError) as error:
        raise _refused("signature") from error
    if not isinstance(claims, dict):
        raise _refused("claims")
    expected = Expected(
        issuer=document["issuer"],
        client_id=client_id,
        nonce=pending.nonce,
        now=time.time() if now is None else now,
    )
    id_token_claims_check(claims, expected)
    return fiscal_code_from_claim(claims.get(settings.CORSIA_PORTAL_OIDC_FISCAL_CODE_CLAIM))
