"""What the follow-up's acts share: the case locked and checked (open, day 0 known), a date
turned into its day (refused before day 0 or in the future), the decimals and texts checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from corsia.core.actors import User
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.core.domain.text import clean_text
from corsia.patients.selectors import patient_get
from corsia.transplant.domain.days import ensure_not_before_day_zero, transplant_day
from corsia.transplant.models import Transplant

MAX_TEXT = 8000


def text(value: str | None, field: str, *, limit: int = MAX_TEXT, required: str = "") -> str:
    """Text without NUL or control characters, trimmed, within ``limit``."""
    return clean_text(value, field, limit=limit, required=required)


def decimal(value: object, field: str, label: str) -> Decimal:
    """A Decimal from a Decimal, an int or a typed string (comma accepted); never a float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and 0 < len(value) <= 30:
        try:
            return Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            pass
    raise ValidationFailed(
        f"{label}: indica un numero valido.", code=f"{field}_invalid", field=field
    )


def optional_decimal(value: object, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return decimal(value, field, label)


def followup_case(*, actor: User, transplant_id: int) -> Transplant:
    """The case locked for the act, within the actor's reach, open, with its day 0."""
    case = Transplant.objects.select_for_update(of=("self",)).filter(pk=transplant_id).first()
    if case is None:
        raise NotFound("Trapianto non trovato.", code="transplant_not_found")
    patient_get(user=actor, patient_id=case.patient_id)
    if not case.is_open:
        raise ConflictError(
            f"Il percorso di trapianto è «{case.state_label.lower()}»: non si può modificare.",
            code="transplant_closed",
        )
    if case.day_zero is None:
        raise ConflictError(
            "Il giorno 0 del trapianto non è registrato: il follow-up inizia dall'infusione.",
            code="day_zero_missing",
        )
    return case


def day_of(case: Transplant, on: object, *, field: str, what: str) -> int:
    """The day number of the date ``on`` (refused before day 0 or in the future)."""
    if not isinstance(on, date):
        raise ValidationFailed(
            f"{what}: indica una data valida.", code=f"{field}_invalid", field=field
        )
    if on > timezone.localdate():
        raise ValidationFailed(f"{what}: la data è nel futuro.", code="date_in_future", field=field)
    assert case.day_zero is not None
    day = transplant_day(case.day_zero, on)
    return ensure_not_before_day_zero(day, field=field, what=what)
