"""A patient merge moves the duplicate's magistral preparations — the batches made for it and
the units dispensed to it — to the survivor; a ward's dispensing stays as it is; the undoing
moves exactly those back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.galenics import services
from corsia.galenics.models import Batch, Dispensing, Formula
from corsia.patients import services as patients
from corsia.patients.models import PatientMerge, PatientMergeMove
from corsia.patients.services import ward_ensure
from corsia.testing.accounts import MakeUser
from corsia.testing.galenics import OINTMENT, Lab, batch_prepared, published
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_duplicates_preparations_and_the_undoing_brings_them_back(
    lab: Lab, suspension: Formula, technician: User, releaser: User, make_user: MakeUser
) -> None:
    # given a suspension made for the duplicate, and 30 g of a released ointment dispensed
    # to it and 20 g to a ward
    coordinator = make_user(Role.COORDINATOR)
    survivor = patient_registered(coordinator, **ANNA_BIANCHI)
    duplicate = patient_registered(coordinator)
    made = services.batch_open(
        actor=technician,
        workstation="t",
        formula_id=suspension.pk,
        quantity=Decimal(100),
        cost_center_code="CC-GAL",
        patient_id=duplicate.pk,
    )
    ointment = batch_prepared(lab, technician, published(lab.pharmacist, OINTMENT), Decimal(100))
    services.batch_release(actor=releaser, workstation="t", batch_id=ointment.pk)
    given = services.batch_dispense(
        actor=releaser,
        workstation="t",
        batch_id=ointment.pk,
        quantity=Decimal(30),
        patient_id=duplicate.pk,
    )
    ward_ensure(code="ONCG", name="Oncologia", kind="inpatient")
    to_ward = services.batch_dispense(
        actor=releaser,
        workstation="t",
        batch_id=ointment.pk,
        quantity=Decimal(20),
        ward_code="ONCG",
    )

    # when the two registrations are merged
    patients.patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="Stessa persona",
    )
    merge = PatientMerge.objects.get(duplicate=duplicate, state="merged")

    # then the batch made for her and what she was given are the survivor's
    assert Batch.objects.get(pk=made.pk).patient_id == survivor.pk
    assert Dispensing.objects.get(pk=given.pk).patient_id == survivor.pk
    assert Dispensing.objects.get(pk=to_ward.pk).patient_id is None
    moves = {
        m.model: m.row_ids for m in PatientMergeMove.objects.filter(merge=merge, module="galenics")
    }
    assert moves == {"galenics.Batch": [made.pk], "galenics.Dispensing": [given.pk]}
    audit = AuditEvent.objects.get(event_type="patients.merge_rows_moved", after__module="galenics")
    assert audit.after is not None and audit.after["moved"] == moves

    # when the merge is undone, exactly those are the duplicate's again
    patients.patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )
    assert Batch.objects.get(pk=made.pk).patient_id == duplicate.pk
    assert Dispensing.objects.get(pk=given.pk).patient_id == duplicate.pk
    assert Dispensing.objects.get(pk=to_ward.pk).patient_id is None
