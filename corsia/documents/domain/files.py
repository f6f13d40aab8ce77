"""Content fingerprints and download names of archived documents."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from corsia.core.domain.errors import ValidationFailed

PDF_MIME = "application/pdf"
_PDF_MAGIC = b"%PDF-"
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
MAX_FILENAME_PART = 40


def sha256_hex(content: bytes) -> str:
    """The SHA-256 of the stored bytes, lower-case hex (64 characters)."""
    return hashlib.sha256(content).hexdigest()


def ensure_pdf(content: bytes) -> None:
    """Refuse bytes that do not start like a PDF file (the archive stores PDFs only)."""
    if not content.startswith(_PDF_MAGIC):
        raise ValidationFailed("Il contenuto non è un documento PDF.", code="not_a_pdf")


def ensure_code(code: str, *, field: str = "code") -> str:
    """A template code or document kind: lower-case letters, digits and underscores."""
    if not _CODE.fullmatch(code):
        raise ValidationFailed(
            "Il codice deve iniziare con una lettera minuscola e contenere solo lettere "
            "minuscole, cifre e trattini bassi (2-64 caratteri).",
            code="invalid_code",
            field=field,
        )
    return code


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_text).strip("-")[:MAX_FILENAME_PART].strip("-")


def download_filename(*, kind: str, mrn: str, created_on: date, version: int, signed: bool) -> str:
    """``therapy_sheet_MRN123_2025-03-01_v2_firmato.pdf``: ASCII only, no path separators,
    the version and the signature state visible in the name itself."""
    parts = [_slug(kind) or "documento"]
    if mrn:
        parts.append(_slug(mrn))
    parts.append(created_on.isoformat())
    parts.append(f"v{version}")
    parts.append("firmato" if signed else "NON-firmato")
    return "_".join(part for part in parts if part) + ".pdf"
