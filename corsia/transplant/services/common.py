"""What every act of the pathway shares: the case locked for the act, clean text, a code
checked, the snapshot written in the audit trail."""

from __future__ import annotations

from typing import Any

from corsia.core.actors import User
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.core.domain.text import clean_text as core_clean_text
from corsia.patients.selectors import patient_get
from corsia.transplant.models import Transplant

MAX_TEXT = 4000


def clean_text(value: str, field: str, *, limit: int = MAX_TEXT, required: str = "") -> str:
    """Text without NUL bytes, trimmed, within ``limit``; ``required``: the message when
    empty."""
    return core_clean_text(value, field, limit=limit, required=required)


def case_for_update(*, actor: User, transplant_id: int) -> Transplant:
    """The case, locked for this transaction, within the actor's reach (an out-of-scope
    patient's case is as if it did not exist)."""
    case = Transplant.objects.select_for_update(of=("self",)).filter(pk=transplant_id).first()
    if case is None:
        raise NotFound("Trapianto non trovato.", code="transplant_not_found")
    patient_get(user=actor, patient_id=case.patient_id)
    return case


def ensure_open(case: Transplant) -> None:
    """A closed or cancelled case takes nothing more."""
    if not case.is_open:
        raise ConflictError(
            f"Il percorso di trapianto è «{case.state_label.lower()}»: non si può modificare.",
            code="transplant_closed",
        )


def snapshot(case: Transplant) -> dict[str, Any]:
    return {
        "id": case.pk,
        "state": case.state,
        "transplant_type": case.transplant_type,
        "source": case.source,
        "diagnosis_code": case.diagnosis_code,
        "indication": case.indication,
        "disease_status": case.disease_status,
        "day_zero": case.day_zero.isoformat() if case.day_zero else None,
        "coordinator": case.coordinator_id,
        "version": case.version,
    }
