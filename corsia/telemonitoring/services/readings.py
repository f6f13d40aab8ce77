"""The patient's readings: from a device's GATT bytes (decoded here, by the one decoder),
typed by hand, and the confirmation of an implausible value."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.telemonitoring import audit_events as events
from corsia.telemonitoring.context import (
    PatientActor,
    activity,
    current_schedule,
    limits_for,
    portal_workstation,
)
from corsia.telemonitoring.domain import plausibility, thresholds
from corsia.telemonitoring.domain.gatt import (
    PLX_SPOT_CHECK,
    PlxSpotCheckMeasurement,
    decode_measurement,
)
from corsia.telemonitoring.domain.parameters import Observation, Parameter
from corsia.telemonitoring.models import Alert, Reading, ReadingState, Source
from corsia.telemonitoring.services.common import alert_raise_breach

MAX_PAYLOAD_CHARS = 1024  # base64 of at most 512 bytes, with room
DEVICE_CLOCK_PAST = timedelta(days=7)
DEVICE_CLOCK_FUTURE = timedelta(minutes=10)
MANUAL_PAST = timedelta(days=3)


@dataclass(frozen=True)
class ReadingOutcome:
    measurement: uuid.UUID
    readings: tuple[Reading, ...]
    doubts: tuple[plausibility.Doubt, ...]  # non-empty: the patient must confirm
    alerts: tuple[Alert, ...]


def _previous_weight(patient_id: int, before: datetime) -> Decimal | None:
    row = (
        Reading.objects.filter(
            patient_id=patient_id,
            parameter=Parameter.WEIGHT.value,
            state__in=(ReadingState.ACCEPTED, ReadingState.CONFIRMED),
            measured_at__lt=before,
            measured_at__gte=before - timedelta(hours=36),
        )
        .order_by("-measured_at", "-id")
        .values_list("value", flat=True)
        .first()
    )
    return row


def _alerts_for(patient_id: int, readings: list[Reading], workstation: str) -> list[Alert]:
    limits = limits_for(patient_id)
    after_chemo = current_schedule(patient_id, timezone.localdate()) is not None
    raised = []
    for reading in readings:
        parameter = Parameter(reading.parameter)
        breach = thresholds.check(
            parameter, reading.value, limits[parameter], after_chemotherapy=after_chemo
        )
        if breach is not None:
            raised.append(
                alert_raise_breach(
                    patient_id=patient_id, breach=breach, reading=reading, workstation=workstation
                )
            )
    return raised


def _record(
    *,
    patient: PatientActor,
    observations: tuple[Observation, ...],
    source: Source,
    measured_at: datetime,
    characteristic: int | None = None,
    payload: str = "",
    unit_sent: str = "",
    device_flags: tuple[str, ...] = (),
) -> ReadingOutcome:
    patient_id = patient.patient_id
    workstation = portal_workstation(patient)
    measurement = uuid.uuid4()
    with transaction.atomic():
        doubts = plausibility.doubts(
            observations,
            previous_weight=_previous_weight(patient_id, measured_at),
            device_flags=device_flags,
        )
        state = ReadingState.TO_CONFIRM if doubts else ReadingState.ACCEPTED
        doubt_text = " ".join(d.message for d in doubts)
        readings = [
            Reading.objects.create(
                patient_id=patient_id,
                measurement=measurement,
                parameter=o.parameter.value,
                value=o.value,
                source=source,
                characteristic=characteristic,
                payload=payload,
                unit_sent=unit_sent,
                measured_at=measured_at,
                state=state,
                doubt=doubt_text,
            )
            for o in observations
        ]
        audit_record(
            event=events.READING_RECORDED,
            actor=None,
            workstation=workstation,
            target=readings[0],
            patient_id=patient_id,
            after={
                "measurement": str(measurement),
                "source": source.value,
                "values": {o.parameter.value: f"{o.value}" for o in observations},
                "state": state.value,
                "doubts": [d.code for d in doubts],
            },
        )
        alerts = [] if doubts else _alerts_for(patient_id, readings, workstation)
        activity(patient, "reading_recorded", f"{source.value} {measurement}")
    return ReadingOutcome(measurement, tuple(readings), tuple(doubts), tuple(alerts))


def reading_record_device(
    *, patient: PatientActor, characteristic: int, payload: str
) -> ReadingOutcome:
    """A device's measurement: the characteristic's raw bytes (base64) as the browser read
    them, decoded here. Malformed bytes are refused (``gatt_*``), nothing written."""
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_CHARS:
        raise ValidationFailed(
            "Dati del dispositivo mancanti o troppo lunghi.", code="gatt_payload"
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed("Dati del dispositivo illeggibili.", code="gatt_payload") from exc
    decoded = decode_measurement(characteristic, data)
    now = timezone.now()
    measured_at = now
    stamp = getattr(decoded, "timestamp", None)
    if stamp is not None:
        aware = timezone.make_aware(stamp)  # the device's clock is local time
        if now - DEVICE_CLOCK_PAST <= aware <= now + DEVICE_CLOCK_FUTURE:
            measured_at = aware
    flags: tuple[str, ...] = ()
    if characteristic == PLX_SPOT_CHECK and isinstance(decoded, PlxSpotCheckMeasurement):
        flags = tuple(s for s in decoded.status if decoded.unreliable)
    return _record(
        patient=patient,
        observations=decoded.observations(),
        source=Source.DEVICE,
        measured_at=measured_at,
        characteristic=characteristic,
        payload=payload,
        unit_sent=getattr(decoded, "unit", ""),
        device_flags=flags,
    )


MANUAL_PARAMETERS = (
    Parameter.SYSTOLIC,
    Parameter.DIASTOLIC,
    Parameter.HEART_RATE,
    Parameter.SPO2,
    Parameter.TEMPERATURE,
    Parameter.WEIGHT,
)


def _manual_values(values: Mapping[str, str]) -> tuple[Observation, ...]:
    found = []
    for parameter in MANUAL_PARAMETERS:
        text = str(values.get(parameter.value, "") or "").strip().replace(",", ".")
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value <= 0 or value >= 10000:
            raise ValidationFailed(
                "Scrivi un numero (per i decimali usa la virgola).",
                code="reading_invalid",
                field=parameter.value,
            )
        found.append(Observation(parameter, value.quantize(Decimal("0.001")).normalize()))
    given = {o.parameter for o in found}
    if (Parameter.SYSTOLIC in given) != (Parameter.DIASTOLIC in given):
        raise ValidationFailed(
            "Scrivi sia la pressione massima sia la minima.",
            code="reading_pressure_incomplete",
            field=Parameter.DIASTOLIC.value,
        )
    if not found:
        raise ValidationFailed("Scrivi almeno un valore.", code="reading_empty")
    return tuple(found)


def reading_record_manual(
    *, patient: PatientActor, values: Mapping[str, str], measured_at: datetime | None = None
) -> ReadingOutcome:
    """Values the patient typed (form text keyed by parameter)."""
    observations = _manual_values(values)
    now = timezone.now()
    when = measured_at or now
    if when.tzinfo is None or not now - MANUAL_PAST <= when <= now + DEVICE_CLOCK_FUTURE:
        raise ValidationFailed(
            "Indica quando hai misurato (negli ultimi 3 giorni).",
            code="reading_time_invalid",
            field="measured_at",
        )
    return _record(
        patient=patient, observations=observations, source=Source.MANUAL, measured_at=when
    )


def reading_decide(
    *, patient: PatientActor, measurement: uuid.UUID, confirm: bool
) -> ReadingOutcome:
    """The patient confirms an implausible measurement as right (it then counts, alerts
    included) or rejects it as wrong (kept, never counted)."""
    with transaction.atomic():
        readings = list(
            Reading.objects.select_for_update()
            .filter(patient_id=patient.patient_id, measurement=measurement)
            .order_by("id")
        )
        if not readings:
            raise NotFound("Misura non trovata.", code="reading_not_found")
        if any(r.state != ReadingState.TO_CONFIRM for r in readings):
            raise ValidationFailed("Questa misura è già stata decisa.", code="reading_decided")
        state = ReadingState.CONFIRMED if confirm else ReadingState.REJECTED
        now = timezone.now()
        for reading in readings:
            reading.state = state
            reading.decided_at = now
            reading.save(update_fields=["state", "decided_at"])
        workstation = portal_workstation(patient)
        audit_record(
            event=events.READING_CONFIRMED if confirm else events.READING_REJECTED,
            actor=None,
            workstation=workstation,
            target=readings[0],
            patient_id=patient.patient_id,
            before={"state": ReadingState.TO_CONFIRM.value},
            after={"state": state.value, "measurement": str(measurement)},
        )
        alerts = _alerts_for(patient.patient_id, readings, workstation) if confirm else []
        activity(patient, "reading_confirmed" if confirm else "reading_rejected", str(measurement))
    return ReadingOutcome(measurement, tuple(readings), (), tuple(alerts))
