"""OpenID Connect for SPID/CIE through the hospital's provider: PKCE (RFC 7636), the checks
on an ID token's claims (OpenID Connect Core §3.1.3.7) and the fiscal code in a claim.

The signature is checked by the caller (jwcrypto, against the provider's published keys);
what follows is pure: the claims as a dict, the time as a number of seconds.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corsia.core.domain.errors import CorsiaError

# Clock skew tolerated between the provider and us, in seconds.
LEEWAY_SECONDS = 120
# A fiscal code (omocodia letters allowed in the digit places).
_FISCAL_CODE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


class SignInRefused(CorsiaError):
    """The provider's answer cannot be trusted or names no patient of ours."""

    code = "oidc_refused"
    status = 400


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier: BASE64URL(SHA256(verifier)) without padding."""
    if not 43 <= len(verifier) <= 128:
        raise ValueError("a PKCE verifier has 43 to 128 characters")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Expected:
    issuer: str
    client_id: str
    nonce: str
    now: float


def _refuse(what: str) -> SignInRefused:
    return SignInRefused(
        "L'accesso con SPID/CIE non è riuscito. Riprova dall'inizio.", details={"check": what}
    )


def id_token_claims_check(claims: Mapping[str, Any], expected: Expected) -> None:
    """Refuse an ID token not issued by our provider, for us, for this sign-in, now."""
    if claims.get("iss") != expected.issuer:
        raise _refuse("iss")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if expected.client_id not in audiences:
        raise _refuse("aud")
    if len(audiences) > 1 and claims.get("azp") != expected.client_id:
        raise _refuse("azp")
    if claims.get("nonce") != expected.nonce:
        raise _refuse("nonce")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise _refuse("exp")
    if expected.now > exp + LEEWAY_SECONDS:
        raise _refuse("exp")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise _refuse("iat")
    if iat > expected.now + LEEWAY_SECONDS:
        raise _refuse("iat")


def fiscal_code_from_claim(value: Any) -> str:
    """The fiscal code a SPID/CIE claim carries: SPID's ``fiscalNumber`` is "TINIT-<code>",
    CIE's is the bare code; upper-cased, checked for shape. Refused otherwise."""
    if not isinstance(value, str):
        raise _refuse("fiscal_code")
    text = value.strip().upper()
    if text.startswith("TINIT-"):
        text = text[len("TINIT-") :]
    if not _FISCAL_CODE.match(text):
        raise _refuse("fiscal_code")
    return text
