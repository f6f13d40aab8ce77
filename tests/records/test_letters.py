"""Clinical letters from the chart: every datum of a signed discharge letter comes from
the chart (structured record, archived context and PDF text); a signed letter cannot be
changed by any path (service, API, database); a correction is version 2 with its reason;
bad input is refused with nothing saved."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.documents.models import Document
from corsia.documents.rendering import render_html, resolve_template
from corsia.documents.signing import verify_pdf
from corsia.patients import services as patient_services
from corsia.patients.models import Encounter, Patient, Ward
from corsia.prescribing import services as prescribing
from corsia.records import selectors, services
from corsia.records.domain import letters as rules
from corsia.records.domain.timeline import EventKind
from corsia.records.models import ClinicalLetter, Diagnosis, TumourBoard
from corsia.records.services.anamnesis import Sections
from corsia.records.services.vitals import VitalsInput
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version
from corsia.testing.records import signed_in
from corsia.testing.toxicity import NAUSEA, term
from corsia.toxicity import services as toxicity


def _document(record: ClinicalLetter | TumourBoard) -> Document:
    assert record.document is not None, "signed: it has its document"
    return record.document


pytestmark = pytest.mark.django_db

EPICRISIS = "Ricovero per il primo ciclo FOLFOX-4, ben tollerato salvo nausea G2."
INSTRUCTIONS = "Antiemetico al bisogno; contattare il reparto se febbre oltre 38 °C."


@dataclass(frozen=True)
class Stay:
    patient: Patient
    encounter: Encounter
    coordinator: User


def _printed(document: Document) -> str:
    """The page WeasyPrint turned into the document's PDF: its template version rendered
    with the context stored as printed (no PDF text extractor is installed here)."""
    source = resolve_template(document.template_code)
    assert (source.version, source.sha256) == (document.template_version, document.template_sha256)
    return " ".join(html.unescape(render_html(source, document.context)).split())


@pytest.fixture
def catalogues(icd9cm_reference: None, ctcae_reference: None) -> None:
    """ICD-9-CM and CTCAE, as shipped."""


@pytest.fixture
def stay(
    make_user: MakeUser, physician: User, nurse: User, patient: Patient, catalogues: None
) -> Stay:
    """Three days in Oncologia: diagnosis, anamnesis, an allergy, a ward round with vital
    signs, a neutrophil count, ECOG 1, a FOLFOX-4 cycle and a nausea G2 (all in Corsia)."""
    coordinator = make_user(Role.COORDINATOR)
    now = timezone.now()
    today = timezone.localdate()
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=3),
    )  # fmt: skip
    services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.6", diagnosed_on=today - timedelta(days=60),
            histotype="Adenocarcinoma", stage="IIIB", staging_system="TNM 8",
        ),
    )  # fmt: skip
    services.anamnesis_sign(
        actor=physician, workstation=None, patient_id=patient.pk, expected_version=0,
        data=Sections(remote_pathological="Ipertensione arteriosa in terapia con ramipril."),
    )  # fmt: skip
    patient_services.allergy_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=patient_services.AllergyInput(
            substance_kind="other", substance_text="Lattice", reaction="urticaria",
            severity="moderate", certainty="confirmed",
        ),
    )  # fmt: skip
    services.ward_round_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        text="Nausea dopo il giorno 1, alvo regolare.",
        vital_signs=VitalsInput(
            systolic_bp="132", diastolic_bp="78", heart_rate="88", temperature_c="37,6",
            measured_at=now - timedelta(days=1),
        ),
    )  # fmt: skip
    services.lab_result_record(
        actor=nurse, workstation=None, patient_id=patient.pk,
        data=services.LabInput(
            analyte="Neutrofili", value="0,9", unit="10^9/L", reference_low="1.5",
            reference_high="7", collected_at=now - timedelta(days=1),
        ),
    )  # fmt: skip
    services.performance_status_record(
        actor=physician, workstation=None, patient_id=patient.pk, scale="ecog", value=1,
        assessed_on=today - timedelta(days=2),
    )  # fmt: skip
    folfox = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    order = prescribing.order_create(
        actor=physician, workstation=None, patient_id=patient.pk,
        regimen_version_id=folfox.pk, start_date=today - timedelta(days=2),
    )  # fmt: skip
    prescribing.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )
    toxicity.toxicity_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=toxicity.ToxicityInput(
            term_id=term(NAUSEA).pk, grade=2, attribution="probable",
            onset_date=today - timedelta(days=1),
        ),
    )  # fmt: skip
    return Stay(patient=patient, encounter=encounter, coordinator=coordinator)


def _discharge(stay: Stay) -> Encounter:
    return patient_services.encounter_discharge(
        actor=stay.coordinator, workstation=None, encounter_id=stay.encounter.pk,
        expected_version=stay.encounter.version,
    )  # fmt: skip


def _draft(physician: User, stay: Stay, **texts: str) -> ClinicalLetter:
    return services.letter_draft_create(
        actor=physician, workstation=None, patient_id=stay.patient.pk,
        kind="discharge_letter", encounter_id=stay.encounter.pk,
        texts={"clinical_course": EPICRISIS, "instructions": INSTRUCTIONS, **texts},
    )  # fmt: skip


def _section(letter: ClinicalLetter, code: str) -> dict[str, Any]:
    return next(s for s in letter.content["sections"] if s["code"] == code)


def test_the_letter_shows_the_computed_staging_when_one_is_signed(
    physician: User, stay: Stay
) -> None:
    # given the diagnosis written "IIIB" by hand, then staged on the staging page (pT4a N2a M0)
    diagnosis_id = _diagnosis_id(stay)
    services.staging_sign(
        actor=physician, workstation=None, patient_id=stay.patient.pk,
        diagnosis_id=diagnosis_id, expected_version=0,
        data=services.StagingInput(
            system="tnm8_colorectum", criterion="pathological",
            inputs={"t": "T4a", "n": "N2a", "m": "M0"},
        ),
    )  # fmt: skip
    # when the physician drafts the discharge letter
    _discharge(stay)
    letter = _draft(physician, stay)
    # then the diagnosis carries the computed stage and its categories, not the typed one
    item = _section(letter, "diagnosis")["items"][0]
    assert item["values"]["stage"] == "IIIC"
    assert item["values"]["staging_system"].startswith("pT4a N2a M0 · TNM 8ª ed. – Colon e retto")
    assert "stadio IIIC (pT4a N2a M0" in item["cells"][1]


def _diagnosis_id(stay: Stay) -> int:
    return Diagnosis.objects.get(patient=stay.patient).pk


def test_every_datum_of_a_signed_discharge_letter_comes_from_the_chart(
    physician: User, stay: Stay
) -> None:
    # given the stay ended
    _discharge(stay)
    # when the physician drafts the letter and signs it
    letter = _draft(physician, stay, follow_up="Visita oncologica tra 14 giorni.")
    signed = services.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=letter.version
    )
    # then the structured record holds each datum with its source in the chart
    diagnosis = _section(signed, "diagnosis")["items"][0]
    assert diagnosis["values"]["icd9cm"] == "153.6"
    assert diagnosis["source"].startswith("records.diagnosis:")
    assert diagnosis["values"]["stage"] == "IIIB"
    assert _section(signed, "allergies")["items"][0]["values"]["substance"] == "Lattice"
    labs = _section(signed, "labs")["items"]
    assert [(i["values"]["analyte"], i["values"]["value"], i["values"]["flag"]) for i in labs] == [
        ("Neutrofili", "0.9", "L")
    ]
    vitals = _section(signed, "vitals")["items"][0]["values"]
    assert (vitals["systolic_bp"], vitals["temperature_c"]) == ("132", "37,6")
    assert _section(signed, "performance_status")["items"][0]["values"]["value"] == "1"
    therapy = _section(signed, "therapies")["items"]
    assert {i["values"]["ingredient_code"] for i in therapy} >= {"oxaliplatin", "fluorouracil"}
    assert all(i["source"].startswith("prescribing.order_item:") for i in therapy)
    tox = _section(signed, "toxicities")["items"][0]["values"]
    assert (tox["meddra_code"], tox["grade"]) == (NAUSEA, "2")
    diary = _section(signed, "diary")["items"][0]["values"]["text"]
    assert diary == "Nausea dopo il giorno 1, alvo regolare."
    assert _section(signed, "anamnesis")["items"][0]["values"]["text"].startswith("Ipertensione")
    assert signed.content["document_loinc"] == "34105-7"
    # and the archived document is signed, printed from that record
    document = _document(signed)
    assert (document.signed, document.kind, document.version) == (True, "discharge_letter", 1)
    printed = str(document.context)
    for value in ("153.6", "Lattice", "Neutrofili", "0,9 10^9/L", EPICRISIS, INSTRUCTIONS):
        assert value in printed
    text = _printed(document)
    assert verify_pdf(bytes(document.content)).valid
    for value in ("Lettera di dimissione", "153.6", "Lattice", "Neutrofili", "IIIB", "Nausea"):
        assert value in text, value
    assert "Visita oncologica tra 14 giorni." in text
    assert "COPIA NON FIRMATA" not in text
    # and the letter is frozen: status, signer, hash of the structured record
    assert (signed.status, signed.signed_by, len(signed.content_sha256)) == (
        "signed",
        physician,
        64,
    )
    assert AuditEvent.objects.filter(event_type="records.letter_signed").count() == 1


def test_the_letter_is_signed_only_as_the_chart_is_now(
    physician: User, nurse: User, stay: Stay
) -> None:
    _discharge(stay)
    letter = _draft(physician, stay)
    # when a lab result of the stay arrives after the draft
    services.lab_result_record(
        actor=nurse, workstation=None, patient_id=stay.patient.pk,
        data=services.LabInput(
            analyte="Hb", value="10.1", unit="g/dL",
            collected_at=timezone.now() - timedelta(days=2),
        ),
    )  # fmt: skip
    # then the signature is refused until the draft is refreshed
    with pytest.raises(ConflictError) as refused:
        services.letter_sign(
            actor=physician, workstation=None, letter_id=letter.pk,
            expected_version=letter.version,
        )  # fmt: skip
    assert refused.value.code == "chart_changed"
    assert "Esami di laboratorio" in refused.value.message
    assert not Document.objects.exists()
    refreshed = services.letter_draft_update(
        actor=physician, workstation=None, letter_id=letter.pk,
        texts=letter.content["free_text"], expected_version=letter.version, refresh=True,
    )  # fmt: skip
    signed = services.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=refreshed.version
    )
    analytes = [i["values"]["analyte"] for i in _section(signed, "labs")["items"]]
    assert analytes == ["Hb", "Neutrofili"]


def test_a_discharge_letter_is_signed_after_the_discharge(physician: User, stay: Stay) -> None:
    letter = _draft(physician, stay)
    assert _section(letter, "encounter")["items"][0]["cells"][3] == "in corso"
    with pytest.raises(ValidationFailed) as refused:
        services.letter_sign(
            actor=physician, workstation=None, letter_id=letter.pk,
            expected_version=letter.version,
        )  # fmt: skip
    assert refused.value.code == "encounter_not_discharged"
    # after the discharge the draft's stay changed: refresh, then sign
    _discharge(stay)
    with pytest.raises(ConflictError):
        services.letter_sign(
            actor=physician, workstation=None, letter_id=letter.pk,
            expected_version=letter.version,
        )  # fmt: skip
    letter = services.letter_draft_update(
        actor=physician, workstation=None, letter_id=letter.pk,
        texts=letter.content["free_text"], expected_version=letter.version, refresh=True,
    )  # fmt: skip
    signed = services.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=letter.version
    )
    assert signed.status == "signed"


def _signed(physician: User, stay: Stay) -> ClinicalLetter:
    _discharge(stay)
    letter = _draft(physician, stay)
    return services.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=letter.version
    )


def test_a_signed_letter_cannot_be_changed_by_any_path(physician: User, stay: Stay) -> None:
    signed = _signed(physician, stay)
    before = dict(signed.content)
    # service: no edit, no second signature
    with pytest.raises(ConflictError) as refused:
        services.letter_draft_update(
            actor=physician, workstation=None, letter_id=signed.pk,
            texts={"clinical_course": "Altro"}, expected_version=signed.version,
        )  # fmt: skip
    assert refused.value.code == "letter_signed"
    with pytest.raises(ConflictError):
        services.letter_sign(
            actor=physician, workstation=None, letter_id=signed.pk,
            expected_version=signed.version,
        )  # fmt: skip
    # API
    client = signed_in(physician)
    url = f"/api/v1/patients/{stay.patient.pk}/letters/{signed.pk}"
    answer = client.put(
        url,
        {"texts": {"clinical_course": "Altro"}, "expected_version": signed.version},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "letter_signed")
    # database: the ORM, a bulk update and raw SQL are refused by the trigger
    for attempt in (
        lambda: ClinicalLetter.objects.filter(pk=signed.pk).update(content={}),
        lambda: ClinicalLetter.objects.filter(pk=signed.pk).update(status="draft"),
        lambda: ClinicalLetter.objects.filter(pk=signed.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_clinicalletter SET content = '{}' WHERE id = %s", [signed.pk]
        )
    signed.refresh_from_db()
    assert (signed.status, signed.content) == ("signed", before)


def test_a_correction_is_version_2_with_its_reason(physician: User, stay: Stay) -> None:
    signed = _signed(physician, stay)
    # when the physician corrects the signed letter
    with pytest.raises(ValidationFailed):
        services.letter_correct(actor=physician, workstation=None, letter_id=signed.pk, reason=" ")
    draft = services.letter_correct(
        actor=physician, workstation=None, letter_id=signed.pk, reason="Indicazioni incomplete"
    )
    assert (draft.number, draft.status, draft.supersedes_id) == (2, "draft", signed.pk)
    assert draft.content["free_text"]["clinical_course"] == EPICRISIS
    # a second correction of version 1 is refused: correct the newest
    with pytest.raises(ConflictError) as refused:
        services.letter_correct(
            actor=physician, workstation=None, letter_id=signed.pk, reason="Di nuovo"
        )
    assert refused.value.code == "letter_superseded"
    texts = {**draft.content["free_text"], "follow_up": "Emocromo tra 7 giorni."}
    draft = services.letter_draft_update(
        actor=physician, workstation=None, letter_id=draft.pk, texts=texts,
        expected_version=draft.version,
    )  # fmt: skip
    v2 = services.letter_sign(
        actor=physician, workstation=None, letter_id=draft.pk, expected_version=draft.version
    )
    # then the document is version 2 of the same chain, with the reason printed
    document = _document(v2)
    first = _document(signed)
    assert (document.version, document.supersedes_id, document.chain) == (2, first.pk, first.chain)
    assert document.correction_reason == "Indicazioni incomplete"
    assert "Indicazioni incomplete" in _printed(document)
    assert "Emocromo tra 7 giorni." in _printed(document)
    signed.refresh_from_db()
    assert signed.status == "signed"  # version 1 stays as it was
    # and both versions are in the chart's timeline
    chart = selectors.chart_view(user=physician, patient_id=stay.patient.pk, workstation=None)
    titles = [e.title for e in chart.timeline if e.kind is EventKind.LETTER]
    assert titles == ["Lettera di dimissione, versione 2", "Lettera di dimissione, versione 1"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "referral"}, "letter_kind_invalid"),
        ({"texts": {"clinical_course": "a\x00b"}}, "invalid_characters"),
        ({"texts": {"clinical_course": "x" * 8001}}, "text_too_long"),
        ({"texts": {"prognosis": "buona"}}, "letter_section_unknown"),
        ({"encounter_id": None}, "encounter_required"),
        ({"encounter_id": 999999}, "encounter_not_found"),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(
    physician: User, stay: Stay, changes: dict[str, Any], code: str
) -> None:
    values: dict[str, Any] = {
        "kind": "discharge_letter",
        "encounter_id": stay.encounter.pk,
        "texts": {},
        **changes,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.letter_draft_create(
            actor=physician, workstation=None, patient_id=stay.patient.pk, **values
        )
    assert refused.value.code == code
    assert not ClinicalLetter.objects.exists()


def test_signing_needs_the_required_sections_and_the_current_version(
    physician: User, stay: Stay
) -> None:
    _discharge(stay)
    letter = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=stay.patient.pk,
        kind="discharge_letter", encounter_id=stay.encounter.pk,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.letter_sign(
            actor=physician, workstation=None, letter_id=letter.pk,
            expected_version=letter.version,
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == (
        "letter_section_required",
        "clinical_course",
    )
    updated = services.letter_draft_update(
        actor=physician, workstation=None, letter_id=letter.pk,
        texts={"clinical_course": EPICRISIS, "instructions": INSTRUCTIONS},
        expected_version=letter.version,
    )  # fmt: skip
    with pytest.raises(ConflictError):  # a form built from the old version
        services.letter_sign(
            actor=physician, workstation=None, letter_id=letter.pk,
            expected_version=letter.version,
        )  # fmt: skip
    assert updated.status == "draft" and not Document.objects.exists()


def test_only_physicians_sign_and_nurses_read(
    physician: User, nurse: User, it_staff: User, stay: Stay
) -> None:
    _discharge(stay)
    letter = _draft(physician, stay)
    with pytest.raises(PermissionRefused):
        services.letter_sign(
            actor=nurse, workstation=None, letter_id=letter.pk, expected_version=letter.version
        )
    with pytest.raises(PermissionRefused):
        services.letter_draft_create(
            actor=nurse, workstation=None, patient_id=stay.patient.pk,
            kind="diary_report",
        )  # fmt: skip
    with pytest.raises(PermissionRefused):
        selectors_letters_for(it_staff, stay)
    assert [x.pk for x in selectors_letters_for(nurse, stay)] == [letter.pk]
    assert AccessLogEntry.objects.filter(user=nurse, what="lettere cliniche").count() == 1


def selectors_letters_for(user: User, stay: Stay) -> list[ClinicalLetter]:
    from corsia.records.selectors_letters import patient_letters

    return patient_letters(user=user, patient_id=stay.patient.pk)


def test_the_outpatient_report_and_the_diary_report(physician: User, stay: Stay) -> None:
    diary = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=stay.patient.pk, kind="diary_report",
    )  # fmt: skip
    assert diary.encounter_id == stay.encounter.pk  # the encounter in progress that day
    texts = [i["values"]["text"] for i in _section(diary, "diary")["items"]]
    assert texts == ["Nausea dopo il giorno 1, alvo regolare."]
    signed = services.letter_sign(
        actor=physician, workstation=None, letter_id=diary.pk, expected_version=diary.version
    )
    assert _section(signed, "vitals")["items"][0]["values"]["heart_rate"] == "88"
    report = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=stay.patient.pk,
        kind="outpatient_report", texts={"question": "Rivalutazione", "conclusions": "Stabile."},
    )  # fmt: skip
    assert [s["code"] for s in report.content["sections"]][:3] == [
        "encounter",
        "diagnosis",
        "allergies",
    ]
    assert _section(report, "labs")["items"][0]["values"]["analyte"] == "Neutrofili"
    with pytest.raises(ValidationFailed) as refused:
        services.letter_draft_create(
            actor=physician, workstation=None, patient_id=stay.patient.pk,
            kind="diary_report", day=timezone.localdate() + timedelta(days=1),
        )  # fmt: skip
    assert refused.value.code == "date_in_future"


def test_printable_splits_long_free_text_and_keeps_every_word() -> None:
    text = ("parola " * 700).strip() + "\n\nSecondo paragrafo."
    chunks = rules.print_paragraphs(text)
    assert all(len(c) <= rules.PRINT_CHUNK for c in chunks)
    assert " ".join(chunks).split() == text.split()
    assert chunks[-1] == "Secondo paragrafo."


def test_the_letters_api(physician: User, nurse: User, stay: Stay) -> None:
    _discharge(stay)
    client = signed_in(physician)
    url = f"/api/v1/patients/{stay.patient.pk}/letters"
    created = client.post(
        url,
        {"kind": "discharge_letter", "encounter_id": stay.encounter.pk, "texts": {}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["content"]["sections"][1]["items"][0]["values"]["icd9cm"] == "153.6"
    unsigned = client.post(
        f"{url}/{draft['id']}/sign", {"expected_version": draft["version"]}, "application/json"
    )
    assert (unsigned.status_code, unsigned.json()["code"]) == (422, "letter_section_required")
    saved = client.put(
        f"{url}/{draft['id']}",
        {
            "texts": {"clinical_course": EPICRISIS, "instructions": INSTRUCTIONS},
            "expected_version": draft["version"],
        },
        content_type="application/json",
    )
    assert saved.status_code == 200
    nurse_sign = signed_in(nurse).post(
        f"{url}/{draft['id']}/sign",
        {"expected_version": saved.json()["version"]},
        "application/json",
    )
    assert nurse_sign.status_code == 403
    signed = client.post(
        f"{url}/{draft['id']}/sign",
        {"expected_version": saved.json()["version"]},
        "application/json",
    )
    assert (signed.status_code, signed.json()["status"]) == (200, "signed")
    correction = client.post(
        f"{url}/{draft['id']}/corrections", {"reason": "Refuso"}, "application/json"
    )
    assert (correction.status_code, correction.json()["number"]) == (201, 2)
    listed = signed_in(nurse).get(url).json()
    assert [(x["number"], x["status"]) for x in listed] == [(2, "draft"), (1, "signed")]
    bad = client.post(url, {"kind": "referral", "texts": {}}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (422, "letter_kind_invalid")
    elsewhere = client.get(f"/api/v1/patients/{stay.patient.pk + 1000}/letters/{draft['id']}")
    assert elsewhere.status_code == 404


def test_the_letter_pages(
    make_user: MakeUser, physician: User, nurse: User, patient: Patient
) -> None:
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    coordinator = make_user(Role.COORDINATOR)
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    client = signed_in(physician)
    page = client.get(f"/records/patients/{patient.pk}/letters/")
    assert page.status_code == 200 and 'data-testid="letter-new-form"' in page.content.decode()
    refused = client.post(
        f"/records/patients/{patient.pk}/letters/", {"kind": "discharge_letter", "encounter_id": ""}
    )
    assert refused.status_code == 422
    assert "La lettera di dimissione si scrive per un ricovero" in refused.content.decode()
    created = client.post(
        f"/records/patients/{patient.pk}/letters/",
        {"kind": "discharge_letter", "encounter_id": str(encounter.pk)},
    )
    letter = ClinicalLetter.objects.get()
    assert created["Location"] == f"/records/letters/{letter.pk}/"
    shown = client.get(created["Location"]).content.decode()
    assert "Nessuna diagnosi registrata in cartella." in shown
    assert f"patients.encounter:{encounter.pk}" in shown
    saved = client.post(
        created["Location"],
        {"version": letter.version, "clinical_course": "a\x00b", "instructions": "x"},
    )
    assert saved.status_code == 400  # the platform refuses a NUL before any view
    letter.refresh_from_db()
    assert letter.content["free_text"]["clinical_course"] == ""
    # the nurse reads the draft without its forms
    as_nurse = signed_in(nurse).get(created["Location"]).content.decode()
    assert 'data-testid="letter-texts-form"' not in as_nurse
    assert 'data-testid="letter-sign-form"' not in as_nurse
    not_discharged = client.post(f"/records/letters/{letter.pk}/sign/", {"version": letter.version})
    assert not_discharged.status_code == 422
    assert "dopo che la dimissione è registrata" in not_discharged.content.decode()
    chart = client.get(f"/records/patients/{patient.pk}/").content.decode()
    assert "Lettera di dimissione, versione 1 (bozza)" in chart


def test_a_letter_about_a_masked_encounter_stays_masked(physician: User, stay: Stay) -> None:
    # given a draft letter about the stay, then the stay masked (oscurato)
    letter = _draft(physician, stay)
    patient_services.document_mask(
        actor=physician, workstation=None, patient_id=stay.patient.pk,
        document_type="patients.encounter", document_id=stay.encounter.pk,
        reason="Richiesta della paziente",
    )  # fmt: skip
    # then it is in no list, no page, no API answer and not on the timeline
    assert selectors_letters_for(physician, stay) == []
    client = signed_in(physician)
    assert client.get(f"/records/letters/{letter.pk}/").status_code == 404
    answer = client.get(f"/api/v1/patients/{stay.patient.pk}/letters/{letter.pk}")
    assert answer.status_code == 404
    assert client.get(f"/api/v1/patients/{stay.patient.pk}/letters").json() == []
    chart = selectors.chart_view(user=physician, patient_id=stay.patient.pk, workstation=None)
    assert [e for e in chart.timeline if e.kind is EventKind.LETTER] == []
