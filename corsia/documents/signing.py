"""PAdES signatures of archived PDFs (pyHanko) and their verification.

Key material: the hospital's PKCS#12 file (``CORSIA_SIGNING_PKCS12`` and its
passphrase). In demo and test mode with no file configured, a throwaway CA and a
signing certificate are generated once under ``var/signing/`` (never committed) so a
fresh clone signs with no manual step. Outside demo/test with no key, signing refuses
with ``signing_not_configured``.

The signature is PAdES baseline B-B; with ``CORSIA_SIGNING_TSA_URL`` set a
signature timestamp is added (B-T).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from corsia.core.domain.errors import CorsiaError
from corsia.core.private_files import directory_lock, write_private
from corsia.documents.domain.signatures import SignatureReport

T = TypeVar("T")
SIGNATURE_FIELD = "CorsiaSignature"
DEMO_CA_FILE = "demo-ca.pem"
DEMO_SIGNER_FILE = "demo-signer.p12"
DEMO_VALIDITY = dt.timedelta(days=3650)


class SigningNotConfigured(CorsiaError):
    code = "signing_not_configured"
    status = 503


@dataclass(frozen=True)
class KeyMaterial:
    pkcs12_data: bytes
    passphrase: bytes | None
    trust_roots_der: tuple[bytes, ...]


# --- key material -------------------------------------------------------------------------------


def _demo_or_test() -> bool:
    return bool(getattr(settings, "DEMO_MODE", False) or getattr(settings, "CORSIA_TESTING", False))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corsia (solo dimostrazione)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def generate_demo_material(*, now: dt.datetime) -> tuple[bytes, bytes]:
    """A throwaway CA and a signing certificate it issued: (CA PEM, passphrase-less PKCS#12)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Corsia CA dimostrativa")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Corsia firma documenti (dimostrazione)"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"corsia-demo-signer", key, cert, [ca_cert], serialization.NoEncryption()
    )
    return ca_cert.public_bytes(serialization.Encoding.PEM), bundle


def demo_material(directory: Path) -> KeyMaterial:
    """The throwaway demo key material, generated once (safe across processes)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_path, signer_path = directory / DEMO_CA_FILE, directory / DEMO_SIGNER_FILE
    with directory_lock(directory):
        if not (ca_path.exists() and signer_path.exists()):
            ca_pem, bundle = generate_demo_material(now=dt.datetime.now(dt.UTC))
            write_private(signer_path, bundle)
            write_private(ca_path, ca_pem)
        ca_pem, bundle = ca_path.read_bytes(), signer_path.read_bytes()
    roots = tuple(
        c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(ca_pem)
    )
    return KeyMaterial(pkcs12_data=bundle, passphrase=None, trust_roots_der=roots)


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def configured_material(path: str, passphrase: str, trust_roots_file: str) -> KeyMaterial:
    try:
        data = Path(path).read_bytes()
        secret = passphrase.encode() if passphrase else None
        _, cert, extra = pkcs12.load_key_and_certificates(data, secret)
    except (OSError, ValueError) as exc:
        raise SigningNotConfigured(
            "Il certificato di firma configurato (CORSIA_SIGNING_PKCS12) non è leggibile: "
            "controlla il percorso e la passphrase.",
        ) from exc
    if trust_roots_file:
        roots = x509.load_pem_x509_certificates(Path(trust_roots_file).read_bytes())
    else:
        roots = [c for c in [*extra, *([cert] if cert else [])] if _self_signed(c)]
    return KeyMaterial(
        pkcs12_data=data,
        passphrase=secret,
        trust_roots_der=tuple(c.public_bytes(serialization.Encoding.DER) for c in roots),
    )


@functools.lru_cache(maxsize=4)
def _material_cached(
    path: str, passphrase: str, trust_roots_file: str, demo_dir: str, demo: bool
) -> KeyMaterial:
    if path:
        return configured_material(path, passphrase, trust_roots_file)
    if demo:
        return demo_material(Path(demo_dir))
    raise SigningNotConfigured(
        "La firma digitale dei documenti non è configurata: impostare CORSIA_SIGNING_PKCS12 "
        "e CORSIA_SIGNING_PKCS12_PASSPHRASE (vedi docs/configuration.md)."
    )


def key_material() -> KeyMaterial:
    return _material_cached(
        settings.CORSIA_SIGNING_PKCS12,
        settings.CORSIA_SIGNING_PKCS12_PASSPHRASE,
        settings.CORSIA_SIGNING_TRUST_ROOTS,
        str(settings.CORSIA_SIGNING_DIR),
        _demo_or_test(),
    )


def signing_configured() -> bool:
    """True when sign_pdf can sign (a configured key, or demo/test mode)."""
    try:
        key_material()
    except SigningNotConfigured:
        return False
    return True


# --- signing and verifying ----------------------------------------------------------------------


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Call one of pyHanko's synchronous functions.

    They wrap ``asyncio.run``, which fails when the calling thread already runs an
    event loop (ASGI servers, Playwright, some test harnesses): then the call is made
    in a short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(pdf: bytes, *, signer_name: str, reason: str, location: str) -> bytes:
    """The PDF with a PAdES signature (B-B; B-T when a TSA is configured) appended.

    ``signer_name`` is the person who signs (the signature's /Name); the certificate
    is the hospital's signing certificate.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    material = key_material()
    signer = signers.SimpleSigner.load_pkcs12_data(
        material.pkcs12_data, other_certs=[], passphrase=material.passphrase
    )
    if signer is None:
        raise SigningNotConfigured("Il certificato di firma non contiene una chiave utilizzabile.")
    timestamper: Any = None
    if settings.CORSIA_SIGNING_TSA_URL:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.CORSIA_SIGNING_TSA_URL)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        name=signer_name,
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
    output = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    signed: bytes = output.getvalue()
    return signed


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def verify_pdf(pdf: bytes) -> SignatureReport:
    """Verify the PDF's (last) embedded signature against the configured trust root.

    Never raises for a damaged or tampered file: the report says what is wrong.
    """
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # any parse failure means: not a verifiable PDF
        return SignatureReport(signed=False, error=f"file PDF illeggibile ({type(exc).__name__})")
    if not embedded:
        return SignatureReport(signed=False)
    signature = embedded[-1]
    sig_object = signature.sig_object
    signer_name = _text(sig_object.get("/Name"))
    reason = _text(sig_object.get("/Reason"))
    location = _text(sig_object.get("/Location"))
    try:
        material = key_material()
        roots = [
            cert for der in material.trust_roots_der for cert in load_certs_from_pemder_data(der)
        ]
    except SigningNotConfigured:
        roots = []
    try:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = _outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        return SignatureReport(
            signed=True,
            error=f"{type(exc).__name__}: {exc}",
            signer_name=signer_name,
            reason=reason,
            location=location,
        )
    return SignatureReport(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        certificate_subject=status.signing_cert.subject.human_friendly,
        signing_time=status.signer_reported_dt,
        signer_name=signer_name,
        reason=reason,
        location=location,
    )
