"""Pathology, imaging and consultation reports: recorded and signed at once, written once
(the database refuses UPDATE and DELETE), corrected by a new version with its reason; bad
input refused with an Italian message and a stable code, nothing saved; masked
encounters stay masked; page, API, timeline and the letters' section."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import (
    ConflictError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.records import selectors, selectors_reports, services
from corsia.records.domain import letters as rules_letters
from corsia.records.domain import reports as rules
from corsia.records.domain.reports import ReportKind, ReportText
from corsia.records.domain.timeline import EventKind
from corsia.records.models import ClinicalLetter, ClinicalReport
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.testing.records import admit, signed_in

CONCLUSION = "Adenocarcinoma del colon moderatamente differenziato, margini indenni."
BORN = date(1961, 5, 4)
TODAY = date(2026, 12, 2)


def _text(**changes: Any) -> ReportText:
    values: dict[str, Any] = {
        "kind": "pathology",
        "performed_on": timezone.localdate() - timedelta(days=3),
        "issuer": "Anatomia Patologica",
        "conclusion": CONCLUSION,
        "findings": "Neoplasia infiltrante la sottosierosa; 0/18 linfonodi.",
        "reporting_clinician": "Dott.ssa Anna Conti",
        "accession": "AP-2026-1234",
        "examination": "Emicolectomia destra",
        "histotype": "Adenocarcinoma",
        "morphology_icdo3": "8140/3",
        "grade": "G2",
    }
    values.update(changes)
    return ReportText(**values)


def _ct(**changes: Any) -> ReportText:
    values: dict[str, Any] = {
        "kind": "imaging",
        "performed_on": timezone.localdate() - timedelta(days=1),
        "issuer": "Radiologia",
        "conclusion": "Non lesioni secondarie epatiche né polmonari.",
        "examination": "TC torace-addome con mdc",
        "modality": "ct",
        "accession": "RX-77",
    }
    values.update(changes)
    return ReportText(**values)


def _record(actor: User, patient: Patient, text: ReportText, **options: Any) -> ClinicalReport:
    return services.clinical_report_record(
        actor=actor,
        workstation=None,
        patient_id=patient.pk,
        data=services.ReportInput(report=text, **options),
    )


def _payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "imaging",
        "performed_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "issuer": "Medicina Nucleare",
        "conclusion": "Ipercaptazione linfonodale mediastinica (SUVmax 9,1).",
        "examination": "PET-TC total body con FDG",
        "modality": "pet_ct",
    }
    body.update(changes)
    return body


# --- domain (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["8140/3", "9680/3", "8000/0", "8500/2", "8010/6", "9989/9"])
def test_icdo3_accepted(code: str) -> None:
    assert rules.icdo3_morphology(f" {code} ") == code


@pytest.mark.parametrize(
    "code", ["8140", "8140/4", "8140/5", "814/3", "81403", "8140-3", "8140/33", "٨١٤٠/3", "a140/3"]
)
def test_icdo3_refused(code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.icdo3_morphology(code)
    assert (refused.value.code, refused.value.field) == ("icdo3_invalid", "morphology_icdo3")
    assert "8140/3" in refused.value.message


def test_checked_keeps_the_kind_loinc_and_cleans() -> None:
    clean = rules.checked(
        _text(issuer="  Anatomia   Patologica ", performed_on=TODAY), today=TODAY, born=BORN
    )
    assert (clean.kind, clean.loinc, clean.issuer) == (
        ReportKind.PATHOLOGY,
        "11526-1",
        "Anatomia Patologica",
    )
    assert rules.KIND_LOINC[ReportKind.IMAGING] == "18748-4"
    assert rules.KIND_LOINC[ReportKind.CONSULTATION] == "11488-4"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"performed_on": TODAY + timedelta(days=1)}, "in_future", "performed_on"),
        ({"performed_on": BORN - timedelta(days=1)}, "before_birth", "performed_on"),
        ({"performed_on": None}, "required", "performed_on"),
        ({"kind": "autopsy"}, "report_kind_invalid", "kind"),
        ({"conclusion": "   "}, "required", "conclusion"),
        ({"kind": "consultation", "grade": "G2", "histotype": "", "morphology_icdo3": ""},
         "field_not_applicable", "grade"),
        ({"modality": "ct"}, "field_not_applicable", "modality"),
        ({"grade": "G7"}, "grade_invalid", "grade"),
    ],
)  # fmt: skip
def test_checked_refuses(changes: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.checked(_text(**{"performed_on": TODAY, **changes}), today=TODAY, born=BORN)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_imaging_needs_its_modality() -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.checked(_ct(performed_on=TODAY, modality=""), today=TODAY, born=BORN)
    assert (refused.value.code, refused.value.field) == ("required", "modality")
    with pytest.raises(ValidationFailed) as unknown:
        rules.checked(_ct(performed_on=TODAY, modality="spect"), today=TODAY, born=BORN)
    assert unknown.value.code == "modality_invalid"
    found = rules.checked(_ct(performed_on=TODAY), today=TODAY, born=BORN)
    summary = rules.summary(found.kind, modality_code=found.modality, examination=found.examination)
    assert summary == "Diagnostica per immagini · TC · TC torace-addome con mdc"


# --- services -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_signs_and_audits(physician: User, patient: Patient) -> None:
    report = _record(physician, patient, _text())
    report.refresh_from_db()
    assert (report.kind, report.loinc, report.morphology_icdo3, report.grade) == (
        "pathology",
        "11526-1",
        "8140/3",
        "G2",
    )
    assert (report.source, report.message_id, report.recorded_by) == ("manual", "", physician)
    event = AuditEvent.objects.get(event_type="records.clinical_report_recorded")
    assert (event.patient_id, event.target_id) == (patient.pk, str(report.pk))
    assert event.after is not None and event.after["conclusion"] == CONCLUSION


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(physician: User, patient: Patient) -> None:
    report = _record(physician, patient, _text())
    for sql in (
        "UPDATE records_clinicalreport SET conclusion = 'altro' WHERE id = %s",
        "DELETE FROM records_clinicalreport WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [report.pk])
    report.refresh_from_db()
    assert report.conclusion == CONCLUSION


@pytest.mark.django_db
def test_correction_supersedes_with_its_reason(physician: User, patient: Patient) -> None:
    first = _record(physician, patient, _text())
    fixed = services.clinical_report_correct(
        actor=physician, workstation=None, patient_id=patient.pk, report_id=first.pk,
        data=_text(grade="G3"), reason="Grado trascritto in modo errato",
    )  # fmt: skip
    assert (fixed.supersedes_id, fixed.chain, fixed.accession) == (
        first.pk,
        first.chain,
        "AP-2026-1234",
    )
    assert fixed.correction_reason == "Grado trascritto in modo errato"
    event = AuditEvent.objects.get(event_type="records.clinical_report_corrected")
    assert event.reason == "Grado trascritto in modo errato"
    assert (event.before or {})["grade"] == "G2" and (event.after or {})["grade"] == "G3"
    view = selectors_reports.patient_reports(user=physician, patient_id=patient.pk)
    assert [(r.report.pk, r.superseded) for r in view.rows] == [
        (fixed.pk, False),
        (first.pk, True),
    ]
    with pytest.raises(ConflictError) as twice:
        services.clinical_report_correct(
            actor=physician, workstation=None, patient_id=patient.pk, report_id=first.pk,
            data=_text(grade="G1"), reason="Ancora",
        )  # fmt: skip
    assert twice.value.code == "report_superseded"
    with pytest.raises(ValidationFailed) as no_reason:
        services.clinical_report_correct(
            actor=physician, workstation=None, patient_id=patient.pk, report_id=fixed.pk,
            data=_text(grade="G1"), reason="  ",
        )  # fmt: skip
    assert (no_reason.value.code, no_reason.value.field) == ("required", "reason")
    assert ClinicalReport.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "necroscopy"}, "report_kind_invalid"),
        ({"performed_on": "tomorrow"}, "in_future"),
        ({"performed_on": date(1960, 1, 1)}, "before_birth"),
        ({"conclusion": "Adeno\x00carcinoma"}, "invalid_characters"),
        ({"issuer": "x" * 201}, "text_too_long"),
        ({"findings": "x" * 20_001}, "text_too_long"),
        ({"morphology_icdo3": "8140/7"}, "icdo3_invalid"),
        ({"conclusion": ""}, "required"),
        ({"issuer": ""}, "required"),
    ],
)
def test_bad_input_refused_nothing_saved(
    physician: User, patient: Patient, changes: dict[str, Any], code: str
) -> None:
    if changes.get("performed_on") == "tomorrow":
        changes["performed_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        _record(physician, patient, _text(**changes))
    assert refused.value.code == code
    assert ClinicalReport.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type__startswith="records.clinical_report").exists()


@pytest.mark.django_db
def test_accession_unique_per_patient_and_kind(physician: User, patient: Patient) -> None:
    first = _record(physician, patient, _text())
    with pytest.raises(ValidationFailed) as duplicate:
        _record(physician, patient, _text(conclusion="Altro"))
    assert (duplicate.value.code, duplicate.value.field) == ("accession_duplicate", "accession")
    # another kind may carry the same number; a correction keeps its own
    _record(physician, patient, _ct(accession="AP-2026-1234"))
    services.clinical_report_correct(
        actor=physician, workstation=None, patient_id=patient.pk, report_id=first.pk,
        data=_text(conclusion="Corretto"), reason="Refuso",
    )  # fmt: skip
    other = _record(physician, patient, _text(accession="AP-2026-9999"))
    with pytest.raises(ValidationFailed) as taken:
        services.clinical_report_correct(
            actor=physician, workstation=None, patient_id=patient.pk, report_id=other.pk,
            data=_text(), reason="Numero sbagliato",
        )  # fmt: skip
    assert taken.value.code == "accession_duplicate"
    assert ClinicalReport.objects.count() == 4


@pytest.mark.django_db
def test_interface_report_keeps_its_message_once(physician: User, patient: Patient) -> None:
    received = _record(physician, patient, _ct(), source="interface", message_id="ORU-0001")
    assert (received.source, received.message_id) == ("interface", "ORU-0001")
    with pytest.raises(ValidationFailed) as resent:
        _record(physician, patient, _ct(accession="RX-78"), source="interface", message_id="ORU-0001")  # fmt: skip
    assert resent.value.code == "report_message_duplicate"
    with pytest.raises(ValidationFailed) as without:
        _record(physician, patient, _ct(accession="RX-79"), source="interface")
    assert (without.value.code, without.value.field) == ("required", "message_id")
    fixed = services.clinical_report_correct(
        actor=physician, workstation=None, patient_id=patient.pk, report_id=received.pk,
        data=_ct(conclusion="Piccola lesione epatica di 6 mm, da rivalutare."),
        reason="Rilettura del radiologo",
    )  # fmt: skip
    assert (fixed.source, fixed.message_id) == ("manual", "")
    assert ClinicalReport.objects.count() == 2


@pytest.mark.django_db
def test_who_records(nurse: User, pharmacist: User, it_staff: User, patient: Patient) -> None:
    for user in (nurse, pharmacist, it_staff):
        with pytest.raises(PermissionRefused):
            _record(user, patient, _text())
    assert ClinicalReport.objects.count() == 0


@pytest.mark.django_db
def test_encounter_must_be_the_patients(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    stay = admit(make_user, patient)
    report = _record(physician, patient, _text(), encounter_id=stay)
    assert report.encounter_id == stay
    with pytest.raises(ValidationFailed) as refused:
        _record(physician, patient, _ct(), encounter_id=stay + 1000)
    assert (refused.value.code, refused.value.field) == ("encounter_not_found", "encounter_id")


@pytest.mark.django_db
def test_a_report_about_a_masked_encounter_stays_masked(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    # given a report of a stay and one outside it, then the stay masked (oscurato)
    stay = admit(make_user, patient)
    hidden = _record(physician, patient, _text(), encounter_id=stay)
    shown = _record(physician, patient, _ct())
    patient_services.document_mask(
        actor=physician, workstation=None, patient_id=patient.pk,
        document_type="patients.encounter", document_id=stay, reason="Richiesta del paziente",
    )  # fmt: skip
    # then it is in no list, no timeline, no API answer, and cannot be corrected
    view = selectors_reports.patient_reports(user=physician, patient_id=patient.pk)
    assert [r.report.pk for r in view.rows] == [shown.pk]
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    assert len([e for e in chart.timeline if e.kind is EventKind.REPORT]) == 1
    client = signed_in(physician)
    listed = client.get(f"/api/v1/patients/{patient.pk}/reports").json()
    assert [r["id"] for r in listed] == [shown.pk]
    with pytest.raises(NotFound):
        selectors_reports.report_get(user=physician, patient_id=patient.pk, report_id=hidden.pk)
    answer = client.post(
        f"/api/v1/patients/{patient.pk}/reports/{hidden.pk}/correction",
        {**_payload(kind="pathology", modality="", examination=""), "reason": "prova"},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "report_not_found")
    page = client.get(f"/records/patients/{patient.pk}/reports/").content.decode()
    assert CONCLUSION not in page and "Non lesioni secondarie" in page
    assert client.get(f"/records/patients/{patient.pk}/reports/{hidden.pk}/correct/").status_code == 404  # fmt: skip


@pytest.mark.django_db
def test_reads_write_the_access_log(physician: User, pharmacist: User, patient: Patient) -> None:
    _record(physician, patient, _text())
    view = selectors_reports.patient_reports(
        user=pharmacist, patient_id=patient.pk, kind=ReportKind.IMAGING
    )
    assert view.rows == []
    assert AccessLogEntry.objects.filter(
        user=pharmacist, patient_id=patient.pk, what="referti"
    ).exists()


# --- timeline and letters -------------------------------------------------------------------------


@pytest.mark.django_db
def test_timeline_shows_the_current_version(physician: User, patient: Patient) -> None:
    first = _record(physician, patient, _ct())
    services.clinical_report_correct(
        actor=physician, workstation=None, patient_id=patient.pk, report_id=first.pk,
        data=_ct(conclusion="Nodulo polmonare di 4 mm al lobo inferiore destro."),
        reason="Lesione non descritta",
    )  # fmt: skip
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    (event,) = [e for e in chart.timeline if e.kind is EventKind.REPORT]
    day = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert event.title == f"Diagnostica per immagini · TC · TC torace-addome con mdc del {day} (Radiologia)"  # fmt: skip
    assert event.detail.startswith("Nodulo polmonare di 4 mm")
    assert "Lesione non descritta" in event.detail
    assert (event.kind_label, event.url) == ("Referto", f"/records/patients/{patient.pk}/reports/")


@pytest.mark.django_db
def test_letters_carry_the_reports_of_the_period(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    # given a report today and one two months ago
    _record(physician, patient, _ct(performed_on=timezone.localdate(), accession=""))
    _record(physician, patient, _text(performed_on=timezone.localdate() - timedelta(days=60)))
    # when the diary report of today and an outpatient report of today are drafted
    diary = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="diary_report"
    )
    visit = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="outpatient_report"
    )
    # then each has the reports section (LOINC 30954-2) with today's report only
    for letter in (diary, visit):
        section = next(s for s in letter.content["sections"] if s["code"] == "reports")
        assert section["loinc"] == "30954-2"
        (item,) = section["items"]
        assert item["values"]["conclusion"] == "Non lesioni secondarie epatiche né polmonari."
        assert item["values"]["loinc"] == "18748-4"
        assert item["source"].startswith("records.clinical_report:")
        assert "Non lesioni secondarie epatiche né polmonari." in item["cells"][3]
    assert ClinicalLetter.objects.count() == 2


@pytest.mark.django_db
def test_the_discharge_letter_carries_the_stays_reports_not_the_masked_ones(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    # given an earlier stay, masked, with a pathology report, and the current stay with a CT
    coordinator = make_user(Role.COORDINATOR)
    now = timezone.now()
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    old = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=10),
    )  # fmt: skip
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=old.pk, expected_version=old.version,
        discharged_at=now - timedelta(days=8),
    )  # fmt: skip
    masked = _record(
        physician, patient, _text(performed_on=timezone.localdate()), encounter_id=old.pk
    )
    patient_services.document_mask(
        actor=physician, workstation=None, patient_id=patient.pk,
        document_type="patients.encounter", document_id=old.pk, reason="Richiesta del paziente",
    )  # fmt: skip
    stay = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=2),
    )  # fmt: skip
    ct = _record(physician, patient, _ct(performed_on=timezone.localdate()), encounter_id=stay.pk)
    # when the discharge letter of the stay is drafted
    letter = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="discharge_letter",
        encounter_id=stay.pk,
    )  # fmt: skip
    # then its reports section has the CT's conclusion, not the masked report
    section = next(s for s in letter.content["sections"] if s["code"] == "reports")
    assert [i["source"] for i in section["items"]] == [f"records.clinical_report:{ct.pk}"]
    assert section["items"][0]["cells"][3] == "Non lesioni secondarie epatiche né polmonari."
    assert f"records.clinical_report:{masked.pk}" not in str(letter.content)
    printed = rules_letters.printable(rules_letters.LetterKind.DISCHARGE, letter.content)
    headings = [s["heading"] for s in printed["sections"]]
    assert "Referti: anatomia patologica, diagnostica per immagini, consulenze" in headings


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api(make_user: MakeUser, physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    api = f"/api/v1/patients/{patient.pk}/reports"
    created = client.post(api, _payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["loinc"], body["modality"], body["superseded"]) == (
        "imaging",
        "18748-4",
        "pet_ct",
        False,
    )
    for changes, code in (
        ({"kind": "autopsia"}, "report_kind_invalid"),
        ({"performed_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "in_future"),
        ({"kind": "pathology", "modality": "", "morphology_icdo3": "814/3"}, "icdo3_invalid"),
        ({"conclusion": ""}, "required"),
        ({"conclusion": "x" * 8_001}, "text_too_long"),
        ({"conclusion": "x" * 20_000}, "validation_failed"),
        ({"modality": ""}, "required"),
    ):
        refused = client.post(api, _payload(**changes), content_type="application/json")
        assert (refused.status_code, refused.json()["code"]) == (422, code), changes
        assert refused["Content-Type"] == "application/problem+json"
    duplicate = _payload(accession="NM-1")
    assert client.post(api, duplicate, content_type="application/json").status_code == 201
    again = client.post(api, duplicate, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (422, "accession_duplicate")
    first = body["id"]
    corrected = client.post(
        f"{api}/{first}/correction",
        {**_payload(conclusion="Ipercaptazione linfonodale mediastinica (SUVmax 6,1)."),
         "reason": "SUV trascritto male"},
        content_type="application/json",
    )  # fmt: skip
    assert corrected.status_code == 201
    assert corrected.json()["supersedes_id"] == first
    stale = client.post(
        f"{api}/{first}/correction", {**_payload(), "reason": "ancora"},
        content_type="application/json",
    )  # fmt: skip
    assert (stale.status_code, stale.json()["code"]) == (409, "report_superseded")
    listed = client.get(api).json()
    assert [(r["id"], r["superseded"]) for r in listed][-1] == (first, True)
    assert len(client.get(api, {"kind": "pathology"}).json()) == 0
    assert client.get(api, {"kind": "nope"}).json()["code"] == "report_kind_invalid"
    # a reader without the permission to write: 403, nothing written
    reader = signed_in(make_user(Role.PHARMACIST))
    assert len(reader.get(api).json()) == 3
    denied = reader.post(api, _payload(accession="NM-2"), content_type="application/json")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    assert signed_in(make_user(Role.IT_STAFF)).get(api).status_code == 403
    # another patient's report in the path: not found
    other = patient_registered(make_user(Role.COORDINATOR))
    wrong = client.post(
        f"/api/v1/patients/{other.pk}/reports/{first}/correction",
        {**_payload(), "reason": "prova"},
        content_type="application/json",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (404, "report_not_found")
    assert ClinicalReport.objects.count() == 3


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_record_filter_and_correct(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/records/patients/{patient.pk}/reports/"
    empty = client.get(url)
    assert empty.status_code == 200
    first_page = empty.content.decode()
    assert 'data-testid="report-form"' in first_page and "Nessun referto registrato." in first_page
    form = {
        "kind": "consultation",
        "performed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "issuer": "Cardiologia",
        "reporting_clinician": "Dott. Luca Ferri",
        "examination": "Visita cardiologica ed ecocardiogramma",
        "findings": "FE 58%.",
        "conclusion": "Nessuna controindicazione cardiologica alle antracicline.",
        "encounter_id": "",
        "modality": "",
        "grade": "",
    }
    saved = client.post(url, form, follow=True)
    assert saved.status_code == 200
    page = saved.content.decode()
    assert "Referto registrato e firmato." in page
    assert "Nessuna controindicazione cardiologica alle antracicline." in page
    report = ClinicalReport.objects.get()
    assert (report.kind, report.loinc, report.encounter_id) == ("consultation", "11488-4", None)
    # bad input: the Italian message in the page, 422, nothing saved
    bad = client.post(url, {**form, "kind": "pathology", "morphology_icdo3": "8140-3"})
    assert bad.status_code == 422
    assert "non è un codice morfologico ICD-O-3" in bad.content.decode()
    future = client.post(url, {**form, "performed_on": "2999-01-01"})
    assert future.status_code == 422 and "non può essere nel futuro" in future.content.decode()
    too_long = client.post(url, {**form, "conclusion": "x" * 8_001})
    assert too_long.status_code == 422 and "Il testo è troppo lungo" in too_long.content.decode()
    unknown = client.post(url, {**form, "kind": "autopsia"})
    assert unknown.status_code == 422
    assert "Scegli un'opzione valida" in html.unescape(unknown.content.decode())
    assert client.post(url, {**form, "conclusion": "a\x00b"}).status_code == 400  # never a 500
    assert ClinicalReport.objects.count() == 1
    # the filter keeps one kind
    filtered = client.get(url, {"kind": "imaging"}).content.decode()
    assert "Nessun referto registrato." in filtered
    assert "Nessuna controindicazione" in client.get(url, {"kind": "consultation"}).content.decode()
    assert client.get(url, {"kind": "\u00ff" * 50}).status_code == 200
    # the correction page
    correct = f"/records/patients/{patient.pk}/reports/{report.pk}/correct/"
    shown = client.get(correct)
    assert shown.status_code == 200 and 'data-testid="report-correction-form"' in shown.content.decode()  # fmt: skip
    no_reason = client.post(correct, {**form, "reason": ""})
    assert no_reason.status_code == 422
    done = client.post(correct, {**form, "conclusion": "Idoneo con controllo FE a 3 mesi.", "reason": "Conclusione incompleta"}, follow=True)  # fmt: skip
    assert done.status_code == 200
    listed = done.content.decode()
    assert "Sostituito da una correzione" in listed and "Conclusione incompleta" in listed
    again = client.post(correct, {**form, "reason": "Ancora"})
    assert again.status_code == 409
    assert "correggi la versione più recente" in again.content.decode()
    assert ClinicalReport.objects.count() == 2
    # the chart links the page; a nurse reads it without forms; IT staff may not read it
    chart = client.get(f"/records/patients/{patient.pk}/").content.decode()
    assert f'href="{url}"' in chart
    as_nurse = signed_in(make_user(Role.NURSE))
    read = as_nurse.get(url).content.decode()
    assert 'data-testid="report-form"' not in read and "/correct/" not in read
    assert as_nurse.post(url, form).status_code == 403
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    assert ClinicalReport.objects.count() == 2
