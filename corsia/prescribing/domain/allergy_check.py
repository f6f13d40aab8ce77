"""The patient's allergies against the order's drugs, and the overrides that let the
physician go on (pure).

The matches come from ``corsia.patients.domain.allergies.allergy_matches`` (same
ingredient, ATC class, a free-text substance that is the drug's name). Like a duplicate or
too-early cycle (``cycle_schedule.ensure_schedule_justified``) and a dose over a hard limit
(``limits.LimitOverride``), a match refuses the order until the physician says why:

* a **hard stop** (severe or life-threatening, or confirmed allergy): refused with
  ``allergy_contraindicated`` unless an override reason is typed;
* a **warning** (mild or moderate, suspected): refused with
  ``allergy_warning_unacknowledged`` until the physician acknowledges it (an override
  reason acknowledges it too).

Each override is kept on the order (check, allergy, drug, reason, who, when): the same
match never asks twice (signing after creating), a new allergy or a new drug asks again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corsia.patients.domain.allergies import AllergyMatch
from corsia.prescribing.domain.errors import (
    AllergyContraindicated,
    AllergyWarningUnacknowledged,
)

ALLERGY_OVERRIDE = AllergyContraindicated.code  # "allergy_contraindicated"
ALLERGY_ACKNOWLEDGED = AllergyWarningUnacknowledged.code  # "allergy_warning_unacknowledged"


@dataclass(frozen=True)
class AllergyOverride:
    """One authorisation: the drug ``ingredient_id`` is given despite allergy ``allergy_id``."""

    check: str  # ALLERGY_OVERRIDE or ALLERGY_ACKNOWLEDGED
    allergy_id: int
    ingredient_id: int
    substance: str
    drug: str
    reason: str
    by_id: int | None
    by: str
    at: str  # ISO 8601, aware

    def covers(self, match: AllergyMatch) -> bool:
        """A hard stop needs an override; a warning is covered by either."""
        if (self.allergy_id, self.ingredient_id) != (match.allergy.id, match.drug.ingredient_id):
            return False
        return self.check == ALLERGY_OVERRIDE or not match.hard_stop

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "allergy_id": self.allergy_id,
            "ingredient_id": self.ingredient_id,
            "substance": self.substance,
            "drug": self.drug,
            "reason": self.reason,
            "by_id": self.by_id,
            "by": self.by,
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AllergyOverride:
        return cls(
            check=str(data["check"]),
            allergy_id=int(data["allergy_id"]),
            ingredient_id=int(data["ingredient_id"]),
            substance=str(data.get("substance", "")),
            drug=str(data.get("drug", "")),
            reason=str(data.get("reason", "")),
            by_id=data.get("by_id"),
            by=str(data.get("by", "")),
            at=str(data.get("at", "")),
        )


def pending_matches(
    matches: Iterable[AllergyMatch], overrides: Iterable[AllergyOverride]
) -> list[AllergyMatch]:
    """The matches no recorded override covers."""
    kept = list(overrides)
    return [m for m in matches if not any(o.covers(m) for o in kept)]


def ensure_allergies_cleared(
    pending: list[AllergyMatch], *, override_reason: str, acknowledged: bool
) -> None:
    """Refuse while a hard stop has no override reason, or a warning is not acknowledged."""
    reason = override_reason.strip()
    hard = [m for m in pending if m.hard_stop]
    if hard and not reason:
        raise AllergyContraindicated(
            " ".join(m.message for m in hard)
            + " Per prescriverlo comunque indicare il motivo del superamento.",
            field="allergy_override_reason",
            details={"matches": [m.as_json() for m in pending]},
        )
    soft = [m for m in pending if not m.hard_stop]
    if soft and not (acknowledged or reason):
        raise AllergyWarningUnacknowledged(
            " ".join(m.message for m in soft) + " Prendere visione dell'avviso per proseguire.",
            field="allergy_acknowledged",
            details={"matches": [m.as_json() for m in pending]},
        )


def overrides_for(
    pending: Iterable[AllergyMatch], *, reason: str, by_id: int | None, by: str, at: str
) -> list[AllergyOverride]:
    """What to record once the physician went on: an override for each hard stop (with the
    reason), an acknowledgement for each warning."""
    return [
        AllergyOverride(
            check=ALLERGY_OVERRIDE if m.hard_stop else ALLERGY_ACKNOWLEDGED,
            allergy_id=m.allergy.id,
            ingredient_id=m.drug.ingredient_id,
            substance=m.allergy.substance,
            drug=m.drug.name,
            reason=reason.strip(),
            by_id=by_id,
            by=by,
            at=at,
        )
        for m in pending
    ]
