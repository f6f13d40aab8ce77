"""What the services and the selectors of telemonitoring share (outside both layers): who
the patient is (the portal's session), the patient's activity log, the staff check, the
cycle a day falls in, a patient's alert limits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from corsia.core.actors import User, require_permission
from corsia.patients.selectors import patient_get
from corsia.portal.services import activity_record
from corsia.telemonitoring.domain import thresholds
from corsia.telemonitoring.domain.parameters import Parameter
from corsia.telemonitoring.models import DiarySchedule, Threshold
from corsia.telemonitoring.permissions import MANAGE, VIEW


class PatientActor(Protocol):
    """The patient signed in to the portal (``corsia.portal.access.PortalPatient``)."""

    @property
    def account_id(self) -> int: ...

    @property
    def patient_id(self) -> int: ...


def portal_workstation(patient: PatientActor) -> str:
    return f"portale paziente (account {patient.account_id})"


def activity(patient: PatientActor, action: str, detail: str = "") -> None:
    """One act of the patient, in the portal's activity log (the patients' access log)."""
    activity_record(
        account_id=patient.account_id,
        patient_id=patient.patient_id,
        action=f"telemonitoring.{action}",
        detail=detail,
    )


def staff_patient(user: User, patient_id: int, *, manage: bool = False) -> User:
    """The staff user, allowed to see (``manage``: to act on) this patient's monitoring."""
    user = require_permission(user, MANAGE if manage else VIEW)
    patient_get(user=user, patient_id=patient_id)
    return user


def current_schedule(patient_id: int, today: date) -> DiarySchedule | None:
    """The diary schedule whose days cover ``today`` (the latest cycle first)."""
    for schedule in DiarySchedule.objects.filter(
        patient_id=patient_id, chemotherapy_on__lte=today
    ).order_by("-chemotherapy_on", "-id"):
        if today <= schedule.chemotherapy_on + timedelta(days=schedule.days - 1):
            return schedule
    return None


def limits_for(patient_id: int) -> dict[Parameter, thresholds.Limits]:
    """The alert limits of each parameter: the team's for this patient, else the default."""
    limits = dict(thresholds.DEFAULT_LIMITS)
    for row in Threshold.objects.filter(patient_id=patient_id, is_current=True):
        limits[Parameter(row.parameter)] = thresholds.Limits(row.low, row.high)
    return limits
