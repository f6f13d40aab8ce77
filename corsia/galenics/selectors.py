"""Reads of the galenic laboratory: the formulary, a formula with its versions, the
batches, one batch with its worksheet, controls, label and dispensings. A batch made for
a patient (or dispensed to one) is patient data: its read is written in the access log."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.galenics.domain.batch import QcGap, control_label, deviation_percent, qc_gaps
from corsia.galenics.domain.label import Label, LabelComponent, LabelInput, label_for
from corsia.galenics.domain.units import Quantity, Unit, decimal_text, quantity_text, readable
from corsia.galenics.models import (
    Batch,
    BatchLine,
    BatchState,
    Dispensing,
    Formula,
    FormulaState,
    QcResult,
)
from corsia.galenics.permissions import VIEW
from corsia.galenics.services import dispensed_quantity, last_results
from corsia.patients.selectors import patient_and_merged_ids, patient_search

if TYPE_CHECKING:
    from corsia.patients.models import Patient

REFUSED = "Non hai il permesso di consultare il laboratorio galenico."


def formulas(*, user: User) -> QuerySet[Formula]:
    """Every formula version in force or in draft, by name (superseded ones on their
    formula's page)."""
    require_permission(user, VIEW, REFUSED)
    return Formula.objects.exclude(state=FormulaState.SUPERSEDED).order_by("name", "number")


def formula_get(*, user: User, formula_id: int) -> Formula:
    require_permission(user, VIEW, REFUSED)
    formula = Formula.objects.filter(pk=formula_id).first()
    if formula is None:
        raise NotFound("Formula non trovata.", code="formula_not_found")
    return formula


def formula_versions(formula: Formula) -> QuerySet[Formula]:
    return Formula.objects.filter(code=formula.code).order_by("-number")


def recent_batches(*, user: User, limit: int = 50) -> QuerySet[Batch]:
    require_permission(user, VIEW, REFUSED)
    return Batch.objects.select_related("formula").order_by("-created_at", "-pk")[:limit]


@dataclass(frozen=True)
class PatientBatches:
    """A patient found by the pharmacist's look-up and the batches made for them or
    dispensed to them, the most recent first."""

    patient: Patient
    batches: list[Batch]
    patient_ids: tuple[int, ...]  # the patient and the registrations merged into them


def batches_by_patient(
    *, user: User, text: str, workstation: Workstation = None, channel: str = "web"
) -> list[PatientBatches]:
    """The pharmacist's look-up: the patients a name, codice fiscale, STP/ENI or MRN finds
    (``patients.selectors.patient_search``, within the user's reach; each found patient
    written in the access log there), each with the batches made for them or dispensed to
    them (a merged registration's included). The patients with batches are written in the
    access log once more, as a read of the galenic laboratory."""
    require_permission(user, VIEW, REFUSED)
    found = []
    for patient in patient_search(
        user=user, text=text[:100], workstation=workstation, channel=channel
    ):
        ids = patient_and_merged_ids(patient_id=patient.pk)
        batches = list(
            Batch.objects.select_related("formula")
            .filter(Q(patient_id__in=ids) | Q(dispensings__patient_id__in=ids))
            .distinct()
            .order_by("-created_at", "-pk")[:100]
        )
        if batches:
            access_log_record(
                user=user,
                patient_id=patient.pk,
                what="galenics.batches_by_patient",
                workstation=workstation,
                channel=channel,
            )
        found.append(PatientBatches(patient=patient, batches=batches, patient_ids=ids))
    return found


@dataclass(frozen=True)
class LineView:
    line: BatchLine
    required_text: str
    weighed_text: str
    deviation_percent: Decimal | None


@dataclass(frozen=True)
class BatchView:
    batch: Batch
    lines: list[LineView]
    required_controls: list[tuple[str, str]]
    qc_results: list[QcResult]
    qc_gaps: list[QcGap]
    label: Label | None
    dispensings: list[Dispensing]
    left: Decimal
    left_text: str


def _line_view(line: BatchLine, batch_quantity_text: str) -> LineView:
    unit = Unit(line.unit)
    deviation = (
        deviation_percent(line.required, line.weighed).quantize(Decimal("0.01"))
        if line.weighed is not None and line.required is not None
        else None
    )
    return LineView(
        line=line,
        required_text=(
            f"q.b. a {batch_quantity_text}"
            if line.required is None
            else quantity_text(readable(Quantity(line.required, unit)))
        ),
        weighed_text=quantity_text(readable(Quantity(line.weighed, unit))) if line.weighed else "",
        deviation_percent=deviation,
    )


def batch_label(batch: Batch) -> Label | None:
    """The label of a released batch (``None`` before the release)."""
    if batch.state != BatchState.RELEASED or batch.beyond_use is None:
        return None
    formula = batch.formula
    return label_for(
        LabelInput(
            pharmacy=str(settings.CORSIA_GALENICS_PHARMACY_NAME),
            name=formula.name,
            kind=formula.kind,
            pharmaceutical_form=formula.pharmaceutical_form,
            batch_unit=formula.batch_unit,
            batch_quantity_text=f"{decimal_text(batch.quantity)} {formula.batch_unit}",
            components=[
                LabelComponent(
                    name=item.product.ingredient.name_it or item.product.name,
                    per_unit=(
                        None
                        if item.quantity is None or item.quantum_satis
                        else Quantity(item.quantity, Unit(item.unit))
                    ),
                    excipient=item.excipient,
                )
                for item in formula.ingredients.select_related("product__ingredient")
            ],
            batch_number=batch.number,
            prepared_on=timezone.localtime(batch.prepared_at or batch.created_at).date(),
            beyond_use=batch.beyond_use,
            storage=formula.storage,
            patient=(
                f"{batch.patient.surname.upper()} {batch.patient.given_names}"
                if batch.patient
                else ""
            ),
        )
    )


def batch_view(
    *, user: User, workstation: Workstation, batch_id: int, channel: str = "web"
) -> BatchView:
    require_permission(user, VIEW, REFUSED)
    batch = (
        Batch.objects.select_related(
            "formula", "patient", "cost_center", "prepared_by", "released_by", "rejected_by"
        )
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound("Lotto galenico non trovato.", code="batch_not_found")
    dispensings = list(batch.dispensings.select_related("patient", "ward", "dispensed_by"))
    seen = {batch.patient_id, *(d.patient_id for d in dispensings)}
    for patient_id in sorted(p for p in seen if p is not None):
        access_log_record(
            user=user,
            patient_id=patient_id,
            what=f"galenics.batch:{batch.pk}",
            workstation=workstation,
            channel=channel,
        )
    left = batch.quantity - dispensed_quantity(batch)
    batch_text = f"{decimal_text(batch.quantity)} {batch.formula.batch_unit}"
    return BatchView(
        batch=batch,
        lines=[
            _line_view(line, batch_text)
            for line in batch.lines.select_related("product", "weighed_by").prefetch_related(
                "discarded__weighed_by", "discarded__discarded_by"
            )
        ],
        required_controls=[(c, control_label(c)) for c in batch.formula.quality_controls],
        qc_results=list(batch.qc_results.select_related("recorded_by")),
        qc_gaps=qc_gaps(batch.formula.quality_controls, last_results(batch)),
        label=batch_label(batch),
        dispensings=dispensings,
        left=left,
        left_text=f"{decimal_text(left)} {batch.formula.batch_unit}",
    )


def batch_label_view(
    *, user: User, workstation: Workstation, batch_id: int, channel: str = "web"
) -> tuple[Batch, Label]:
    """The released batch and its label, for printing (a logged read like the batch page);
    before the release, or rejected: 409 ``batch_not_released``."""
    view = batch_view(user=user, workstation=workstation, batch_id=batch_id, channel=channel)
    if view.label is None:
        raise ConflictError("Il lotto non è rilasciato.", code="batch_not_released")
    return view.batch, view.label
