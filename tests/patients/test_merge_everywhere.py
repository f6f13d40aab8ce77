"""A merge reaches every module's rows (orders, administrations, signed documents, the
chart, toxicities, doses given elsewhere), audited per module, and its undoing brings back
exactly those rows; the database lets a signed row change its patient only for a merge, and
nothing else; H54 (the lifetime cumulative dose) right after both."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.models import Administration
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.documents import services as documents
from corsia.documents.models import Document
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services
from corsia.patients.models import Patient, PatientMerge, PatientMergeMove
from corsia.prescribing import cumulative
from corsia.prescribing import services as prescribing
from corsia.prescribing.models import Measurement, PriorDose, TherapyOrder
from corsia.records.domain.anamnesis import Sections
from corsia.records.models import AnamnesisVersion, DiaryEntry, LabResult
from corsia.records.services import (
    DiaryInput,
    LabInput,
    anamnesis_sign,
    diary_entry_sign,
    lab_result_record,
)
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.administration import doxorubicin_partly_given
from corsia.testing.documents import sheet
from corsia.testing.prescribing import library_version, measured_patient
from corsia.testing.regimens import make_ingredients
from corsia.testing.toxicity import NAUSEA, term
from corsia.toxicity.models import ToxicityRecord
from corsia.toxicity.services import ToxicityInput, toxicity_record

REASON = "Stessa persona registrata due volte (PS con dati incompleti)"


@dataclass
class Pair:
    coordinator: User
    physician: User
    survivor: Patient
    duplicate: Patient
    order: TherapyOrder
    document: Document


def _elsewhere(physician: User, patient: Patient, amount: str) -> PriorDose:
    return cumulative.prior_dose_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        ingredient_id=ActiveIngredient.objects.get(code="doxorubicin").pk,
        amount=D(amount),
        unit="mg/m2",
        hospital="Ospedale San Carlo, Potenza",
        given_from=date(2020, 3, 1),
        given_to=date(2020, 8, 1),
        document_ref="Lettera di dimissione 2020/1234",
        reason="Terapia pregressa per linfoma",
    )


def _two_registrations(make_user: MakeUser) -> Pair:
    """Carlo Bianchi (survivor: 180 cm, 80 kg, BSA 2.00 m², 120 mg/m² doxorubicin given
    elsewhere) and «Carlo Maria» Bianchi (the duplicate: same measures, 300 mg/m² given
    elsewhere, an ABVD order, 30 mg doxorubicin administered here, a signed diary entry, a
    laboratory result, a toxicity, a signed therapy sheet)."""
    coordinator = make_user(Role.COORDINATOR)
    physician = make_user(Role.PHYSICIAN)
    nurse = make_user(Role.NURSE)
    abvd = library_version("ABVD", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)))
    make_ingredients(("epirubicin",))
    ActiveIngredient.objects.filter(code="doxorubicin").update(
        cumulative_limit=D(450), cumulative_limit_unit="mg/m2"
    )
    survivor = measured_patient(registrar=coordinator, physician=physician)
    duplicate = measured_patient(
        registrar=coordinator, physician=physician, given_names="Carlo Maria"
    )
    _elsewhere(physician, survivor, "120")
    _elsewhere(physician, duplicate, "300")
    order = prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        regimen_version_id=abvd.pk,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    prescribing.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )
    # 25 mg/m² x 2.00 m² = 50 mg prepared in 250 mL, 150 mL given: 30 mg = 15 mg/m².
    doxorubicin_partly_given(order, nurse)
    # The order cancelled as a duplicate: only what was given counts, not what was planned.
    prescribing.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="cancel", reason="Doppione"
    )
    diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        data=DiaryInput(kind="visit", text="Prima visita: linfoma di Hodgkin, stadio IIA."),
    )
    lab_result_record(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        data=LabInput(
            analyte="Emoglobina",
            value="10,9",
            unit="g/dL",
            collected_at=timezone.now() - timedelta(hours=2),
            reference_low="12",
            reference_high="16",
        ),
    )
    toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        data=ToxicityInput(
            term_id=term(NAUSEA).pk,
            grade=2,
            attribution="probable",
            onset_date=timezone.localdate() - timedelta(days=1),
        ),
    )
    document = documents.document_create(
        actor=physician,
        workstation="DH-PC01",
        kind="therapy_sheet",
        title="Foglio di terapia",
        patient=duplicate,
        template_code="therapy_sheet",
        context=sheet(),
        source=("prescribing", "order", order.pk),
        sign=True,
        reason="Conferma della prescrizione",
    )
    return Pair(coordinator, physician, survivor, duplicate, order, document)


# The rows of the duplicate by model, as (model, how many) the builder above writes.
def _rows_of(patient: Patient) -> dict[str, int]:
    return {
        "measurements": Measurement.objects.filter(patient=patient).count(),
        "prior_doses": PriorDose.objects.filter(patient=patient).count(),
        "orders": TherapyOrder.objects.filter(patient=patient).count(),
        "administrations": Administration.objects.filter(patient=patient).count(),
        "diary": DiaryEntry.objects.filter(patient=patient).count(),
        "labs": LabResult.objects.filter(patient=patient).count(),
        "toxicities": ToxicityRecord.objects.filter(patient=patient).count(),
        "documents": Document.objects.filter(patient=patient).count(),
    }


DUPLICATE_ROWS = {
    "measurements": 3,  # height, weight, creatinine
    "prior_doses": 1,
    "orders": 1,
    "administrations": 1,
    "diary": 1,
    "labs": 1,
    "toxicities": 1,
    "documents": 1,
}
SURVIVOR_ROWS = {**dict.fromkeys(DUPLICATE_ROWS, 0), "measurements": 3, "prior_doses": 1}
NONE = dict.fromkeys(DUPLICATE_ROWS, 0)


def _total(patient: Patient) -> D:
    (result,) = cumulative.patient_cumulative(patient_id=patient.pk)
    return result.total


def _merged(
    coordinator: User, survivor: Patient, duplicate: Patient, workstation: str | None = None
) -> PatientMerge:
    services.patient_merge(
        actor=coordinator,
        workstation=workstation,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason=REASON,
    )
    return PatientMerge.objects.get(duplicate=duplicate, state="merged")


def _measured_pair(make_user: MakeUser) -> tuple[User, User, Patient, Patient]:
    """A coordinator, a physician and two measured registrations (3 measurements each)."""
    coordinator, physician = make_user(Role.COORDINATOR), make_user(Role.PHYSICIAN)
    survivor = measured_patient(registrar=coordinator, physician=physician)
    duplicate = measured_patient(registrar=coordinator, physician=physician, given_names="Ugo")
    return coordinator, physician, survivor, duplicate


def test_a_merge_moves_every_modules_rows_and_its_undoing_brings_back_exactly_those(
    make_user: MakeUser, ctcae_reference: None
) -> None:
    # given two registrations of one man, the duplicate with a whole course of care
    pair = _two_registrations(make_user)
    assert _rows_of(pair.duplicate) == DUPLICATE_ROWS
    sha = pair.document.sha256
    # H54 before: each registration counts alone: 120 | 300 + 15 = 315 (mg/m² doxorubicin)
    assert _total(pair.survivor) == D(120)
    assert _total(pair.duplicate) == D(315)

    # when the coordinator merges them
    merge = _merged(pair.coordinator, pair.survivor, pair.duplicate, "ANAG-PC02")

    # then everything is the survivor's: nothing of it is left on the duplicate
    assert _rows_of(pair.duplicate) == NONE
    assert _rows_of(pair.survivor) == {
        key: SURVIVOR_ROWS[key] + DUPLICATE_ROWS[key] for key in DUPLICATE_ROWS
    }
    # and the signed document moved with its bytes, fingerprint and signature untouched
    pair.document.refresh_from_db()
    assert (pair.document.patient_id, pair.document.signed, pair.document.sha256) == (
        pair.survivor.pk,
        True,
        sha,
    )
    # and H54: 120 + 300 + 15 = 435 mg/m² (under the 450 limit)
    assert _total(pair.survivor) == D(435)
    # and each module's moves are recorded row by row
    recorded = {m.model: sorted(m.row_ids) for m in PatientMergeMove.objects.filter(merge=merge)}
    assert recorded["records.DiaryEntry"] == sorted(
        DiaryEntry.objects.filter(patient=pair.survivor).values_list("pk", flat=True)
    )
    assert recorded["documents.Document"] == [pair.document.pk]
    assert recorded["prescribing.TherapyOrder"] == [pair.order.pk]
    assert len(recorded["prescribing.Measurement"]) == 3
    assert set(PatientMergeMove.objects.filter(merge=merge).values_list("module", flat=True)) == {
        "agenda",
        "galenics",
        "interop",
        "dispensing",
        "patients",
        "prescribing",
        "administration",
        "records",
        "toxicity",
        "documents",
        "inventory",
        "regimens",
        "fse",
        "nursing",
        "nutrition",
        "transfusion",
        "therapy",
        "vascular",
        "transplant",
        "telemonitoring",
        "portal",
        "telemedicine",
    }
    # and audited per module: who, the workstation, the reason naming the merge
    moved = AuditEvent.objects.filter(event_type="patients.merge_rows_moved")
    assert sorted((e.after or {})["module"] for e in moved) == [
        "administration",
        "agenda",
        "dispensing",
        "documents",
        "fse",
        "galenics",
        "interop",
        "inventory",
        "nursing",
        "nutrition",
        "portal",
        "prescribing",
        "records",
        "regimens",
        "telemedicine",
        "telemonitoring",
        "therapy",
        "toxicity",
        "transfusion",
        "transplant",
        "vascular",
    ]
    assert {e.reason for e in moved} == {f"Unione n. {merge.pk}: {REASON}"}
    assert {(e.actor_id, e.workstation, e.patient_id) for e in moved} == {
        (pair.coordinator.pk, "ANAG-PC02", pair.survivor.pk)
    }

    # given a diary entry written on the survivor after the merge
    later = diary_entry_sign(
        actor=pair.physician,
        workstation=None,
        patient_id=pair.survivor.pk,
        data=DiaryInput(kind="note", text="Controllo dopo l'unione delle anagrafiche."),
    )

    # when the merge is undone
    services.patient_unmerge(
        actor=pair.coordinator,
        workstation="ANAG-PC02",
        merge_id=merge.pk,
        reason="Omonimi: sono due persone diverse",
    )

    # then exactly the moved rows are back; what was written after the merge stays
    assert _rows_of(pair.duplicate) == DUPLICATE_ROWS
    assert _rows_of(pair.survivor) == {**SURVIVOR_ROWS, "diary": 1}
    later.refresh_from_db()
    assert later.patient_id == pair.survivor.pk
    pair.duplicate.refresh_from_db()
    assert (pair.duplicate.merged_into_id, pair.duplicate.is_active) == (None, True)
    merge.refresh_from_db()
    assert (merge.state, merge.unmerged_by_id) == ("unmerged", pair.coordinator.pk)
    # and H54 is each registration's own again: 120 | 315
    assert _total(pair.survivor) == D(120)
    assert _total(pair.duplicate) == D(315)
    # and audited on both patients and per module
    assert sorted(
        AuditEvent.objects.filter(event_type__startswith="patients.patient_unmerge").values_list(
            "event_type", "patient_id"
        )
    ) == [
        ("patients.patient_unmerge_received", pair.survivor.pk),
        ("patients.patient_unmerged", pair.duplicate.pk),
    ]
    assert (
        AuditEvent.objects.filter(event_type="patients.merge_rows_returned").count() == 21
    )  # one per module that moved rows

    # and it cannot be undone twice
    with pytest.raises(ConflictError) as twice:
        services.patient_unmerge(
            actor=pair.coordinator, workstation=None, merge_id=merge.pk, reason="di nuovo"
        )
    assert twice.value.code == "merge_already_undone"


def _set_merge(merge_id: int | str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('corsia.patient_merge', %s, true)", [str(merge_id)])


def _refused(sql: str, params: list[int | str]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def test_a_signed_row_changes_its_patient_only_for_a_merge_and_nothing_else(
    make_user: MakeUser,
) -> None:
    # given a signed diary entry and a signed document on the duplicate, merged
    coordinator, physician, survivor, duplicate = _measured_pair(make_user)
    third = measured_patient(registrar=coordinator, physician=physician, given_names="Ivo")
    entry = diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        data=DiaryInput(kind="visit", text="Visita."),
    )
    merge = _merged(coordinator, survivor, duplicate)
    move = "UPDATE records_diaryentry SET patient_id = %s WHERE id = %s"
    # without the merge named, the patient does not change
    assert _refused(move, [duplicate.pk, entry.pk])
    with transaction.atomic():
        _set_merge(merge.pk)
        # nor the text, even with the merge named
        assert _refused("UPDATE records_diaryentry SET text = 'altro' WHERE id = %s", [entry.pk])
        # nor the patient and the text together
        assert _refused(
            "UPDATE records_diaryentry SET patient_id = %s, text = 'x' WHERE id = %s",
            [duplicate.pk, entry.pk],
        )
        # nor the patient to someone outside the merge
        assert _refused(move, [third.pk, entry.pk])
        # nor a delete
        assert _refused("DELETE FROM records_diaryentry WHERE id = %s", [entry.pk])
        # but the patient along the merge, and only that, moves
        assert not _refused(move, [duplicate.pk, entry.pk])
        transaction.set_rollback(True)
    # a setting that names no merge (or garbage) opens nothing
    for garbage in ("", "999999999", "1; DROP TABLE x"):
        with transaction.atomic():
            _set_merge(garbage)
            assert _refused(move, [duplicate.pk, entry.pk])
            transaction.set_rollback(True)
    # once undone, the merge opens nothing either
    services.patient_unmerge(actor=coordinator, workstation=None, merge_id=merge.pk, reason="x")
    entry.refresh_from_db()
    assert entry.patient_id == duplicate.pk
    with transaction.atomic():
        _set_merge(merge.pk)
        assert _refused(move, [survivor.pk, entry.pk])
        transaction.set_rollback(True)


def test_two_merges_in_a_row_are_undone_last_first(make_user: MakeUser) -> None:
    # given three registrations of one person, each with its three measurements
    coordinator, physician = make_user(Role.COORDINATOR), make_user(Role.PHYSICIAN)
    a, b, c = (
        measured_patient(registrar=coordinator, physician=physician, given_names=name)
        for name in ("Aldo", "Bruno", "Carlo")
    )

    def counts() -> tuple[int, int, int]:
        return tuple(Measurement.objects.filter(patient=p).count() for p in (a, b, c))  # type: ignore[return-value]

    # when A is merged into B, then B into C
    first = _merged(coordinator, b, a)
    assert counts() == (0, 6, 3)
    second = _merged(coordinator, c, b)
    # then everything is C's, and A points at C
    assert counts() == (0, 0, 9)
    a.refresh_from_db()
    assert a.merged_into_id == c.pk
    # the first cannot be undone while its survivor is merged into another
    with pytest.raises(ConflictError) as refused:
        services.patient_unmerge(actor=coordinator, workstation=None, merge_id=first.pk, reason="x")
    assert refused.value.code == "unmerge_survivor_merged"
    assert counts() == (0, 0, 9)
    # undoing the second brings back B's six (its own and A's); A points at B again
    services.patient_unmerge(actor=coordinator, workstation=None, merge_id=second.pk, reason="x")
    assert counts() == (0, 6, 3)
    a.refresh_from_db()
    assert a.merged_into_id == b.pk
    # and then the first: A's three are A's again
    services.patient_unmerge(actor=coordinator, workstation=None, merge_id=first.pk, reason="x")
    assert counts() == (3, 3, 3)


def test_an_unmerge_is_refused_without_permission_reason_or_merge(make_user: MakeUser) -> None:
    coordinator, physician, survivor, duplicate = _measured_pair(make_user)
    merge = _merged(coordinator, survivor, duplicate)
    with pytest.raises(PermissionRefused):
        services.patient_unmerge(actor=physician, workstation=None, merge_id=merge.pk, reason="x")
    with pytest.raises(ValidationFailed) as blank:
        services.patient_unmerge(actor=coordinator, workstation=None, merge_id=merge.pk, reason=" ")
    assert blank.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as nul:
        services.patient_unmerge(
            actor=coordinator, workstation=None, merge_id=merge.pk, reason="a\x00b"
        )
    assert nul.value.code == "reason_invalid"
    with pytest.raises(NotFound) as missing:
        services.patient_unmerge(actor=coordinator, workstation=None, merge_id=10**9, reason="x")
    assert missing.value.code == "merge_not_found"
    assert Measurement.objects.filter(patient=survivor).count() == 6  # nothing moved back
    merge.refresh_from_db()
    assert merge.state == "merged"


def test_the_api_and_the_page_undo_a_merge(make_user: MakeUser) -> None:
    coordinator, physician, survivor, duplicate = _measured_pair(make_user)
    it_staff = make_user(Role.IT_STAFF)
    merge = _merged(coordinator, survivor, duplicate)
    # the list: IT staff see the merge, by MRN, and what each module moved
    page = logged_in(it_staff).get("/patients/merges/")
    assert page.status_code == 200
    html = page.content.decode()
    assert duplicate.mrn in html and survivor.mrn in html
    assert "prescribing.Measurement: 3" in html
    # a physician is refused the page and the API, and nothing changes
    assert logged_in(physician).get("/patients/merges/").status_code == 403
    status, body = post_json(
        logged_in(physician), f"/api/v1/patients/merges/{merge.pk}/unmerge", {"reason": "x"}
    )
    assert status == 403
    # the API lists it and undoes it
    api = logged_in(coordinator)
    listed = api.get("/api/v1/patients/merges?state=merged").json()
    assert [m["id"] for m in listed] == [merge.pk]
    status, body = post_json(
        api, f"/api/v1/patients/merges/{merge.pk}/unmerge", {"reason": "Persone diverse"}
    )
    assert status == 200, body
    assert (body["state"], body["unmerge_reason"]) == ("unmerged", "Persone diverse")
    assert Measurement.objects.filter(patient=duplicate).count() == 3
    # again: 409 with a stable code
    status, body = post_json(
        api, f"/api/v1/patients/merges/{merge.pk}/unmerge", {"reason": "di nuovo"}
    )
    assert (status, body["code"]) == (409, "merge_already_undone")


def test_the_page_action_undoes_a_merge_and_a_refusal_is_shown(make_user: MakeUser) -> None:
    coordinator, _physician, survivor, duplicate = _measured_pair(make_user)
    it_staff = make_user(Role.IT_STAFF)
    merge = _merged(coordinator, survivor, duplicate)
    client = logged_in(it_staff)
    blank = client.post(f"/patients/merges/{merge.pk}/unmerge/", {"reason": ""}, follow=True)
    assert "motivo" in blank.content.decode().lower()
    merge.refresh_from_db()
    assert merge.state == "merged"
    done = client.post(f"/patients/merges/{merge.pk}/unmerge/", {"reason": "Omonimi"}, follow=True)
    assert "Unione annullata" in done.content.decode()
    merge.refresh_from_db()
    assert (merge.state, merge.unmerged_by_id) == ("unmerged", it_staff.pk)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_merges_of_one_duplicate_one_wins(make_user: MakeUser) -> None:
    # given one duplicate two coordinators merge at the same moment into two patients
    coordinator, physician = make_user(Role.COORDINATOR), make_user(Role.PHYSICIAN)
    first = measured_patient(registrar=coordinator, physician=physician)
    second = measured_patient(registrar=coordinator, physician=physician, given_names="Ivo")
    duplicate = measured_patient(registrar=coordinator, physician=physician, given_names="Ugo")
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def merge_into(survivor: Patient) -> None:
        try:
            barrier.wait(timeout=10)
            _merged(coordinator, survivor, duplicate)
            outcomes[survivor.pk] = "merged"
        except ValidationFailed as refused:
            outcomes[survivor.pk] = refused.code
        finally:
            connection.close()

    threads = [threading.Thread(target=merge_into, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one merge happened, the other was refused: the duplicate is merged once
    assert sorted(outcomes.values()) == ["merged", "patient_merged"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "merged")
    assert list(PatientMerge.objects.values_list("survivor_id", "duplicate_id")) == [
        (winner, duplicate.pk)
    ]
    assert Measurement.objects.filter(patient_id=winner).count() == 6
    assert Measurement.objects.filter(patient=duplicate).count() == 0


def _anamnesis(physician: User, patient: Patient, text: str) -> AnamnesisVersion:
    return anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=Sections(remote_pathological=text),
        expected_version=0,
    )


def test_an_anamnesis_on_both_stays_on_the_duplicate_reported_and_one_alone_moves(
    make_user: MakeUser,
) -> None:
    # given two registrations each with a signed anamnesis (v1 each: one sequence per patient)
    coordinator, physician, survivor, duplicate = _measured_pair(make_user)
    kept = _anamnesis(physician, survivor, "Appendicectomia 1990.")
    left = _anamnesis(physician, duplicate, "Ipertensione arteriosa.")
    # when merged
    merge = _merged(coordinator, survivor, duplicate)
    # then the duplicate's stays where it is, reported with why
    left.refresh_from_db()
    assert left.patient_id == duplicate.pk
    assert AnamnesisVersion.objects.get(patient=survivor) == kept
    move = PatientMergeMove.objects.get(merge=merge, model="records.AnamnesisVersion")
    assert (move.row_ids, move.left_ids) == ([], [left.pk])
    assert move.left_reason == "anamnesi presente in entrambi i pazienti"
    audit = AuditEvent.objects.get(event_type="patients.merge_rows_moved", after__module="records")
    assert audit.after is not None and audit.after["left"] == {
        "records.AnamnesisVersion": [left.pk]
    }
    # undone, nothing to bring back for it; merged again the other way (the duplicate has
    # one, the survivor none): the whole sequence moves
    services.patient_unmerge(actor=coordinator, workstation=None, merge_id=merge.pk, reason="x")
    third = measured_patient(registrar=coordinator, physician=physician, given_names="Ivo")
    _merged(coordinator, third, duplicate)
    left.refresh_from_db()
    assert left.patient_id == third.pk
