"""The call-in list printed from its versioned template (``call_in_list``) and archived with
the version: what the front desk needs per patient, in arrival order; permissions; an
edit dropping a patient identifier refused; the archived copy found by the documents index.

Hand count (``corsia.testing.agenda``: therapy booking type with blood tests "Emocromo,
creatinina" 60 minutes before the chair): Rossi on chair P02 at 10:00 arrives at 09:00,
Bianchi on P01 at 09:00 arrives at 08:00, a cancelled booking is not expected."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import services
from corsia.audit.models import AccessLogEntry
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.models import Document, DocumentTemplate
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.services import template_update
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.agenda import WORKSTATION, DayHospital, book, day_hospital, next_weekday
from corsia.testing.documents import printed_html
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.django_db
MONDAY = next_weekday(timezone.localdate())


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    return day_hospital(make_user)


def _url(dh: DayHospital) -> str:
    return f"/agenda/{dh.agenda.pk}/call-in.pdf?day={MONDAY.isoformat()}"


def test_the_call_in_list_is_printed_from_version_1_and_archived(
    dh: DayHospital, make_user: MakeUser
) -> None:
    # given Rossi at 10:00 on P02 (phone known), Bianchi at 09:00 on P01 and a cancelled one
    rossi = patient_registered(dh.coordinator, phone="+39 333 1234567")
    bianchi = patient_registered(dh.coordinator, **ANNA_BIANCHI)
    book(dh, rossi.pk, day=MONDAY, start=time(10), place="P02")
    book(dh, bianchi.pk, day=MONDAY, start=time(9), place="P01")
    gone = patient_registered(
        dh.coordinator, codice_fiscale="", stp_eni_code="STP1300000000999", surname="Annullato"
    )
    cancelled = book(dh, gone.pk, day=MONDAY, start=time(11), place="P03")
    services.booking_transition(
        actor=dh.coordinator, workstation=WORKSTATION, booking_id=cancelled.pk,
        event="cancel", expected_version=cancelled.version, reason="rinuncia",
    )  # fmt: skip
    # when the nurse prints the day's call-in list
    response = logged_in(dh.nurse).get(_url(dh))
    # then the PDF answered is the archived document, unsigned, with template version 1
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(kind="call_in_list")
    assert response.content == bytes(document.content)
    assert (document.template_code, document.template_version, document.signed) == (
        "call_in_list", 1, False,
    )  # fmt: skip
    assert (document.patient_id, document.source_app, document.source_id) == (
        None, "agenda", f"{dh.agenda.pk}:{MONDAY.isoformat()}",
    )  # fmt: skip
    # and its rows, by arrival, carry what the front desk needs (hand count above)
    call_in = document.context["call_in"]
    assert (call_in["agenda"], call_in["day"], call_in["count"]) == (
        "Day hospital oncologico", f"{MONDAY:%d/%m/%Y}", "2",
    )  # fmt: skip
    rows = [
        (r["arrival"], r["patient"], r["date_of_birth"], r["mrn"], r["phone"], r["place"],
         r["therapy_start"], r["blood_tests"], r["booking_type"])
        for r in call_in["rows"]
    ]  # fmt: skip
    assert rows == [
        ("08:00", "BIANCHI Anna", "02/04/1970", bianchi.mrn, "", "P01", "09:00",
         "Emocromo, creatinina", "Terapia"),
        ("09:00", "ROSSI Mario", "10/12/1985", rossi.mrn, "+39 333 1234567", "P02", "10:00",
         "Emocromo, creatinina", "Terapia"),
    ]  # fmt: skip
    html = printed_html(document)
    assert html.index("BIANCHI Anna") < html.index("ROSSI Mario")
    assert "Annullato" not in html
    # the reads of both patients are in the access log
    logged = AccessLogEntry.objects.filter(user=dh.nurse).values_list("patient_id", flat=True)
    assert set(logged) == {rossi.pk, bianchi.pk}
    # and the coordinator finds the archived copy, with its version, on the documents index
    index = logged_in(dh.coordinator).get("/documents/", {"template_code": "call_in_list"})
    assert index.status_code == 200 and "call_in_list v1" in index.content.decode()


def test_an_it_edit_is_the_next_version_printed_and_one_dropping_the_mrn_is_refused(
    dh: DayHospital, make_user: MakeUser
) -> None:
    it_staff = make_user(Role.IT_STAFF)
    book(dh, patient_registered(dh.coordinator).pk, day=MONDAY, start=time(10))
    shipped = (DEFAULTS_DIR / "call_in_list.html").read_text()
    # an edit that no longer prints the MRN is refused, naming the field; nothing stored
    with pytest.raises(ValidationFailed) as refused:
        template_update(
            actor=it_staff, workstation=None, code="call_in_list", title="Senza MRN",
            body=shipped.replace("<td>{{ r.mrn }}</td>", "<td></td>"), expected_version=1,
        )  # fmt: skip
    assert refused.value.code == "template_required_field_missing"
    assert refused.value.details == {"missing_fields": ["call_in.rows[].mrn"]}
    assert not DocumentTemplate.objects.filter(code="call_in_list").exists()
    # an edit keeping every identifier is version 2, and the next print archives it
    edited = template_update(
        actor=it_staff, workstation=None, code="call_in_list", title="Con nota",
        body=shipped.replace("</h1>", " — a cura dell'accettazione</h1>"), expected_version=1,
    )  # fmt: skip
    assert edited.version == 2
    logged_in(dh.nurse).get(_url(dh))
    document = Document.objects.get(kind="call_in_list")
    assert document.template_version == 2
    assert "— a cura dell'accettazione</h1>" in printed_html(document)


@pytest.mark.parametrize("role", [Role.IT_STAFF, Role.TRIAL_MONITOR])
def test_who_may_not_read_the_agenda_or_archive_prints_gets_nothing(
    dh: DayHospital, make_user: MakeUser, role: Role
) -> None:
    book(dh, patient_registered(dh.coordinator).pk, day=MONDAY, start=time(10))
    assert logged_in(make_user(role)).get(_url(dh)).status_code == 403
    assert not Document.objects.exists()


def test_the_technician_archives_the_print_without_signing_rights(
    dh: DayHospital, make_user: MakeUser
) -> None:
    book(dh, patient_registered(dh.coordinator).pk, day=MONDAY, start=time(10))
    technician = make_user(Role.TECHNICIAN)
    assert logged_in(technician).get(_url(dh)).status_code == 200
    assert Document.objects.get().created_by == technician


# --- the API's print, its refusals, and the archived copy reopened (issue 23 §23, privacy) ---

ADDRESS = "10.20.30.41"


def _api_url(dh: DayHospital) -> str:
    return f"/api/v1/agenda/agendas/{dh.agenda.pk}/call-in.pdf"


def _two_booked(dh: DayHospital) -> tuple[Patient, Patient]:
    rossi = patient_registered(dh.coordinator, phone="+39 333 1234567")
    bianchi = patient_registered(dh.coordinator, **ANNA_BIANCHI)
    book(dh, rossi.pk, day=MONDAY, start=time(10), place="P02")
    book(dh, bianchi.pk, day=MONDAY, start=time(9), place="P01")
    return rossi, bianchi


def test_the_api_prints_the_same_archived_list_naming_its_patients(dh: DayHospital) -> None:
    rossi, bianchi = _two_booked(dh)
    response = api_client(dh.nurse).get(_api_url(dh), {"day": MONDAY.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert response.content == bytes(document.content)
    assert (document.template_code, document.patient_id, document.created_by) == (
        "call_in_list", None, dh.nurse,
    )  # fmt: skip
    assert [r["mrn"] for r in document.context["call_in"]["rows"]] == [bianchi.mrn, rossi.mrn]
    # the patients it names are kept with it; their reads are logged, through the API
    named = document.named_patients.values_list("patient_id", flat=True)
    assert sorted(named) == sorted([rossi.pk, bianchi.pk])
    logged = AccessLogEntry.objects.filter(user=dh.nurse).values_list("patient_id", "channel")
    assert sorted(logged) == sorted([(rossi.pk, "api"), (bianchi.pk, "api")])


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({}, "validation_failed"),
        ({"day": ""}, "validation_failed"),
        ({"day": "2026-02-30"}, "validation_failed"),
        ({"day": "domani"}, "validation_failed"),
        ({"day": "2999-01-01"}, "day_out_of_range"),
    ],
)
def test_a_missing_or_bad_day_is_a_problem_and_nothing_is_archived(
    dh: DayHospital, query: dict[str, str], code: str
) -> None:
    _two_booked(dh)
    response = api_client(dh.nurse).get(_api_url(dh), query)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["field"]) == (code, "day")
    assert not Document.objects.exists()


def test_an_unknown_agenda_is_not_found_and_who_may_not_read_agendas_is_refused(
    dh: DayHospital, make_user: MakeUser
) -> None:
    day = {"day": MONDAY.isoformat()}
    response = api_client(dh.nurse).get("/api/v1/agenda/agendas/999999/call-in.pdf", day)
    assert response.status_code == 404 and response.json()["code"] == "agenda_not_found"
    refused = api_client(make_user(Role.IT_STAFF)).get(_api_url(dh), day)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Document.objects.exists()


def test_reopening_the_archived_list_logs_a_read_of_each_patient_it_names(
    dh: DayHospital,
) -> None:
    # given the nurse's print of the day (Rossi and Bianchi expected)
    rossi, bianchi = _two_booked(dh)
    logged_in(dh.nurse).get(_url(dh))
    document = Document.objects.get(kind="call_in_list")
    start = timezone.now()
    # when the coordinator reopens it from the archive: its page, its PDF, the API
    page = logged_in(dh.coordinator)
    page.defaults["REMOTE_ADDR"] = ADDRESS
    assert page.get(f"/documents/{document.pk}/").status_code == 200
    assert page.get(f"/documents/{document.pk}/pdf").status_code == 200
    api = api_client(dh.coordinator)
    api.defaults["REMOTE_ADDR"] = ADDRESS
    assert api.get(f"/api/v1/documents/{document.pk}").status_code == 200
    # then each reopening wrote one row per patient the list names: who, when, where
    rows = list(AccessLogEntry.objects.filter(user=dh.coordinator).order_by("id"))
    first, second = sorted([rossi.pk, bianchi.pk])
    title = f"{document.title} v1 (#{document.pk})"
    assert [(r.patient_id, r.what, r.channel) for r in rows] == [
        (first, f"documento (scheda): {title}", "web"),
        (second, f"documento (scheda): {title}", "web"),
        (first, f"documento (PDF scaricato): {title}", "web"),
        (second, f"documento (PDF scaricato): {title}", "web"),
        (first, f"documento (scheda): {title}", "api"),
        (second, f"documento (scheda): {title}", "api"),
    ]
    assert {r.username for r in rows} == {dh.coordinator.username}
    assert all(ADDRESS in r.workstation for r in rows), [r.workstation for r in rows]
    assert all(start <= r.accessed_at <= timezone.now() for r in rows)
