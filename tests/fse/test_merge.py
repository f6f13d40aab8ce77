"""A patient merge moves the duplicate's FSE documents to the survivor, untouched but for
the patient, and its undoing moves exactly those back (``corsia/fse/merge.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.fse.models import FseDocument
from corsia.fse.services import fse_document_submit
from corsia.patients.models import Patient, PatientMerge, PatientMergeMove
from corsia.patients.services import patient_merge, patient_unmerge
from corsia.testing.patients import patient_registered

LDO = (Path(__file__).parent / "examples" / "LDO.xml").read_bytes()

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_fse_documents_and_its_undoing_brings_them_back(
    physician: User, coordinator: User, ldo_patient: Callable[..., Patient]
) -> None:
    # given the LDO's patient registered twice, the FSE document sent for the duplicate
    duplicate = ldo_patient()
    survivor = patient_registered(
        coordinator,
        surname="Gateway",
        given_names="Gateway",
        sex="F",
        date_of_birth=date(1982, 2, 2),
        codice_fiscale="",
        stp_eni_code="STP1200001234567",
    )
    row = fse_document_submit(actor=physician, workstation=None, patient_id=duplicate.pk, cda=LDO)
    sha = row.cda_sha256

    # when the coordinator merges them
    patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="Stessa persona registrata due volte",
    )

    # then the document is the survivor's, its CDA and hash as they were validated
    row.refresh_from_db()
    assert (row.patient_id, row.cda_sha256, bytes(row.cda)) == (survivor.pk, sha, LDO)
    merge = PatientMerge.objects.get(duplicate=duplicate, state="merged")
    (moved,) = PatientMergeMove.objects.filter(merge=merge, module="fse")
    assert (moved.model, moved.row_ids) == ("fse.FseDocument", [row.pk])
    audited = AuditEvent.objects.get(event_type="patients.merge_rows_moved", after__module="fse")
    assert (audited.after or {})["moved"] == {"fse.FseDocument": [row.pk]}

    # and undoing the merge gives it back to the duplicate
    patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )
    row.refresh_from_db()
    assert row.patient_id == duplicate.pk
    assert FseDocument.objects.filter(patient_id=survivor.pk).count() == 0
