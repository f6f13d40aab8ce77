"""A patient merge moves the duplicate's devices and their events to the survivor (the
frozen rows re-pointed, nothing else changed), and its undoing moves exactly those back
(``corsia/vascular/merge.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient, PatientMerge, PatientMergeMove
from corsia.patients.services import patient_merge, patient_unmerge
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.testing.vascular import inserted
from corsia.vascular import services
from corsia.vascular.models import AccessEvent, Device

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_devices_and_its_undoing_brings_them_back(
    make_user: MakeUser, nurse: User, patient: Patient
) -> None:
    # given a removed PICC with a complication (frozen rows) of a patient registered twice
    device = inserted(nurse, patient.pk, at=timezone.now() - timedelta(days=3))
    event = services.complication_record(
        actor=nurse, workstation=None, device_id=device.pk,
        data=services.ComplicationInput(kind="occlusion"),
    )  # fmt: skip
    services.device_remove(
        actor=nurse, workstation=None, device_id=device.pk, expected_version=1,
        data=services.RemovalInput(reason="complication"),
    )  # fmt: skip
    coordinator = make_user(Role.COORDINATOR)
    survivor = patient_registered(
        coordinator, surname="Rossi", given_names="Mario Secondo",
        date_of_birth=date(1950, 1, 1), codice_fiscale="", stp_eni_code="STP1200001234567",
    )  # fmt: skip
    # when merged
    patient_merge(
        actor=coordinator, workstation=None, survivor_id=survivor.pk, duplicate_id=patient.pk,
        reason="Stessa persona registrata due volte",
    )  # fmt: skip
    # then both rows are the survivor's, as they were
    device.refresh_from_db()
    event.refresh_from_db()
    assert (device.patient_id, event.patient_id, device.state) == (
        survivor.pk, survivor.pk, "removed",
    )  # fmt: skip
    merge = PatientMerge.objects.get(duplicate=patient, state="merged")
    moved = {
        m.model: m.row_ids for m in PatientMergeMove.objects.filter(merge=merge, module="vascular")
    }
    assert moved == {"vascular.Device": [device.pk], "vascular.AccessEvent": [event.pk]}
    # and undone, they are the first registration's again
    patient_unmerge(actor=coordinator, workstation=None, merge_id=merge.pk, reason="Diversi")
    assert Device.objects.filter(patient=patient).count() == 1
    assert AccessEvent.objects.filter(patient=patient).count() == 1
