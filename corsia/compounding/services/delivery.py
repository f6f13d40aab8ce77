"""Check-out and delivery: the day's released preparations of an order go into the
patient bag, reconciled label by label against the order (intrathecal ones in a bag of
their own; a vinca alkaloid by any route but intravenous never leaves), the order's
"delivered" milestone with the last bag; then the bag's transport temperature (a data
logger's CSV or a min/max thermometer) and, after an excursion, the pharmacist's
reasoned release."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.dispensed import dispensing_announce
from corsia.compounding.domain.labels import INTRAVENOUS_ROUTE, is_intrathecal, is_vinca_alkaloid
from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.transport import (
    decode_logger_file,
    min_max_readings,
    outside_range,
    parse_transport_csv,
    summarise_transport,
)
from corsia.compounding.domain.workflow import (
    PrepEvent,
    PrepState,
    preparation_id_from_label,
    preparation_label_code,
)
from corsia.compounding.models import CheckOut, Preparation, TransportLog
from corsia.compounding.services.pgx_hold import ensure_order_not_held
from corsia.compounding.services.steps import (
    PREPARE,
    RELEASE,
    clock,
    fire,
    milestone_record,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.prescribing.domain.states import OrderMilestone
from corsia.prescribing.selectors import order_for_update, pharmacy_items

TRANSPORT_REFUSED = "Non hai il permesso di registrare il trasporto."


def _scanned_ids(label_codes: Sequence[str]) -> set[int]:
    scanned: set[int] = set()
    for code in label_codes:
        if not code.strip():
            continue
        pk = preparation_id_from_label(code)
        if pk is None:
            raise ValidationFailed(
                f"«{code.strip()}» non è un'etichetta di preparazione.",
                code="label_unreadable",
                field="labels",
            )
        scanned.add(pk)
    return scanned


def checkout_record(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    day: date,
    label_codes: Sequence[str],
    delivery_document: str,
    now: datetime | None = None,
) -> CheckOut:
    """Put the day's preparations of one order into the patient bag.

    Reconciled against the order: every active pharmacy drug of that day must have a
    released preparation whose label was scanned; a missing one, a label of another
    order or an unreleased preparation refuses the whole bag (nothing recorded).

    Intrathecal preparations travel in their own bag (NHS England intrathecal
    chemotherapy guidance; ISMP): a bag holds either only intrathecal preparations or none
    (``checkout_intrathecal_mixed``), and the scanned labels say which bag this is; the
    day's drugs of the other kind go in the other bag. A vinca alkaloid ordered by any
    route but intravenous never leaves the pharmacy (``checkout_vinca_not_iv``).
    """
    require_permission(
        actor, PREPARE, "Non hai il permesso di fare il check-out delle preparazioni."
    )
    moment = clock(now)
    if not delivery_document.strip():
        raise ValidationFailed(
            "Indicare il numero del documento di consegna.", field="delivery_document"
        )
    with transaction.atomic():
        order = order_for_update(order_id)
        scanned_ids = _scanned_ids(label_codes)
        day_items = [i for i in pharmacy_items(order) if i.scheduled_date == day]
        day_preps = {
            p.order_item_id: p
            for p in Preparation.objects.select_for_update(of=("self",))
            .filter(order_id=order.pk, scheduled_date=day)
            .exclude(state=PrepState.REJECTED)
            .select_related("order_item__ingredient")
        }
        intrathecal = _bag_route(day_preps.values(), scanned_ids)
        expected_items = [i for i in day_items if is_intrathecal(i.route) == intrathecal]
        preps = {
            item_id: p
            for item_id, p in day_preps.items()
            if is_intrathecal(p.route or p.order_item.route) == intrathecal
        }
        foreign = scanned_ids - {p.pk for p in day_preps.values()}
        if foreign:
            raise ValidationFailed(
                "Etichetta di un'altra prescrizione o di un altro giorno: "
                f"{', '.join(preparation_label_code(i) for i in sorted(foreign))}. "
                "Toglierla dal sacchetto.",
                code="checkout_foreign_label",
                field="labels",
            )
        missing: list[str] = []
        for item in expected_items:
            prep = preps.get(item.pk)
            name = item.ingredient.name_it
            if prep is None:
                missing.append(f"{name} (preparazione non creata)")
            elif prep.state != PrepState.RELEASED:
                missing.append(f"{name} {prep.label_code} ({prep.state_label.lower()})")
            elif prep.pk not in scanned_ids:
                missing.append(f"{name} {prep.label_code} (non letta)")
        if not expected_items:
            raise ValidationFailed(
                "Nessuna preparazione prevista per questo giorno.", code="checkout_nothing"
            )
        if missing:
            raise ValidationFailed(
                "Sacchetto incompleto: mancano " + "; ".join(missing) + ".",
                code="checkout_incomplete",
                field="labels",
                details={"missing": missing},
            )
        _vinca_only_iv(preps.values())
        # a bag whose drug has a late pharmacogenomic result stays in the pharmacy (H65)
        ensure_order_not_held(order, (item.ingredient_id for item in expected_items))
        if CheckOut.objects.filter(order=order, day=day, intrathecal=intrathecal).exists():
            raise ConflictError(
                f"Il sacchetto {'intratecale ' if intrathecal else ''}di questo giorno è già "
                "stato registrato.",
                code="checkout_already_recorded",
            )
        checkout = CheckOut.objects.create(
            order=order,
            day=day,
            delivery_document=delivery_document.strip(),
            checked_out_by=actor,
            checked_out_at=moment,
            intrathecal=intrathecal,
        )
        for prep in preps.values():
            fields = fire(prep, PrepEvent.CHECK_OUT)
            prep.checkout = checkout
            save_preparation(prep, actor, [*fields, "checkout"])
        if all(p.checkout_id is not None for p in day_preps.values()):  # both bags are out
            milestone_record(
                actor,
                workstation,
                order.pk,
                OrderMilestone.DELIVERED,
                f"check-out, documento di consegna {checkout.delivery_document}",
            )
        audit_record(
            event=events.CHECKED_OUT,
            actor=actor,
            workstation=workstation,
            target=checkout,
            patient_id=order.patient_id,
            after={
                "document": checkout.delivery_document,
                "preparations": sorted(p.label_code or "" for p in preps.values()),
                "intrathecal": intrathecal,
            },
        )
        dispensing_announce(
            checkout=checkout, patient_id=order.patient_id, preparations=preps.values()
        )
    return checkout


def _bag_route(day_preps: Iterable[Preparation], scanned_ids: set[int]) -> bool:
    """True when the scanned labels make an intrathecal bag; refuses a mix."""
    scanned = [p for p in day_preps if p.pk in scanned_ids]
    kinds = {is_intrathecal(p.route or p.order_item.route) for p in scanned}
    if len(kinds) > 1:
        names = ", ".join(
            f"{p.order_item.ingredient.name_it} {p.label_code}"
            for p in scanned
            if is_intrathecal(p.route or p.order_item.route)
        )
        raise ValidationFailed(
            f"Le preparazioni INTRATECALI ({names}) viaggiano in un sacchetto separato: "
            "toglierle da questo sacchetto e fare un check-out a parte.",
            code="checkout_intrathecal_mixed",
            field="labels",
        )
    return kinds == {True}


def _vinca_only_iv(preps: Iterable[Preparation]) -> None:
    for prep in preps:
        ingredient = prep.order_item.ingredient
        route = prep.route or prep.order_item.route
        atc = [ingredient.atc_code, *(ingredient.other_atc_codes or [])]
        if is_vinca_alkaloid(atc) and route != INTRAVENOUS_ROUTE:
            raise ValidationFailed(
                f"{ingredient.name_it} {prep.label_code}: alcaloide della vinca per via "
                f"«{route}». Solo per uso endovenoso, fatale per altre vie: non consegnare, "
                "avvisare il medico.",
                code="checkout_vinca_not_iv",
                field="labels",
            )


def _locked_checkout(checkout_id: int) -> tuple[CheckOut, StorageTemperature]:
    """The check-out, row locked, and the storage its bag needs (refrigerated if any of
    its preparations is)."""
    checkout = CheckOut.objects.select_for_update().filter(pk=checkout_id).first()
    if checkout is None:
        raise NotFound("Check-out inesistente.", code="checkout_not_found")
    storages = set(checkout.preparations.values_list("storage", flat=True))
    storage = (
        StorageTemperature.REFRIGERATED
        if StorageTemperature.REFRIGERATED.value in storages
        else StorageTemperature.ROOM
    )
    return checkout, storage


def transport_import(
    *,
    actor: User,
    workstation: Workstation,
    checkout_id: int,
    file_name: str,
    content: str | bytes,
) -> TransportLog:
    """Import the data logger's CSV for a patient bag and judge it against the storage
    its preparations need (refrigerated if any of them is): minimum, maximum, readings
    outside the range and the time spent outside it (``domain.transport``). An excursion
    blocks the bag's preparations at the bedside until the pharmacist decides (release or
    reject, reasoned). Bytes are checked first (size, NUL bytes, UTF-8)."""
    require_permission(actor, PREPARE, TRANSPORT_REFUSED)
    text = decode_logger_file(content) if isinstance(content, bytes) else content
    readings = parse_transport_csv(text)
    with transaction.atomic():
        checkout, storage = _locked_checkout(checkout_id)
        summary = summarise_transport(readings, storage)
        log = TransportLog.objects.create(
            checkout=checkout,
            file_name=file_name[:200],
            storage=storage.value,
            readings=[[r.at.isoformat(), str(r.celsius)] for r in readings],
            minimum_c=summary.minimum,
            maximum_c=summary.maximum,
            excursions=len(summary.excursions),
            minutes_outside=int(summary.outside.total_seconds() // 60),
            imported_by=actor,
        )
        audit_record(
            event=events.TRANSPORT_IMPORTED,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=checkout.order.patient_id,
            after={
                "readings": len(readings),
                "min": str(summary.minimum),
                "max": str(summary.maximum),
                "excursions": len(summary.excursions),
                "minutes_outside": int(summary.outside.total_seconds() // 60),
            },
        )
    return log


def transport_record(
    *,
    actor: User,
    workstation: Workstation,
    checkout_id: int,
    minimum_c: Decimal,
    maximum_c: Decimal,
) -> TransportLog:
    """Record the minimum and maximum a min/max thermometer read over the transport of a
    patient bag (no data logger). Judged like a logger's readings: against the storage of
    the bag's preparations; outside range the bedside blocks until a pharmacist releases."""
    require_permission(actor, PREPARE, TRANSPORT_REFUSED)
    minimum, maximum = min_max_readings(minimum=minimum_c, maximum=maximum_c)
    with transaction.atomic():
        checkout, storage = _locked_checkout(checkout_id)
        excursion = outside_range(storage, minimum, maximum)
        log = TransportLog.objects.create(
            checkout=checkout,
            file_name="",
            storage=storage.value,
            readings=[],
            minimum_c=minimum,
            maximum_c=maximum,
            excursions=1 if excursion else 0,
            imported_by=actor,
        )
        audit_record(
            event=events.TRANSPORT_IMPORTED,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=checkout.order.patient_id,
            after={"min": str(minimum), "max": str(maximum), "excursion": excursion},
        )
    return log


def _locked_excursion(transport_id: int) -> TransportLog:
    """The transport record, row locked, still waiting for the pharmacist's decision."""
    log = (
        TransportLog.objects.select_for_update()
        .select_related("checkout__order")
        .filter(pk=transport_id)
        .first()
    )
    if log is None:
        raise NotFound("Registrazione del trasporto inesistente.", code="transport_not_found")
    if log.excursions == 0:
        raise ConflictError(
            "Temperatura di trasporto nell'intervallo: non c'è nulla da decidere.",
            code="transport_in_range",
        )
    if log.released_at is not None:
        raise ConflictError(
            "Escursione già rilasciata dal farmacista.", code="transport_already_released"
        )
    if log.rejected_at is not None:
        raise ConflictError(
            "Sacchetto già respinto dal farmacista dopo l'escursione.",
            code="transport_already_rejected",
        )
    return log


def _decision_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo della decisione (dati di stabilità consultati).",
            code="reason_required",
            field="reason",
        )
    return reason.strip()


@dataclass(frozen=True)
class _Decision:
    """A pharmacist's decision on a bag after a temperature excursion: the fields it is
    written in (``<done>_by``, ``<done>_at``, its reason), the refusal and the event."""

    done: str
    reason_field: str
    refused: str
    event: EventType
    with_minutes: bool = False


_RELEASE = _Decision(
    "released",
    "release_reason",
    "Non hai il permesso di rilasciare dopo un'escursione di temperatura.",
    events.TRANSPORT_EXCURSION_RELEASED,
)
_REJECT = _Decision(
    "rejected",
    "reject_reason",
    "Non hai il permesso di respingere dopo un'escursione di temperatura.",
    events.TRANSPORT_EXCURSION_REJECTED,
    with_minutes=True,
)


def _excursion_decide(
    decision: _Decision, *, actor: User, workstation: Workstation, transport_id: int, reason: str
) -> TransportLog:
    """Who, when and why on the transport log, audited with the range seen."""
    require_permission(actor, RELEASE, decision.refused)
    text = _decision_reason(reason)
    done = decision.done
    with transaction.atomic():
        log = _locked_excursion(transport_id)
        setattr(log, f"{done}_by", actor)
        setattr(log, f"{done}_at", timezone.now())
        setattr(log, decision.reason_field, text)
        log.save(update_fields=[f"{done}_by", f"{done}_at", decision.reason_field])
        seen: dict[str, object] = {"min": str(log.minimum_c), "max": str(log.maximum_c)}
        if decision.with_minutes:
            seen["minutes_outside"] = log.minutes_outside
        audit_record(
            event=decision.event,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=log.checkout.order.patient_id,
            before={done: False},
            after={done: True, **seen},
            reason=text,
        )
    return log


def transport_excursion_release(
    *, actor: User, workstation: Workstation, transport_id: int, reason: str
) -> TransportLog:
    """The pharmacist releases a patient bag after a transport temperature excursion (the
    drugs' stability data allow it), with the reason: the only way the bedside accepts
    those preparations again. Audited; a record in range needs no release."""
    return _excursion_decide(
        _RELEASE, actor=actor, workstation=workstation, transport_id=transport_id, reason=reason
    )


def transport_excursion_reject(
    *, actor: User, workstation: Workstation, transport_id: int, reason: str
) -> TransportLog:
    """The pharmacist rejects a patient bag after a transport temperature excursion (the
    stability data do not cover it): recorded with the reason and audited; the bedside
    keeps refusing its preparations (the excursion is never released), which are made
    again. Final: a rejected bag cannot be released afterwards."""
    return _excursion_decide(
        _REJECT, actor=actor, workstation=workstation, transport_id=transport_id, reason=reason
    )
