"""A batch from its worksheet to its release: opened from a published formula version
(the worksheet scaled to the batch), each ingredient weighed or measured from a lot in
stock, the quality controls recorded, the preparation declared complete by its preparer,
and the release by a second person, a pharmacist, who unloads the lots from the stock in
the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.galenics import audit_events as events
from corsia.galenics.domain.batch import (
    CONTROL_CODES,
    beyond_use_date,
    qc_gaps,
    weighing_check,
)
from corsia.galenics.domain.units import (
    Quantity,
    Unit,
    checked_amount,
    convert,
    scale,
    stock_units,
    unit_of,
)
from corsia.galenics.models import (
    Batch,
    BatchLine,
    BatchState,
    DiscardedWeighing,
    Formula,
    FormulaState,
    PreviousFate,
    QcResult,
)
from corsia.galenics.permissions import PREPARE, RELEASE
from corsia.galenics.services.common import batch_for_update, clean_text, clock, tolerance_percent
from corsia.galenics.services.waste import weighed_to_waste
from corsia.inventory.selectors import cost_center_options, lot_location, lots_named
from corsia.inventory.services import stock_unload
from corsia.patients.selectors import patient_get

PREPARE_REFUSED = "Non hai il permesso di preparare i lotti galenici."
RELEASE_REFUSED = "Non hai il permesso di rilasciare i lotti galenici."
REJECTED_TEXT = "Il lotto è stato respinto: non si modifica, non si rilascia, non si dispensa."


def _number(moment: datetime) -> str:
    year = timezone.localtime(moment).year
    count = Batch.objects.filter(number__startswith=f"G{year}-").count()
    return f"G{year}-{count + 1:04d}"


def batch_open(
    *,
    actor: User,
    workstation: Workstation,
    formula_id: int,
    quantity: Decimal,
    cost_center_code: str,
    patient_id: int | None = None,
    now: datetime | None = None,
) -> Batch:
    """A batch of ``quantity`` batch units of a published formula version, its worksheet
    lines scaled. Refusals: ``formula_not_published``, ``quantity_invalid``,
    ``quantity_too_large``, ``cost_center_unknown``; a magistral preparation may name its
    patient (within the actor's reach)."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    units = checked_amount(quantity, "quantity")
    center = cost_center_options().filter(code=str(cost_center_code)[:20]).first()
    if center is None:
        raise ValidationFailed(
            "Centro di costo sconosciuto.", code="cost_center_unknown", field="cost_center"
        )
    patient = patient_get(user=actor, patient_id=patient_id) if patient_id else None
    moment = clock(now)
    with transaction.atomic():
        formula = (
            Formula.objects.select_for_update().filter(pk=formula_id).first()
            if formula_id
            else None
        )
        if formula is None:
            raise NotFound("Formula non trovata.", code="formula_not_found")
        if formula.state != FormulaState.PUBLISHED:
            raise ConflictError(
                "Si prepara solo dalla versione pubblicata della formula.",
                code="formula_not_published",
            )
        batch = Batch.objects.create(
            formula=formula,
            number=_number(moment),
            quantity=units,
            cost_center=center,
            patient=patient,
            created_by=actor,
            updated_by=actor,
            tolerance_percent=tolerance_percent(),
        )
        for item in formula.ingredients.all():
            required = None  # a vehicle q.b.: nothing computed, what is used is weighed
            if item.quantity is not None and not item.quantum_satis:
                needed = scale(Quantity(item.quantity, Unit(item.unit)), units)
                required = checked_amount(needed.amount.quantize(Decimal("0.000001")))
            BatchLine.objects.create(
                batch=batch,
                ingredient=item,
                product_id=item.product_id,
                required=required,
                unit=item.unit,
            )
        audit_record(
            event=events.BATCH_OPENED,
            actor=actor,
            workstation=workstation,
            target=batch,
            patient_id=batch.patient_id,
            after={"number": batch.number, "formula": formula.pk, "quantity": f"{units}"},
        )
    return batch


def _open_batch_line(line_id: int) -> tuple[Batch, BatchLine]:
    line = BatchLine.objects.filter(pk=line_id).only("batch_id").first()
    if line is None:
        raise NotFound("Componente del lotto non trovato.", code="line_not_found")
    batch = batch_for_update(line.batch_id)
    if batch.state == BatchState.REJECTED:
        raise ConflictError(REJECTED_TEXT, code="batch_rejected")
    if batch.state != BatchState.OPEN:
        raise ConflictError(
            "Il lotto non è più in preparazione.",
            code="batch_not_open",
            details={"state": batch.state},
        )
    return batch, BatchLine.objects.select_for_update().get(pk=line_id)


def _checked_lot(line: BatchLine, lot: str, today: date) -> date:
    held = lots_named(lot=lot)
    mine = [held_lot for held_lot in held if held_lot.product_id == line.product_id]
    if not mine:
        if held:
            raise ValidationFailed(
                f"Il lotto {lot} è di un'altra materia prima.",
                code="lot_wrong_product",
                field="lot",
            )
        raise ValidationFailed(
            f"Il lotto {lot} non è in giacenza.", code="lot_not_in_stock", field="lot"
        )
    expiry = min(held_lot.expiry for held_lot in mine)
    if expiry < today:
        raise ValidationFailed(
            f"Il lotto {lot} è scaduto il {expiry:%d/%m/%Y}.", code="lot_expired", field="lot"
        )
    return expiry


@dataclass(frozen=True)
class Weighing:
    line: BatchLine
    deviation_percent: Decimal | None  # None: a vehicle q.b. (nothing to compare with)
    within_tolerance: bool
    discarded: DiscardedWeighing | None = None  # the earlier weighing thrown away, if any


def _previous_fate(line: BatchLine, previous: str, lot: str) -> PreviousFate | None:
    """What became of the material of a line already weighed: said by whoever weighs again
    (``previous_fate_required``, ``previous_fate_unknown``); nothing to say the first time.
    Corrected on the same material only from the same lot (``lot_changed_discard_previous``):
    two lots in one weighing would leave the batch record naming only one."""
    if line.weighed is None:
        return None
    if not previous:
        raise ValidationFailed(
            "Il componente è già stato pesato: indica se il materiale della pesata precedente "
            "è stato scartato o corretto.",
            code="previous_fate_required",
            field="previous",
        )
    if previous not in PreviousFate.values:
        raise ValidationFailed(
            "Esito della pesata precedente non previsto (scartato o corretto).",
            code="previous_fate_unknown",
            field="previous",
        )
    fate = PreviousFate(previous)
    if fate is PreviousFate.ADJUSTED and lot != line.lot:
        raise ValidationFailed(
            f"La pesata precedente è del lotto {line.lot}: con un altro lotto il materiale "
            "precedente va scartato.",
            code="lot_changed_discard_previous",
            field="previous",
        )
    return fate


def _discard(
    batch: Batch, line: BatchLine, *, actor: User, workstation: Workstation, moment: datetime
) -> DiscardedWeighing:
    """The line's current weighing thrown away: out of the stock as waste, kept on record."""
    assert line.weighed is not None and line.weighed_by_id is not None and line.weighed_at
    wasted = weighed_to_waste(
        batch=batch, line=line, weighed=line.weighed, unit=line.unit, lot=line.lot,
        reason=f"Lotto galenico {batch.number}: pesata ripetuta, materiale scartato",
        moment=moment, actor=actor, workstation=workstation,
    )  # fmt: skip
    return DiscardedWeighing.objects.create(
        line=line, weighed=line.weighed, unit=line.unit, lot=line.lot,
        within_tolerance=line.within_tolerance, weighed_by_id=line.weighed_by_id,
        weighed_at=line.weighed_at, discarded_by=actor, discarded_at=moment,
        wasted_units=wasted.units if wasted.done else None, waste_refusal=wasted.refusal,
    )  # fmt: skip


def line_weigh(
    *,
    actor: User,
    workstation: Workstation,
    line_id: int,
    quantity: Decimal,
    unit: str = "",
    lot: str,
    previous: str = "",
    now: datetime | None = None,
) -> Weighing:
    """What was weighed or measured for a worksheet line and from which lot (scanned or
    typed). Refusals: ``lot_required``, ``lot_not_in_stock``, ``lot_wrong_product``,
    ``lot_expired``, ``quantity_invalid``, ``quantity_too_large``, ``unit_unknown``,
    ``unit_incompatible``, ``batch_not_open``. A weighing outside the tolerance is kept
    (``within_tolerance`` false) and blocks the release until weighed again; a vehicle
    q.b. has no tolerance (what was used is recorded).

    Weighed again, ``previous`` says what became of the earlier material: ``adjusted``
    (corrected on the same material, same lot: the new figure is the whole amount used) or
    ``discarded`` (thrown away: unloaded from its lot as waste now, kept as a
    ``DiscardedWeighing``), so the stock loses what the laboratory really used."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    amount = checked_amount(quantity, "quantity")
    lot_text = clean_text(lot, "lot", limit=40, required="Indica o scansiona il lotto.")
    moment = clock(now)
    with transaction.atomic():
        batch, line = _open_batch_line(line_id)
        weighed_unit = unit_of(unit) if unit else Unit(line.unit)
        in_line_unit = checked_amount(convert(amount, weighed_unit, Unit(line.unit)))
        expiry = _checked_lot(line, lot_text, timezone.localtime(moment).date())
        fate = _previous_fate(line, previous, lot_text)
        before = (
            {"weighed": f"{line.weighed}", "lot": line.lot, "previous": fate.value}
            if fate is not None
            else None
        )
        discarded = (
            _discard(batch, line, actor=actor, workstation=workstation, moment=moment)
            if fate is PreviousFate.DISCARDED
            else None
        )
        deviation, passed = weighing_check(line.required, in_line_unit, batch.tolerance_percent)
        line.weighed, line.lot, line.lot_expiry = in_line_unit, lot_text, expiry
        line.within_tolerance, line.weighed_by, line.weighed_at = passed, actor, moment
        line.save()
        audit_record(
            event=events.LINE_WEIGHED,
            actor=actor,
            workstation=workstation,
            target=line,
            patient_id=batch.patient_id,
            before=before,
            after={
                "batch": batch.number,
                "product": line.product_id,
                "required": "q.b." if line.required is None else f"{line.required}",
                "weighed": f"{in_line_unit}",
                "unit": line.unit,
                "lot": lot_text,
                "deviation_percent": "" if deviation is None else f"{deviation:.2f}",
                "within_tolerance": passed,
                **(
                    {
                        "discarded_units": discarded.wasted_units,
                        "waste_refusal": discarded.waste_refusal,
                    }
                    if discarded is not None
                    else {}
                ),
            },
        )
    return Weighing(line, deviation, passed, discarded)


def qc_record(
    *,
    actor: User,
    workstation: Workstation,
    batch_id: int,
    control: str,
    passed: bool,
    value: str = "",
) -> QcResult:
    """A quality control's result (the last one of a control counts). Refusals:
    ``quality_control_unknown``, ``batch_released``, ``batch_rejected``."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    if control not in CONTROL_CODES:
        raise ValidationFailed(
            "Controllo di qualità sconosciuto.", code="quality_control_unknown", field="control"
        )
    text = clean_text(value, "value")
    with transaction.atomic():
        batch = batch_for_update(batch_id)
        if batch.state == BatchState.RELEASED:
            raise ConflictError("Il lotto è già rilasciato.", code="batch_released")
        if batch.state == BatchState.REJECTED:
            raise ConflictError(REJECTED_TEXT, code="batch_rejected")
        result = QcResult.objects.create(
            batch=batch, control=control, passed=bool(passed), value=text, recorded_by=actor
        )
        audit_record(
            event=events.QC_RECORDED,
            actor=actor,
            workstation=workstation,
            target=batch,
            patient_id=batch.patient_id,
            after={
                "batch": batch.number,
                "control": control,
                "passed": bool(passed),
                "value": text,
            },
        )
    return result


def _ensure_weighed(batch: Batch) -> list[BatchLine]:
    lines = list(batch.lines.select_related("product"))
    missing = [line.product.name for line in lines if line.weighed is None]
    if missing:
        raise ConflictError(
            "Componenti non ancora pesati: " + ", ".join(missing) + ".",
            code="weighing_missing",
            details={"products": missing},
        )
    outside = [line.product.name for line in lines if not line.within_tolerance]
    if outside:
        raise ConflictError(
            "Pesate fuori tolleranza (ripesare): " + ", ".join(outside) + ".",
            code="weighing_out_of_tolerance",
            details={"products": outside},
        )
    return lines


def batch_prepared(
    *, actor: User, workstation: Workstation, batch_id: int, now: datetime | None = None
) -> Batch:
    """The preparer declares the preparation complete (every line weighed within the
    tolerance): the batch waits for the pharmacist's check and release."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    moment = clock(now)
    with transaction.atomic():
        batch = batch_for_update(batch_id)
        if batch.state == BatchState.REJECTED:
            raise ConflictError(REJECTED_TEXT, code="batch_rejected")
        if batch.state != BatchState.OPEN:
            raise ConflictError("Il lotto non è più in preparazione.", code="batch_not_open")
        _ensure_weighed(batch)
        batch.state, batch.prepared_by, batch.prepared_at = BatchState.PREPARED, actor, moment
        batch.save(update_fields=["state", "prepared_by", "prepared_at", *batch.bump(by=actor)])
        audit_record(
            event=events.BATCH_PREPARED,
            actor=actor,
            workstation=workstation,
            target=batch,
            patient_id=batch.patient_id,
            after={"batch": batch.number},
        )
    return batch


def last_results(batch: Batch) -> dict[str, bool]:
    return {r.control: r.passed for r in batch.qc_results.order_by("created_at", "pk")}


def _unload(batch: Batch, lines: list[BatchLine], actor: User, workstation: Workstation) -> None:
    for line in lines:
        assert line.weighed is not None
        item = line.ingredient
        units = stock_units(
            Quantity(line.weighed, Unit(line.unit)),
            Quantity(item.stock_amount, Unit(item.stock_unit)),
        )
        location = lot_location(product_id=line.product_id, lot=line.lot)
        if location is None:
            raise ConflictError(
                f"Il lotto {line.lot} di {line.product.name} non è più in giacenza.",
                code="lot_not_in_stock",
            )
        stock_unload(
            actor=actor,
            workstation=workstation,
            product=line.product,
            quantity=units,
            location=location,
            cost_center=batch.cost_center,
            reference=f"galenic:{batch.number}",
            lot=line.lot,
            now=batch.released_at or timezone.now(),
            patient=batch.patient,
        )


def batch_release(
    *, actor: User, workstation: Workstation, batch_id: int, now: datetime | None = None
) -> Batch:
    """The pharmacist's check and release: not by whoever prepared or weighed it
    (``release_by_preparer``); every required control recorded and passed
    (``qc_missing``, ``qc_failed``); the beyond-use date the earlier of the formula's
    stability and the earliest lot expiry; the lots unloaded from the stock in the same
    transaction (``stock_insufficient``, ``lot_expired``, ``lot_not_in_stock``: nothing
    released). A rejected batch is never released (``batch_rejected``)."""
    require_permission(actor, RELEASE, RELEASE_REFUSED)
    moment = clock(now)
    with transaction.atomic():
        batch = batch_for_update(batch_id)
        if batch.state == BatchState.RELEASED:
            raise ConflictError("Il lotto è già rilasciato.", code="batch_released")
        if batch.state == BatchState.REJECTED:
            raise ConflictError(REJECTED_TEXT, code="batch_rejected")
        if batch.state != BatchState.PREPARED:
            raise ConflictError(
                "Il lotto non è ancora dichiarato preparato.", code="batch_not_prepared"
            )
        lines = _ensure_weighed(batch)
        preparers = {batch.prepared_by_id, *(line.weighed_by_id for line in lines)}
        if actor.pk in preparers:
            raise PermissionRefused(
                "Hai preparato o pesato questo lotto: il controllo e il rilascio spettano a "
                "un altro farmacista.",
                code="release_by_preparer",
            )
        gaps = qc_gaps(batch.formula.quality_controls, last_results(batch))
        if gaps:
            failed = [g for g in gaps if g.problem == "failed"]
            raise ConflictError(
                ("Controlli non conformi: " if failed else "Controlli mancanti: ")
                + ", ".join(g.label for g in (failed or gaps))
                + ".",
                code="qc_failed" if failed else "qc_missing",
                details={"controls": [g.control for g in gaps]},
            )
        batch.state, batch.released_by, batch.released_at = BatchState.RELEASED, actor, moment
        batch.beyond_use = beyond_use_date(
            timezone.localtime(batch.prepared_at or moment).date(),
            batch.formula.stability_days,
            [line.lot_expiry for line in lines if line.lot_expiry is not None],
        )
        batch.save(
            update_fields=[
                "state", "released_by", "released_at", "beyond_use", *batch.bump(by=actor)
            ]
        )  # fmt: skip
        _unload(batch, lines, actor, workstation)
        audit_record(
            event=events.BATCH_RELEASED,
            actor=actor,
            workstation=workstation,
            target=batch,
            patient_id=batch.patient_id,
            after={"batch": batch.number, "beyond_use": batch.beyond_use.isoformat()},
        )
    return batch
