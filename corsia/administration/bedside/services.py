"""Bedside verification: the three scans, their checks, and the start of an administration.

``bedside_verify`` resolves the three scans (wristband, badge, label), asks the pure rules
(``domain/bedside/``) and records every scan with its outcome, refusals included, in the
same transaction; only when nothing blocks (or the nurse overrode what may be overridden,
with a reason) does it start an :class:`Administration`. A refusal is an *answer*, not an
exception: the scans must be kept. The preparation scanned at the bedside is recorded as
delivered through prescribing's one entry point for the loop's milestones
(``order_milestone_record``): this module never sets an order's state itself. What follows
the start (pump, end, interrupt) is in ``infusion.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.administration import audit_events as events
from corsia.administration.bedside.infusion import administration_pump_program
from corsia.administration.bedside.items import item_views
from corsia.administration.domain.bedside import (
    AllergyAlert,
    BedsidePolicy,
    BedsideScan,
    Check,
    ItemView,
    LabelKind,
    PgxAlert,
    Refusal,
    bedside_check,
    bedside_decide,
    diluent_volume_ml,
    parse_label,
)
from corsia.administration.models import (
    Administration,
    AdministrationScan,
    BedsideSession,
    PumpProgram,
    ScanKind,
    ScanOutcome,
)
from corsia.administration.permissions import ADMINISTER, COSIGN_INTRATHECAL, NURSE_ONLY
from corsia.administration.preparations import (
    PreparationInfo,
    bedside_view,
    preparation_for_label,
)
from corsia.audit.services import audit_record
from corsia.compounding.services.administration_start import preparation_administration_started
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import CorsiaError
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn
from corsia.prescribing import services as prescribing
from corsia.prescribing.domain.states import OrderMilestone
from corsia.prescribing.selectors import line_for_update, order_lines
from corsia.prescribing.services import order_allergy_rows, order_pgx_pending

if TYPE_CHECKING:
    from corsia.patients.models import Patient
    from corsia.prescribing.models import OrderItem, TherapyOrder


def bedside_policy() -> BedsidePolicy:
    return BedsidePolicy(
        window_before_minutes=int(
            getattr(settings, "CORSIA_ADMINISTRATION_WINDOW_BEFORE_MINUTES", 60)
        ),
        window_after_minutes=int(
            getattr(settings, "CORSIA_ADMINISTRATION_WINDOW_AFTER_MINUTES", 60)
        ),
    )


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
    patient = patient_by_mrn(mrn)
    if patient is not None and patient.merged_into is not None:
        patient = patient.merged_into  # a duplicate's wristband names the survivor
    return True, patient


def _resolve_badge(raw: str) -> User | None:
    code = raw.strip()
    if not code:
        return None
    return User.objects.filter(badge_code=code, is_active=True).first()


def _allergy_alerts(item: OrderItem) -> tuple[AllergyAlert, ...]:
    """The patient's active allergies against this bag's drug, with the physician's
    override kept on the order, if any (prescribing's check, read again at the bedside)."""
    return tuple(
        AllergyAlert(
            message=row.message,
            hard_stop=row.hard_stop,
            cleared_by=row.override.by if row.override else "",
            cleared_reason=row.override.reason if row.override else "",
        )
        for row in order_allergy_rows(item.order, [item])
    )


def _pgx_alerts(item: OrderItem, lines: list[OrderItem]) -> tuple[PgxAlert, ...]:
    """The patient's pharmacogenomic results against this bag's drug that no override or
    acknowledgement on the order covers (prescribing's barrier, read again at the bedside):
    a result recorded after the validation or the compounding. ``lines``: every line of
    the order (the barrier works on the whole order), read once by the caller."""
    return tuple(
        PgxAlert(message=f.message, genes=f.genes, hard_stop=f.hard_stop)
        for f in order_pgx_pending(item.order, item.ingredient_id, items=lines)
    )


def masked_badge(raw: str) -> str:
    """Badge codes are credentials: the scan log keeps only their last characters."""
    code = raw.strip()
    return ("•" * max(len(code) - 3, 0) + code[-3:])[:128] if code else ""


def _scan_row(
    *,
    kind: ScanKind,
    raw: str,
    refusals: Iterable[Refusal],
    overridden: Iterable[Refusal],
    actor: User,
    workstation: Workstation,
    at: datetime,
    patient: Patient | None,
    item: OrderItem | None,
    administration: Administration | None,
    session: BedsideSession | None = None,
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
        session=session,
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
    actor: User,
    workstation: Workstation,
    wristband: str,
    badge: str,
    label: str,
    expected_item_id: int | None = None,
    overrides: Mapping[str, str] | None = None,
    rate_ml_h: Decimal | None = None,
    pump_serial: str = "",
    cosigner_badge: str = "",
    session: BedsideSession | None = None,
) -> BedsideResult:
    """Check the three scans; record them; start the administration when allowed.

    ``cosigner_badge``: for an intrathecal drug, the badge of the physician who co-signs
    (not needed when the actor is a physician with their own badge).

    ``session``: the bag is scanned in an open bedside session (``session.py``, which
    locked it): the patient and the nurse are the session's, whose wristband and badge
    scans were recorded when read; only the label (and a co-signer's badge) is recorded
    here, linked to the session."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    now = timezone.now()
    forced: dict[str, str] = dict(overrides or {})
    with transaction.atomic():
        patient: Patient | None
        if session is not None:
            wristband, readable, patient = session.wristband, True, session.patient
            owner = actor if session.badge_verified_at is not None else None
            badge = "(badge letto a inizio sessione)" if owner else ""
            if session.no_badge_reason and owner is None:
                forced.setdefault("badge_missing", session.no_badge_reason)
        else:
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
            item = line_for_update(item_id)
        views: dict[int, ItemView] = {}
        lines: list[OrderItem] = []
        if item is not None:
            # the order's lines read once: the day's for the rules, all of them for the
            # pharmacogenomic barrier
            lines = order_lines(order_id=item.order_id)
            day = [line for line in lines if line.day_of_cycle == item.day_of_cycle]
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
            preparation=bedside_view(info) if info else None,
            day_items=tuple(views.values()),
            expected_item_id=expected_item_id,
            bag_volume_ml=bag,
            rate_ml_h=rate_ml_h,
            actor_is_physician=actor.has_perm(COSIGN_INTRATHECAL),
            cosigner_raw=cosigner_badge,
            cosigner_id=cosigner.pk if cosigner else None,
            cosigner_is_physician=cosigner_is_physician,
            allergies=_allergy_alerts(item) if item is not None else (),
            pgx=_pgx_alerts(item, lines) if item is not None else (),
        )
        refusals = bedside_check(scan, bedside_policy())
        decision = bedside_decide(refusals, forced)
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
            if ref.kind is LabelKind.PREPARATION:  # it keeps its first start (timing report)
                preparation_administration_started(label_code=ref.raw, started_at=now)
        by_scan: dict[ScanKind, list[Refusal]] = {k: [] for k in ScanKind}
        for refusal in refusals:
            by_scan[_SCAN_OF_CHECK.get(refusal.check, ScanKind.LABEL)].append(refusal)
        scanned = [
            (ScanKind.WRISTBAND, wristband, by_scan[ScanKind.WRISTBAND]),
            (ScanKind.BADGE, masked_badge(badge), by_scan[ScanKind.BADGE]),
            (ScanKind.LABEL, label, by_scan[ScanKind.LABEL]),
        ]
        if session is not None:  # wristband and badge: recorded when the session read them
            label_refusals = by_scan[ScanKind.LABEL] + by_scan[ScanKind.WRISTBAND]
            scanned = [(ScanKind.LABEL, label, label_refusals)]
        if cosigner_badge.strip():  # the physician's badge, kept like the nurse's (masked)
            physician = [r for r in refusals if r.code == "intrathecal_physician_required"]
            scanned.append((ScanKind.BADGE, masked_badge(cosigner_badge), physician))
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
                session=session,
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
