"""A patient merge moves the duplicate's televisits to the survivor (the room, consent and
signalling follow the televisit); the undoing moves exactly those back."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.patients import services as patients
from corsia.patients.models import PatientMerge, PatientMergeMove
from corsia.telemedicine.models import Televisit
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.telemedicine import televisit_case

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_duplicates_televisits_and_the_undoing_brings_them_back(
    make_user: MakeUser,
) -> None:
    case = televisit_case(make_user)  # the duplicate's televisit
    coordinator = make_user(Role.COORDINATOR)
    survivor = patient_registered(coordinator, **ANNA_BIANCHI)

    patients.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=case.patient_id,
        reason="Stessa persona",
    )
    merge = PatientMerge.objects.get(duplicate_id=case.patient_id, state="merged")

    assert Televisit.objects.get(pk=case.visit.pk).patient_id == survivor.pk
    moved = PatientMergeMove.objects.get(merge=merge, module="telemedicine")
    assert (moved.model, moved.row_ids) == ("telemedicine.Televisit", [case.visit.pk])

    patients.patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Due persone diverse"
    )
    assert Televisit.objects.get(pk=case.visit.pk).patient_id == case.patient_id
