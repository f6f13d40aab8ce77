"""What the desk's acts share: clean text, bounded numbers, the patient identified, the
per-patient lock that serialises two dispensings of one patient."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from corsia.core.actors import User, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.domain.text import clean_text as core_clean_text
from corsia.dispensing.permissions import DISPENSE
from corsia.patients.selectors import patient_get

if TYPE_CHECKING:
    from corsia.patients.models import Patient

REFUSED = "Non hai il permesso di dispensare farmaci in distribuzione diretta."
MAX_DAILY_UNITS = Decimal(100)
MAX_PLAN_UNITS = 100_000
_LOCK_SPACE = 1_901_001  # advisory lock namespace of direct distribution (one per patient)


def require_dispense(actor: User | None) -> User:
    return require_permission(actor, DISPENSE, REFUSED)


def clean_text(value: object, field: str, *, max_length: int, required: str = "") -> str:
    """Text without NUL or control characters, trimmed, within ``max_length``; ``required``:
    the message when empty (code ``<field>_required``)."""
    return core_clean_text(value, field, limit=max_length, required=required)


def daily_units_of(value: object, field: str = "daily_units") -> Decimal:
    """Units a day: a finite number > 0 and ≤ ``MAX_DAILY_UNITS``, at most 3 decimals."""
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if (
        isinstance(value, bool)
        or not number.is_finite()
        or number <= 0
        or number > MAX_DAILY_UNITS
        or number != number.quantize(Decimal("0.001"))
    ):
        raise ValidationFailed(
            f"Le unità al giorno devono essere un numero maggiore di 0 e al massimo "
            f"{MAX_DAILY_UNITS} (fino a 3 decimali).",
            code="daily_units_invalid",
            field=field,
            details={"value": str(value)[:40]},
        )
    return number


def whole_units_of(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_PLAN_UNITS:
        raise ValidationFailed(
            f"Le unità devono essere un numero intero da 1 a {MAX_PLAN_UNITS}.",
            code="units_invalid",
            field=field,
            details={"value": str(value)[:40]},
        )
    return value


def patient_identified(*, actor: User, patient_id: int, patient_code: str) -> Patient:
    """The patient, checked against the code read at the desk (codice fiscale or STP/ENI
    from the health card): another code is ``patient_mismatch``, nothing is dispensed."""
    code = clean_text(
        patient_code,
        "patient_code",
        max_length=40,
        required="Leggi la tessera sanitaria o scrivi il codice fiscale del paziente.",
    ).upper()
    patient = patient_get(user=actor, patient_id=patient_id)
    known = {c.upper() for c in (patient.codice_fiscale, patient.stp_eni_code) if c}
    if code not in known:
        raise ValidationFailed(
            "Il codice letto non è quello del paziente selezionato: controlla la tessera "
            "sanitaria e il paziente.",
            code="patient_mismatch",
            field="patient_code",
        )
    return patient


def prescriber_get(prescriber_id: int) -> User:
    prescriber = User.objects.filter(pk=prescriber_id, is_active=True).first()
    if prescriber is None or not prescriber.has_perm("prescribing.prescribe"):
        raise NotFound(
            "Prescrittore sconosciuto o non abilitato a prescrivere.",
            code="prescriber_unknown",
            details={"prescriber_id": prescriber_id},
        )
    return prescriber


def lock_patient(patient_id: int) -> None:
    """Serialise the desk's acts on one patient (two dispensings on one plan)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, patient_id])


def discharge_max_days() -> int:
    return int(settings.CORSIA_DISPENSING_DISCHARGE_MAX_DAYS)
