"""The archive's search: documents index and GET /api/v1/documents/ (filters, paging,
access log), and an old document keeping the template version it was printed with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.documents import services
from corsia.documents.domain.search import PAGE_SIZE, page_bounds
from corsia.documents.models import Document
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.documents import MakeDocument
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.django_db


def test_page_bounds_hand_counted() -> None:
    assert page_bounds(1, total=0) == (1, 0, 1)
    assert page_bounds(2, total=PAGE_SIZE + 1) == (2, PAGE_SIZE, 2)
    assert page_bounds(9, total=PAGE_SIZE + 1) == (2, PAGE_SIZE, 2)  # past the end: the last
    assert page_bounds(0, total=60) == (1, 0, 3)


def test_search_by_kind_author_template_and_period_in_the_page_and_the_api(
    make_document: MakeDocument, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    other_doctor = make_user(Role.PHYSICIAN, username="dr.neri")
    sheet = make_document()
    letter = make_document(actor=other_doctor, kind="discharge_letter", title="Dimissione")
    old = make_document(title="Vecchio foglio")
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    AccessLogEntry.objects.all().delete()
    client = logged_in(physician)
    # by kind: only the letter, and the patient on the page is logged
    page = client.get("/documents/", {"kind": "discharge_letter"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/documents/{letter.pk}/"' in html
    assert f'href="/documents/{sheet.pk}/"' not in html
    assert "1 documento trovato" in html
    entry = AccessLogEntry.objects.get(what="ricerca nell'archivio documenti")
    assert (entry.user_id, entry.patient_id, entry.channel) == (physician.pk, patient.pk, "web")
    # by author: the other doctor's letter only
    body = client.get("/api/v1/documents/", {"author": "dr.neri"}).json()
    assert [d["id"] for d in body["items"]] == [letter.pk]
    assert body["items"][0]["created_by"] == "dr.neri"
    # by period: the 40-day-old sheet alone before 30 days ago
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    body = client.get("/api/v1/documents/", {"date_to": until}).json()
    assert [d["id"] for d in body["items"]] == [old.pk]
    # by template code and MRN: all three, newest first
    body = client.get(
        "/api/v1/documents/", {"template_code": "therapy_sheet", "mrn": patient.mrn}
    ).json()
    assert body["total"] == 3
    assert [d["id"] for d in body["items"]] == [letter.pk, sheet.pk, old.pk]
    assert {(d["template_code"], d["template_version"]) for d in body["items"]} == {
        ("therapy_sheet", 1)
    }
    assert AccessLogEntry.objects.filter(channel="api", patient_id=patient.pk).count() == 3


def test_search_pages_of_25(make_document: MakeDocument, physician: User) -> None:
    documents = [make_document(sign=False, reason="") for _ in range(PAGE_SIZE + 2)]
    client = logged_in(physician)
    second = client.get("/api/v1/documents/", {"kind": "therapy_sheet", "page": "2"}).json()
    assert (second["total"], second["page"], second["pages"]) == (PAGE_SIZE + 2, 2, 2)
    assert [d["id"] for d in second["items"]] == [documents[1].pk, documents[0].pk]
    html = client.get("/documents/", {"kind": "therapy_sheet"}).content.decode()
    assert "Pagina 1 di 2" in html and "page=2" in html


def test_bad_filters_are_a_clear_refusal_never_a_500(physician: User) -> None:
    client = logged_in(physician)
    reversed_period = {"date_from": "2026-12-05", "date_to": "2026-12-01"}
    page = client.get("/documents/", reversed_period)
    assert page.status_code == 422
    assert "La data finale precede la data iniziale." in page.content.decode()
    answer = client.get("/api/v1/documents/", reversed_period)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_period"
    answer = client.get("/api/v1/documents/", {"author": "a" * 101})
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_filter"
    assert client.get("/api/v1/documents/", {"author": "a\x00b"}).status_code == 400
    assert client.get("/api/v1/documents/", {"page": 10**30}).status_code in (200, 422)
    assert client.get("/documents/", {"date_from": "31/02/2026"}).status_code == 422


def test_the_search_is_refused_without_the_permission(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.TECHNICIAN))
    assert client.get("/documents/", {"kind": "x"}).status_code == 403
    assert client.get("/api/v1/documents/").status_code == 403


def test_a_search_by_patient_is_logged_even_when_nothing_is_found(
    make_document: MakeDocument, physician: User, make_user: MakeUser
) -> None:
    make_document()
    anna = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    body = logged_in(physician).get("/api/v1/documents/", {"patient_id": anna.pk}).json()
    assert body["total"] == 0
    assert AccessLogEntry.objects.filter(patient_id=anna.pk, channel="api").count() == 1


def test_an_old_document_keeps_the_version_it_was_printed_with(
    make_document: MakeDocument, physician: User, pharmacist: User
) -> None:
    before = make_document()
    services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Foglio con logo",
        body="<h1>{{ title }}</h1><p>{{ patient.mrn }}</p>",
        expected_version=1,
    )
    after = make_document()
    assert (before.template_version, after.template_version) == (1, 2)
    client = logged_in(physician)
    assert "therapy_sheet v1" in client.get(f"/documents/{before.pk}/").content.decode()
    assert "therapy_sheet v2" in client.get(f"/documents/{after.pk}/").content.decode()
    found = client.get("/api/v1/documents/", {"kind": "therapy_sheet"}).json()["items"]
    assert [(d["id"], d["template_version"]) for d in found] == [(after.pk, 2), (before.pk, 1)]
