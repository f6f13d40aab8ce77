"""Checks every uploaded text file passes before it is read (pure): its size, no NUL byte
(PostgreSQL refuses it in text; a binary file has them), UTF-8 (with or without the BOM a
spreadsheet writes). The same words and codes wherever a CSV is received: the transport
logger's file (compounding), the procurement system's deliveries (inventory)."""

from __future__ import annotations

from corsia.core.domain.errors import ValidationFailed

MEGABYTE = 1024 * 1024


def ensure_file_size(
    size: int,
    limit: int,
    *,
    refuse: type[ValidationFailed] = ValidationFailed,
    field: str | None = None,
) -> None:
    """Refused (``file_too_large``) over ``limit`` bytes: checked before the file is read."""
    if size > limit:
        raise refuse(
            f"File troppo grande (massimo {limit // MEGABYTE} MB).",
            code="file_too_large",
            field=field,
        )


def decode_csv_file(
    content: bytes, *, limit: int, refuse: type[ValidationFailed], exported_from: str
) -> str:
    """The file as text, or ``refuse`` (its own code) for a file too large, with NUL bytes
    or not UTF-8; ``exported_from`` names the program the user exports it from again."""
    ensure_file_size(len(content), limit, refuse=refuse)
    if b"\x00" in content:
        raise refuse("Il file contiene byte nulli: non è un CSV di testo.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            f"Il file non è in codifica UTF-8: esportarlo dal {exported_from} come CSV UTF-8."
        ) from None
