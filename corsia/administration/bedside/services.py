"""Bedside administration use cases: verify and start, end, interrupt, program the pump.

``bedside_verify`` resolves the three scans (wristband, badge, label), asks the pure rules
(``domain/bedside.py``) and records every scan with its outcome, refusals included, in the
same transaction; only when nothing blocks (or the nurse overrode what may be overridden,
with a reason) does it start an :class:`Administration`. A refusal is an *answer*, not an
exception: the scans must be kept. When every active item of the order is done, the order
is marked administered through prescribing's one entry point for the loop's milestones
(``order_milestone_record``): this module never sets an order's state itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.administration import audit_events as events
from corsia.administration.domain.bedside import (
    BedsidePolicy,
    BedsideScan,
    Check,
    ItemView,
    LabelKind,
    Progress,
    Refusal,
    bedside_check,
    bedside_decide,
    diluent_volume_ml,
    item_complete,
    parse_label,
    volume_given_check,
)
from corsia.administration.domain.pump_program import pump_program_compute
from corsia.administration.domain.schedule import Slot, planned_times
from corsia.administration.models import (
    Administration,
    AdministrationScan,
    AdministrationState,
    Appointment,
    Pump,
    PumpProgram,
    ScanKind,
    ScanOutcome,
)
from corsia.administration.preparations import PreparationInfo, preparation_for_label
from corsia.administration.scheduling import appointments_for
from corsia.administration.services import pump_program_send
from corsia.audit.services import audit_record, workstation_label
from corsia.compounding.domain.labels import is_vinca_alkaloid
from corsia.core.domain.errors import (
    CorsiaError,
    InvalidTransition,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.models import Patient
from corsia.prescribing import services as prescribing
from corsia.prescribing.domain.states import OrderMilestone
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder

ADMINISTER = "administration.administer"
VIEW_WORKLIST = "administration.view_worklist"
# Held by physicians: an intrathecal drug is given only with a physician identified by
# badge, as the one administering or as the co-signer at the bedside.
COSIGN_INTRATHECAL = "administration.cosign_intrathecal"

_DONE_STATES = (AdministrationState.COMPLETED.value, AdministrationState.PARTIAL.value)
_UNDER_WAY = (Progress.RUNNING, Progress.DONE)
_Y_SITE = re.compile(r"\bin\s+y\b", re.IGNORECASE)
_Y_WITH_NEXT = re.compile(r"\bin\s+y\s+con\b", re.IGNORECASE)


def _require(actor: Any, permission: str, message: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionRefused(message, details={"permission": permission})


def bedside_policy() -> BedsidePolicy:
    return BedsidePolicy(
        window_before_minutes=int(
            getattr(settings, "CORSIA_ADMINISTRATION_WINDOW_BEFORE_MINUTES", 60)
        ),
        window_after_minutes=int(
            getattr(settings, "CORSIA_ADMINISTRATION_WINDOW_AFTER_MINUTES", 60)
        ),
    )


# --- reading the order's items as the rules see them ------------------------------------


@dataclass(frozen=True)
class ItemProgress:
    progress: Progress
    started_at: datetime | None
    ended_at: datetime | None
    last: Administration | None


def items_progress(item_ids: Iterable[int]) -> dict[int, ItemProgress]:
    """Where each item stands at the bedside, from its administrations (one query)."""
    by_item: dict[int, list[Administration]] = {}
    for admin in Administration.objects.filter(order_item_id__in=list(item_ids)).order_by(
        "started_at", "id"
    ):
        by_item.setdefault(admin.order_item_id, []).append(admin)
    result: dict[int, ItemProgress] = {}
    for item_id, admins in by_item.items():
        last = admins[-1]
        done = [a for a in admins if a.state in _DONE_STATES]
        if done:
            progress = Progress.DONE
            last = done[-1]
        elif last.state == AdministrationState.STARTED:
            progress = Progress.RUNNING
        else:
            progress = Progress.INTERRUPTED
        result[item_id] = ItemProgress(
            progress=progress,
            started_at=admins[0].started_at,
            ended_at=last.ended_at,
            last=last,
        )
    return result


NOT_STARTED = ItemProgress(Progress.NOT_STARTED, None, None, None)


def runs_in_y(previous: OrderItem | None, item: OrderItem) -> bool:
    """The regimen says the two run together (Y-site).

    The library writes it two ways: on the first drug, naming the partner that follows
    (FOLFOX-4's oxaliplatin "in Y con l'acido folinico"), or on the second drug alone
    (FOLFIRINOX's irinotecan "…dopo l'avvio dell'acido folinico, in Y"). A drug saying
    "in Y con …" runs with the *next* one, never with the one before it."""
    if previous is None:
        return False
    before = previous.infusion_conditions or ""
    own = item.infusion_conditions or ""
    return bool(_Y_WITH_NEXT.search(before)) or bool(
        _Y_SITE.search(own) and not _Y_WITH_NEXT.search(own)
    )


def item_views(
    items: list[OrderItem],
    *,
    order: TherapyOrder,
    appointments: Mapping[tuple[int, date], Appointment] | None = None,
) -> list[ItemView]:
    """The rules' view of items of one order (``ingredient`` selected). ``appointments``:
    the days' appointments when the caller already read them (else read here)."""
    progress = items_progress(i.pk for i in items)
    ordered = sorted(items, key=lambda i: (i.day_of_cycle, i.sequence))
    views: list[ItemView] = []
    previous: OrderItem | None = None
    for item in ordered:
        if previous is not None and previous.day_of_cycle != item.day_of_cycle:
            previous = None
        state = progress.get(item.pk, NOT_STARTED)
        views.append(
            ItemView(
                item_id=item.pk,
                order_id=item.order_id,
                patient_id=order.patient_id,
                ingredient_code=item.ingredient.code,
                ingredient_name=item.ingredient.name_it,
                sequence=item.sequence,
                day_of_cycle=item.day_of_cycle,
                scheduled_date=item.scheduled_date,
                dose=item.final_dose,
                dose_unit=item.amount_unit,
                competence=item.competence,
                item_status=item.status,
                order_state=order.state,
                route=item.route,
                vinca_alkaloid=is_vinca_alkaloid(
                    [item.ingredient.atc_code, *(item.ingredient.other_atc_codes or [])]
                ),
                duration_minutes=item.duration_minutes,
                interval_after_minutes=item.interval_after_minutes,
                runs_with_previous=runs_in_y(previous, item),
                progress=state.progress,
                started_at=state.started_at,
                ended_at=state.ended_at,
            )
        )
        if item.status == ItemStatus.ACTIVE:
            previous = item
    if appointments is None:
        appointments = appointments_for({(v.order_id, v.scheduled_date) for v in views})
    return _with_planned_starts(views, appointments)


def _with_planned_starts(
    views: list[ItemView], appointments: Mapping[tuple[int, date], Appointment]
) -> list[ItemView]:
    """Each drug's planned start from its day's appointment (none: no planned time)."""
    days = {(v.order_id, v.scheduled_date) for v in views}
    if not days & appointments.keys():
        return views
    starts: dict[int, datetime] = {}
    for (order_id, day), appointment in appointments.items():
        if (order_id, day) not in days:
            continue
        slots = [
            Slot(
                item_id=v.item_id,
                sequence=v.sequence,
                duration_minutes=v.duration_minutes,
                interval_after_minutes=v.interval_after_minutes,
                runs_with_previous=v.runs_with_previous,
                active=v.item_status == ItemStatus.ACTIVE,
                # an interrupted drug restarts: it is planned again, not from its first start
                started_at=v.started_at if v.progress in _UNDER_WAY else None,
                ended_at=v.ended_at if v.progress is Progress.DONE else None,
            )
            for v in views
            if v.order_id == order_id and v.scheduled_date == day
        ]
        plan = planned_times(appointment.planned_start, slots)
        starts.update({item_id: planned.start for item_id, planned in plan.items()})
    return [replace(v, planned_start=starts.get(v.item_id)) for v in views]


def _views_for(order: TherapyOrder, items: list[OrderItem]) -> dict[int, ItemView]:
    return {v.item_id: v for v in item_views(items, order=order)}


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class BedsideResult:
    allowed: bool
    refusals: tuple[Refusal, ...]
    overridden: tuple[Refusal, ...]
    patient: Patient | None
    item: OrderItem | None
    administration: Administration | None
    preparation: PreparationInfo | None
    pump_program: PumpProgram | None = None
    pump_error: str = ""


def _resolve_patient(raw: str) -> tuple[bool, Patient | None]:
    mrn = mrn_from_payload(raw)
    if mrn is None:
        return False, None
    patient = Patient.objects.filter(mrn=mrn).select_related("merged_into").first()
    if patient is not None and patient.merged_into is not None:
        patient = patient.merged_into  # a duplicate's wristband names the survivor
    return True, patient


def _resolve_badge(raw: str) -> User | None:
    code = raw.strip()
    if not code:
        return None
    return User.objects.filter(badge_code=code, is_active=True).first()


def _masked(raw: str) -> str:
    """Badge codes are credentials: the scan log keeps only their last characters."""
    code = raw.strip()
    return ("•" * max(len(code) - 3, 0) + code[-3:])[:128] if code else ""


def _scan_row(
    *,
    kind: ScanKind,
    raw: str,
    refusals: Iterable[Refusal],
    overridden: Iterable[Refusal],
    actor: Any,
    workstation: Any,
    at: datetime,
    patient: Patient | None,
    item: OrderItem | None,
    administration: Administration | None,
) -> AdministrationScan:
    mine = list(refusals)
    forced = {r.code for r in overridden}
    if not mine:
        outcome = ScanOutcome.ACCEPTED
    elif all(r.code in forced for r in mine):
        outcome = ScanOutcome.OVERRIDDEN
    else:
        outcome = ScanOutcome.REFUSED
    return AdministrationScan.objects.create(
        kind=kind,
        raw=raw.strip()[:128],
        outcome=outcome,
        codes=[r.code for r in mine],
        message=" ".join(r.message for r in mine),
        patient=patient,
        order_item=item,
        administration=administration,
        nurse=actor,
        workstation=workstation_label(workstation),
        scanned_at=at,
    )


_SCAN_OF_CHECK: dict[Check, ScanKind] = {
    Check.PATIENT: ScanKind.WRISTBAND,
    Check.NURSE: ScanKind.BADGE,
}


def bedside_verify(
    *,
    actor: Any,
    workstation: Any,
    wristband: str,
    badge: str,
    label: str,
    expected_item_id: int | None = None,
    overrides: Mapping[str, str] | None = None,
    rate_ml_h: Decimal | None = None,
    pump_serial: str = "",
    cosigner_badge: str = "",
) -> BedsideResult:
    """Check the three scans; record them; start the administration when allowed.

    ``cosigner_badge``: for an intrathecal drug, the badge of the physician who co-signs
    (not needed when the actor is a physician with their own badge)."""
    _require(actor, ADMINISTER, "Solo l'infermiere può somministrare.")
    now = timezone.now()
    with transaction.atomic():
        readable, patient = _resolve_patient(wristband)
        owner = _resolve_badge(badge)
        cosigner = _resolve_badge(cosigner_badge)
        cosigner_is_physician = cosigner is not None and cosigner.has_perm(COSIGN_INTRATHECAL)
        ref = parse_label(label)
        info: PreparationInfo | None = None
        item: OrderItem | None = None
        item_id: int | None = None
        if ref is not None and ref.kind is LabelKind.PREPARATION:
            info = preparation_for_label(ref.raw)
            item_id = info.order_item_id if info else None
        elif ref is not None:
            item_id = ref.number
        if item_id is not None:
            item = (
                OrderItem.objects.select_for_update(of=("self",))
                .select_related("order", "ingredient")
                .filter(pk=item_id)
                .first()
            )
        views: dict[int, ItemView] = {}
        if item is not None:
            day = list(
                OrderItem.objects.filter(
                    order_id=item.order_id, day_of_cycle=item.day_of_cycle
                ).select_related("ingredient")
            )
            views = _views_for(item.order, day)
        bag = info.volume_ml if info else (diluent_volume_ml(item.preparation) if item else None)
        scan = BedsideScan(
            now=now,
            today=timezone.localdate(now),
            actor_id=actor.pk,
            wristband_raw=wristband,
            wristband_patient_id=patient.pk if patient else None,
            wristband_readable=readable,
            badge_raw=badge,
            badge_owner_id=owner.pk if owner else None,
            label=ref,
            label_raw=label,
            item=views.get(item.pk) if item else None,
            preparation=info.view() if info else None,
            day_items=tuple(views.values()),
            expected_item_id=expected_item_id,
            bag_volume_ml=bag,
            rate_ml_h=rate_ml_h,
            actor_is_physician=actor.has_perm(COSIGN_INTRATHECAL),
            cosigner_raw=cosigner_badge,
            cosigner_id=cosigner.pk if cosigner else None,
            cosigner_is_physician=cosigner_is_physician,
        )
        refusals = bedside_check(scan, bedside_policy())
        decision = bedside_decide(refusals, overrides)
        administration: Administration | None = None
        if decision.allowed and item is not None and ref is not None:
            administration = Administration.objects.create(
                order_item=item,
                order=item.order,
                patient_id=item.order.patient_id,
                label_kind=ref.kind.value,
                preparation_ref=ref.raw,
                ingredient_code=item.ingredient.code,
                ingredient_name=item.ingredient.name_it,
                dose=item.final_dose,
                dose_unit=item.amount_unit,
                volume_ml=bag,
                duration_minutes=item.duration_minutes,
                rate_ml_h=rate_ml_h,
                route=item.route,
                nurse=actor,
                badge_verified=owner is not None and owner.pk == actor.pk,
                cosigned_by=cosigner
                if cosigner_is_physician and cosigner is not None and cosigner.pk != actor.pk
                else None,
                started_at=now,
                overridden_checks=sorted({r.code for r in decision.overridden}),
                override_reason="\n".join(
                    f"{code}: {reason}" for code, reason in decision.override_reasons.items()
                ),
                workstation=workstation_label(workstation),
                updated_by=actor,
            )
        by_scan: dict[ScanKind, list[Refusal]] = {k: [] for k in ScanKind}
        for refusal in refusals:
            by_scan[_SCAN_OF_CHECK.get(refusal.check, ScanKind.LABEL)].append(refusal)
        scanned = [
            (ScanKind.WRISTBAND, wristband, by_scan[ScanKind.WRISTBAND]),
            (ScanKind.BADGE, _masked(badge), by_scan[ScanKind.BADGE]),
            (ScanKind.LABEL, label, by_scan[ScanKind.LABEL]),
        ]
        if cosigner_badge.strip():  # the physician's badge, kept like the nurse's (masked)
            physician = [r for r in refusals if r.code == "intrathecal_physician_required"]
            scanned.append((ScanKind.BADGE, _masked(cosigner_badge), physician))
        for kind, raw, mine in scanned:
            _scan_row(
                kind=kind,
                raw=raw,
                refusals=mine,
                overridden=decision.overridden,
                actor=actor,
                workstation=workstation,
                at=now,
                patient=patient,
                item=item,
                administration=administration,
            )
        patient_id = patient.pk if patient else (item.order.patient_id if item else None)
        if administration is None:
            audit_record(
                event=events.ADMINISTRATION_REFUSED,
                actor=actor,
                workstation=workstation,
                target=item,
                patient_id=patient_id,
                after={"codes": [r.code for r in decision.blocking], "label": label.strip()[:64]},
            )
        else:
            assert item is not None  # an administration always has its item
            if decision.overridden:
                audit_record(
                    event=events.ADMINISTRATION_OVERRIDDEN,
                    actor=actor,
                    workstation=workstation,
                    target=administration,
                    patient_id=administration.patient_id,
                    after={"checks": administration.overridden_checks},
                    reason=administration.override_reason,
                )
            audit_record(
                event=events.ADMINISTRATION_STARTED,
                actor=actor,
                workstation=workstation,
                target=administration,
                patient_id=administration.patient_id,
                after={
                    "item": item.pk,
                    "drug": item.ingredient.code,
                    "dose": str(item.final_dose),
                    "unit": item.amount_unit,
                    "label": ref.raw if ref else "",
                    "badge_verified": administration.badge_verified,
                    "route": administration.route,
                    "cosigned_by": administration.cosigned_by_id,
                },
            )
            # the preparation is at the bedside: received (a no-op once delivered)
            prescribing.order_milestone_record(
                actor=actor,
                workstation=workstation,
                order_id=item.order_id,
                milestone=OrderMilestone.DELIVERED,
                source="letto del paziente",
                note="ricevuta al letto del paziente (scansione dell'etichetta)",
            )
    result = BedsideResult(
        allowed=administration is not None,
        refusals=tuple(refusals),
        overridden=decision.overridden,
        patient=patient,
        item=item,
        administration=administration,
        preparation=info,
    )
    if administration is not None and pump_serial.strip():
        try:
            program = administration_pump_program(
                actor=actor,
                workstation=workstation,
                administration_id=administration.pk,
                pump_serial=pump_serial,
            )
        except CorsiaError as problem:
            return replace(result, pump_error=problem.message)
        return replace(result, pump_program=program)
    return result


# --- pump ------------------------------------------------------------------------------


def administration_pump_program(
    *, actor: Any, workstation: Any, administration_id: int, pump_serial: str
) -> PumpProgram:
    """Program a networked pump from a started administration: drug, dose, bag volume,
    duration, rate = volume / duration (checked again by the pump)."""
    _require(actor, ADMINISTER, "Solo l'infermiere può somministrare.")
    with transaction.atomic():
        admin = Administration.objects.select_for_update().filter(pk=administration_id).first()
        if admin is None:
            raise NotFound("Somministrazione inesistente.", code="administration_not_found")
        if admin.state != AdministrationState.STARTED:
            raise InvalidTransition(
                "La somministrazione non è in corso: la pompa non va programmata.",
                code="administration_not_running",
            )
        pump = Pump.objects.filter(serial=pump_serial.strip()).first()
        if pump is None:
            raise ValidationFailed(
                f"Pompa «{pump_serial.strip()}» non registrata.",
                code="pump_unknown",
                field="pump",
            )
        if admin.volume_ml is None or not admin.duration_minutes:
            raise ValidationFailed(
                "Volume della sacca o durata non noti: programmare la pompa a mano.",
                code="pump_data_missing",
                field="pump",
            )
        if admin.route and admin.route != "iv":
            raise ValidationFailed(
                f"Via «{admin.route}»: la pompa infusionale si programma da Corsia solo per "
                "la via endovenosa.",
                code="pump_route_not_iv",
                field="pump",
            )
        packet = pump_program_compute(
            drug_code=admin.ingredient_code,
            drug_name=admin.ingredient_name,
            dose_mg=admin.dose,
            dose_unit=admin.dose_unit,
            volume_ml=admin.volume_ml,
            duration_min=admin.duration_minutes,
        )
        admin.pump = pump
        admin.rate_ml_h = packet.rate_ml_h
        fields = admin.bump(by=actor)
        admin.save(update_fields=["pump", "rate_ml_h", *fields])
        patient_ref = admin.patient.mrn
    return pump_program_send(
        pump=pump,
        packet=packet,
        actor=actor,
        workstation=workstation,
        order_id=admin.order_id,
        preparation_ref=admin.preparation_ref,
        patient_id=patient_ref,
        administration=admin,
    )


# --- end, interrupt ---------------------------------------------------------------------


def _running(administration_id: int, expected_version: int | None) -> Administration:
    admin = (
        Administration.objects.select_for_update()
        .select_related("order")
        .filter(pk=administration_id)
        .first()
    )
    if admin is None:
        raise NotFound("Somministrazione inesistente.", code="administration_not_found")
    if expected_version is not None:
        admin.check_version(expected_version)
    if admin.state != AdministrationState.STARTED:
        raise InvalidTransition(
            f"La somministrazione è già «{admin.get_state_display()}».",
            code="administration_not_running",
        )
    return admin


def _order_done(*, order_id: int, actor: Any, workstation: Any) -> None:
    """Every active item of the order done: the order is administered."""
    order = TherapyOrder.objects.get(pk=order_id)
    active = list(order.items.filter(status=ItemStatus.ACTIVE).values_list("pk", flat=True))
    progress = items_progress(active)
    if not item_complete([progress.get(i, NOT_STARTED).progress for i in active]):
        return
    prescribing.order_milestone_record(
        actor=actor,
        workstation=workstation,
        order_id=order_id,
        milestone=OrderMilestone.ADMINISTERED,
        source="letto del paziente",
        note="tutti i farmaci attivi somministrati",
    )


def administration_end(
    *,
    actor: Any,
    workstation: Any,
    administration_id: int,
    volume_given_ml: Decimal | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Administration:
    """End the administration: completed (the whole bag) or partial (less, with reason)."""
    _require(actor, ADMINISTER, "Solo l'infermiere può somministrare.")
    with transaction.atomic():
        admin = _running(administration_id, expected_version)
        given = volume_given_ml if volume_given_ml is not None else admin.volume_ml
        if given is not None:
            volume_given_check(volume_given_ml=given, bag_volume_ml=admin.volume_ml)
        partial = given is not None and admin.volume_ml is not None and given < admin.volume_ml
        if partial and not reason.strip():
            raise ValidationFailed(
                f"Somministrati {given} mL su {admin.volume_ml} mL: indicare il motivo della "
                "somministrazione parziale.",
                code="partial_reason_required",
                field="reason",
            )
        admin.state = (
            AdministrationState.PARTIAL.value if partial else AdministrationState.COMPLETED.value
        )
        admin.volume_given_ml = given
        admin.reason = reason.strip()
        admin.ended_at = timezone.now()
        admin.ended_by = actor
        fields = admin.bump(by=actor)
        admin.save(
            update_fields=["state", "volume_given_ml", "reason", "ended_at", "ended_by", *fields]
        )
        audit_record(
            event=events.ADMINISTRATION_ENDED,
            actor=actor,
            workstation=workstation,
            target=admin,
            patient_id=admin.patient_id,
            before={"state": AdministrationState.STARTED.value},
            after={
                "state": admin.state,
                "volume_given_ml": str(given) if given is not None else None,
            },
            reason=admin.reason,
        )
        _order_done(order_id=admin.order_id, actor=actor, workstation=workstation)
    return admin


def administration_interrupt(
    *,
    actor: Any,
    workstation: Any,
    administration_id: int,
    volume_given_ml: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> Administration:
    """Stop the administration before its end (reaction, extravasation, occlusion…): the
    volume given so far and the reason are required; the drug may be restarted later
    with a new verification, or suspended by the physician."""
    _require(actor, ADMINISTER, "Solo l'infermiere può somministrare.")
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo dell'interruzione.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        admin = _running(administration_id, expected_version)
        volume_given_check(volume_given_ml=volume_given_ml, bag_volume_ml=admin.volume_ml)
        admin.state = AdministrationState.INTERRUPTED.value
        admin.volume_given_ml = volume_given_ml
        admin.reason = reason.strip()
        admin.ended_at = timezone.now()
        admin.ended_by = actor
        fields = admin.bump(by=actor)
        admin.save(
            update_fields=["state", "volume_given_ml", "reason", "ended_at", "ended_by", *fields]
        )
        audit_record(
            event=events.ADMINISTRATION_INTERRUPTED,
            actor=actor,
            workstation=workstation,
            target=admin,
            patient_id=admin.patient_id,
            before={"state": AdministrationState.STARTED.value},
            after={"state": admin.state, "volume_given_ml": str(volume_given_ml)},
            reason=admin.reason,
        )
    return admin
