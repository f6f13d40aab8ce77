"""What the pharmacist needs on one screen to judge an order (issue 14): for the patient,
the measures with their dates (stale ones flagged), creatinine and Cockcroft–Gault
clearance, allergies and the matches gone past, interactions, the last toxicity, the
cycle and the days since the previous one; for each line, the dose per m²/kg/AUC, the
calculated dose with the rounding applied, the reduction and its reason, the duration,
the carrier (diluent and volume) and the rate in mL/h.

A read for the UFA's validation page (``compounding``), which checks its own permission
and logs its own read of the order; the toxicity summary logs its own read. Nothing is
written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from corsia.core.actors import User, Workstation
from corsia.patients.selectors import AllergySummary, allergy_summary
from corsia.prescribing.domain.freshness import MEASURE_LABELS_IT, Measure
from corsia.prescribing.domain.infusion import Carrier, carrier_of, rate_ml_h
from corsia.prescribing.domain.order_lines import display_unit
from corsia.prescribing.dosing_basis import MeasureAge, order_measure_ages
from corsia.prescribing.interactions_check import InteractionWarning, order_interaction_warnings
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.prescribing.selectors import (
    pharmacy_items,
    previous_cycle_start,
)
from corsia.prescribing.services import (
    PGX_AFTER_VALIDATION_STATES,
    AllergyMatchRow,
    PgxRow,
    order_allergy_rows,
    order_pgx_rows,
    order_pgx_since,
)
from corsia.toxicity.selectors import ToxicitySummary, latest_toxicity_summary

MEASURE_UNITS: dict[Measure, str] = {
    Measure.HEIGHT: "cm",
    Measure.WEIGHT: "kg",
    Measure.CREATININE: "mg/dL",
    Measure.MEASURED_GFR: "mL/min",
}
TOXICITY_PERMISSION = "toxicity.view_toxicity"


@dataclass(frozen=True)
class ReviewLine:
    """One drug of the order as the pharmacist checks it."""

    item: OrderItem
    per_unit: str  # the regimen's dose unit as printed ("mg/m²", "AUC")
    carrier: Carrier | None
    rate_ml_h: Decimal | None


@dataclass(frozen=True)
class ReviewMeasure:
    label: str
    unit: str
    age: MeasureAge


@dataclass(frozen=True)
class PharmacistReview:
    order: TherapyOrder
    measures: tuple[ReviewMeasure, ...]
    allergies: AllergySummary
    allergy_matches: tuple[AllergyMatchRow, ...]
    interactions: tuple[InteractionWarning, ...]
    toxicity: ToxicitySummary | None  # None: the reader may not see toxicities
    previous_cycle: date | None
    lines: tuple[ReviewLine, ...]
    # pharmacogenomic warnings from a result recorded after the order was written
    pgx_since: tuple[dict[str, str], ...] = ()
    # the pharmacogenomic barrier: each finding with its override (pending: the
    # pharmacist's validation is refused until overridden or acknowledged)
    pgx_rows: tuple[PgxRow, ...] = ()

    @property
    def pgx_pending(self) -> bool:
        return any(r.pending for r in self.pgx_rows)

    @property
    def pgx_after_validation(self) -> bool:
        """A finding pending on an order already validated: the bedside refuses the drug
        until a physician or the pharmacist goes past it (``order_pgx_acknowledge``)."""
        return self.pgx_pending and self.order.state in PGX_AFTER_VALIDATION_STATES

    @property
    def days_since_previous(self) -> int | None:
        """Days from the previous cycle's start to this one's (the interval to check
        against the regimen's cycle length)."""
        if self.previous_cycle is None:
            return None
        return (self.order.start_date - self.previous_cycle).days

    @property
    def any_stale(self) -> bool:
        return any(m.age.stale or m.age.newer_at is not None for m in self.measures)

    @property
    def renal_measured_at(self) -> date | None:
        """When the renal value the clearance comes from was taken."""
        for m in self.measures:
            if m.age.measure is Measure.CREATININE and m.age.measured_at is not None:
                return m.age.measured_at.date()
        return None


def _line(item: OrderItem) -> ReviewLine:
    carrier = carrier_of(item.preparation)
    return ReviewLine(
        item=item,
        per_unit=display_unit(item.dose_unit),
        carrier=carrier,
        rate_ml_h=rate_ml_h(carrier.volume_ml if carrier else None, item.duration_minutes),
    )


def pharmacist_review(
    *, user: User, order: TherapyOrder, workstation: Workstation
) -> PharmacistReview:
    """The clinical context of ``order`` for its validation (``order`` read and logged by
    the caller)."""
    toxicity = None
    if user.has_perm(TOXICITY_PERMISSION):
        toxicity = latest_toxicity_summary(
            user=user,
            patient_id=order.patient_id,
            since=previous_cycle_start(order) or order.start_date,
            workstation=workstation,
        )
    return PharmacistReview(
        order=order,
        measures=tuple(
            ReviewMeasure(MEASURE_LABELS_IT[a.measure], MEASURE_UNITS[a.measure], a)
            for a in order_measure_ages(order)
        ),
        allergies=allergy_summary(patient_id=order.patient_id),
        allergy_matches=tuple(order_allergy_rows(order)),
        interactions=tuple(order_interaction_warnings(order)),
        toxicity=toxicity,
        previous_cycle=previous_cycle_start(order),
        lines=tuple(_line(i) for i in pharmacy_items(order)),
        pgx_since=tuple(order_pgx_since(order)),
        pgx_rows=tuple(order_pgx_rows(order)),
    )
