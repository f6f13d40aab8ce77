"""PAdES signing and verification: an intact signature names its signer; any change
to the signed bytes makes it invalid; no key outside demo/test is a clear refusal."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.test import override_settings

from corsia.documents.rendering import html_to_pdf
from corsia.documents.signing import (
    DEMO_CA_FILE,
    DEMO_SIGNER_FILE,
    SigningNotConfigured,
    generate_demo_material,
    sign_pdf,
    signing_configured,
    verify_pdf,
)


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return html_to_pdf("<h1>Foglio di terapia</h1><p>oxaliplatino 156,4 mg</p>")


@pytest.fixture(scope="module")
def signed_pdf(plain_pdf: bytes) -> bytes:
    return sign_pdf(
        plain_pdf, signer_name="Dott.ssa Anna Bianchi", reason="Conferma", location="Roma"
    )


def test_a_signed_pdf_verifies_intact_and_names_the_signer(signed_pdf: bytes) -> None:
    report = verify_pdf(signed_pdf)
    assert report.valid
    assert (report.signed, report.intact, report.trusted, report.covers_whole_file) == (
        True,
        True,
        True,
        True,
    )
    assert report.signer_name == "Dott.ssa Anna Bianchi"
    assert (report.reason, report.location) == ("Conferma", "Roma")
    assert "Corsia firma documenti (dimostrazione)" in report.certificate_subject
    assert report.signing_time is not None
    assert abs(dt.datetime.now(dt.UTC) - report.signing_time) < dt.timedelta(minutes=5)
    assert report.error == ""


def test_the_signature_is_an_incremental_update_keeping_the_original_bytes(
    plain_pdf: bytes, signed_pdf: bytes
) -> None:
    assert signed_pdf.startswith(plain_pdf)
    assert b"/SubFilter /ETSI.CAdES.detached" in signed_pdf  # PAdES, not adbe.pkcs7


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_one_changed_byte_in_the_signed_content_makes_it_invalid(
    plain_pdf: bytes, signed_pdf: bytes
) -> None:
    # given a byte inside the original page content (covered by the signature)
    tampered = _flip(signed_pdf, len(plain_pdf) // 2)
    # when it is verified
    report = verify_pdf(tampered)
    # then the signature is there but not intact, hence not valid
    assert report.signed
    assert not report.intact
    assert not report.valid
    assert report.summary_it == "Firma NON valida: il documento è stato alterato dopo la firma."


def test_bytes_appended_after_signing_make_it_invalid(signed_pdf: bytes) -> None:
    report = verify_pdf(signed_pdf + b"\n% appended\n")
    assert report.signed
    assert not report.valid


def test_signing_and_verifying_work_inside_a_running_event_loop(plain_pdf: bytes) -> None:
    # ASGI servers and Playwright run an event loop in the calling thread
    async def inside_a_loop() -> bool:
        signed = sign_pdf(plain_pdf, signer_name="A", reason="r", location="l")
        return verify_pdf(signed).valid

    # (a thread of its own: the test's thread may already run a loop, e.g. Playwright's)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(lambda: asyncio.run(inside_a_loop())).result()


def test_an_unsigned_pdf_is_reported_unsigned(plain_pdf: bytes) -> None:
    report = verify_pdf(plain_pdf)
    assert (report.signed, report.valid) == (False, False)
    assert report.summary_it == "Documento non firmato digitalmente."


def test_garbage_is_reported_not_raised() -> None:
    report = verify_pdf(b"not a pdf at all")
    assert (report.signed, report.valid) == (False, False)
    assert report.error.startswith("file PDF illeggibile")


def test_demo_key_material_is_generated_once_under_the_signing_dir(
    tmp_path: Path, plain_pdf: bytes
) -> None:
    # given an empty signing directory in demo mode
    with override_settings(CORSIA_SIGNING_DIR=tmp_path, CORSIA_SIGNING_PKCS12=""):
        signed = sign_pdf(plain_pdf, signer_name="A", reason="r", location="l")
        first = (tmp_path / DEMO_SIGNER_FILE).read_bytes()
        # when signing again
        sign_pdf(plain_pdf, signer_name="B", reason="r", location="l")
        # then the same key was reused, private to the owner, and the signature verifies
        assert (tmp_path / DEMO_SIGNER_FILE).read_bytes() == first
        assert (tmp_path / DEMO_SIGNER_FILE).stat().st_mode & 0o077 == 0
        assert (tmp_path / DEMO_CA_FILE).exists()
        assert verify_pdf(signed).valid


def test_another_ca_is_not_trusted(tmp_path: Path, signed_pdf: bytes) -> None:
    # a signature made with the default demo key, checked against a different demo CA
    with override_settings(CORSIA_SIGNING_DIR=tmp_path, CORSIA_SIGNING_PKCS12=""):
        report = verify_pdf(signed_pdf)
    assert report.intact
    assert not report.trusted
    assert not report.valid


def test_outside_demo_and_test_without_a_key_signing_is_refused(plain_pdf: bytes) -> None:
    with override_settings(DEMO_MODE=False, CORSIA_TESTING=False, CORSIA_SIGNING_PKCS12=""):
        assert not signing_configured()
        with pytest.raises(SigningNotConfigured) as error:
            sign_pdf(plain_pdf, signer_name="A", reason="r", location="l")
    assert error.value.code == "signing_not_configured"
    assert "CORSIA_SIGNING_PKCS12" in error.value.message


def test_a_configured_pkcs12_with_passphrase_signs_and_is_trusted(
    tmp_path: Path, plain_pdf: bytes
) -> None:
    # given the hospital's PKCS#12 (here: made like the demo one, then encrypted)
    _, bundle = generate_demo_material(now=dt.datetime.now(dt.UTC))
    key, cert, extra = pkcs12.load_key_and_certificates(bundle, None)
    assert key is not None and cert is not None
    path = tmp_path / "hospital.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"hospital",
            key,  # type: ignore[arg-type]  # an EC key, which PKCS#12 accepts
            cert,
            extra,
            serialization.BestAvailableEncryption(b"s3cret-pass"),
        )
    )
    with override_settings(
        DEMO_MODE=False,
        CORSIA_TESTING=False,
        CORSIA_SIGNING_PKCS12=str(path),
        CORSIA_SIGNING_PKCS12_PASSPHRASE="s3cret-pass",
    ):
        report = verify_pdf(sign_pdf(plain_pdf, signer_name="X", reason="r", location="l"))
    assert report.valid
    assert report.signer_name == "X"


def test_a_wrong_passphrase_is_a_clear_refusal(tmp_path: Path, plain_pdf: bytes) -> None:
    _, bundle = generate_demo_material(now=dt.datetime.now(dt.UTC))
    path = tmp_path / "hospital.p12"
    path.write_bytes(bundle)
    with (
        override_settings(
            CORSIA_SIGNING_PKCS12=str(path), CORSIA_SIGNING_PKCS12_PASSPHRASE="wrong"
        ),
        pytest.raises(SigningNotConfigured) as error,
    ):
        sign_pdf(plain_pdf, signer_name="A", reason="r", location="l")
    assert "passphrase" in error.value.message
