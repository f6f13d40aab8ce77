"""A masked (oscurato) stay in progress: its ward's staff and those treating the patient
keep seeing it; everyone else cannot tell that it exists (the Garante's "oscuramento
dell'oscuramento"); once closed it is hidden from everyone (docs/security.md, section 16)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients import selectors, services
from corsia.patients.models import Encounter, Patient, Ward
from corsia.prescribing import services as prescribing
from corsia.prescribing.models import TherapyOrder
from corsia.records import selectors as records
from corsia.records import services as records_services
from corsia.records.services.diary import DiaryInput
from corsia.records.services.labs import LabInput
from corsia.records.services.vitals import VitalsInput
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import MakePatient, masked_stay_admitted

pytestmark = pytest.mark.django_db

SECRET = "Colloquio riservato MASCHERATO-7731"


def _masked_stay(patient: Patient, ward: Ward, coordinator: User, physician: User) -> Encounter:
    return masked_stay_admitted(coordinator, patient, ward.pk, masked_by=physician)


def _encounters(user: User, patient: Patient) -> list[int]:
    view = selectors.patient_view(user=user, patient_id=patient.pk, what="test", workstation=None)
    return [e.pk for e in view.encounters]


def test_the_wards_staff_keep_seeing_a_masked_stay_in_progress_others_cannot_tell(
    make_patient: MakePatient, ward: Ward, coordinator: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    treating, other = make_user(Role.PHYSICIAN), make_user(Role.NURSE)
    for user in (treating,):
        services.ward_staff_assign(
            actor=coordinator, workstation=None, username=user.username, ward_code=ward.code
        )
    # an unmasked patient in the same ward, as the baseline of what "other" sees
    baseline = make_patient(codice_fiscale="", stp_eni_code="STP1200000000001")
    services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=baseline.pk, kind="day_hospital",
        ward_id=ward.pk,
    )  # fmt: skip
    encounter = _masked_stay(patient, ward, coordinator, treating)
    records_services.diary_entry_sign(
        actor=treating, workstation=None, patient_id=patient.pk,
        data=DiaryInput(kind="note", text=SECRET),
    )  # fmt: skip

    # the ward's physician: the stay, its diary, the patient in the ward's list
    assert _encounters(treating, patient) == [encounter.pk]
    assert [e.text for e in records.patient_diary(user=treating, patient_id=patient.pk)] == [SECRET]
    assert patient in selectors.ward_inpatients(user=treating, ward_code=ward.code)

    # anyone else: no stay, no diary entry, not in the ward's list ...
    assert _encounters(other, patient) == []
    assert records.patient_diary(user=other, patient_id=patient.pk) == []
    assert selectors.ward_inpatients(user=other, ward_code=ward.code) == [baseline]
    # ... and nothing in the answers tells that something is masked
    api = api_client(other)
    detail = api.get(f"/api/v1/patients/{patient.pk}").json()
    assert detail["encounters"] == [] and detail["masked_count"] is None
    found = api.get("/api/v1/patients/search", {"q": "rossi mario"}).content.decode()
    assert "oscura" not in found.lower() and "mask" not in found.lower()
    page = logged_in(other).get(f"/patients/{patient.pk}/").content.decode()
    assert f"/encounters/{encounter.pk}/" not in page  # no row, no action on the stay
    assert "masked-count" not in page and "oscurat" not in page.lower(), page[
        max(0, page.lower().find("oscura") - 300) : page.lower().find("oscura") + 100
    ]
    chart = logged_in(other).get(f"/records/patients/{patient.pk}/").content.decode()
    assert SECRET not in chart and "oscura" not in chart.lower()


def test_a_closed_masked_stay_is_hidden_from_its_ward_too(
    make_patient: MakePatient, ward: Ward, coordinator: User, physician: User
) -> None:
    patient = make_patient()
    services.ward_staff_assign(
        actor=coordinator, workstation=None, username=physician.username, ward_code=ward.code
    )
    encounter = _masked_stay(patient, ward, coordinator, physician)
    assert _encounters(physician, patient) == [encounter.pk]
    Encounter.objects.filter(pk=encounter.pk).update(state="discharged")
    assert _encounters(physician, patient) == []


def test_without_ward_assignments_those_acting_for_the_patient_see_the_masked_stay(
    ward: Ward,
    coordinator: User,
    make_user: MakeUser,
    folfox_today: Callable[..., TherapyOrder],
) -> None:
    # a hospital that assigns nobody to wards: the care relationship alone decides
    prescriber = make_user(Role.PHYSICIAN)
    order = folfox_today(prescriber)
    patient = Patient.objects.get(pk=order.patient_id)
    encounter = _masked_stay(patient, ward, coordinator, prescriber)
    # the order was prescribed before this admission: no relationship with *this* stay yet
    assert _encounters(prescriber, patient) == []
    prescribing.order_transition(
        actor=prescriber, workstation=None, order_id=order.pk, event="confirm"
    )
    assert _encounters(prescriber, patient) == [encounter.pk]
    # a consultant signing in the diary during the stay: the entry belongs to the masked
    # stay, hidden with it from everyone else; its author now treats the patient
    consultant, third = make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)
    records_services.diary_entry_sign(
        actor=consultant, workstation=None, patient_id=patient.pk,
        data=DiaryInput(kind="note", text=SECRET),
    )  # fmt: skip
    assert _encounters(consultant, patient) == [encounter.pk]
    assert SECRET in [e.text for e in records.patient_diary(user=consultant, patient_id=patient.pk)]
    assert records.patient_diary(user=third, patient_id=patient.pk) == []
    assert _encounters(third, patient) == []


def test_vitals_and_labs_taken_during_a_masked_stay_are_hidden_from_others_only(
    make_patient: MakePatient, ward: Ward, coordinator: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    treating, other = make_user(Role.NURSE), make_user(Role.PHYSICIAN)
    services.ward_staff_assign(
        actor=coordinator, workstation=None, username=treating.username, ward_code=ward.code
    )
    now = timezone.now()
    # before the stay: seen by everyone
    records_services.vital_signs_record(
        actor=other, workstation=None, patient_id=patient.pk,
        data=VitalsInput(heart_rate="72", measured_at=now - timedelta(days=3)),
    )  # fmt: skip
    encounter = services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="day_hospital",
        ward_id=ward.pk, admitted_at=now - timedelta(days=1),
    )  # fmt: skip
    services.document_mask(
        actor=coordinator, workstation=None, patient_id=patient.pk,
        document_type="patients.encounter", document_id=encounter.pk, reason="richiesta",
    )  # fmt: skip
    # during it: a heart rate of 131 and a creatinine of 2,4
    records_services.vital_signs_record(
        actor=treating, workstation=None, patient_id=patient.pk,
        data=VitalsInput(heart_rate="131", measured_at=now - timedelta(hours=2)),
    )  # fmt: skip
    records_services.lab_result_record(
        actor=treating, workstation=None, patient_id=patient.pk,
        data=LabInput(analyte="Creatinina", value="2,4", unit="mg/dL",
                      collected_at=now - timedelta(hours=3)),
    )  # fmt: skip

    def rates(user: User) -> list[int | None]:
        view = records.patient_vitals(user=user, patient_id=patient.pk)
        return [row.signs.heart_rate for row in view.rows]

    def labs(user: User) -> list[str]:
        return [r.analyte for r in records.lab_view(user=user, patient_id=patient.pk).results]

    assert rates(treating) == [131, 72] and labs(treating) == ["Creatinina"]
    assert rates(other) == [72] and labs(other) == []
    chart = logged_in(other).get(f"/records/patients/{patient.pk}/").content.decode()
    assert "Creatinina" not in chart and "131" not in chart
