"""The clinical diary of a stay printed at discharge from its versioned template
(``discharge_diary``) and archived with the version: the entries written during the stay,
oldest first, a correction with what it corrects and why; permissions; an unknown or
another patient's stay refused; an edit dropping the author refused.

Hand count: an outpatient note written before the admission (no stay: left out), the
admission visit, a ward round later corrected (the corrected version left out, the
correction printed with its reason): 2 entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.models import Document, DocumentTemplate
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.services import template_update
from corsia.patients import services as patient_services
from corsia.patients.models import Encounter, Patient, Ward
from corsia.records import services
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.documents import printed_html
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.django_db


def _entry(physician: User, patient: Patient, kind: str, text: str, hours_ago: int) -> int:
    entry = services.diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.DiaryInput(
            kind=kind, text=text, written_at=timezone.now() - timedelta(hours=hours_ago)
        ),
    )
    return entry.pk


@pytest.fixture
def stay(make_user: MakeUser, physician: User, patient: Patient) -> Encounter:
    coordinator = make_user(Role.COORDINATOR)
    _entry(physician, patient, "note", "Nota ambulatoriale prima del ricovero.", 80)
    ward = Ward.objects.create(code="EMA", name="Ematologia degenza", kind="inpatient")
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=timezone.now() - timedelta(hours=72),
    )  # fmt: skip
    _entry(physician, patient, "visit", "Ingresso: paziente vigile, apiretico.", 70)
    round_id = _entry(physician, patient, "ward_round", "Febbre 38,5 °C.", 20)
    services.diary_entry_correct(
        actor=physician, workstation=None, entry_id=round_id,
        data=services.DiaryInput(
            kind="ward_round", text="Febbre 38,2 °C.",
            written_at=timezone.now() - timedelta(hours=20),
        ),
        reason="temperatura trascritta male",
    )  # fmt: skip
    return patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=Encounter.objects.get(pk=encounter.pk).version,
    )  # fmt: skip


def _url(patient: Patient, encounter_id: object) -> str:
    return f"/records/patients/{patient.pk}/stay-diary.pdf?encounter={encounter_id}"


def test_the_stay_diary_is_printed_from_version_1_and_archived(
    stay: Encounter, patient: Patient, nurse: User, physician: User
) -> None:
    # when the nurse prints the diary of the stay from the letters page
    letters = logged_in(nurse).get(f"/records/patients/{patient.pk}/letters/")
    assert 'data-testid="stay-diary-form"' in letters.content.decode()
    response = logged_in(nurse).get(_url(patient, stay.pk))
    # then the PDF answered is the archived document of the patient, template version 1
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(kind="discharge_diary")
    assert response.content == bytes(document.content)
    assert (document.patient_id, document.template_version, document.signed) == (
        patient.pk, 1, False,
    )  # fmt: skip
    assert (document.source_model, document.source_id) == ("encounter", str(stay.pk))
    # and it holds the 2 entries of the stay, oldest first (hand count in the docstring)
    context = document.context
    assert (context["stay"]["ward"], context["stay"]["entries_count"]) == (
        "Ematologia degenza", "2",
    )  # fmt: skip
    assert context["stay"]["discharged_at"] != ""
    author = physician.get_full_name() or physician.username
    entries = [
        (e["kind"], e["text"], e["author"], e["correction_reason"], bool(e["corrects"]))
        for e in context["entries"]
    ]
    assert entries == [
        ("Visita", "Ingresso: paziente vigile, apiretico.", author, "", False),
        ("Giro visita", "Febbre 38,2 °C.", author, "temperatura trascritta male", True),
    ]
    html = printed_html(document)
    assert patient.mrn in html and f"{patient.date_of_birth:%d/%m/%Y}" in html
    assert "Nota ambulatoriale" not in html and "38,5" not in html
    assert "temperatura trascritta male" in html
    # the read is in the access log
    assert AccessLogEntry.objects.filter(
        user=nurse, patient_id=patient.pk, what="diario clinico del ricovero (stampa)"
    ).exists()


def test_an_unknown_or_another_patients_stay_is_not_found(
    stay: Encounter, patient: Patient, nurse: User, make_user: MakeUser
) -> None:
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    client = logged_in(nurse)
    assert client.get(_url(other, stay.pk)).status_code == 404
    for bad in ("999999", "abc", ""):
        assert client.get(_url(patient, bad)).status_code == 404
    # no stay asked for: back to the letters page, whose form names one
    bare = client.get(f"/records/patients/{patient.pk}/stay-diary.pdf", follow=True)
    assert bare.redirect_chain == [(f"/records/patients/{patient.pk}/letters/", 302)]
    assert "Scegli il ricovero di cui stampare il diario." in bare.content.decode()
    assert not Document.objects.exists()


def test_who_may_not_read_the_chart_or_archive_a_print_gets_nothing(
    stay: Encounter, patient: Patient, it_staff: User, make_user: MakeUser
) -> None:
    assert logged_in(it_staff).get(_url(patient, stay.pk)).status_code == 403
    assert logged_in(make_user(Role.TRIAL_MONITOR)).get(_url(patient, stay.pk)).status_code in (
        403,
        404,
    )
    assert not Document.objects.exists()


def test_an_edit_dropping_the_author_or_a_correction_reason_is_refused(it_staff: User) -> None:
    shipped = (DEFAULTS_DIR / "discharge_diary.html").read_text()
    for drop, field in (
        (" · {{ e.author }}", "entries[].author"),
        (": {{ e.correction_reason }}", "entries[].correction_reason"),
    ):
        assert drop in shipped
        with pytest.raises(ValidationFailed) as refused:
            template_update(
                actor=it_staff, workstation=None, code="discharge_diary", title="Ridotto",
                body=shipped.replace(drop, ""), expected_version=1,
            )  # fmt: skip
        assert refused.value.code == "template_required_field_missing"
        assert refused.value.details == {"missing_fields": [field]}
    assert not DocumentTemplate.objects.filter(code="discharge_diary").exists()


# --- the API's print and its refusals -----------------------------------------------------


def _api(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/stay-diary.pdf"


def test_the_api_prints_the_same_archived_diary(
    stay: Encounter, patient: Patient, nurse: User
) -> None:
    response = api_client(nurse).get(_api(patient), {"encounter_id": stay.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert response.content == bytes(document.content)
    assert (document.template_code, document.patient_id, document.source_id) == (
        "discharge_diary", patient.pk, str(stay.pk),
    )  # fmt: skip
    assert [e["text"] for e in document.context["entries"]] == [
        "Ingresso: paziente vigile, apiretico.",
        "Febbre 38,2 °C.",
    ]
    # the patient's own document: it names no other patient
    assert not document.named_patients.exists()
    assert AccessLogEntry.objects.filter(
        user=nurse,
        patient_id=patient.pk,
        channel="api",
        what="diario clinico del ricovero (stampa)",
    ).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (422, "validation_failed")),
        ({"encounter_id": ""}, (422, "validation_failed")),
        ({"encounter_id": "abc"}, (422, "validation_failed")),
        ({"encounter_id": "999999"}, (404, "encounter_not_found")),
        ({"encounter_id": "0"}, (404, "encounter_not_found")),
        ({"encounter_id": "99999999999999999999"}, (404, "encounter_not_found")),
    ],
)
def test_a_missing_or_unknown_stay_is_a_problem_and_nothing_is_archived(
    stay: Encounter, patient: Patient, nurse: User, query: dict[str, str], expected: tuple[int, str]
) -> None:
    response = api_client(nurse).get(_api(patient), query)
    assert (response.status_code, response.json()["code"]) == expected
    assert response["Content-Type"] == "application/problem+json"
    assert not Document.objects.exists()


def test_another_patients_stay_or_patient_is_not_found(
    stay: Encounter, patient: Patient, nurse: User, it_staff: User, make_user: MakeUser
) -> None:
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    client = api_client(nurse)
    response = client.get(_api(other), {"encounter_id": stay.pk})
    assert response.status_code == 404 and response.json()["code"] == "encounter_not_found"
    missing = client.get("/api/v1/patients/999999/stay-diary.pdf", {"encounter_id": stay.pk})
    assert missing.status_code == 404 and missing.json()["code"] == "patient_not_found"
    refused = api_client(it_staff).get(_api(patient), {"encounter_id": stay.pk})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Document.objects.exists()
