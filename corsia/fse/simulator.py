"""A stand-in for the FSE 2.0 gateway, for the tests and the demo: a small HTTP server
checking what the real gateway checks (it-fse-support, doc/integrazione-gateway):

* both JWTs (``Authorization: Bearer`` and ``FSE-JWT-Signature``): RS256 signature against
  the configured certificate, the mandatory claims (§13.1), not expired, ``action_id``
  right for the call, the same subject and patient in both, ``attachment_hash`` equal to
  the SHA-256 of the file sent;
* the CDA embedded as ``cda.xml`` where the gateway reads it (else 400 ``/msg/cda-element``),
  validated with Corsia's offline validator (the gateway's own schema and schematron:
  400 ``/msg/syntax`` or ``/msg/semantic``);
* at publication, the CDA identical (by hash) to the one validated under the
  ``workflowInstanceId`` sent, and within 5 days of that validation (400 ``/msg/cda-match``);
* the mandatory metadata (400 ``/msg/mandatory-element``), one publication per
  ``identificativoDoc`` (409), replace / metadata / delete of a document it holds (404).

Errors are ``application/problem+json`` with ``type``, ``title``, ``detail``, ``status``,
``instance``, ``traceID``, ``spanID`` as the gateway sends them (§12).

Switches for tests (not the gateway's): ``POST /__control`` with ``{"fail": [503, 500]}``
(the next calls answered with those statuses; ``null``: answered normally), ``{"delay": [2.5]}`` (the next calls
answered after that many seconds: a timeout for a client waiting less), ``{"age_days": 6}``
(every validation held made that many days older); ``GET /__calls`` the calls received.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from jwcrypto import jwk, jws, jwt

from corsia.fse.attachment import AttachmentMissing, extract_cda
from corsia.fse.domain.findings import Stage
from corsia.fse.domain.metadata import ACTION_CREATE, ACTION_DELETE, ACTION_UPDATE, REQUIRED_CLAIMS
from corsia.fse.domain.retry import VALIDATION_WINDOW
from corsia.fse.validation import validate_cda

PUBLICATION_FIELDS = (
    "workflowInstanceId",
    "tipologiaStruttura",
    "identificativoDoc",
    "identificativoRep",
    "tipoDocumentoLivAlto",
    "assettoOrganizzativo",
    "tipoAttivitaClinica",
    "identificativoSottomissione",
)


class Problem(Exception):
    def __init__(self, status: int, type_: str, title: str, detail: str = "") -> None:
        super().__init__(detail or title)
        self.status, self.type, self.title, self.detail = status, type_, title, detail or title


@dataclass
class Validation:
    cda_sha256: str
    at: datetime
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GatewayState:
    public_key: jwk.JWK
    region: str = "30"
    validations: dict[str, Validation] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # identificativoDoc ->
    fail: list[int | None] = field(default_factory=list)
    delay: list[float] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _problem_body(problem: Problem, instance: str) -> dict[str, Any]:
    trace = secrets.token_hex(8)
    return {
        "traceID": trace,
        "spanID": trace,
        "type": problem.type,
        "title": problem.title,
        "detail": problem.detail,
        "status": problem.status,
        "instance": instance,
    }


def _verify(token: str, key: jwk.JWK) -> dict[str, Any]:
    try:
        parsed = jwt.JWT(jwt=token, key=key, algs=["RS256"], check_claims=False)
        claims: dict[str, Any] = json.loads(parsed.claims)
    except (jws.InvalidJWSSignature, jwt.JWTExpired, ValueError, TypeError) as exc:
        raise Problem(
            403, "/msg/mandatory-element-token", "Token JWT non valido.", str(exc)
        ) from exc
    except Exception as exc:  # any other jwcrypto refusal: a bad token
        raise Problem(
            403, "/msg/mandatory-element-token", "Token JWT non valido.", type(exc).__name__
        ) from exc
    missing = [c for c in REQUIRED_CLAIMS if c not in claims or claims[c] in ("", None)]
    if missing:
        raise Problem(
            403,
            "/msg/jwt-validation",
            "Campo token JWT non valido.",
            f"Claim mancanti: {', '.join(missing)}",
        )
    now = time.time()
    if not isinstance(claims["exp"], int) or claims["exp"] < now:
        raise Problem(
            403, "/msg/jwt-validation", "Campo token JWT non valido.", "Token scaduto (exp)."
        )
    return claims


class Handler(BaseHTTPRequestHandler):
    server: GatewayServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        return

    # --- plumbing ---------------------------------------------------------------------

    def _send(self, status: int, body: dict[str, Any], problem: bool = False) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "application/problem+json" if problem else "application/json"
        )
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _multipart(self, raw: bytes) -> tuple[bytes, dict[str, Any]]:
        head = f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
        file, body = b"", {}
        if message.is_multipart():
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                payload = payload if isinstance(payload, bytes) else b""
                if name == "file":
                    file = payload
                elif name == "requestBody":
                    try:
                        body = json.loads(payload)
                    except ValueError as exc:
                        raise Problem(
                            400, "/msg/invalid-format", "Formato campo non valido.", "requestBody"
                        ) from exc
        if not file:
            raise Problem(400, "/msg/empty-file", "File vuoto.")
        return file, body

    def _tokens(self, action: str, file: bytes | None) -> dict[str, Any]:
        auth = self.headers.get("Authorization", "")
        signature = self.headers.get("FSE-JWT-Signature", "")
        if not auth.startswith("Bearer ") or not signature:
            raise Problem(
                403, "/msg/mandatory-element-token", "Token JWT non valido.", "Token mancante."
            )
        key = self.server.state.public_key
        bearer, signed = _verify(auth[7:], key), _verify(signature, key)
        for claims in (bearer, signed):
            if claims["action_id"] != action:
                raise Problem(
                    403,
                    "/msg/jwt-validation",
                    "Campo token JWT non valido.",
                    f"action_id {claims['action_id']} per {action}",
                )
        for name in ("sub", "person_id", "iss"):
            if bearer[name] != signed[name]:
                raise Problem(
                    403,
                    "/msg/jwt-validation",
                    "Campo token JWT non valido.",
                    f"{name} diverso nei due token",
                )
        if file is not None and signed.get("attachment_hash") != hashlib.sha256(file).hexdigest():
            raise Problem(
                400,
                "/msg/document-hash",
                "Verifica hash fallita.",
                "attachment_hash non corrisponde al file",
            )
        return signed

    def _cda(self, pdf: bytes) -> bytes:
        if not pdf.startswith(b"%PDF"):
            raise Problem(400, "/msg/document-type", "Il documento non è pdf.")
        try:
            return extract_cda(pdf)
        except AttachmentMissing as exc:
            raise Problem(400, "/msg/cda-element", "Errore in fase di estrazione del CDA.") from exc

    # --- dispatch ---------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        state = self.server.state
        path = self.path.split("?")[0]
        raw = self._body()
        with state.lock:
            if path.startswith("/__"):
                return self._control(method, path, raw)
            failure = state.fail.pop(0) if state.fail else None
            delay = state.delay.pop(0) if state.delay else 0.0
            state.calls.append({"method": method, "path": path, "failure": failure, "delay": delay})
        if delay:
            time.sleep(delay)
        try:
            if failure is not None:
                raise Problem(
                    failure, "/msg/generic-error", "Errore generico.", "Servizio non disponibile"
                )
            status, body = self._route(method, path, raw)
        except Problem as problem:
            return self._send(problem.status, _problem_body(problem, path), problem=True)
        with state.lock:
            state.calls[-1]["status"] = status
        trace = secrets.token_hex(8)
        self._send(status, {"traceID": trace, "spanID": trace, **body})

    def _control(self, method: str, path: str, raw: bytes) -> None:
        state = self.server.state
        if path == "/__calls":
            return self._send(200, {"calls": list(state.calls)})
        order = json.loads(raw or b"{}")
        state.fail.extend(None if s is None else int(s) for s in order.get("fail", []))
        state.delay.extend(float(s) for s in order.get("delay", []))
        if order.get("age_days"):
            for v in state.validations.values():
                v.at -= timedelta(days=float(order["age_days"]))
        return self._send(200, {"ok": True})

    def _route(self, method: str, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:1] != ["v1"]:
            raise Problem(404, "msg/record-not-found", "Record non trovato.")
        rest = parts[1:]
        if method == "POST" and rest == ["documents", "validation"]:
            return self._validation(raw)
        if method == "POST" and rest == ["documents"]:
            return self._publication(raw, replacing="")
        if method == "PUT" and len(rest) == 2 and rest[0] == "documents":
            return self._publication(raw, replacing=rest[1])
        if method == "PUT" and len(rest) == 3 and rest[0] == "documents" and rest[2] == "metadata":
            return self._metadata(rest[1], raw)
        if method == "DELETE" and len(rest) == 2 and rest[0] == "documents":
            return self._delete(rest[1])
        if method == "GET" and len(rest) == 2 and rest[0] == "status":
            return self._status(rest[1])
        raise Problem(404, "msg/record-not-found", "Record non trovato.")

    # --- the gateway's services -------------------------------------------------------

    def _validation(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        pdf, body = self._multipart(raw)
        self._tokens(ACTION_CREATE, pdf)
        if body.get("activity") not in ("VALIDATION", "VERIFICA"):
            raise Problem(
                400, "/msg/mandatory-element", "Campo obbligatorio non presente.", "activity"
            )
        cda = self._cda(pdf)
        report = validate_cda(cda)
        if report.errors:
            first = report.errors[0]
            kind = "/msg/syntax" if first.stage in (Stage.XML, Stage.XSD) else "/msg/semantic"
            title = "Errore di sintassi." if kind == "/msg/syntax" else "Errore semantico."
            raise Problem(400, kind, title, f"{first.rule} {first.message}".strip())
        digest = hashlib.sha256(cda).hexdigest()
        wii = (
            f"2.16.840.1.113883.2.9.2.{self.server.state.region}.4.4.{digest}.{secrets.token_hex(5)}"
            "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"
        )
        now = datetime.now(UTC)
        with self.server.state.lock:
            self.server.state.validations[wii] = Validation(
                digest,
                now,
                [
                    {
                        "eventType": "VALIDATION",
                        "eventDate": now.isoformat(),
                        "eventStatus": "SUCCESS",
                    }
                ],
            )
        if body.get("activity") == "VERIFICA":
            return 200, {"workflowInstanceId": wii}
        return 201, {"workflowInstanceId": wii}

    def _publication(self, raw: bytes, *, replacing: str) -> tuple[int, dict[str, Any]]:
        pdf, body = self._multipart(raw)
        claims = self._tokens(ACTION_UPDATE if replacing else ACTION_CREATE, pdf)
        missing = [f for f in PUBLICATION_FIELDS if not body.get(f)]
        if missing:
            raise Problem(
                400,
                "/msg/mandatory-element",
                "Campo obbligatorio non presente.",
                ", ".join(missing),
            )
        cda = self._cda(pdf)
        state = self.server.state
        with state.lock:
            validation = state.validations.get(body["workflowInstanceId"].strip())
            if validation is None:
                raise Problem(
                    400,
                    "/msg/cda-match",
                    "Errore in fase di recupero dell'esito della verifica.",
                    "Il CDA non risulta validato",
                )
            if hashlib.sha256(cda).hexdigest() != validation.cda_sha256:
                raise Problem(
                    400,
                    "/msg/cda-match",
                    "Errore in fase di recupero dell'esito della verifica.",
                    "Il CDA non corrisponde a quello validato",
                )
            if datetime.now(UTC) - validation.at >= VALIDATION_WINDOW:
                raise Problem(
                    400,
                    "/msg/cda-match",
                    "Errore in fase di recupero dell'esito della verifica.",
                    "Validazione scaduta (oltre 5 giorni)",
                )
            if not claims.get("patient_consent"):
                raise Problem(
                    403, "/msg/jwt-validation", "Campo token JWT non valido.", "patient_consent"
                )
            doc_id = body["identificativoDoc"]
            if replacing:
                if replacing not in state.documents or state.documents[replacing]["deleted"]:
                    raise Problem(404, "msg/record-not-found", "Record non trovato.", replacing)
                state.documents[replacing]["replaced_by"] = doc_id
            elif doc_id in state.documents:
                raise Problem(
                    409, "/msg/conflict", "Conflitto.", f"Documento {doc_id} già pubblicato"
                )
            state.documents[doc_id] = {"metadata": body, "deleted": False, "replaced_by": ""}
            now = datetime.now(UTC).isoformat()
            validation.events += [
                {
                    "eventType": "PUBLICATION" if not replacing else "REPLACE",
                    "eventDate": now,
                    "eventStatus": "SUCCESS",
                },
                {"eventType": "SEND_TO_INI", "eventDate": now, "eventStatus": "SUCCESS"},
            ]
        return (200 if replacing else 201), {"workflowInstanceId": body["workflowInstanceId"]}

    def _held(self, doc_id: str) -> dict[str, Any]:
        held = self.server.state.documents.get(doc_id)
        if held is None or held["deleted"]:
            raise Problem(404, "msg/record-not-found", "Record non trovato.", doc_id)
        return held

    def _metadata(self, doc_id: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        self._tokens(ACTION_UPDATE, None)
        body = json.loads(raw or b"{}")
        with self.server.state.lock:
            self._held(doc_id)["metadata"].update(body)
        return 200, {}

    def _delete(self, doc_id: str) -> tuple[int, dict[str, Any]]:
        self._tokens(ACTION_DELETE, None)
        with self.server.state.lock:
            self._held(doc_id)["deleted"] = True
        return 200, {}

    def _status(self, wii: str) -> tuple[int, dict[str, Any]]:
        validation = self.server.state.validations.get(wii)
        if validation is None:
            raise Problem(404, "msg/record-not-found", "Record non trovato.", wii)
        return 200, {"transactionData": list(validation.events)}

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: GatewayState) -> None:
        super().__init__(address, Handler)
        self.state = state


def serve(*, host: str = "127.0.0.1", port: int = 0, certificate_pem: bytes) -> GatewayServer:
    """A simulator listening (port 0: a free one, ``server.server_address``) in a thread
    of its own; ``server.shutdown()`` stops it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    public = x509.load_pem_x509_certificate(certificate_pem).public_key()
    key = jwk.JWK.from_pem(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    server = GatewayServer((host, port), GatewayState(public_key=key))
    threading.Thread(target=server.serve_forever, name="fse-gateway-simulator", daemon=True).start()
    return server
