"""The dispensing desk's interaction check (H59): the drug handed over against everything
the patient takes while it lasts (chemotherapy, ward, home therapy: prescribing's
current-drugs readers). A contraindicated pair is refused without the pharmacist's reason,
a major one without an acknowledgement; what was gone past is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.dispensing import audit_events as events
from corsia.prescribing.current_drugs import HOME, CurrentDrug, patient_current_drugs
from corsia.prescribing.interactions_check import (
    FoundInteraction,
    find_interactions,
    interactions_gate,
)

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct


def desk_interactions(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    product: MedicinalProduct,
    day: date,
    days: int,
    override_reason: str,
    acknowledged: bool,
) -> list[FoundInteraction]:
    """Refuse (``interaction_contraindicated`` / ``interaction_unacknowledged``) or audit
    the pairs gone past; returns every interaction found (moderate and minor included)."""
    ingredient = product.ingredient
    handed = CurrentDrug(
        code=ingredient.code,
        name=ingredient.name_it,
        source=HOME,
        detail=f"in dispensazione il {day:%d/%m/%Y}",
    )
    last = day + timedelta(days=max(days, 1) - 1)
    others = patient_current_drugs(patient_id=patient_id, first_day=day, last_day=last)
    found = find_interactions([handed, *others], focus={ingredient.code})
    reason = override_reason.strip()
    serious = interactions_gate(found, override_reason=reason, acknowledged=acknowledged)
    if serious:
        audit_record(
            event=(
                events.DISPENSING_INTERACTION_OVERRIDDEN
                if any(f.blocking for f in serious)
                else events.DISPENSING_INTERACTION_ACKNOWLEDGED
            ),
            actor=actor,
            workstation=workstation,
            target=None,
            patient_id=patient_id,
            after={"product": product.code, "interactions": [f.as_json() for f in serious]},
            reason=reason,
        )
    return found
