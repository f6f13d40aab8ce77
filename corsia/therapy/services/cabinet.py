"""The ward cabinet, dose by dose: a dose given unloads its units from the ward's cabinet
(inventory's ledger of that place: ``inventory.services.stock_unload``, FEFO), a
correction gives them back (``stock_return`` of the same lots). Never in the way of the
clinical act: when the unload cannot be done (no cabinet, no product, a unit that does
not convert, no stock) the dose stays recorded and a flagged ``CabinetMove`` tells the
pharmacy what is missing. Also: the cabinet's reorder levels."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.drugs.selectors import product_find
from corsia.inventory import selectors as stock_selectors
from corsia.inventory import services as stock_services
from corsia.patients.selectors import ward_id_by_code
from corsia.therapy import audit_events as events
from corsia.therapy.domain.cabinet import IU_PER_MG, units_for_dose
from corsia.therapy.models import CabinetLevel, CabinetMove, CabinetMoveKind, DoseRecord
from corsia.therapy.permissions import MANAGE_CABINET


class _Flag(Exception):
    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


def _flagged(
    move: dict[str, object], problem: str, message: str, *, actor: User, ws: Workstation
) -> CabinetMove:
    row = CabinetMove.objects.create(**move, flagged=True, problem=problem, message=message[:300])
    audit_record(
        event=events.CABINET_UNLOAD_FLAGGED,
        actor=actor,
        workstation=ws,
        target=row,
        patient_id=row.patient_id,
        after={"dose": row.dose_id, "kind": row.kind, "problem": problem, "message": message},
    )
    return row


def _units(record: DoseRecord, product_id: int | None) -> tuple[object, int]:
    p = record.prescription
    product = product_find(product_id=product_id) if product_id else None
    if product is None:
        raise _Flag(
            "cabinet_product_unknown",
            "Confezione non scansionata e prescrizione senza medicinale: scarico da fare a mano.",
        )
    units = units_for_dose(
        dose=record.amount if record.amount is not None else p.dose,
        dose_unit=p.dose_unit,
        strength=product.strength,
        strength_unit=product.strength_unit,
        iu_per_mg=IU_PER_MG.get(p.ingredient.code),
    )
    if units is None:
        raise _Flag(
            "cabinet_unit_unknown",
            f"La dose in {p.dose_unit} non si converte nelle unità di {product.name}.",
        )
    return product, units


def cabinet_unload(
    *, actor: User, workstation: Workstation, record: DoseRecord, product_id: int | None
) -> CabinetMove:
    """Unload the units of a dose given from its ward's cabinet, or flag why not. Called
    inside the dose's transaction; an inventory refusal rolls back only its savepoint."""
    p = record.prescription
    now = timezone.now()
    move: dict[str, object] = {
        "dose": record,
        "patient_id": record.patient_id,
        "ward_id": p.ward_id,
        "product_id": product_id,
        "kind": CabinetMoveKind.UNLOAD,
        "at": now,
        "by": actor,
    }
    try:
        product, units = _units(record, product_id)
        move["quantity"] = units
        cabinet = stock_selectors.ward_cabinet(ward_id=p.ward_id)
        center = stock_selectors.ward_cost_center(ward_id=p.ward_id)
        if cabinet is None or center is None:
            raise _Flag(
                "cabinet_missing", "Il reparto non ha un armadio o un centro di costo in Corsia."
            )
        try:
            with transaction.atomic():
                moved = stock_services.stock_unload(
                    actor=actor,
                    workstation=workstation,
                    product=product,  # type: ignore[arg-type]
                    quantity=units,
                    location=cabinet,
                    cost_center=center,
                    reference=f"terapia di reparto, dose {record.pk}",
                    now=now,
                    patient=p.patient,
                )
        except CorsiaError as refused:
            raise _Flag(f"cabinet_{refused.code}", refused.message) from None
    except _Flag as flag:
        return _flagged(move, flag.problem, flag.message, actor=actor, ws=workstation)
    return CabinetMove.objects.create(
        **move, lots=[{"lot": m.lot, "quantity": m.quantity} for m in moved]
    )


def cabinet_reverse(
    *,
    actor: User,
    workstation: Workstation,
    record: DoseRecord,
    correction: DoseRecord,
    now: datetime,
) -> list[CabinetMove]:
    """Give back to the cabinet what ``record``'s dose took (its lots), for its correction;
    what cannot be given back (a lot expired since) is flagged."""
    rows = []
    for unload in record.cabinet_moves.filter(kind=CabinetMoveKind.UNLOAD, flagged=False):
        move: dict[str, object] = {
            "dose": correction,
            "patient_id": correction.patient_id,
            "ward_id": unload.ward_id,
            "product_id": unload.product_id,
            "kind": CabinetMoveKind.REVERSAL,
            "quantity": unload.quantity,
            "at": now,
            "by": actor,
        }
        cabinet = stock_selectors.ward_cabinet(ward_id=unload.ward_id)
        product = product_find(product_id=unload.product_id) if unload.product_id else None
        try:
            if cabinet is None or product is None:
                raise _Flag("cabinet_missing", "Armadio di reparto non più in Corsia.")
            with transaction.atomic():
                for taken in unload.lots:
                    stock_services.stock_return(
                        actor=actor,
                        workstation=workstation,
                        product=product,
                        lot=str(taken["lot"]),
                        quantity=int(taken["quantity"]),
                        to_location=cabinet,
                        reason=f"somministrazione corretta: {correction.correction_reason}"[:1000],
                        now=now,
                        cost_center=stock_selectors.ward_cost_center(ward_id=unload.ward_id),
                        reference=f"terapia di reparto, dose {record.pk}",
                    )
        except _Flag as flag:
            rows.append(_flagged(move, flag.problem, flag.message, actor=actor, ws=workstation))
            continue
        except CorsiaError as refused:
            rows.append(
                _flagged(
                    move, f"cabinet_{refused.code}", refused.message, actor=actor, ws=workstation
                )
            )
            continue
        rows.append(CabinetMove.objects.create(**move, lots=unload.lots))
    return rows


def cabinet_level_set(
    *, actor: User, workstation: Workstation, ward_code: str, product_id: int, level: int
) -> CabinetLevel:
    """The reorder level of a product in the ward's cabinet (0: none)."""
    require_permission(actor, MANAGE_CABINET)
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 100_000:
        raise ValidationFailed(
            "La scorta minima è un numero intero di unità da 0 a 100.000.",
            code="reorder_level_invalid",
            field="reorder_level",
        )
    ward_id = ward_id_by_code(code=ward_code)
    if product_find(product_id=product_id) is None:
        raise ValidationFailed(
            "Medicinale sconosciuto.", code="product_unknown", field="product_id"
        )
    with transaction.atomic():
        row, _ = CabinetLevel.objects.select_for_update().update_or_create(
            ward_id=ward_id,
            product_id=product_id,
            defaults={"reorder_level": level, "updated_at": timezone.now()},
        )
        audit_record(
            event=events.CABINET_LEVEL_SET,
            actor=actor,
            workstation=workstation,
            target=row,
            after={"ward": ward_code, "product": product_id, "reorder_level": level},
        )
    return row
