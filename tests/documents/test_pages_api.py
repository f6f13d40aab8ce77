"""Pages and API: a document with its signature status and versions, the PDF download
(written to the access log), a patient's documents, the template editor."""

from __future__ import annotations

import re

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.documents import services
from corsia.documents.models import Document, DocumentTemplate
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.documents import MakeDocument, sheet

pytestmark = pytest.mark.django_db


def test_download_returns_the_stored_bytes_and_is_access_logged(
    make_document: MakeDocument, make_user: MakeUser, patient: Patient
) -> None:
    # given a signed document and a nurse
    document = make_document()
    nurse = make_user(Role.NURSE)
    before = AccessLogEntry.objects.count()
    # when the nurse downloads it
    response = logged_in(nurse).get(f"/documents/{document.pk}/pdf")
    # then the exact stored bytes come back, and the read is logged
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(Document.objects.get(pk=document.pk).content)
    assert response["Content-Disposition"].startswith('inline; filename="therapy-sheet_')
    assert response["Content-Disposition"].endswith('_v1_firmato.pdf"')
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry is not None
    assert (entry.user_id, entry.patient_id, entry.channel) == (nurse.pk, patient.pk, "web")
    assert entry.what == f"documento (PDF scaricato): Foglio di terapia v1 (#{document.pk})"


def test_detail_shows_a_valid_signature_and_the_versions(
    make_document: MakeDocument, physician: User
) -> None:
    first = make_document()
    second = services.document_correct(
        actor=physician, workstation=None, document_id=first.pk, reason="refuso", context=sheet()
    )
    response = logged_in(physician).get(f"/documents/{first.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Firma valida: documento integro." in page
    assert 'data-testid="superseded"' in page
    assert f'href="/documents/{second.pk}/"' in page
    assert "Anna Bianchi" in page
    assert AccessLogEntry.objects.filter(what__startswith="documento (scheda)").count() == 1


def test_detail_of_a_missing_document_is_404(physician: User) -> None:
    assert logged_in(physician).get("/documents/999999/").status_code == 404
    assert logged_in(physician).get("/documents/999999/pdf").status_code == 404


def test_patient_list_shows_every_version(
    make_document: MakeDocument, physician: User, patient: Patient
) -> None:
    first = make_document()
    services.document_correct(
        actor=physician, workstation=None, document_id=first.pk, reason="refuso", context=sheet()
    )
    make_document(sign=False, reason="", title="Bozza")
    response = logged_in(physician).get(f"/documents/patient/{patient.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r'href="/documents/\d+/"', page)) == 3
    assert "sostituito" in page and "NON firmato" in page
    assert AccessLogEntry.objects.filter(what="elenco documenti archiviati").count() == 1


def test_api_returns_metadata_and_signature_status(
    make_document: MakeDocument, physician: User, patient: Patient
) -> None:
    document = make_document()
    response = logged_in(physician).get(f"/api/v1/documents/{document.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == document.pk
    assert body["patient_id"] == patient.pk
    assert (body["template_code"], body["template_version"]) == ("therapy_sheet", 1)
    assert (body["sha256"], body["stored_hash_matches"]) == (document.sha256, True)
    assert body["signer"] == "dr.bianchi"
    assert body["signature"]["valid"] is True
    assert body["signature"]["signer_name"] == "Anna Bianchi"
    assert body["signature"]["reason"] == "Conferma della prescrizione"
    assert [v["version"] for v in body["versions"]] == [1]
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry is not None and entry.channel == "api"


def test_api_missing_document_is_a_problem_404(physician: User) -> None:
    response = logged_in(physician).get("/api/v1/documents/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "document_not_found"


def test_technician_is_denied_the_document_and_nothing_is_logged(
    make_document: MakeDocument, make_user: MakeUser
) -> None:
    document = make_document()
    before = AccessLogEntry.objects.count()
    client = logged_in(make_user(Role.TECHNICIAN))
    assert client.get(f"/documents/{document.pk}/pdf").status_code == 403
    assert client.get(f"/api/v1/documents/{document.pk}").status_code == 403
    assert AccessLogEntry.objects.count() == before


def test_template_editor_saves_a_new_version(pharmacist: User) -> None:
    client = logged_in(pharmacist)
    page = client.get("/documents/templates/therapy_sheet/")
    assert page.status_code == 200
    assert "{{ title }}" in page.content.decode()  # starts from the shipped file (version 1)
    response = client.post(
        "/documents/templates/therapy_sheet/",
        {"title": "Foglio di terapia", "body": "<h1>{{ title }}</h1>", "expected_version": "1"},
    )
    assert response.status_code == 302
    # the shipped file is stored as version 1, the edit as version 2
    shipped, saved = DocumentTemplate.objects.filter(code="therapy_sheet").order_by("version")
    assert (shipped.version, shipped.created_by) == (1, None)
    assert (saved.version, saved.body, saved.created_by) == (2, "<h1>{{ title }}</h1>", pharmacist)
    listing = client.get("/documents/templates/").content.decode()
    assert "therapy_sheet" in listing and "v2" in listing


def test_template_editor_preview_is_a_pdf_and_saves_nothing(pharmacist: User) -> None:
    response = logged_in(pharmacist).post(
        "/documents/templates/therapy_sheet/",
        {"title": "x", "body": "<h1>{{ title }}</h1>", "expected_version": "1", "preview": "1"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert DocumentTemplate.objects.count() == 0


def test_template_editor_shows_a_syntax_error_and_saves_nothing(pharmacist: User) -> None:
    response = logged_in(pharmacist).post(
        "/documents/templates/therapy_sheet/",
        {"title": "x", "body": "{% for %}", "expected_version": "1"},
    )
    assert response.status_code == 422
    assert "errore di sintassi" in response.content.decode()
    assert DocumentTemplate.objects.count() == 0


def test_template_activation_needs_a_reason(pharmacist: User) -> None:
    template = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="x",
        body="<p>x</p>",
        expected_version=1,
    )
    client = logged_in(pharmacist)
    url = f"/documents/templates/therapy_sheet/{template.pk}/activation/"
    assert client.post(url, {"reason": ""}).status_code == 302
    assert DocumentTemplate.objects.get(pk=template.pk).active
    assert client.post(url, {"reason": "versione errata"}).status_code == 302
    assert not DocumentTemplate.objects.get(pk=template.pk).active


def test_patient_documents_page_is_access_logged_even_when_empty(
    physician: User, patient: Patient
) -> None:
    # the page shows who the patient is (and that they have no document): a read
    response = logged_in(physician).get(f"/documents/patient/{patient.pk}/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(what="elenco documenti archiviati")
    assert (entry.user_id, entry.patient_id, entry.channel) == (physician.pk, patient.pk, "web")


def test_archive_front_page_lists_my_recent_documents_and_logs_their_patients(
    make_document: MakeDocument, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # given a document the physician signed, and one another physician made for the patient
    mine = make_document()
    other = make_document(actor=make_user(Role.PHYSICIAN, username="dr.neri"), title="Altro")
    # the archive's front page (a 404 until now) lists only the physician's own
    response = logged_in(physician).get("/documents/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/documents/{mine.pk}/"' in page
    assert f'href="/documents/{other.pk}/"' not in page
    assert "ROSSI Mario" in page
    entry = AccessLogEntry.objects.get(what="elenco dei propri documenti recenti")
    assert (entry.user_id, entry.patient_id, entry.channel) == (physician.pk, patient.pk, "web")
    # and the API gives the same list
    body = logged_in(physician).get("/api/v1/documents/mine").json()
    assert [(d["id"], d["signed"], d["superseded"]) for d in body] == [(mine.pk, True, False)]
    assert AccessLogEntry.objects.filter(channel="api", patient_id=patient.pk).count() == 1


def test_archive_front_page_is_empty_without_documents_and_logs_nothing(
    physician: User,
) -> None:
    response = logged_in(physician).get("/documents/")
    assert response.status_code == 200
    assert "Nessun documento creato o firmato da te" in response.content.decode()
    assert AccessLogEntry.objects.count() == 0


def test_archive_front_page_is_refused_without_the_permission(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.TECHNICIAN))
    assert client.get("/documents/").status_code == 403
    assert client.get("/api/v1/documents/mine").status_code == 403
