"""Printing the wristband: who may (``patients.print_wristband``, a logged read of the
patient) and the ZPL for the thermal printers (a fixed layout). The PDF is printed by
``corsia.records.wristband`` through the editable template ``wristband`` of the document
archive, which sits above this module."""

from __future__ import annotations

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import PermissionRefused
from corsia.patients import selectors
from corsia.patients.domain.wristband import WristbandData, wristband_zpl
from corsia.patients.models import Patient


def wristband_for(
    *, user: User, patient_id: int, what: str, workstation: Workstation, channel: str = "web"
) -> Patient:
    """The patient whose wristband ``user`` prints (``patients.print_wristband``), the
    read logged."""
    if not user.has_perm("patients.print_wristband"):
        raise PermissionRefused("Non hai il permesso per stampare il braccialetto.")
    patient = selectors.patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what=what, workstation=workstation, channel=channel
    )
    return patient


def _data(patient: Patient) -> WristbandData:
    return WristbandData(
        surname=patient.surname,
        given_names=patient.given_names,
        sex=patient.sex,
        date_of_birth=patient.date_of_birth,
        mrn=patient.mrn,
    )


def wristband_zpl_for(patient: Patient) -> str:
    return wristband_zpl(_data(patient))
