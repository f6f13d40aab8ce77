"""The JSON shapes of the galenic laboratory's API (``api.py``), with OpenAPI examples.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, BoundedInt, RecordId
from corsia.galenics import services
from corsia.galenics.domain.label import Label
from corsia.galenics.models import (
    Batch,
    BatchLine,
    DiscardedWeighing,
    Dispensing,
    Formula,
    QcResult,
)
from corsia.galenics.selectors import BatchView, PatientBatches

Text = str

SUSPENSION_EXAMPLE: dict[str, Any] = {
    "code": "omeprazolo-sosp-2mg-ml",
    "name": "Omeprazolo sospensione orale 2 mg/mL",
    "kind": "magistral",
    "pharmaceutical_form": "sospensione orale",
    "batch_unit": "mL",
    "method": "Triturare l'omeprazolo, disperdere nel bicarbonato di sodio 8,4%, portare a volume.",
    "stability_days": 30,
    "storage": "In frigorifero (2-8 °C), al riparo dalla luce",
    "quality_controls": ["appearance", "volume", "resuspension"],
    "ingredients": [
        {"product_code": "omeprazolo-polvere", "quantity": "2", "unit": "mg",
         "stock_amount": "1", "stock_unit": "g"},
        {"product_code": "sodio-bicarbonato-polvere", "quantity": "84", "unit": "mg",
         "stock_amount": "1", "stock_unit": "g", "excipient": True},
    ],
}  # fmt: skip


class IngredientIn(Schema):
    """An ingredient per batch unit; ``quantum_satis``: a vehicle q.b. to the batch's
    final quantity (no ``quantity``)."""

    product_code: Text = Field(max_length=120)
    quantity: Amount | None = None
    unit: Text = Field(max_length=8)
    stock_amount: Amount = Decimal(1)
    stock_unit: Text = Field(default="", max_length=8)
    excipient: bool = False
    quantum_satis: bool = False


class FormulaIn(Schema):
    code: Text = Field(max_length=60)
    name: Text = Field(max_length=200)
    kind: Text = Field(max_length=12)
    pharmaceutical_form: Text = Field(max_length=120)
    batch_unit: Text = Field(max_length=20)
    method: Text = Field(max_length=8000)
    stability_days: BoundedInt
    storage: Text = Field(max_length=200)
    quality_controls: list[Text] = Field(default=[], max_length=10)
    ingredients: list[IngredientIn] = Field(max_length=30)

    model_config = {"json_schema_extra": {"examples": [SUSPENSION_EXAMPLE]}}


class FormulaUpdateIn(FormulaIn):
    expected_version: BoundedInt


class VersionIn(Schema):
    expected_version: BoundedInt


class IngredientOut(Schema):
    product_code: str
    product_name: str
    quantity: Decimal | None
    quantum_satis: bool
    unit: str
    stock_amount: Decimal
    stock_unit: str
    excipient: bool


class FormulaOut(Schema):
    id: int
    code: str
    number: int
    state: str
    version: int
    name: str
    kind: str
    pharmaceutical_form: str
    batch_unit: str
    method: str
    stability_days: int
    storage: str
    quality_controls: list[str]
    ingredients: list[IngredientOut]
    published_at: datetime | None


class BatchIn(Schema):
    quantity: Amount
    cost_center: Text = Field(max_length=20)
    patient_id: RecordId | None = None

    model_config = {
        "json_schema_extra": {"examples": [{"quantity": "150", "cost_center": "CC-PED"}]}
    }


class WeighingIn(Schema):
    quantity: Amount
    unit: Text = Field(default="", max_length=8)
    lot: Text = Field(max_length=60)
    previous: Text = Field(
        default="",
        max_length=10,
        description="Weighed again: what became of the earlier material, `discarded` (out of "
        "the stock as waste now) or `adjusted` (corrected on the same material, same lot). "
        "Required when the line is already weighed (`previous_fate_required`).",
    )

    model_config = {
        "json_schema_extra": {"examples": [{"quantity": "301.5", "unit": "mg", "lot": "OME-2611"}]}
    }


class QcIn(Schema):
    control: Text = Field(max_length=30)
    passed: bool
    value: Text = Field(default="", max_length=200)

    model_config = {
        "json_schema_extra": {
            "examples": [{"control": "appearance", "passed": True, "value": "omogenea"}]
        }
    }


class DispenseIn(Schema):
    quantity: Amount
    patient_id: RecordId | None = None
    ward: Text = Field(default="", max_length=20)
    note: Text = Field(default="", max_length=500)

    model_config = {"json_schema_extra": {"examples": [{"quantity": "50", "ward": "PED"}]}}


class DiscardedOut(Schema):
    weighed: Decimal
    unit: str
    lot: str
    within_tolerance: bool
    weighed_by_id: int
    weighed_at: datetime
    discarded_by_id: int
    discarded_at: datetime
    wasted_units: int | None
    waste_refusal: str


class LineOut(Schema):
    id: int
    product_code: str
    product_name: str
    required: Decimal | None
    quantum_satis: bool
    unit: str
    weighed: Decimal | None
    lot: str
    lot_expiry: date | None
    within_tolerance: bool
    deviation_percent: Decimal | None
    wasted_units: int | None
    waste_refusal: str
    discarded: list[DiscardedOut]


class QcOut(Schema):
    control: str
    passed: bool
    value: str
    recorded_at: datetime


class DispensingOut(Schema):
    id: int
    quantity: Decimal
    patient_id: int | None
    ward: str
    at: datetime


class RejectIn(Schema):
    reason: Text = Field(max_length=1000)

    model_config = {
        "json_schema_extra": {
            "examples": [{"reason": "Risospendibilità non conforme: sedimento compatto."}]
        }
    }


class LabelOut(Schema):
    lines: list[str]


class BatchOut(Schema):
    id: int
    number: str
    state: str
    version: int
    formula_id: int
    formula_name: str
    quantity: Decimal
    batch_unit: str
    tolerance_percent: Decimal
    beyond_use: date | None
    rejected_at: datetime | None
    rejection_reason: str
    lines: list[LineOut]
    qc_results: list[QcOut]
    qc_missing_or_failed: list[str]
    label: LabelOut | None
    dispensings: list[DispensingOut]
    left: Decimal


class BatchSummaryOut(Schema):
    id: int
    number: str
    state: str
    formula_name: str
    quantity: Decimal
    batch_unit: str
    beyond_use: date | None
    made_for_patient: bool


class PatientBatchesOut(Schema):
    patient_id: int
    surname: str
    given_names: str
    date_of_birth: date
    batches: list[BatchSummaryOut]


class WeighingOut(Schema):
    line: LineOut
    within_tolerance: bool
    deviation_percent: Decimal | None
    discarded: DiscardedOut | None


def formula_out(formula: Formula) -> FormulaOut:
    return FormulaOut(
        id=formula.pk,
        code=formula.code,
        number=formula.number,
        state=formula.state,
        version=formula.version,
        name=formula.name,
        kind=formula.kind,
        pharmaceutical_form=formula.pharmaceutical_form,
        batch_unit=formula.batch_unit,
        method=formula.method,
        stability_days=formula.stability_days,
        storage=formula.storage,
        quality_controls=list(formula.quality_controls),
        ingredients=[
            IngredientOut(
                product_code=i.product.code,
                product_name=i.product.name,
                quantity=i.quantity,
                quantum_satis=i.quantum_satis,
                unit=i.unit,
                stock_amount=i.stock_amount,
                stock_unit=i.stock_unit,
                excipient=i.excipient,
            )
            for i in formula.ingredients.select_related("product")
        ],
        published_at=formula.published_at,
    )


def formula_input(payload: FormulaIn) -> services.FormulaInput:
    return services.FormulaInput(
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        pharmaceutical_form=payload.pharmaceutical_form,
        batch_unit=payload.batch_unit,
        method=payload.method,
        stability_days=payload.stability_days,
        storage=payload.storage,
        quality_controls=tuple(payload.quality_controls),
        ingredients=tuple(
            services.IngredientInput(
                product_code=i.product_code,
                quantity=i.quantity,
                unit=i.unit,
                stock_amount=i.stock_amount,
                stock_unit=i.stock_unit,
                excipient=i.excipient,
                quantum_satis=i.quantum_satis,
            )
            for i in payload.ingredients
        ),
    )


def _qc_out(row: QcResult) -> QcOut:
    return QcOut(
        control=row.control, passed=row.passed, value=row.value, recorded_at=row.created_at
    )


def _dispensing_out(row: Dispensing) -> DispensingOut:
    return DispensingOut(
        id=row.pk,
        quantity=row.quantity,
        patient_id=row.patient_id,
        ward=row.ward.code if row.ward else "",
        at=row.created_at,
    )


def _label_out(label: Label | None) -> LabelOut | None:
    return LabelOut(lines=list(label.lines)) if label is not None else None


def line_out(line: BatchLine, deviation: Decimal | None) -> LineOut:
    return LineOut(
        id=line.pk,
        product_code=line.product.code,
        product_name=line.product.name,
        required=line.required,
        quantum_satis=line.quantum_satis,
        unit=line.unit,
        weighed=line.weighed,
        lot=line.lot,
        lot_expiry=line.lot_expiry,
        within_tolerance=line.within_tolerance,
        deviation_percent=deviation,
        wasted_units=line.wasted_units,
        waste_refusal=line.waste_refusal,
        discarded=[discarded_out(row) for row in line.discarded.all()],
    )


def discarded_out(row: DiscardedWeighing) -> DiscardedOut:
    return DiscardedOut(
        weighed=row.weighed, unit=row.unit, lot=row.lot, within_tolerance=row.within_tolerance,
        weighed_by_id=row.weighed_by_id, weighed_at=row.weighed_at,
        discarded_by_id=row.discarded_by_id, discarded_at=row.discarded_at,
        wasted_units=row.wasted_units, waste_refusal=row.waste_refusal,
    )  # fmt: skip


def batch_out(view: BatchView) -> BatchOut:
    batch: Batch = view.batch
    return BatchOut(
        id=batch.pk,
        number=batch.number,
        state=batch.state,
        version=batch.version,
        formula_id=batch.formula_id,
        formula_name=batch.formula.name,
        quantity=batch.quantity,
        batch_unit=batch.formula.batch_unit,
        tolerance_percent=batch.tolerance_percent,
        beyond_use=batch.beyond_use,
        rejected_at=batch.rejected_at,
        rejection_reason=batch.rejection_reason,
        lines=[line_out(v.line, v.deviation_percent) for v in view.lines],
        qc_results=[_qc_out(r) for r in view.qc_results],
        qc_missing_or_failed=[g.control for g in view.qc_gaps],
        label=_label_out(view.label),
        dispensings=[_dispensing_out(d) for d in view.dispensings],
        left=view.left,
    )


def patient_batches_out(row: PatientBatches) -> PatientBatchesOut:
    patient = row.patient
    return PatientBatchesOut(
        patient_id=patient.pk,
        surname=patient.surname,
        given_names=patient.given_names,
        date_of_birth=patient.date_of_birth,
        batches=[
            BatchSummaryOut(
                id=b.pk,
                number=b.number,
                state=b.state,
                formula_name=b.formula.name,
                quantity=b.quantity,
                batch_unit=b.formula.batch_unit,
                beyond_use=b.beyond_use,
                made_for_patient=b.patient_id in row.patient_ids,
            )
            for b in row.batches
        ],
    )
