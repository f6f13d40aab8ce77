"""The FSE 2.0 gateway's REST client (ministero-salute/it-fse-support,
``doc/integrazione-gateway/README.md``, v2.13):

| call | method and path | JWT ``action_id`` | success |
|---|---|---|---|
| validation (activity ``VALIDATION``) | ``POST /v1/documents/validation`` multipart ``file`` + ``requestBody`` | CREATE | 201 + ``workflowInstanceId`` |
| publication | ``POST /v1/documents`` multipart ``file`` + ``requestBody`` (XDS metadata) | CREATE | 201 |
| replace | ``PUT /v1/documents/{identificativoDoc}`` multipart | UPDATE | 200 |
| metadata update | ``PUT /v1/documents/{identificativoDoc}/metadata`` JSON | UPDATE | 200 |
| delete | ``DELETE /v1/documents/{identificativoDoc}`` | DELETE | 200 |
| status | ``GET /v1/status/{workflowInstanceId}`` | — | 200 + ``transactionData`` |

Every call carries two RS256 JWTs signed with the "signature" key (§2.3): ``Authorization:
Bearer …`` and ``FSE-JWT-Signature: …`` (the latter with ``attachment_hash``, the SHA-256 of
the file sent). Errors are RFC 7807 ``application/problem+json`` with ``type``, ``title``,
``detail``, ``status``, ``instance``, ``traceID``, ``spanID`` (§12). No answer at all
(timeout, connection refused) is reported as ``status=None``: the caller retries it.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from jwcrypto import jwk, jwt

from corsia.fse.attachment import sha256
from corsia.fse.domain.metadata import (
    ACTION_CREATE,
    ACTION_DELETE,
    ACTION_UPDATE,
    DocumentFacts,
    Organisation,
    jwt_claims,
)
from corsia.fse.keys import SigningKey, signing_key


@dataclass(frozen=True)
class GatewayAnswer:
    status: int | None  # None: no answer (timeout, refused connection)
    body: dict[str, Any] = field(default_factory=dict)
    no_answer: str = ""  # why there was none

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def workflow_instance_id(self) -> str:
        return str(self.body.get("workflowInstanceId") or "")

    @property
    def error_text(self) -> str:
        """For people: the gateway's own title and detail, or why nothing came back."""
        if self.status is None:
            return self.no_answer
        if self.ok:
            return ""
        title = str(self.body.get("title") or "")
        detail = str(self.body.get("detail") or "")
        text = f"{title} {detail}".strip() if detail != title else title
        return f"HTTP {self.status}: {text or 'risposta senza dettaglio'}"


def organisation_from_settings() -> Organisation:
    return Organisation(
        issuer=settings.CORSIA_FSE_ISSUER,
        locality=settings.CORSIA_FSE_LOCALITY,
        organization=settings.CORSIA_FSE_ORGANIZATION,
        organization_id=settings.CORSIA_FSE_ORGANIZATION_ID,
        audience=settings.CORSIA_FSE_GATEWAY_URL,
        region_code=settings.CORSIA_FSE_REGION_CODE,
        repository_id=settings.CORSIA_FSE_REPOSITORY_ID,
        facility_type=settings.CORSIA_FSE_FACILITY_TYPE,
    )


def signed_token(claims: dict[str, Any], key: SigningKey) -> str:
    token = jwt.JWT(header={"alg": "RS256", "typ": "JWT", "x5c": [key.x5c]}, claims=claims)
    token.make_signed_token(jwk.JWK.from_pem(key.private_pem))
    serialized: str = token.serialize()
    return serialized


class GatewayClient:
    def __init__(
        self,
        *,
        base_url: str,
        organisation: Organisation,
        key: SigningKey,
        timeout: float,
        tls: tuple[str, str] | None = None,
        verify: str | bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.organisation = organisation
        self.key = key
        self.timeout = timeout
        self.tls = tls
        self.verify = verify

    # --- tokens ---------------------------------------------------------------------------

    def headers(self, facts: DocumentFacts, *, action: str, file_hash: str = "") -> dict[str, str]:
        """Two tokens, made anew for every call (§2.3): the bearer without the file's hash,
        the signature token with it."""
        now = int(time.time())
        lifetime = settings.CORSIA_FSE_JWT_LIFETIME_SECONDS
        bearer = jwt_claims(
            self.organisation,
            facts,
            action=action,
            jti=str(uuid.uuid4()),
            issued_at=now,
            lifetime_seconds=lifetime,
        )
        signature = jwt_claims(
            self.organisation,
            facts,
            action=action,
            jti=str(uuid.uuid4()),
            issued_at=now,
            lifetime_seconds=lifetime,
            attachment_hash=file_hash,
        )
        return {
            "Authorization": f"Bearer {signed_token(bearer, self.key)}",
            "FSE-JWT-Signature": signed_token(signature, self.key),
            "Accept": "application/json",
        }

    # --- calls ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> GatewayAnswer:
        try:
            response = requests.request(
                method,
                f"{self.base_url}{path}",
                timeout=self.timeout,
                cert=self.tls,
                verify=self.verify,
                **kwargs,
            )
        except requests.Timeout:
            return GatewayAnswer(None, no_answer=f"nessuna risposta entro {self.timeout:g} s")
        except requests.RequestException as exc:
            return GatewayAnswer(
                None, no_answer=f"gateway non raggiungibile ({type(exc).__name__})"
            )
        try:
            body = response.json()
        except ValueError:
            body = {"title": response.text[:500]}
        if not isinstance(body, dict):
            body = {"title": str(body)[:500]}
        return GatewayAnswer(response.status_code, body)

    def _multipart(
        self,
        method: str,
        path: str,
        *,
        pdf: bytes,
        facts: DocumentFacts,
        action: str,
        body: dict[str, Any],
    ) -> GatewayAnswer:
        return self._call(
            method,
            path,
            headers=self.headers(facts, action=action, file_hash=sha256(pdf)),
            files={
                "file": ("documento.pdf", pdf, "application/pdf"),
                "requestBody": (None, json.dumps(body), "application/json"),
            },
        )

    def validate(self, pdf: bytes, facts: DocumentFacts) -> GatewayAnswer:
        body = {"healthDataFormat": "CDA", "mode": "ATTACHMENT", "activity": "VALIDATION"}
        return self._multipart(
            "POST", "/documents/validation", pdf=pdf, facts=facts, action=ACTION_CREATE, body=body
        )

    def publish(self, pdf: bytes, facts: DocumentFacts, body: dict[str, Any]) -> GatewayAnswer:
        return self._multipart(
            "POST", "/documents", pdf=pdf, facts=facts, action=ACTION_CREATE, body=body
        )

    def replace(
        self, document_id: str, pdf: bytes, facts: DocumentFacts, body: dict[str, Any]
    ) -> GatewayAnswer:
        path = f"/documents/{quote(document_id, safe='')}"
        return self._multipart("PUT", path, pdf=pdf, facts=facts, action=ACTION_UPDATE, body=body)

    def update_metadata(
        self, document_id: str, facts: DocumentFacts, body: dict[str, Any]
    ) -> GatewayAnswer:
        return self._call(
            "PUT",
            f"/documents/{quote(document_id, safe='')}/metadata",
            headers=self.headers(facts, action=ACTION_UPDATE),
            json=body,
        )

    def delete(self, document_id: str, facts: DocumentFacts) -> GatewayAnswer:
        return self._call(
            "DELETE",
            f"/documents/{quote(document_id, safe='')}",
            headers=self.headers(facts, action=ACTION_DELETE),
        )

    def status(self, workflow_instance_id: str, facts: DocumentFacts) -> GatewayAnswer:
        return self._call(
            "GET",
            f"/status/{quote(workflow_instance_id, safe='')}",
            headers=self.headers(facts, action=ACTION_CREATE),
        )


def gateway_client() -> GatewayClient:
    tls = None
    if settings.CORSIA_FSE_TLS_CERT and settings.CORSIA_FSE_TLS_KEY:
        tls = (settings.CORSIA_FSE_TLS_CERT, settings.CORSIA_FSE_TLS_KEY)
    return GatewayClient(
        base_url=settings.CORSIA_FSE_GATEWAY_URL,
        organisation=organisation_from_settings(),
        key=signing_key(),
        timeout=float(settings.CORSIA_FSE_TIMEOUT_SECONDS),
        tls=tls,
        verify=settings.CORSIA_FSE_CA_BUNDLE or True,
    )
