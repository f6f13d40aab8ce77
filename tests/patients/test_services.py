"""Services of the patient registry: permission, validation (nothing written), audit,
concurrency, merge, ADT, consents and masking."""

from __future__ import annotations

from datetime import date, timedelta

import pghistory.models
import pytest
from django.db import transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import (
    InvalidTransition,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.patients import selectors, services
from corsia.patients.models import (
    Consent,
    DocumentType,
    Encounter,
    ExternalIdentifier,
    Masking,
    Patient,
    Ward,
)
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import MakePatient

MARIO = "RSSMRA85T10A562S"


def _counts() -> tuple[int, int, int, int]:
    return (
        Patient.objects.count(),
        AuditEvent.objects.count(),
        Encounter.objects.count(),
        ExternalIdentifier.objects.count(),
    )


def test_create_fills_mrn_search_text_place_and_audit(make_patient: MakePatient) -> None:
    # when
    patient = make_patient(given_names="Mario  Luigi", external_ids={"ADT": "A-1"})
    # then
    assert len(patient.mrn) == 8 and patient.mrn.isdigit()
    assert patient.search_text == "ROSSI MARIO LUIGI"
    assert patient.place_of_birth == "A562"  # taken from the codice fiscale
    assert patient.identifiers.get().value == "A-1"
    event = AuditEvent.objects.get(event_type="patients.patient_created")
    assert event.patient_id == patient.pk
    assert event.after is not None and event.after["codice_fiscale"] == MARIO


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"codice_fiscale": "RSSMRA85T10A562X"}, "fiscal_code_checksum", "codice_fiscale"),
        ({"date_of_birth": date(2999, 1, 1)}, "birth_date_in_future", "date_of_birth"),
        ({"sex": "F"}, "fiscal_code_sex_mismatch", "sex"),
        ({"date_of_birth": date(1985, 12, 11)}, "fiscal_code_birth_date_mismatch", "date_of_birth"),
        ({"codice_fiscale": "", "stp_eni_code": ""}, "identifier_required", "codice_fiscale"),
        ({"codice_fiscale": "", "stp_eni_code": "STP12"}, "foreign_code_malformed", "stp_eni_code"),
        ({"surname": "  "}, "required", "surname"),
        ({"email": "non-una-mail"}, "email_invalid", "email"),
        ({"place_of_birth": "Z999"}, "birthplace_unknown", "place_of_birth"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    make_patient: MakePatient, fields: dict[str, object], code: str, field: str
) -> None:
    # given
    before = _counts()
    # when
    with pytest.raises(ValidationFailed) as refused:
        make_patient(external_ids={"ADT": "X"}, **fields)
    # then
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message  # Italian sentence for the user
    assert _counts() == before


def test_foreign_patient_with_stp_code_only(make_patient: MakePatient) -> None:
    patient = make_patient(
        codice_fiscale="", stp_eni_code="stp 030 0000012345", place_of_birth="Z330"
    )
    assert (patient.codice_fiscale, patient.stp_eni_code) == ("", "STP0300000012345")


def test_duplicate_fiscal_code_refused(make_patient: MakePatient) -> None:
    first = make_patient()
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        make_patient()
    assert refused.value.code == "fiscal_code_taken"
    assert first.mrn in refused.value.message
    assert _counts() == before


def test_create_needs_the_permission(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    with pytest.raises(PermissionRefused):
        services.patient_create(
            actor=nurse,
            workstation=None,
            data=services.PatientInput("Rossi", "Mario", "M", date(1985, 12, 10), MARIO),
        )
    assert Patient.objects.count() == 0


def test_update_with_a_stale_version_names_who_changed_it(
    make_patient: MakePatient, coordinator: User, physician: User
) -> None:
    # given a patient edited by the physician after the coordinator opened the form
    patient = make_patient()
    data = services.PatientInput(
        "Rossi", "Mario", "M", date(1985, 12, 10), MARIO, address="Via Roma 1"
    )
    services.patient_update(
        actor=physician, workstation=None, patient_id=patient.pk, expected_version=1, data=data
    )
    # when the coordinator saves from version 1
    stale = services.PatientInput(
        "Rossi", "Mario", "M", date(1985, 12, 10), MARIO, address="Via Milano 2"
    )
    with pytest.raises(StaleVersion) as refused:
        services.patient_update(
            actor=coordinator,
            workstation=None,
            patient_id=patient.pk,
            expected_version=1,
            data=stale,
        )
    # then the message names the physician and nothing of the stale copy is saved
    assert physician.last_name in refused.value.message
    patient.refresh_from_db()
    assert (patient.address, patient.version) == ("Via Roma 1", 2)


def test_update_with_inconsistent_cf_changes_nothing(
    make_patient: MakePatient, coordinator: User
) -> None:
    patient = make_patient()
    before = _counts()
    with pytest.raises(ValidationFailed):
        services.patient_update(
            actor=coordinator,
            workstation=None,
            patient_id=patient.pk,
            expected_version=1,
            data=services.PatientInput("Rossi", "Maria", "F", date(1985, 12, 10), MARIO),
        )
    patient.refresh_from_db()
    assert (patient.given_names, patient.sex, patient.version) == ("Mario", "M", 1)
    assert _counts() == before


def _admit(actor: User, patient: Patient, ward: Ward, place: int | None = None) -> Encounter:
    return services.encounter_admit(
        actor=actor,
        workstation=None,
        patient_id=patient.pk,
        kind="day_hospital",
        ward_id=ward.pk,
        place_id=place,
    )


def test_merge_keeps_both_histories(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given a survivor and a duplicate registered with an STP code, each with history
    survivor = make_patient(external_ids={"ADT": "1"})
    duplicate = make_patient(
        codice_fiscale="", stp_eni_code="STP0300000012345", given_names="Mario Ant."
    )
    survivor_visit = _admit(coordinator, survivor, ward)
    services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=survivor_visit.pk, expected_version=1
    )
    duplicate_visit = _admit(coordinator, duplicate, ward)
    consent = services.consent_record(
        actor=coordinator, workstation=None, patient_id=duplicate.pk, kind="fse", granted=True
    )
    ExternalIdentifier.objects.create(patient=duplicate, system="CUP", value="9")
    masking = services.document_mask(
        actor=coordinator,
        workstation=None,
        patient_id=duplicate.pk,
        document_type=DocumentType.CONSENT.value,
        document_id=consent.pk,
    )
    # when
    services.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="stessa persona, registrata in PS con STP",
    )
    # then everything of the duplicate now belongs to the survivor
    assert set(survivor.encounters.values_list("pk", flat=True)) == {
        survivor_visit.pk,
        duplicate_visit.pk,
    }
    assert list(survivor.consents.values_list("pk", flat=True)) == [consent.pk]
    assert set(survivor.identifiers.values_list("system", flat=True)) == {"ADT", "CUP"}
    assert list(survivor.maskings.values_list("pk", flat=True)) == [masking.pk]
    # and the duplicate is kept, merged and inactive
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.is_active) == (survivor.pk, False)
    # and the history says where the moved rows came from
    moved = pghistory.models.Events.objects.filter(
        pgh_model="patients.EncounterEvent", pgh_obj_id=str(duplicate_visit.pk)
    ).order_by("pgh_id")
    assert [e.pgh_data["patient_id"] for e in moved] == [duplicate.pk, survivor.pk]
    # and both patients carry an audit event with the reason
    merged = AuditEvent.objects.filter(event_type__startswith="patients.patient_merge")
    assert sorted((e.event_type, e.patient_id) for e in merged) == [
        ("patients.patient_merge_received", survivor.pk),
        ("patients.patient_merged", duplicate.pk),
    ]
    assert {e.reason for e in merged} == {"stessa persona, registrata in PS con STP"}
    # and searching the duplicate's code finds the survivor
    found = selectors.patient_search(user=coordinator, text="STP0300000012345")
    assert [p.pk for p in found] == [survivor.pk]


def test_merge_without_reason_changes_nothing(make_patient: MakePatient, coordinator: User) -> None:
    a = make_patient()
    b = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        services.patient_merge(
            actor=coordinator, workstation=None, survivor_id=a.pk, duplicate_id=b.pk, reason=" "
        )
    assert refused.value.code == "reason_required"
    b.refresh_from_db()
    assert b.merged_into_id is None
    assert _counts() == before


def test_merge_needs_the_permission(make_patient: MakePatient, physician: User) -> None:
    a = make_patient()
    b = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    with pytest.raises(PermissionRefused):
        services.patient_merge(
            actor=physician, workstation=None, survivor_id=a.pk, duplicate_id=b.pk, reason="x"
        )


def test_adt_admit_transfer_discharge(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    patient = make_patient()
    chairs = list(ward.places.order_by("code"))
    encounter = _admit(coordinator, patient, ward, chairs[0].pk)
    # a second admission and an occupied chair are refused
    with pytest.raises(ValidationFailed) as twice:
        _admit(coordinator, patient, ward)
    assert twice.value.code == "encounter_already_active"
    other = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    with pytest.raises(ValidationFailed) as occupied:
        _admit(coordinator, other, ward, chairs[0].pk)
    assert occupied.value.code == "place_occupied"
    # transfer, then discharge
    encounter = services.encounter_transfer(
        actor=coordinator,
        workstation=None,
        encounter_id=encounter.pk,
        expected_version=1,
        ward_id=ward.pk,
        place_id=chairs[1].pk,
    )
    assert encounter.place_id == chairs[1].pk
    with pytest.raises(ValidationFailed) as early:
        services.encounter_discharge(
            actor=coordinator,
            workstation=None,
            encounter_id=encounter.pk,
            expected_version=2,
            discharged_at=encounter.admitted_at - timedelta(minutes=1),
        )
    assert early.value.code == "discharge_before_admission"
    encounter = services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk, expected_version=2
    )
    assert encounter.state == "discharged"
    with pytest.raises(InvalidTransition):
        services.encounter_discharge(
            actor=coordinator, workstation=None, encounter_id=encounter.pk, expected_version=3
        )
    assert list(
        AuditEvent.objects.filter(event_type__startswith="patients.encounter").values_list(
            "event_type", flat=True
        )
    ) == [
        "patients.encounter_admitted",
        "patients.encounter_transferred",
        "patients.encounter_discharged",
    ]


def test_cancel_needs_a_reason(make_patient: MakePatient, coordinator: User, ward: Ward) -> None:
    encounter = _admit(coordinator, make_patient(), ward)
    with pytest.raises(ValidationFailed):
        services.encounter_cancel(
            actor=coordinator,
            workstation=None,
            encounter_id=encounter.pk,
            expected_version=1,
            reason="",
        )
    encounter = services.encounter_cancel(
        actor=coordinator,
        workstation=None,
        encounter_id=encounter.pk,
        expected_version=1,
        reason="registrato per errore",
    )
    assert (encounter.state, encounter.state_reason) == ("cancelled", "registrato per errore")


def test_consent_record_and_revoke(make_patient: MakePatient, coordinator: User) -> None:
    patient = make_patient()
    with pytest.raises(ValidationFailed):
        services.consent_record(
            actor=coordinator,
            workstation=None,
            patient_id=patient.pk,
            kind="fse",
            granted=True,
            given_on=timezone.localdate() + timedelta(days=1),
        )
    assert Consent.objects.count() == 0
    consent = services.consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="treatment", granted=True
    )
    consent = services.consent_revoke(
        actor=coordinator, workstation=None, consent_id=consent.pk, reason="richiesta scritta"
    )
    assert consent.revoked_at is not None and consent.revoked_by == coordinator


def test_masked_document_is_hidden_and_unmasking_needs_a_reason(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    patient = make_patient()
    encounter = _admit(coordinator, patient, ward)
    masking = services.document_mask(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        document_type=DocumentType.ENCOUNTER.value,
        document_id=encounter.pk,
        reason="richiesta della paziente",
    )
    assert selectors.is_masked(document_type="patients.encounter", document_id=encounter.pk)
    assert list(selectors.visible_encounters(patient)) == []
    with pytest.raises(ValidationFailed):
        services.document_unmask(
            actor=coordinator, workstation=None, masking_id=masking.pk, reason=""
        )
    assert Masking.objects.get().revoked_at is None
    services.document_unmask(
        actor=coordinator, workstation=None, masking_id=masking.pk, reason="il paziente lo chiede"
    )
    assert list(selectors.visible_encounters(patient)) == [encounter]


def test_mask_refuses_a_document_of_another_patient(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    a = make_patient()
    b = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    encounter = _admit(coordinator, a, ward)
    with pytest.raises(ValidationFailed) as refused:
        services.document_mask(
            actor=coordinator,
            workstation=None,
            patient_id=b.pk,
            document_type="patients.encounter",
            document_id=encounter.pk,
        )
    assert refused.value.code == "document_not_of_patient"
    assert Masking.objects.count() == 0


def test_other_modules_read_one_patient_and_its_current_ward(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given a patient admitted to a ward, and one not admitted
    admitted = make_patient()
    _admit(coordinator, admitted, ward)
    other = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    # then another module's service reads the patient (locked when asked) and the ward
    with transaction.atomic():
        assert selectors.patient_record(patient_id=admitted.pk, lock=True) == admitted
    assert selectors.patient_record(patient_id=other.pk) == other
    assert selectors.patient_current_ward_id(patient_id=admitted.pk) == ward.pk
    assert selectors.patient_current_ward_id(patient_id=other.pk) is None
    with pytest.raises(NotFound) as refused:
        selectors.patient_record(patient_id=other.pk + 1000)
    assert refused.value.code == "patient_not_found"


def test_patients_born_before_leave_out_the_merged_and_the_young(
    make_patient: MakePatient, coordinator: User
) -> None:
    # given an adult, a merged duplicate of them and a young patient
    adult = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="STP0300000012345")
    make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123", date_of_birth=date(2010, 1, 1))
    services.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=adult.pk,
        duplicate_id=duplicate.pk,
        reason="stessa persona",
    )
    # then only the adult is listed
    assert list(selectors.patients_born_before(year=2005)) == [adult]
