"""What the acts of a ward request share: the permission names, the request locked for the
change (with the version the user's screen was built from), the step recorded with its
audit event, and the pack barcode read into the pack, lot and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.domain.aic import InvalidAic
from corsia.drugs.domain.barcodes import BarcodeUnreadable
from corsia.drugs.selectors import pack_find_by_barcode
from corsia.inventory.domain.ward_requests import (
    STATE_LABELS,
    RequestAction,
    RequestState,
    RequestStateInvalid,
    require_state,
)
from corsia.inventory.models import WardRequest, WardRequestStep
from corsia.inventory.selectors_ward_requests import in_ward_scope

if TYPE_CHECKING:
    from corsia.drugs.models import Pack

VIEW_REQUESTS = "inventory.view_ward_requests"
REQUEST = "inventory.request_ward_supplies"
EVALUATE = "inventory.evaluate_ward_request"
PICK = "inventory.pick_ward_request"
MANAGE_PAR = "inventory.manage_par_levels"

REQUEST_REFUSED = "Non hai il permesso di richiedere farmaci alla farmacia."
EVALUATE_REFUSED = "Solo il farmacista valuta le richieste dei reparti."
PICK_REFUSED = "Non hai il permesso di prelevare e consegnare le richieste dei reparti."
PAR_REFUSED = "Non hai il permesso di impostare i livelli di scorta."

BARCODE_MAX = 200


def text120(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


def locked_request(request_id: int, version: int | None = None, *, actor: User) -> WardRequest:
    """The request, locked until the end of the transaction; ``version``: the one the
    user's screen showed (someone else changed it since: a conflict naming who). A request
    of a ward out of the actor's wards (``selectors_ward_requests.ward_scope``) is answered
    as one that does not exist."""
    found = (
        WardRequest.objects.select_for_update(of=("self",))  # not the ward, nor the cabinet
        .select_related("cabinet", "ward")
        .filter(pk=request_id)
        .first()
    )
    if found is None or not in_ward_scope(actor, found.ward_id):
        raise NotFound(
            "Richiesta di reparto non trovata.",
            code="ward_request_not_found",
            details={"id": request_id},
        )
    if version is not None:
        found.check_version(version)
    return found


def require_step(request: WardRequest, action: RequestAction) -> RequestState:
    """``domain.require_state``, the refusal completed with who did the last step."""
    try:
        return require_state(request.state, action)
    except RequestStateInvalid as refused:
        last = request.steps.select_related("actor").order_by("-at", "-id").first()
        if last is not None:
            name = last.actor.get_full_name() or last.actor.username
            when = timezone.localtime(last.at)
            refused.message += f" Ultimo passaggio: {name}, {when:%d/%m/%Y %H:%M}."
            refused.args = (refused.message,)
            refused.details["last_by"] = name
            refused.details["last_at"] = last.at.isoformat()
        raise


def step_record(
    request: WardRequest,
    *,
    action: RequestAction,
    state: RequestState,
    event: EventType,
    actor: User,
    workstation: Workstation,
    now: datetime,
    reason: str = "",
    after: dict[str, Any] | None = None,
) -> WardRequestStep:
    """The request moves to ``state``: the step, the version bumped, the audit event."""
    before = request.state
    request.state = state.value
    fields = request.bump(by=actor)
    request.save(update_fields=["state", *fields])
    step = WardRequestStep.objects.create(
        request=request,
        action=action.value,
        state=state.value,
        reason=reason,
        actor=actor,
        workstation=text120(workstation),
        at=now,
    )
    request_audit(
        event,
        request,
        actor=actor,
        workstation=workstation,
        reason=reason,
        after={"state": state.value, "from": before} | (after or {}),
    )
    return step


def request_audit(
    event: EventType,
    request: WardRequest,
    *,
    actor: User,
    workstation: Workstation,
    reason: str = "",
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=request,
        after={"request": request.number, "ward": request.ward.code} | (after or {}),
        reason=reason,
    )


def state_label(state: str) -> str:
    return STATE_LABELS[RequestState(state)]


@dataclass(frozen=True)
class PackScan:
    barcode: str
    pack: Pack
    lot: str
    expiry: date | None


def pack_scan(raw: str, *, lot: str = "") -> PackScan:
    """The pack a scanner read (GS1 DataMatrix with lot and expiry, or the AIC's Code 39
    with the lot typed beside it). Unreadable or unknown: a clear refusal."""
    text = (raw or "").strip()
    if not text or len(text) > BARCODE_MAX:
        raise ValidationFailed(
            "Codice a barre mancante o non leggibile: ripeti la scansione.",
            code="barcode_unreadable",
            field="barcode",
        )
    try:
        pack, scan = pack_find_by_barcode(raw=text)
    except (BarcodeUnreadable, InvalidAic):
        raise ValidationFailed(
            "Codice a barre non leggibile: ripeti la scansione o digita l'AIC.",
            code="barcode_unreadable",
            field="barcode",
        ) from None
    except NotFound:
        raise ValidationFailed(
            "La confezione letta non è nell'archivio farmaci.",
            code="pack_not_found",
            field="barcode",
        ) from None
    scanned_lot = str(scan.get("lot") or "").strip()
    typed = (lot or "").strip()
    if scanned_lot and typed and scanned_lot != typed:
        raise ValidationFailed(
            f"Il lotto digitato ({typed}) non è quello letto sulla confezione ({scanned_lot}).",
            code="lot_mismatch",
            field="lot",
        )
    found_lot = (scanned_lot or typed)[:40]
    if not found_lot:
        raise ValidationFailed(
            "Il codice letto non riporta il lotto: indicalo (è stampato sulla confezione).",
            code="lot_required",
            field="lot",
        )
    expiry = scan.get("expiry")
    return PackScan(
        barcode=text,
        pack=pack,
        lot=found_lot,
        expiry=date.fromisoformat(expiry) if isinstance(expiry, str) else None,
    )


def expired_refusal(expiry: date, today: date) -> None:
    """A pack past its expiry never leaves the pharmacy for a ward (nor is received)."""
    if expiry < today:
        raise ConflictError(
            f"Confezione scaduta il {expiry:%d/%m/%Y}: non si consegna. Mettila da parte per "
            "lo smaltimento.",
            code="lot_expired",
            field="barcode",
            details={"expiry": expiry.isoformat()},
        )
