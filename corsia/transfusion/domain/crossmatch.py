"""The transfusion service's compatibility test (crossmatch) of a red-cell unit against the
patient's sample. Pure.

The result is valid from the sample: DM 2 novembre 2015 (Allegato VII) keeps the
pre-transfusion sample valid for **72 hours** from its collection for the compatibility
tests; after that a new sample is taken and the test repeated. A red-cell unit is given at
the bedside only with a *compatible* crossmatch still valid, unless the transfusion service
released it in emergency (then the crossmatch follows and is tracked as pending).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from corsia.core.domain.codes import LabelledCode

VALIDITY = timedelta(hours=72)


class CrossmatchResult(LabelledCode):
    COMPATIBLE = "compatible", "Compatibile"
    INCOMPATIBLE = "incompatible", "Incompatibile"


class CrossmatchMethod(LabelledCode):
    IAT = "iat", "Test indiretto all'antiglobulina (IAT) in gel/colonna"
    IMMEDIATE_SPIN = "immediate_spin", "Immediate spin (salina, temperatura ambiente)"
    ELECTRONIC = "electronic", "Crossmatch elettronico (type & screen negativo)"


@dataclass(frozen=True)
class CrossmatchFacts:
    result: CrossmatchResult
    valid_until: datetime


def valid_until(sample_collected_at: datetime) -> datetime:
    return sample_collected_at + VALIDITY


def crossmatch_refusal(latest: CrossmatchFacts | None, now: datetime) -> tuple[str, str] | None:
    """Why a red-cell unit (not released in emergency) may not be given: (code, Italian
    message), or None. The latest test recorded for the unit is the one that counts."""
    if latest is None:
        return (
            "crossmatch_missing",
            "Manca la prova di compatibilità (crossmatch) del servizio trasfusionale per "
            "questa unità: non trasfondere.",
        )
    if latest.result is CrossmatchResult.INCOMPATIBLE:
        return (
            "crossmatch_incompatible",
            "La prova di compatibilità di questa unità è INCOMPATIBILE: non trasfondere.",
        )
    if latest.valid_until <= now:
        return (
            "crossmatch_expired",
            "La prova di compatibilità è scaduta (oltre 72 ore dal prelievo): serve un "
            "nuovo campione e un nuovo crossmatch.",
        )
    return None
