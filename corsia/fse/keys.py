"""The key that signs the gateway's JWTs (the "signature" certificate of it-fse-support,
doc/integrazione-gateway §2.3: both tokens of every call are signed RS256 with it).

Configured: ``CORSIA_FSE_JWT_KEY`` (PEM private key) and ``CORSIA_FSE_JWT_CERT`` (PEM
certificate, sent in the tokens' ``x5c``). In demo and test mode with none configured a
throwaway RSA key and a self-signed certificate are generated once under
``CORSIA_FSE_KEY_DIR`` (``var/fse/``, git-ignored, never committed); the simulator trusts
that certificate. Outside demo/test with no key, calls refuse with ``fse_key_not_configured``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from corsia.core.domain.errors import CorsiaError
from corsia.core.private_files import directory_lock, write_private

DEMO_KEY, DEMO_CERT = "jwt-signature.key", "jwt-signature.pem"


class KeyNotConfigured(CorsiaError):
    code = "fse_key_not_configured"
    status = 503


@dataclass(frozen=True)
class SigningKey:
    private_pem: bytes
    certificate_pem: bytes

    @property
    def x5c(self) -> str:
        cert = x509.load_pem_x509_certificate(self.certificate_pem)
        return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def generate_demo_key(*, now: dt.datetime) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Corsia FSE signature (dimostrazione)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, cert.public_bytes(serialization.Encoding.PEM)


def demo_key(directory: Path) -> SigningKey:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path, cert_path = directory / DEMO_KEY, directory / DEMO_CERT
    with directory_lock(directory):
        if not (key_path.exists() and cert_path.exists()):
            private, cert = generate_demo_key(now=dt.datetime.now(dt.UTC))
            write_private(key_path, private)
            write_private(cert_path, cert)
        return SigningKey(key_path.read_bytes(), cert_path.read_bytes())


@functools.lru_cache(maxsize=4)
def _cached(key_file: str, cert_file: str, demo_dir: str, demo: bool) -> SigningKey:
    if key_file and cert_file:
        try:
            return SigningKey(Path(key_file).read_bytes(), Path(cert_file).read_bytes())
        except OSError as exc:
            raise KeyNotConfigured(
                "La chiave di firma dei token FSE (CORSIA_FSE_JWT_KEY, CORSIA_FSE_JWT_CERT) "
                "non è leggibile."
            ) from exc
    if demo:
        return demo_key(Path(demo_dir))
    raise KeyNotConfigured(
        "La chiave di firma dei token del gateway FSE non è configurata: impostare "
        "CORSIA_FSE_JWT_KEY e CORSIA_FSE_JWT_CERT (vedi docs/configuration.md)."
    )


def signing_key() -> SigningKey:
    demo = bool(getattr(settings, "DEMO_MODE", False) or getattr(settings, "CORSIA_TESTING", False))
    return _cached(
        settings.CORSIA_FSE_JWT_KEY,
        settings.CORSIA_FSE_JWT_CERT,
        str(settings.CORSIA_FSE_KEY_DIR),
        demo,
    )
