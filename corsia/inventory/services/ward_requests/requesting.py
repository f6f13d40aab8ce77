"""The ward's side before the pharmacy: write a request (for named patients or for the
cabinet's stock, the latter possibly from the par levels' proposal), submit it, cancel it;
and the cabinets' par levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.drugs.selectors import products_by_id
from corsia.inventory import audit_events as events
from corsia.inventory.domain import ward_requests as domain
from corsia.inventory.domain.ward_requests import RequestAction, RequestKind, RequestState
from corsia.inventory.models import (
    LocationKind,
    ParLevel,
    StorageLocation,
    WardRequest,
    WardRequestLine,
    WardRequestStep,
)
from corsia.inventory.selectors_ward_requests import cabinet_restock, in_ward_scope
from corsia.inventory.services.lots import local_day
from corsia.inventory.services.ward_requests.common import (
    MANAGE_PAR,
    PAR_REFUSED,
    REQUEST,
    REQUEST_REFUSED,
    locked_request,
    request_audit,
    require_step,
    step_record,
    text120,
)
from corsia.patients.selectors import patient_get

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

NOTE_MAX = 2000


@dataclass(frozen=True)
class RequestLineInput:
    product: MedicinalProduct
    units: int
    patient_id: int | None = None
    note: str = ""


def ward_cabinet_check(cabinet: StorageLocation) -> None:
    if cabinet.kind != LocationKind.WARD_CABINET or cabinet.ward_id is None:
        raise ValidationFailed(
            f"«{cabinet.code}» non è l'armadio di un reparto.",
            code="cabinet_not_ward",
            field="cabinet",
        )
    if not cabinet.is_active:
        raise ValidationFailed(
            f"L'armadio «{cabinet.code}» non è più attivo.",
            code="cabinet_inactive",
            field="cabinet",
        )


def _choice(value: str, enum: type[StrEnum], field: str, what: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        raise ValidationFailed(
            f"{what} sconosciuto: «{str(value)[:40]}».", code=f"{field}_invalid", field=field
        ) from None


def ward_request_create(
    *,
    actor: User,
    workstation: Workstation,
    cabinet: StorageLocation,
    kind: str,
    urgency: str,
    lines: Sequence[RequestLineInput],
    now: datetime,
    note: str = "",
    submit: bool = False,
) -> WardRequest:
    """A request of the cabinet's ward: a draft, or sent at once (``submit``). Refused,
    nothing saved: ``cabinet_not_ward``, ``kind_invalid``, ``urgency_invalid``,
    ``request_empty``, ``quantity_invalid``, ``patient_required`` /
    ``patient_not_expected``, ``line_duplicate``, a patient out of the user's scope."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    ward_cabinet_check(cabinet)
    assert cabinet.ward_id is not None  # a ward cabinet names its ward (checked above)
    if not in_ward_scope(actor, cabinet.ward_id):
        raise PermissionRefused(
            f"L'armadio «{cabinet.code}» è di un reparto a cui non sei assegnato: chiedi al "
            "coordinatore di assegnarti al reparto.",
            code="ward_not_assigned",
        )
    kind = _choice(kind, RequestKind, "kind", "Tipo di richiesta")
    urgency = _choice(urgency, domain.Urgency, "urgency", "Grado di urgenza")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            f"La nota supera i {NOTE_MAX} caratteri.", code="note_too_long", field="note"
        )
    domain.check_lines(
        RequestKind(kind),
        [domain.LineDraft(ln.product.pk, ln.units, ln.patient_id, ln.note) for ln in lines],
    )
    with transaction.atomic():
        patients = {
            ln.patient_id: patient_get(user=actor, patient_id=ln.patient_id).pk
            for ln in lines
            if ln.patient_id is not None
        }
        request = WardRequest.objects.create(
            ward_id=cabinet.ward_id,
            cabinet=cabinet,
            kind=kind,
            urgency=urgency,
            note=note,
            requested_by=actor,
            requested_at=now,
            requested_workstation=text120(workstation),
            updated_by=actor,
        )
        for position, ln in enumerate(lines, start=1):
            WardRequestLine.objects.create(
                request=request,
                position=position,
                product=ln.product,
                patient_id=patients.get(ln.patient_id) if ln.patient_id else None,
                units_requested=ln.units,
                note=(ln.note or "").strip()[:200],
                updated_by=actor,
            )
        WardRequestStep.objects.create(
            request=request,
            action="create",
            state=RequestState.DRAFT.value,
            actor=actor,
            workstation=text120(workstation),
            at=now,
        )
        request_audit(
            events.WARD_REQUEST_CREATED,
            request,
            actor=actor,
            workstation=workstation,
            after={
                "kind": kind,
                "urgency": urgency,
                "cabinet": cabinet.code,
                "lines": [
                    {"product": ln.product.code, "units": ln.units, "patient": ln.patient_id}
                    for ln in lines
                ],
            },
        )
        if submit:
            request = ward_request_submit(
                actor=actor, workstation=workstation, request_id=request.pk, now=now
            )
    return request


def ward_request_from_restock(
    *,
    actor: User,
    workstation: Workstation,
    cabinet: StorageLocation,
    urgency: str,
    now: datetime,
    note: str = "",
    submit: bool = False,
) -> WardRequest:
    """A ward-stock request of the cabinet's restock proposal, in one call: a line for each
    product at or below its reorder point, ``par − usable on hand − in transit`` units.
    Nothing to restock: ``restock_empty``, nothing saved."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    ward_cabinet_check(cabinet)
    with transaction.atomic():
        # the cabinet locked: two calls at once cannot both ask for the same units
        StorageLocation.objects.select_for_update().filter(pk=cabinet.pk).first()
        proposal = cabinet_restock(cabinet, today=local_day(now))
        if not proposal:
            raise ValidationFailed(
                f"Nessun medicinale dell'armadio «{cabinet.code}» è al punto di riordino o "
                "sotto: non c'è niente da chiedere.",
                code="restock_empty",
                field="cabinet",
            )
        products = products_by_id(ln.product_id for ln in proposal)
        return ward_request_create(
            actor=actor,
            workstation=workstation,
            cabinet=cabinet,
            kind=RequestKind.WARD_STOCK.value,
            urgency=urgency,
            note=note,
            submit=submit,
            now=now,
            lines=[RequestLineInput(products[ln.product_id], ln.units) for ln in proposal],
        )


def ward_request_submit(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    now: datetime,
    version: int | None = None,
) -> WardRequest:
    """The draft goes to the pharmacy; it can no longer be changed by the ward."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    with transaction.atomic():
        request = locked_request(request_id, version, actor=actor)
        require_step(request, RequestAction.SUBMIT)
        step_record(
            request,
            action=RequestAction.SUBMIT,
            state=RequestState.SUBMITTED,
            event=events.WARD_REQUEST_SUBMITTED,
            actor=actor,
            workstation=workstation,
            now=now,
        )
    return request


def ward_request_cancel(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    reason: str,
    now: datetime,
    version: int | None = None,
) -> WardRequest:
    """The ward withdraws a draft or a request not yet evaluated, with the reason."""
    require_permission(actor, REQUEST, REQUEST_REFUSED)
    reason = domain.reason_text(reason, what="il motivo dell'annullamento")
    with transaction.atomic():
        request = locked_request(request_id, version, actor=actor)
        require_step(request, RequestAction.CANCEL)
        step_record(
            request,
            action=RequestAction.CANCEL,
            state=RequestState.CANCELLED,
            event=events.WARD_REQUEST_CANCELLED,
            actor=actor,
            workstation=workstation,
            now=now,
            reason=reason,
        )
    return request


def par_level_save(
    *,
    actor: User,
    workstation: Workstation,
    cabinet: StorageLocation,
    product: MedicinalProduct,
    par: int,
    reorder_point: int,
    now: datetime,
    is_active: bool = True,
) -> ParLevel:
    """Set (or change, or deactivate) a product's par level in a ward cabinet; the former
    values stay in the history."""
    require_permission(actor, MANAGE_PAR, PAR_REFUSED)
    ward_cabinet_check(cabinet)
    par, reorder_point = domain.check_par_level(par, reorder_point)
    with transaction.atomic():
        level = (
            ParLevel.objects.select_for_update().filter(cabinet=cabinet, product=product).first()
        )
        before = (
            None
            if level is None
            else {"par": level.par, "reorder_point": level.reorder_point, "active": level.is_active}
        )
        if level is None:
            level = ParLevel(cabinet=cabinet, product=product)
        level.par = par
        level.reorder_point = reorder_point
        level.is_active = is_active
        level.updated_by = actor
        level.updated_at = now
        level.save()
        audit_record(
            event=events.PAR_LEVEL_SAVED,
            actor=actor,
            workstation=workstation,
            target=level,
            before=before,
            after={
                "cabinet": cabinet.code,
                "product": product.code,
                "par": par,
                "reorder_point": reorder_point,
                "active": is_active,
            },
        )
    return level
