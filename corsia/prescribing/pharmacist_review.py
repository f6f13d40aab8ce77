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
from typing import Any

from django.db.models import DateField, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation
from corsia.core.read_together import ReadPart, parts_as_one, read_parts
from corsia.drugs.selectors import pgx_markers_read
from corsia.patients.selectors import AllergySummary, allergy_summary, allergy_summary_read
from corsia.patients.selectors_pgx import pgx_current_read
from corsia.prescribing.domain.freshness import MEASURE_LABELS_IT, Measure
from corsia.prescribing.domain.infusion import Carrier, carrier_of, rate_ml_h
from corsia.prescribing.domain.order_lines import display_unit
from corsia.prescribing.dosing_basis import (
    LatestMeasures,
    MeasureAge,
    latest_measures_read,
    order_measure_ages,
)
from corsia.prescribing.interactions_check import (
    InteractionWarning,
    order_interaction_warnings,
    order_interactions_read,
)
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder
from corsia.prescribing.selectors import PHARMACY, previous_cycle_start_query
from corsia.prescribing.selectors_regulatory import order_requirements_read
from corsia.prescribing.services import (
    PGX_AFTER_VALIDATION_STATES,
    AllergyMatchRow,
    PgxRow,
    order_allergy_rows,
    order_pgx_rows,
    order_pgx_since,
)
from corsia.toxicity.selectors import (
    TOXICITY_SUMMARY_READ,
    ToxicitySummary,
    ToxicitySummaryRows,
    toxicity_summary_read,
)

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


def order_for_review(order_id: int) -> TherapyOrder | None:
    """The order with what the validation page shows of it (patient, regimen, diagnosis,
    the people who prescribed, validated and took it in charge, ward) and every line
    with its drug, product, regimen component and validator, in the order of the cycle:
    two queries. The review's reads of the lines (the pharmacy's lines, the allergy and
    pharmacogenomic checks, the interactions' period) use these. No permission, no
    access log: the caller (``compounding``) checks its own and logs its read."""
    lines = OrderItem.objects.select_related(
        "ingredient", "product", "regimen_component", "validated_by"
    ).order_by("day_of_cycle", "sequence", "pk")
    return (
        TherapyOrder.objects.select_related(
            "patient",
            "regimen_version__regimen",
            "diagnosis",
            "prescriber",
            "validated_by",
            "taken_in_charge_by",
            "ward",
        )
        .prefetch_related(Prefetch("items", queryset=lines))
        .filter(pk=order_id)
        .first()
    )


@dataclass(frozen=True)
class ReviewReads:
    """What :func:`pharmacist_review_read` read beside the order for the review."""

    previous_start: date | None
    latest: LatestMeasures
    toxicity: ToxicitySummaryRows | None  # None: the reader may not see toxicities


def pharmacist_review_read(*, user: User, order: TherapyOrder) -> ReadPart[ReviewReads]:
    """The review's reads in their batched variants (``corsia.core.read_together``, issue
    27), for the page to run in one statement with its own: the previous cycle's start,
    the latest measures, the toxicity summary since the previous cycle (when the reader
    may see toxicities: the permission and the patient's scope checked here), the
    allergies, the pharmacogenomic results and the drugs' markers, the interactions
    across the patient's therapies and the regulatory requirements (these kept for the
    read-only request, where their selectors answer them). ``order`` from
    :func:`order_for_review` (its lines read)."""
    previous = previous_cycle_start_query(order)
    ingredients = {i.ingredient_id for i in order.items.all()}
    parts: list[ReadPart[Any]] = [
        ReadPart(querysets=(previous,), decode=lambda rows: rows[0][0] if rows[0] else None),
        latest_measures_read(order.patient_id),
        allergy_summary_read(patient_id=order.patient_id),
        pgx_current_read(patient_id=order.patient_id),
        pgx_markers_read(ingredients),
        order_interactions_read(order),
        order_requirements_read(order.pk),
    ]
    toxicity = user.has_perm(TOXICITY_PERMISSION)
    if toxicity:
        since = Coalesce(Subquery(previous), Value(order.start_date), output_field=DateField())
        parts.append(toxicity_summary_read(user=user, patient_id=order.patient_id, since=since))
    together = parts_as_one(parts)

    def decode(results: list[list[Any]]) -> ReviewReads:
        answers = together.decode(results)
        return ReviewReads(
            previous_start=answers[0],
            latest=answers[1],
            toxicity=answers[-1] if toxicity else None,
        )

    return ReadPart(querysets=together.querysets, decode=decode)


def _pharmacy_lines(order: TherapyOrder) -> list[OrderItem]:
    """The order's active lines the UFA prepares, in the order of the cycle (from its
    lines read with it: ``prescribing.selectors.pharmacy_items`` without a query)."""
    return [
        i for i in order.items.all() if i.competence == PHARMACY and i.status == ItemStatus.ACTIVE
    ]


def pharmacist_review(
    *,
    user: User,
    order: TherapyOrder,
    workstation: Workstation,
    reads: ReviewReads | None = None,
) -> PharmacistReview:
    """The clinical context of ``order`` for its validation (``order`` read by
    :func:`order_for_review` and logged by the caller). ``reads``: what
    :func:`pharmacist_review_read` read with the page's own reads (else read here, in one
    statement). The toxicity summary's read is logged here, a row of its own."""
    if reads is None:
        [reads] = read_parts([pharmacist_review_read(user=user, order=order)])
    toxicity = None
    if reads.toxicity is not None:
        toxicity = reads.toxicity.summary(reads.previous_start or order.start_date)
        access_log_record(
            user=user,
            patient_id=order.patient_id,
            what=TOXICITY_SUMMARY_READ,
            workstation=workstation,
        )
    lines = order.items.all()
    return PharmacistReview(
        order=order,
        measures=tuple(
            ReviewMeasure(MEASURE_LABELS_IT[a.measure], MEASURE_UNITS[a.measure], a)
            for a in order_measure_ages(order, latest=reads.latest)
        ),
        allergies=allergy_summary(patient_id=order.patient_id),
        allergy_matches=tuple(order_allergy_rows(order, lines)),
        interactions=tuple(order_interaction_warnings(order)),
        toxicity=toxicity,
        previous_cycle=reads.previous_start,
        lines=tuple(_line(i) for i in _pharmacy_lines(order)),
        pgx_since=tuple(order_pgx_since(order)),
        pgx_rows=tuple(order_pgx_rows(order, lines)),
    )
