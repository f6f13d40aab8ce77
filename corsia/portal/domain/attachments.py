"""What a patient may attach to a message: the type is read from the content (the file's
first bytes, its "magic number"), never from its name or the browser's declared type.

Accepted: PDF, PNG, JPEG (a photo of a rash, a report from another hospital); at most
``MAX_BYTES``. Anything else is refused with an Italian message and a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass

from corsia.core.domain.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_MESSAGE = 3


@dataclass(frozen=True)
class Kind:
    media_type: str
    extension: str
    label: str


PDF = Kind("application/pdf", "pdf", "PDF")
PNG = Kind("image/png", "png", "immagine PNG")
JPEG = Kind("image/jpeg", "jpg", "immagine JPEG")

_SIGNATURES: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)


def sniff(head: bytes) -> Kind | None:
    """The kind the content's first bytes announce, ``None`` for anything else."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def attachment_check(*, content: bytes) -> Kind:
    """The accepted kind of ``content``; ``ValidationFailed`` when empty, too large or of a
    type not accepted (whatever its name says)."""
    if not content:
        raise ValidationFailed("Il file allegato è vuoto.", code="attachment_empty", field="file")
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            "Il file allegato supera 5 MB.", code="attachment_too_large", field="file"
        )
    kind = sniff(content[:16])
    if kind is None:
        raise ValidationFailed(
            "Si possono allegare solo PDF, JPEG o PNG.",
            code="attachment_type_refused",
            field="file",
        )
    return kind


def safe_filename(name: str, kind: Kind) -> str:
    """A name to store and offer for download: the base name's letters, digits, dots,
    dashes and underscores (at most 80), with the extension of the type found."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in base)[:80].strip("_")
    return f"{cleaned or 'allegato'}.{kind.extension}"
