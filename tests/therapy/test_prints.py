"""The ward therapy's prints through their versioned templates (issue 23 §22-23): one
prescription (``ward_prescription``, archived with the patient) and the ward's therapy of
a day (``ward_round``, a list of patients archived without one). The old print addresses
redirect to the PDFs; the PDF answered is the archived copy, with its template version;
the API answers the same print with the same permission; an IT edit is the next version
printed, one dropping a safety field is refused; bad input is a clear refusal.

Hand count: Mario Rossi (born 10/12/1985) in bed 12 of MED2; paracetamol 1 g per os at
08:00, 14:00 and 20:00 signed at 07:00 on 10/03/2026, its 08:00 dose given at 08:05;
ondansetron 8 mg IV as needed for nausea (8 hours apart, at most 2 in 24 hours)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.documents.models import Document
from corsia.patients.models import Ward
from corsia.testing.accounts import MakeUser, api_client, full_name, logged_in
from corsia.testing.documents import (
    edit_refused,
    edited_and_printed,
    printed_html,
    shipped_without,
    the_api_print,
    the_archived_print,
)
from corsia.testing.therapy import MORNING, SIGNED, Ward12, ondansetron, prescribed
from corsia.therapy.models import DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db

ROUND = "/therapy/ward/MED2/round.pdf?day=2026-03-10"
name = full_name


@pytest.fixture
def as_needed(ward: Ward12) -> WardPrescription:
    with time_machine.travel(SIGNED, tick=False):
        return prescribed(
            ward.physician,
            ward.patient,
            ondansetron(),
            dose=Decimal(8),
            dose_unit="mg",
            route="ev",
            frequency="prn",
            times=(),
            prn_indication="nausea",
            prn_min_interval_hours=Decimal(8),
            prn_max_per_day=2,
        )


@time_machine.travel(MORNING, tick=False)
def test_the_prescription_is_printed_from_version_1_and_archived_with_the_patient(
    ward: Ward12, rx: WardPrescription, given: DoseRecord
) -> None:
    client = logged_in(ward.nurse)
    old = client.get(f"/therapy/prescriptions/{rx.pk}/print/")
    assert old.status_code == 302
    assert old["Location"] == f"/therapy/prescriptions/{rx.pk}/print.pdf"
    response = client.get(old["Location"])
    # the PDF answered is the archived one: unsigned, version 1, the patient's
    document = the_archived_print(response, "ward_prescription")
    assert response["X-Corsia-Document"] == str(document.pk)
    assert (document.kind, document.template_version, document.patient_id) == (
        "ward_prescription", 1, ward.patient.pk,
    )  # fmt: skip
    assert (document.source_app, document.source_model, document.source_id) == (
        "therapy", "prescription", str(rx.pk),
    )  # fmt: skip
    printed = document.context["prescription"]
    assert {k: printed[k] for k in (
        "drug", "dose", "dose_unit", "route", "frequency", "schedule", "times", "as_needed",
        "allergies", "status", "prescriber", "signed_at", "printed_by",
    )} == {
        "drug": "Paracetamolo", "dose": "1", "dose_unit": "g", "route": "per os",
        "frequency": "A orari fissi",
        "schedule": "alle 08:00, 14:00, 20:00, dal 10/03/2026 fino a sospensione",
        "times": "08:00, 14:00, 20:00", "as_needed": False,
        "allergies": "Allergie non rilevate", "status": "Attiva",
        "prescriber": name(ward.physician), "signed_at": "10/03/2026 07:00",
        "printed_by": name(ward.nurse),
    }  # fmt: skip
    assert document.context["doses"] == [
        {
            "due": "10/03 08:00", "at": "10/03/2026 08:05", "outcome": "Somministrata",
            "amount": "", "note": "", "lot": "", "nurse": name(ward.nurse),
            "correction_reason": "", "superseded": False,
        }
    ]  # fmt: skip
    # what the page shows: the patient's two identifiers and birth date, drug, dose and
    # unit, route, times, the prescriber and when signed, the dose given and by whom
    html = printed_html(document)
    assert "<strong>ROSSI Mario</strong> · nato/a il 10/12/1985 · MRN " in html
    assert f"MRN {ward.patient.mrn}" in html
    assert '<span class="drug">Paracetamolo</span>' in html
    assert '<span class="drug">1 g</span> · per os' in html
    assert "<td>alle 08:00, 14:00, 20:00, dal 10/03/2026 fino a sospensione</td>" in html
    assert f"<td>{name(ward.physician)}, il 10/03/2026 07:00</td>" in html
    assert "<td>10/03 08:00</td><td>10/03/2026 08:05</td><td>Somministrata</td>" in html
    assert "al bisogno</td>" not in html  # no empty rows for a scheduled drug
    reads = AccessLogEntry.objects.filter(patient_id=ward.patient.pk, user=ward.nurse)
    assert reads.filter(what=f"prescrizione di reparto n. {rx.pk}").count() == 1
    # every print is archived again
    client.get(old["Location"])
    assert Document.objects.filter(template_code="ward_prescription").count() == 2


@time_machine.travel(MORNING, tick=False)
def test_an_as_needed_prescription_prints_its_rule_and_six_rows_for_the_doses(
    ward: Ward12, as_needed: WardPrescription
) -> None:
    response = logged_in(ward.physician).get(f"/therapy/prescriptions/{as_needed.pk}/print.pdf")
    document = the_archived_print(response, "ward_prescription")
    assert document.context["prescription"]["schedule"] == (
        "al bisogno, se nausea; almeno 8 ore tra due dosi, al massimo 2 in 24 ore"
    )
    html = printed_html(document)
    assert '<span class="drug">8 mg</span> · endovenosa' in html
    assert html.count('<tr><td>al bisogno</td><td class="sign"></td>') == 6


@time_machine.travel(MORNING, tick=False)
def test_the_ward_round_is_printed_as_a_list_without_a_patient(
    ward: Ward12, rx: WardPrescription, given: DoseRecord, as_needed: WardPrescription
) -> None:
    client = logged_in(ward.nurse)
    old = client.get("/therapy/ward/MED2/print/?day=2026-03-10")
    assert old.status_code == 302 and old["Location"] == ROUND
    response = client.get(ROUND)
    document = the_archived_print(response, "ward_round")
    assert (document.patient_id, document.template_version) == (None, 1)
    # the patients it names are kept: reopening it from the archive logs a read of each
    assert list(document.named_patients.values_list("patient_id", flat=True)) == [ward.patient.pk]
    assert (document.source_app, document.source_model, document.source_id) == (
        "therapy", "ward", "MED2:2026-03-10",
    )  # fmt: skip
    printed = document.context["round"]
    assert (printed["ward"], printed["day"], printed["weekday"], printed["patients_count"]) == (
        "Medicina 2", "10/03/2026", "martedì", "1",
    )  # fmt: skip
    who = {"place": "12", "patient": "ROSSI Mario", "date_of_birth": "10/12/1985",
           "mrn": ward.patient.mrn, "allergies": "Allergie non rilevate"}  # fmt: skip
    drug = {"drug": "Paracetamolo", "dose": "1", "dose_unit": "g", "route": "per os",
            "chemo": False, "prescriber": name(ward.physician)}  # fmt: skip
    assert printed["rows"] == [
        {"at": "08:00", **who, **drug, "outcome": "somministrata 08:05", "nurse": name(ward.nurse)},
        {"at": "14:00", **who, **drug, "outcome": "", "nurse": ""},
        {"at": "20:00", **who, **drug, "outcome": "", "nurse": ""},
    ]  # fmt: skip
    assert printed["prn"] == [
        {**who, "drug": "Ondansetron", "dose": "8", "dose_unit": "mg", "route": "endovenosa",
         "indication": "nausea", "min_interval": "8 h", "max_per_day": "2", "given_24h": "",
         "prescriber": name(ward.physician)},
    ]  # fmt: skip
    html = printed_html(document)
    assert html.count("<td><strong>ROSSI Mario</strong></td><td>10/12/1985</td>") == 4
    assert "<td><strong>Paracetamolo 1 g</strong> · per os</td>" in html
    assert "<td><strong>Ondansetron 8 mg</strong> · endovenosa</td><td>nausea</td>" in html
    assert "<strong>Martedì 10/03/2026</strong> · 1 pazienti" in html
    # the read of the patient is in the access log, as the round's
    assert AccessLogEntry.objects.filter(
        patient_id=ward.patient.pk, what="terapia del reparto MED2 del 10/03/2026"
    ).exists()


@time_machine.travel(MORNING, tick=False)
def test_an_it_edit_is_the_next_version_printed_and_one_dropping_a_safety_field_is_refused(
    make_user: MakeUser, ward: Ward12, rx: WardPrescription
) -> None:
    it_staff = make_user(Role.IT_STAFF)
    refused = edit_refused(
        it_staff,
        "ward_prescription",
        shipped_without("ward_prescription", "{{ prescription.prescriber }}, "),
    )
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": ["prescription.prescriber"]}
    assert "«prescription.prescriber» (Medico che ha prescritto e firmato)" in refused.message
    refused = edit_refused(
        it_staff, "ward_round", shipped_without("ward_round", "<td>{{ r.mrn }}</td>")
    )
    assert refused.details == {"missing_fields": ["round.rows[].mrn"]}
    # the unit of the dose is a field of its own: dropping it is refused too
    refused = edit_refused(
        it_staff,
        "ward_prescription",
        shipped_without("ward_prescription", " {{ prescription.dose_unit }}"),
    )
    assert refused.details == {"missing_fields": ["prescription.dose_unit"]}
    edited_and_printed(
        it_staff, "ward_prescription", title="Con reparto",
        old="</h1>", new=" — copia per la cartella</h1>",
        print_it=lambda: logged_in(ward.nurse).get(f"/therapy/prescriptions/{rx.pk}/print.pdf"),
    )  # fmt: skip


@time_machine.travel(MORNING, tick=False)
def test_the_api_answers_the_same_archived_prints(
    ward: Ward12, rx: WardPrescription, as_needed: WardPrescription
) -> None:
    client = api_client(ward.nurse)
    response = client.get(f"/api/v1/therapy/prescriptions/{rx.pk}/print.pdf")
    the_api_print(response, "ward_prescription", ward.patient.pk)
    day = client.get("/api/v1/therapy/wards/MED2/round.pdf", {"day": "2026-03-10"})
    listed = the_api_print(day, "ward_round", None)
    assert [r["drug"] for r in listed.context["round"]["prn"]] == ["Ondansetron"]
    today = client.get("/api/v1/therapy/wards/MED2/round.pdf")  # no day: today
    assert Document.objects.get(pk=int(today["X-Corsia-Document"])).source_id == ("MED2:2026-03-10")
    reads = AccessLogEntry.objects.filter(patient_id=ward.patient.pk, user=ward.nurse)
    assert set(reads.values_list("channel", flat=True)) == {"api"}


@time_machine.travel(MORNING, tick=False)
def test_bad_input_is_a_clear_refusal_and_nothing_is_archived(
    ward: Ward12, rx: WardPrescription
) -> None:
    api = api_client(ward.nurse)
    for url, status, code in (
        ("/api/v1/therapy/prescriptions/999999999/print.pdf", 404, "prescription_not_found"),
        ("/api/v1/therapy/wards/NOPE/round.pdf", 404, "ward_not_found"),
        ("/api/v1/therapy/wards/MED2/round.pdf?day=2026-02-30", 422, None),
        ("/api/v1/therapy/wards/MED2/round.pdf?day=1900-01-01", 422, "day_out_of_range"),
        ("/api/v1/therapy/wards/MED2/round.pdf?day=9999-12-31", 422, "day_out_of_range"),
    ):
        answer = api.get(url)
        assert answer.status_code == status, url
        assert answer["Content-Type"] == "application/problem+json", url
        if code is not None:
            assert answer.json()["code"] == code, url
    page = logged_in(ward.nurse)
    assert page.get("/therapy/prescriptions/999999999/print.pdf").status_code == 404
    assert page.get("/therapy/ward/NOPE/round.pdf").status_code == 404
    unreadable = page.get("/therapy/ward/MED2/round.pdf?day=domani")
    assert unreadable.status_code == 422
    assert "La data non è valida (gg/mm/aaaa)." in unreadable.content.decode()
    far = page.get("/therapy/ward/MED2/round.pdf?day=1900-01-01")
    assert far.status_code == 422
    assert "Giorno fuori dall&#x27;intervallo stampabile" in far.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.IT_STAFF, Role.TRIAL_MONITOR])
@time_machine.travel(MORNING, tick=False)
def test_who_may_not_read_the_ward_therapy_gets_403_and_nothing_is_archived(
    make_user: MakeUser, ward: Ward12, rx: WardPrescription, role: Role
) -> None:
    user = make_user(role)
    assert not user.has_perm("therapy.view_therapy")
    page, api = logged_in(user), api_client(user)
    for url in (
        f"/therapy/prescriptions/{rx.pk}/print/",
        f"/therapy/prescriptions/{rx.pk}/print.pdf",
        "/therapy/ward/MED2/print/",
        ROUND,
    ):
        assert page.get(url).status_code == 403, url
    for url in (
        f"/api/v1/therapy/prescriptions/{rx.pk}/print.pdf",
        "/api/v1/therapy/wards/MED2/round.pdf",
    ):
        assert api.get(url).status_code == 403, url
    assert not Document.objects.exists()
    assert not AccessLogEntry.objects.filter(patient_id=ward.patient.pk).exists()


@override_settings(CORSIA_PATIENT_SCOPE="care")
@time_machine.travel(MORNING, tick=False)
def test_under_the_care_scope_only_an_assigned_ward_s_round_is_printed(
    make_user: MakeUser, ward: Ward12, rx: WardPrescription
) -> None:
    """A nurse of another ward would see only some of MED2's patients (those she treats):
    a paper calling itself MED2's therapy is refused rather than printed incomplete."""
    from corsia.patients.services import ward_staff_assign

    Ward.objects.create(code="EMA1", name="Ematologia 1", kind="inpatient")
    coordinator = make_user(Role.COORDINATOR)
    nurse = make_user(Role.NURSE)
    ward_staff_assign(
        actor=coordinator, workstation=None, username=nurse.username, ward_code="EMA1"
    )
    refused = api_client(nurse).get("/api/v1/therapy/wards/MED2/round.pdf")
    assert refused.status_code == 403 and refused.json()["code"] == "ward_not_assigned"
    assert logged_in(nurse).get(ROUND).status_code == 403
    assert not Document.objects.exists()
    # assigned to MED2, she prints it
    ward_staff_assign(
        actor=coordinator, workstation=None, username=nurse.username, ward_code="MED2"
    )
    assert logged_in(nurse).get(ROUND).status_code == 200
    assert Document.objects.get().template_code == "ward_round"
