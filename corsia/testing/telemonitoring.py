"""Telemonitoring's test helpers: the recorded GATT bytes, a patient signed in to the
portal (its actor for the services), a diary scheduled for today's cycle."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.portal.access import PortalPatient
from corsia.portal.models import PortalAccount
from corsia.telemonitoring.models import DiarySchedule
from corsia.telemonitoring.services import diary_schedule

# Blood pressure 120/80 mmHg, MAP 93, 2026-12-05 08:30:00, pulse 72 (tests/telemonitoring/
# test_gatt.py works the bytes out by hand).
BP_120_80_PULSE_72 = bytes.fromhex("06 7800 5000 5D00 EA07 0C 05 08 1E 00 4800")
# Heart rate 72 /min, sensor contact detected.
HR_72 = bytes.fromhex("06 48")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def bp_now(systolic: int = 120, diastolic: int = 80, pulse: int = 72) -> bytes:
    """A blood pressure without timestamp (flags 0x04: pulse only), values < 2046."""
    return (
        bytes([0x04])
        + systolic.to_bytes(2, "little")
        + diastolic.to_bytes(2, "little")
        + (0x07FF).to_bytes(2, "little")  # MAP: NaN
        + pulse.to_bytes(2, "little")
    )


def actor_of(account: PortalAccount) -> PortalPatient:
    """The portal's signed-in patient for ``account``, as the pages hand it to services."""
    return PortalPatient(
        account_id=account.pk, patient_id=account.patient_id, given_names="", surname=""
    )


def diary_for_today(make_user: Any, patient_id: int, **fields: Any) -> DiarySchedule:
    """The symptom diary of a cycle whose day 1 is today, scheduled by a nurse."""
    nurse: User = make_user(Role.NURSE)
    day_one: date = fields.pop("chemotherapy_on", timezone.localdate())
    return diary_schedule(
        actor=nurse, workstation=None, patient_id=patient_id, chemotherapy_on=day_one, **fields
    )
