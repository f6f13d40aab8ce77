"""The batch's pure checks: the weighing tolerance, the quality controls a release needs,
the beyond-use date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode


class QualityControl(LabelledCode):
    """The controls of the Norme di Buona Preparazione (FU XII) a formula may require."""

    APPEARANCE = "appearance", "Aspetto e caratteri organolettici"
    MASS_UNIFORMITY = "mass_uniformity", "Uniformità di massa"
    CONTENT_UNIFORMITY = "content_uniformity", "Uniformità di contenuto"
    VOLUME = "volume", "Volume o massa di riempimento"
    PH = "ph", "pH"
    RESUSPENSION = "resuspension", "Risospendibilità"
    CLOSURE = "closure", "Tenuta della chiusura"
    LABEL = "label", "Conformità dell'etichetta"


CONTROL_CODES = frozenset(c.value for c in QualityControl)


def control_label(code: str) -> str:
    """The control's Italian label (the code itself when unknown)."""
    return QualityControl(code).label_it if code in CONTROL_CODES else code


def deviation_percent(required: Decimal, weighed: Decimal) -> Decimal:
    """How far the weighed amount is from the required one, in % of the required."""
    return (weighed - required) / required * 100


def within_tolerance(required: Decimal, weighed: Decimal, tolerance_percent: Decimal) -> bool:
    """Whether ``weighed`` is within ± ``tolerance_percent`` of ``required`` (inclusive)."""
    return abs(deviation_percent(required, weighed)) <= tolerance_percent


def weighing_check(
    required: Decimal | None, weighed: Decimal, tolerance_percent: Decimal
) -> tuple[Decimal | None, bool]:
    """A weighing's deviation (% of the required amount) and whether it is within the
    tolerance. A vehicle q.b. (``required`` ``None``) has nothing to compare with: no
    deviation, always accepted (what was used is recorded)."""
    if required is None:
        return None, True
    return deviation_percent(required, weighed), within_tolerance(
        required, weighed, tolerance_percent
    )


@dataclass(frozen=True)
class QcGap:
    control: str
    label: str
    problem: str  # "missing" or "failed"


def qc_gaps(required: Iterable[str], results: Mapping[str, bool]) -> list[QcGap]:
    """The required controls without a result (``missing``) or whose last result failed
    (``failed``); empty when the batch may be released."""
    gaps = []
    for code in required:
        label = control_label(code)
        if code not in results:
            gaps.append(QcGap(code, label, "missing"))
        elif not results[code]:
            gaps.append(QcGap(code, label, "failed"))
    return gaps


def beyond_use_date(prepared_on: date, stability_days: int, lot_expiries: Iterable[date]) -> date:
    """The earlier of the formula's stability from preparation and the earliest
    expiry of an ingredient lot used."""
    return min([prepared_on + timedelta(days=stability_days), *lot_expiries])
