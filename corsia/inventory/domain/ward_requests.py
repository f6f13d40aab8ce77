"""Requests from the wards and clinics to the pharmacy (richieste di reparto), pure rules.

A request goes one way, each step done by whom the hospital expects:

    draft ──submit──► submitted ──evaluate──► evaluated ──pick──► picked ──deliver──►
    delivered ──receive──► received
                         └─(every line refused)─► refused
    draft / submitted ──cancel (reason)──► cancelled

The ward writes and submits (a nurse, the coordinator, a physician); a pharmacist evaluates
each line (approve as asked, modify the quantity with a reason, refuse with a reason, or
substitute an equivalent product with a reason); the pharmacy (pharmacist or technician)
picks by scanning each pack and delivers (the units move to the ward's cabinet); the ward
receives, scanning what arrived, and every difference is recorded with its reason.

Par levels (livelli di scorta) of a ward cabinet: for each product a *par* (the quantity
the cabinet should hold after a restock) and a *reorder point* (at or below it the product
is restocked). The restock proposal brings each product at or below its reorder point back
to par: ``par − on hand`` (less what is already on its way from the pharmacy).

Quantities are whole units (vials, tablets, ampoules), never negative. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from corsia.core.domain.errors import ConflictError, ValidationFailed

MAX_UNITS = 100_000
REASON_MAX = 500


class RequestState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    EVALUATED = "evaluated"
    REFUSED = "refused"
    PICKED = "picked"
    DELIVERED = "delivered"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class RequestAction(StrEnum):
    SUBMIT = "submit"
    EVALUATE = "evaluate"
    PICK = "pick"  # a pack scanned into the pick (the state stays evaluated)
    CLOSE_PICK = "close_pick"
    DELIVER = "deliver"
    RECEIVE = "receive"
    CANCEL = "cancel"
    EDIT = "edit"  # lines added or changed


STATE_LABELS: Mapping[RequestState, str] = {
    RequestState.DRAFT: "bozza",
    RequestState.SUBMITTED: "inviata alla farmacia",
    RequestState.EVALUATED: "valutata dalla farmacia",
    RequestState.REFUSED: "rifiutata dalla farmacia",
    RequestState.PICKED: "prelevata",
    RequestState.DELIVERED: "consegnata al reparto",
    RequestState.RECEIVED: "ricevuta dal reparto",
    RequestState.CANCELLED: "annullata",
}

# action -> the states it may start from
_ALLOWED: Mapping[RequestAction, frozenset[RequestState]] = {
    RequestAction.EDIT: frozenset({RequestState.DRAFT}),
    RequestAction.SUBMIT: frozenset({RequestState.DRAFT}),
    RequestAction.EVALUATE: frozenset({RequestState.SUBMITTED}),
    RequestAction.PICK: frozenset({RequestState.EVALUATED}),
    RequestAction.CLOSE_PICK: frozenset({RequestState.EVALUATED}),
    RequestAction.DELIVER: frozenset({RequestState.PICKED}),
    RequestAction.RECEIVE: frozenset({RequestState.DELIVERED}),
    RequestAction.CANCEL: frozenset({RequestState.DRAFT, RequestState.SUBMITTED}),
}

_ACTION_LABELS: Mapping[RequestAction, str] = {
    RequestAction.EDIT: "modificata",
    RequestAction.SUBMIT: "inviata",
    RequestAction.EVALUATE: "valutata",
    RequestAction.PICK: "prelevata",
    RequestAction.CLOSE_PICK: "chiusa al prelievo",
    RequestAction.DELIVER: "consegnata",
    RequestAction.RECEIVE: "ricevuta",
    RequestAction.CANCEL: "annullata",
}


class RequestStateInvalid(ConflictError):
    code = "request_state_invalid"


class RequestInvalid(ValidationFailed):
    code = "request_invalid"


def require_state(state: str, action: RequestAction) -> RequestState:
    """The request's state, if ``action`` may be done in it; else a clear conflict."""
    current = RequestState(state)
    if current not in _ALLOWED[action]:
        raise RequestStateInvalid(
            f"La richiesta è {STATE_LABELS[current]}: non può essere {_ACTION_LABELS[action]} ora.",
            details={"state": current.value, "action": action.value},
        )
    return current


def units(value: object, *, field: str = "quantity", allow_zero: bool = False) -> int:
    """A whole number of units, 1 (or 0) to 100,000; anything else refused."""
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_UNITS:
        raise RequestInvalid(
            f"La quantità deve essere un numero intero di unità da {low} a {MAX_UNITS:,}.".replace(
                ",", "."
            ),
            code="quantity_invalid",
            field=field,
            details={"quantity": str(value)},
        )
    return value


def reason_text(value: str, *, field: str = "reason", what: str = "il motivo") -> str:
    text = (value or "").strip()
    if not text:
        raise RequestInvalid(f"Indica {what}.", code="reason_required", field=field)
    if len(text) > REASON_MAX:
        raise RequestInvalid(
            f"Il testo supera i {REASON_MAX} caratteri.", code="reason_too_long", field=field
        )
    return text


# --- the request as written by the ward -------------------------------------------------


class RequestKind(StrEnum):
    NAMED_PATIENT = "named_patient"  # per paziente (nominale)
    WARD_STOCK = "ward_stock"  # reintegro scorta di reparto


class Urgency(StrEnum):
    URGENT = "urgent"
    ROUTINE = "routine"


@dataclass(frozen=True)
class LineDraft:
    product_id: int
    units: int
    patient_id: int | None = None
    note: str = ""


def check_lines(kind: RequestKind, lines: Sequence[LineDraft]) -> None:
    """What a request must hold to be submitted: at least one line, whole positive units, a
    product once per patient (twice is a typing error), a patient on every line of a named
    request and on none of a ward-stock one."""
    if not lines:
        raise RequestInvalid(
            "La richiesta non contiene alcuna riga.", code="request_empty", field="lines"
        )
    seen: set[tuple[int, int | None]] = set()
    for index, line in enumerate(lines, start=1):
        units(line.units, field=f"lines[{index}].units")
        if kind == RequestKind.NAMED_PATIENT and line.patient_id is None:
            raise RequestInvalid(
                f"Riga {index}: una richiesta nominale indica il paziente di ogni riga.",
                code="patient_required",
                field=f"lines[{index}].patient",
            )
        if kind == RequestKind.WARD_STOCK and line.patient_id is not None:
            raise RequestInvalid(
                f"Riga {index}: una richiesta per la scorta di reparto non indica pazienti.",
                code="patient_not_expected",
                field=f"lines[{index}].patient",
            )
        key = (line.product_id, line.patient_id)
        if key in seen:
            raise RequestInvalid(
                f"Riga {index}: lo stesso medicinale è già richiesto"
                + (" per lo stesso paziente." if line.patient_id else "."),
                code="line_duplicate",
                field=f"lines[{index}].product",
            )
        seen.add(key)


# --- the pharmacist's evaluation --------------------------------------------------------


class Decision(StrEnum):
    APPROVE = "approve"  # as requested
    MODIFY = "modify"  # another quantity, with the reason
    REFUSE = "refuse"  # nothing, with the reason
    SUBSTITUTE = "substitute"  # an equivalent product, with the reason


@dataclass(frozen=True)
class LineDecision:
    decision: Decision
    units: int | None = None  # modify / substitute: the units approved
    reason: str = ""
    substitute_product_id: int | None = None


@dataclass(frozen=True)
class LineOutcome:
    decision: Decision
    units_approved: int
    reason: str
    substitute_product_id: int | None


def evaluate_line(
    *, product_id: int, requested: int, decision: LineDecision, field: str = "decision"
) -> LineOutcome:
    """One line's outcome: approve gives what was asked; modify another quantity (1 or more,
    not the same: that is an approval) with a reason; refuse nothing with a reason;
    substitute another product (the pharmacy checked it is equivalent) with its quantity and
    the reason."""
    kind = Decision(decision.decision)
    if kind == Decision.APPROVE:
        return LineOutcome(kind, requested, decision.reason.strip(), None)
    reason = reason_text(decision.reason, field=f"{field}.reason", what="il motivo della decisione")
    if kind == Decision.REFUSE:
        return LineOutcome(kind, 0, reason, None)
    approved = units(decision.units, field=f"{field}.units")
    if kind == Decision.MODIFY:
        if approved == requested:
            raise RequestInvalid(
                "La quantità approvata è quella richiesta: approva la riga senza modificarla.",
                code="modify_same_quantity",
                field=f"{field}.units",
            )
        return LineOutcome(kind, approved, reason, None)
    substitute = decision.substitute_product_id
    if substitute is None:
        raise RequestInvalid(
            "Indica il medicinale equivalente che sostituisce quello richiesto.",
            code="substitute_required",
            field=f"{field}.substitute",
        )
    if substitute == product_id:
        raise RequestInvalid(
            "Il sostituto è lo stesso medicinale richiesto: approva o modifica la riga.",
            code="substitute_same_product",
            field=f"{field}.substitute",
        )
    return LineOutcome(kind, approved, reason, substitute)


def state_after_evaluation(outcomes: Iterable[LineOutcome]) -> RequestState:
    """Evaluated when something is to be delivered; refused when every line was refused."""
    if all(o.units_approved == 0 for o in outcomes):
        return RequestState.REFUSED
    return RequestState.EVALUATED


# --- picking ------------------------------------------------------------------------------


class PickRefused(ValidationFailed):
    code = "pick_refused"


def check_pick(*, approved: int, picked: int, adding: int) -> int:
    """Units picked after ``adding`` the pack's units; never more than approved."""
    if picked + adding > approved:
        raise PickRefused(
            f"Prelievo oltre il quantitativo approvato: approvate {approved} unità, già "
            f"prelevate {picked}, la confezione ne contiene {adding}.",
            code="pick_exceeds_approved",
            field="barcode",
            details={"approved": approved, "picked": picked, "pack_units": adding},
        )
    return picked + adding


@dataclass(frozen=True)
class PickLine:
    line_id: int
    approved: int
    picked: int


def pick_shortfalls(lines: Iterable[PickLine]) -> dict[int, int]:
    """Line id → units approved but not picked (only the lines short)."""
    return {ln.line_id: ln.approved - ln.picked for ln in lines if ln.picked < ln.approved}


def check_close_pick(lines: Sequence[PickLine], reason: str) -> str:
    """A pick closes complete, or short with the reason (the stock could not give it);
    something must have been picked, else the request is refused, not delivered."""
    if not any(ln.picked for ln in lines):
        raise PickRefused(
            "Nessuna confezione è stata prelevata: non c'è nulla da consegnare.",
            code="pick_empty",
        )
    if pick_shortfalls(lines):
        return reason_text(reason, what="il motivo del prelievo incompleto")
    return (reason or "").strip()


# --- receipt --------------------------------------------------------------------------------


class DiscrepancyKind(StrEnum):
    MISSING = "missing"  # fewer units arrived
    EXCESS = "excess"  # more arrived


@dataclass(frozen=True)
class ReceiptLine:
    line_id: int
    delivered: int
    received: int


@dataclass(frozen=True)
class Discrepancy:
    line_id: int
    kind: DiscrepancyKind
    units: int


def receipt_discrepancies(lines: Iterable[ReceiptLine]) -> list[Discrepancy]:
    """Each line where what arrived differs from what was delivered: missing or excess."""
    found = []
    for ln in lines:
        units(ln.received, field="received", allow_zero=True)
        if ln.received < ln.delivered:
            found.append(
                Discrepancy(ln.line_id, DiscrepancyKind.MISSING, ln.delivered - ln.received)
            )
        elif ln.received > ln.delivered:
            found.append(
                Discrepancy(ln.line_id, DiscrepancyKind.EXCESS, ln.received - ln.delivered)
            )
    return found


# --- par levels and the restock proposal --------------------------------------------------


@dataclass(frozen=True)
class ParLevelRule:
    product_id: int
    par: int
    reorder_point: int


def check_par_level(par: object, reorder_point: object) -> tuple[int, int]:
    """A par of 1 or more units and a reorder point from 0 below the par (at the par every
    unloaded unit would trigger a restock)."""
    par_units = units(par, field="par")
    point = units(reorder_point, field="reorder_point", allow_zero=True)
    if point >= par_units:
        raise RequestInvalid(
            f"Il punto di riordino ({point}) deve essere minore della scorta ottimale "
            f"({par_units}).",
            code="reorder_point_not_below_par",
            field="reorder_point",
        )
    return par_units, point


@dataclass(frozen=True)
class RestockLine:
    product_id: int
    on_hand: int
    in_transit: int
    par: int
    reorder_point: int
    units: int  # to request


def restock_proposal(
    levels: Iterable[ParLevelRule],
    on_hand: Mapping[int, int],
    in_transit: Mapping[int, int] | None = None,
) -> list[RestockLine]:
    """The ward-stock request that brings the cabinet back to par.

    A product is proposed when its usable units on hand are at or below its reorder point;
    the units proposed are ``par − on hand − in transit`` (in transit: already asked for in
    a request submitted and not yet received), none when that is zero or less.
    """
    transit = in_transit or {}
    proposal = []
    for level in sorted(levels, key=lambda lv: lv.product_id):
        have = on_hand.get(level.product_id, 0)
        if have > level.reorder_point:
            continue
        coming = transit.get(level.product_id, 0)
        wanted = level.par - have - coming
        if wanted > 0:
            proposal.append(
                RestockLine(
                    product_id=level.product_id,
                    on_hand=have,
                    in_transit=coming,
                    par=level.par,
                    reorder_point=level.reorder_point,
                    units=wanted,
                )
            )
    return proposal
