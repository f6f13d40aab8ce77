"""The patient's wristband through its editable template (issue 23 §22-23): the page's old
address redirects to the record's print, behind the same permission; every print is
archived with its template version and the PDF answered is the archived copy; the barcode
decodes to the same value as before (Code 128 of ``PZ`` + MRN, what the bedside reads);
an active allergy is flagged; an edit that drops a safety field is refused in Italian; a
print is audited once, by the archive's ``documents.document_created`` (as every print)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.domain.events import all_types
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.documents.models import Document
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.services import template_update
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.barcodes import decode_data_uri
from corsia.testing.documents import (
    edit_refused,
    printed_html,
    shipped_without,
    the_archived_print,
)
from corsia.testing.patients import allergy_input

pytestmark = pytest.mark.django_db


def test_the_page_prints_the_archived_wristband_with_the_old_barcode(
    nurse: User, patient: Patient
) -> None:
    client = logged_in(nurse)
    old = client.get(f"/patients/{patient.pk}/wristband.pdf")
    assert old.status_code == 302
    assert old["Location"] == f"/records/patients/{patient.pk}/wristband.pdf"
    response = client.get(old["Location"])
    # the PDF answered is the archived one: unsigned, the shipped template (version 0)
    document = the_archived_print(response, "wristband")
    assert response["X-Corsia-Document"] == str(document.pk)
    assert (document.patient_id, document.template_version) == (patient.pk, 1)
    assert (document.source_app, document.source_model, document.source_id) == (
        "patients",
        "patient",
        str(patient.pk),
    )
    band = document.context["wristband"]
    assert band == {
        "surname": patient.surname.upper(),
        "given_names": patient.given_names,
        "sex": patient.sex,
        "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}",
        "mrn": patient.mrn,
        "allergy_alert": False,
        "allergies": "Allergie non rilevate",
    }
    html = printed_html(document)
    assert f'<div class="name">{patient.surname.upper()} {patient.given_names}</div>' in html
    assert f"Nato/a il {patient.date_of_birth:%d/%m/%Y} · Sesso {patient.sex}" in html
    assert f"<div>MRN {patient.mrn}</div>" in html
    assert "ALLERGIE" not in html
    # the same value and symbology as the fixed-layout wristband: Code 128 of PZ + MRN
    assert f'src="{document.context["barcode"]["image"]}"' in html
    assert decode_data_uri(document.context["barcode"]["image"]) == f"PZ{patient.mrn}"
    assert list(
        AccessLogEntry.objects.filter(patient_id=patient.pk).values_list("what", flat=True)
    ) == ["braccialetto (PDF)"]
    # each print is archived
    client.get(old["Location"])
    assert Document.objects.filter(template_code="wristband").count() == 2


def test_an_active_allergy_is_flagged_on_the_wristband(
    physician: User, nurse: User, patient: Patient
) -> None:
    patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(substance_kind="other", substance_text="Lattice"),
    )
    logged_in(nurse).get(f"/records/patients/{patient.pk}/wristband.pdf")
    document = Document.objects.get(template_code="wristband")
    assert document.context["wristband"]["allergy_alert"] is True
    assert document.context["wristband"]["allergies"] == (
        "Lattice (anafilassi, pericolo di vita, confermata)"
    )
    assert '<div class="allergy">ALLERGIE: vedere la cartella</div>' in printed_html(document)


def test_the_api_prints_the_same_archived_wristband_and_its_zpl(
    nurse: User, patient: Patient
) -> None:
    client = api_client(nurse)
    response = client.get(f"/api/v1/patients/{patient.pk}/wristband.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert (document.template_code, response.content) == ("wristband", bytes(document.content))
    zpl = client.get(f"/api/v1/patients/{patient.pk}/wristband.zpl")
    assert zpl.status_code == 200
    assert f"^FO40,900^BY2^BCR,90,Y,N,N^FDPZ{patient.mrn}^FS" in zpl.content.decode()
    assert list(
        AccessLogEntry.objects.filter(patient_id=patient.pk).values_list("what", "channel")
    ) == [("braccialetto (PDF)", "api"), ("braccialetto (ZPL)", "api")]
    missing = client.get("/api/v1/patients/999999/wristband.pdf")
    assert missing.status_code == 404 and missing.json()["code"] == "patient_not_found"


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.TECHNICIAN, Role.IT_STAFF])
def test_without_print_wristband_nothing_is_printed_nor_archived(
    make_user: MakeUser, patient: Patient, role: Role
) -> None:
    user = make_user(role)
    assert not user.has_perm("patients.print_wristband")
    assert logged_in(user).get(f"/patients/{patient.pk}/wristband.pdf").status_code == 403
    assert logged_in(user).get(f"/records/patients/{patient.pk}/wristband.pdf").status_code == 403
    api = api_client(user)
    for suffix in ("pdf", "zpl"):
        refused = api.get(f"/api/v1/patients/{patient.pk}/wristband.{suffix}")
        assert refused.status_code == 403
    assert not Document.objects.exists()
    assert not AccessLogEntry.objects.filter(patient_id=patient.pk).exists()


@pytest.mark.parametrize(
    ("drop", "named", "described"),
    [
        ("{{ wristband.surname }} ", "wristband.surname", "Cognome, in maiuscolo"),
        (" {{ wristband.given_names }}", "wristband.given_names", "Nome o nomi"),
        (" · Sesso {{ wristband.sex }}", "wristband.sex", "Sesso: M o F"),
        ("Nato/a il {{ wristband.date_of_birth }}", "wristband.date_of_birth", "Data di nascita"),
        ("MRN {{ wristband.mrn }}", "wristband.mrn", "Numero di cartella (MRN)"),
        (
            '<img class="barcode" src="{{ barcode.image }}"',
            "barcode.image",
            "L'immagine del codice a barre",
        ),
    ],
)
def test_an_edit_dropping_a_safety_field_of_the_wristband_is_refused_in_italian(
    it_staff: User, drop: str, named: str, described: str
) -> None:
    refused = edit_refused(it_staff, "wristband", shipped_without("wristband", drop))
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": [named]}
    assert refused.message.startswith(
        "Il modello «wristband» deve stampare i campi obbligatori per la sicurezza: "
        f"«{named}» ({described}"
    )


def test_the_sex_hidden_behind_a_condition_is_missing_though_an_f_is_on_the_page(
    it_staff: User,
) -> None:
    """A value found elsewhere on the page (an "F", the MRN in the ``<title>``) is not
    taken for the field: each is checked by printing the sample again with a marker in
    its place."""
    hidden = shipped_without("wristband", " · Sesso {{ wristband.sex }}").replace(
        "</body>", '{% if wristband.sex == "X" %}{{ wristband.sex }}{% endif %} F</body>'
    )
    refused = edit_refused(it_staff, "wristband", hidden)
    assert refused.details == {"missing_fields": ["wristband.sex"]}
    # printed in upper case it is found
    default = (DEFAULTS_DIR / "wristband.html").read_text()
    saved = template_update(
        actor=it_staff,
        workstation=None,
        code="wristband",
        title="Sesso in maiuscolo",
        body=default.replace("{{ wristband.sex }}", "{{ wristband.sex|upper }}"),
        expected_version=1,
    )
    assert saved.version == 2


def test_a_print_is_audited_once_by_the_archive_like_every_other_print(
    nurse: User, patient: Patient
) -> None:
    # when the nurse prints the wristband from the page and from the API
    response = logged_in(nurse).get(f"/records/patients/{patient.pk}/wristband.pdf")
    api = api_client(nurse).get(f"/api/v1/patients/{patient.pk}/wristband.pdf")
    # then each print is one audit event of the nurse, the archive's, naming the patient,
    # the archived copy, its template version and what it was printed from
    documents = [int(response["X-Corsia-Document"]), int(api["X-Corsia-Document"])]
    signing_in = ("accounts.login_succeeded", "accounts.token_issued")
    events = AuditEvent.objects.filter(actor=nurse).exclude(event_type__in=signing_in)
    events = events.order_by("id")
    assert [(e.event_type, e.patient_id, int(e.target_id)) for e in events] == [
        ("documents.document_created", patient.pk, pk) for pk in documents
    ]
    afters = [e.after or {} for e in events]
    assert {(a["kind"], a["template"], a["source"]) for a in afters} == {
        ("wristband", "wristband v1", f"patients:patient:{patient.pk}")
    }
    # no second event of its own: the registry offers none to write
    assert "patients.wristband_printed" not in {t.code for t in all_types()}
