"""The compounding robot / smart hood: the preparation pushed to it, its result recorded.

The result is recorded through the hood's own services, as if the device's operator had
stood at the hood: the bag weighed before the addition (``preparation_weigh_before``),
each vial read (``preparation_scan``: wrong drug, strength, product, lot or expiry refused
exactly as a scan at the hood), then — only when the device accepted its own work and the
volumes it reports are those Corsia computed within the gravimetric tolerance — the bag
after the addition (``preparation_weigh``: the same ``drug_mass_check``). All or nothing:
any refusal rolls every step back. The preparation goes no further than *weighed*: the
pharmacist's release stays a separate act by someone who did not prepare it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from corsia.accounts.selectors import user_by_username
from corsia.audit.services import access_log_record, audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.devices.adapters import DeviceAdapter, PushReceipt, adapter_from_settings
from corsia.compounding.domain.device_result import (
    DeviceResult as ParsedResult,
)
from corsia.compounding.domain.device_result import (
    Verdict,
    parse_device_result,
    volumes_check,
)
from corsia.compounding.domain.workflow import PrepState
from corsia.compounding.models import DeviceOutcome, DeviceResult, Preparation, Weighing
from corsia.compounding.robot import robot_document
from corsia.compounding.services.hood import preparation_scan
from corsia.compounding.services.pgx_hold import ensure_preparation_not_held
from corsia.compounding.services.steps import PREPARE, clock, locked_preparation
from corsia.compounding.services.weighing import preparation_weigh, preparation_weigh_before
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed

DEVICE_REFUSED = "Non hai il permesso di scambiare preparazioni con il robot."
CLOSED_ORDER_STATES = frozenset({"cancelled", "suspended", "returned_to_prescriber"})


@dataclass(frozen=True)
class DeviceScale:
    """A weight the device read on its own load cell, handed to the weighing service as
    a balance reading (recorded as read from scale ``scale_id``, not typed)."""

    grams: Decimal
    scale_id: str

    def read_grams(self) -> Decimal:
        return self.grams


def preparation_device_push(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    adapter: DeviceAdapter | None = None,
) -> PushReceipt:
    """Send the preparation document to the configured device (file drop or HTTP), outside
    any transaction; audited with where it went. Only a preparation still to be made is
    sent."""
    require_permission(actor, PREPARE, DEVICE_REFUSED)
    prep = (
        Preparation.objects.select_related(
            "order__patient", "order__regimen_version__regimen", "order_item__ingredient", "product"
        )
        .filter(pk=preparation_id)
        .first()
    )
    if prep is None:
        raise NotFound("Preparazione inesistente.", code="preparation_not_found")
    access_log_record(
        user=actor,
        patient_id=prep.order.patient_id,
        what=f"preparazione {prep.label_code} inviata al robot",
        workstation=workstation,
        channel="device",
    )
    if prep.state not in (PrepState.VALIDATED, PrepState.ASSIGNED):
        raise ConflictError(
            f"Preparazione «{prep.state_label}»: al robot si invia solo una preparazione "
            "validata e non ancora iniziata.",
            code="preparation_not_open",
        )
    ensure_preparation_not_held(prep)
    receipt = (adapter or adapter_from_settings()).push(robot_document(prep))
    audit_record(
        event=events.DEVICE_PUSHED,
        actor=actor,
        workstation=workstation,
        target=prep,
        patient_id=prep.order.patient_id,
        after={"adapter": receipt.adapter, "target": receipt.target, "status": receipt.status},
    )
    return receipt


def _operator(username: str) -> User:
    """The device's operator: an active Corsia user who may prepare."""
    try:
        operator = user_by_username(username=username)
    except NotFound:
        operator = None
    if operator is None or not operator.is_active:
        raise ValidationFailed(
            f"Operatore del dispositivo «{username}» sconosciuto o non attivo in Corsia.",
            code="device_operator_unknown",
            field="operator",
        )
    return require_permission(
        operator, PREPARE, f"L'operatore «{username}» non è abilitato all'allestimento."
    )


def _refuse_closed(prep: Preparation, parsed: ParsedResult) -> None:
    if parsed.label_code and parsed.label_code != prep.label_code:
        raise ValidationFailed(
            f"Il risultato è per l'etichetta {parsed.label_code}, la preparazione è "
            f"{prep.label_code}.",
            code="device_result_wrong_preparation",
            field="preparation.label_code",
        )
    state = PrepState(prep.state)
    if state in (PrepState.RELEASED, PrepState.CHECKED_OUT):
        raise ConflictError(
            "Preparazione già rilasciata: il risultato del dispositivo non si registra.",
            code="device_result_preparation_released",
        )
    if state is PrepState.REJECTED or prep.order.state in CLOSED_ORDER_STATES:
        raise ConflictError(
            "Preparazione scartata o prescrizione sospesa/annullata: il risultato del "
            "dispositivo non si registra.",
            code="device_result_preparation_cancelled",
        )
    if state is PrepState.WEIGHED:
        raise ConflictError(
            "Preparazione già pesata e in attesa di rilascio.",
            code="device_result_preparation_weighed",
        )
    if prep.vials.exists():
        raise ConflictError(
            "Flaconi già registrati per questa preparazione (alla cappa o da un risultato "
            "precedente): il farmacista decide se scartarla.",
            code="device_result_preparation_started",
        )


def preparation_device_result_record(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    document: Any,
    now: datetime | None = None,
) -> DeviceResult:
    """Record a device's result (schema ``corsia.compounding.robot-result/1``) against the
    preparation. ``actor`` is whoever delivers it (the device's account: permission
    ``compounding.prepare``); the vials and weighings are the device operator's, who must be
    an active user allowed to prepare. Refusals, nothing recorded: ``device_result_invalid``,
    ``device_operator_unknown``, ``preparation_not_found``, ``device_result_duplicate``,
    ``device_result_preparation_released`` / ``_cancelled`` / ``_weighed`` / ``_started``,
    ``device_result_wrong_preparation`` and every refusal of the hood's scan and weighing
    (``wrong_drug``, ``expired_lot``, ``dose_not_drawn``…)."""
    require_permission(actor, PREPARE, DEVICE_REFUSED)
    parsed = parse_device_result(document, preparation_id=preparation_id)
    operator = _operator(parsed.operator)
    moment = clock(now)
    at_device = f"{parsed.device_id} ({workstation_label(workstation) or 'API'})"
    tolerance = Decimal(str(settings.CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT))
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        if DeviceResult.objects.filter(
            device_id=parsed.device_id, result_id=parsed.result_id
        ).exists():
            raise ConflictError(
                f"Risultato {parsed.result_id} del dispositivo {parsed.device_id} già ricevuto.",
                code="device_result_duplicate",
            )
        _refuse_closed(prep, parsed)
        preparation_weigh_before(
            actor=operator,
            workstation=at_device,
            preparation_id=prep.pk,
            scale=DeviceScale(parsed.bag_before_g, parsed.scale_id),
            now=moment,
        )
        drawn = [
            preparation_scan(
                actor=operator,
                workstation=at_device,
                preparation_id=prep.pk,
                barcode=vial.code(),
                lot=vial.lot,
                expiry=vial.expiry,
                now=moment,
            )
            for vial in parsed.vials
        ]
        deviations = volumes_check(
            reported_ml=[v.volume_ml for v in parsed.vials],
            expected_ml=[v.ml_drawn for v in drawn],
            tolerance_percent=tolerance,
        )
        weighing: Weighing | None = None
        if parsed.verdict is Verdict.REJECTED:
            outcome = DeviceOutcome.DEVICE_REJECTED
            message = f"Scartata dal dispositivo: {parsed.verdict_reason}"
        elif deviations:
            outcome = DeviceOutcome.VOLUME_MISMATCH
            message = "Volumi fuori tolleranza: " + "; ".join(
                f"flacone {d.index + 1} {d.reported_ml} mL invece di {d.expected_ml} mL "
                f"({d.deviation_percent:+} %)"
                for d in deviations
            )
        else:
            weighing = preparation_weigh(
                actor=operator,
                workstation=at_device,
                preparation_id=prep.pk,
                scale=DeviceScale(parsed.bag_after_g, parsed.scale_id),
                now=moment,
            )
            outcome = DeviceOutcome.WEIGHED if weighing.passed else DeviceOutcome.GRAVIMETRIC_FAILED
            message = weighing.message
        prep.refresh_from_db(fields=["state", "version"])
        result = DeviceResult.objects.create(
            preparation=prep,
            device_id=parsed.device_id,
            device_model=parsed.device_model,
            result_id=parsed.result_id,
            operator=operator,
            received_by=actor,
            received_at=moment,
            completed_at=parsed.completed_at,
            verdict=parsed.verdict.value,
            verdict_reason=parsed.verdict_reason,
            outcome=outcome,
            message=message[:300],
            volumes=[
                {
                    "lot": pv.lot,
                    "serial": pv.serial,
                    "reported_ml": str(v.volume_ml),
                    "expected_ml": str(pv.ml_drawn),
                }
                for v, pv in zip(parsed.vials, drawn, strict=True)
            ],
            images=[{"id": i.id, "kind": i.kind, "sha256": i.sha256} for i in parsed.images],
            document=document,
            weighing=weighing,
        )
        audit_record(
            event=events.DEVICE_RESULT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={
                "device": parsed.device_id,
                "result_id": parsed.result_id,
                "operator": operator.username,
                "verdict": parsed.verdict.value,
                "outcome": outcome.value,
                "vials": len(drawn),
                "images": [i.id for i in parsed.images],
            },
        )
    return result
