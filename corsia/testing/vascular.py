"""Devices of the venous access register the tests share: a PICC and a peripheral cannula
inserted through the service (any field overridden)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from corsia.core.actors import User
from corsia.vascular import services
from corsia.vascular.models import Device

PICC = services.InsertionInput(
    device_type="picc",
    indication="vesicant",
    lumens=2,
    size=Decimal(5),
    size_unit="Fr",
    length_cm=Decimal(40),
    brand="Groshong 5Fr",
    lot="L2026-01",
    vein="basilic",
    side="right",
    ultrasound_guided=True,
    tip_location="ecg",
    tip_confirmed=True,
    attempts=1,
    planned_dwell_days=120,
)
PIV = services.InsertionInput(
    device_type="piv",
    indication="short_term",
    lumens=1,
    size=Decimal(20),
    size_unit="G",
    brand="Cannula 20G",
    vein="forearm",
    side="left",
    tip_location="none",
)


def inserted(
    actor: User,
    patient_id: int,
    spec: services.InsertionInput = PICC,
    *,
    at: datetime | None = None,
    **fields: Any,
) -> Device:
    """A device inserted for the patient (``spec`` with ``fields`` replaced) at ``at``."""
    return services.device_insert(
        actor=actor,
        workstation=None,
        patient_id=patient_id,
        data=replace(spec, inserted_at=at, **fields),
    )
