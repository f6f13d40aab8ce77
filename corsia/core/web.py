"""What page views read from a request, the same way everywhere: the workstation, a
typed number (Italian decimal comma accepted), the version a form was built from."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest

from corsia.core.domain.errors import ValidationFailed


def request_workstation(request: HttpRequest) -> Any:
    return getattr(request, "workstation", None)


def posted_decimal(raw: str | None, field: str) -> Decimal | None:
    """``None`` for an empty field; a finite Decimal; else ValidationFailed naming ``field``."""
    if raw is None or not raw.strip():
        return None
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed(
            f"Valore numerico non valido: «{raw}».", code="number_invalid", field=field
        ) from None
    if not value.is_finite():
        raise ValidationFailed("Valore numerico non valido.", code="number_invalid", field=field)
    return value


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None
