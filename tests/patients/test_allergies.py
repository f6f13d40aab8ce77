"""Allergies: recorded with a structured substance, refuted or inactivated with a reason
(never deleted), "no known allergies" distinct from "never asked"; pages, API, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients import selectors, services
from corsia.patients.domain.allergies import (
    AllergyFacts,
    Certainty,
    DrugFacts,
    MatchKind,
    Reaction,
    Severity,
    SubstanceKind,
    allergy_matches,
    atc_prefix,
)
from corsia.patients.models import Allergy, NoKnownAllergies
from corsia.patients.selectors import AllergyState
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import MakePatient, allergy_closed, allergy_input


@pytest.fixture
def carboplatin(db: None) -> ActiveIngredient:
    return ActiveIngredient.objects.create(
        code="carboplatin", name_en="carboplatin", name_it="Carboplatino", atc_code="L01XA02"
    )


# --- pure ---------------------------------------------------------------------------------------


def _facts(**fields: object) -> AllergyFacts:
    data: dict[str, object] = {
        "id": 1,
        "kind": SubstanceKind.INGREDIENT,
        "substance": "Carboplatino",
        "ingredient_id": 10,
        "atc_prefix": "",
        "reaction": Reaction.ANAPHYLAXIS,
        "severity": Severity.SEVERE,
        "certainty": Certainty.SUSPECTED,
        **fields,
    }
    return AllergyFacts(**data)  # type: ignore[arg-type]  # test data


CARBO = DrugFacts(ingredient_id=10, name="Carboplatino", atc_codes=("L01XA02",))
OXALI = DrugFacts(ingredient_id=11, name="Oxaliplatino", atc_codes=("L01XA03",))
PACLI = DrugFacts(
    ingredient_id=12, name="Paclitaxel", atc_codes=("L01CD01",), names=("paclitaxel",)
)


def test_a_match_by_ingredient_by_atc_class_and_by_name() -> None:
    ingredient = _facts()
    platinum = _facts(id=2, kind=SubstanceKind.DRUG_CLASS, ingredient_id=None, atc_prefix="L01XA")
    named = _facts(
        id=3, kind=SubstanceKind.OTHER, ingredient_id=None, substance="PACLITAXEL", atc_prefix=""
    )
    latex = _facts(id=4, kind=SubstanceKind.OTHER, ingredient_id=None, substance="lattice")
    matches = allergy_matches([ingredient, platinum, named, latex], [CARBO, OXALI, PACLI])
    assert {(m.allergy.id, m.drug.ingredient_id, m.how) for m in matches} == {
        (1, 10, MatchKind.INGREDIENT),
        (2, 10, MatchKind.DRUG_CLASS),
        (2, 11, MatchKind.DRUG_CLASS),
        (3, 12, MatchKind.NAME),
    }


def test_hard_stop_is_severe_life_threatening_or_confirmed() -> None:
    assert _facts(severity=Severity.SEVERE).hard_stop
    assert _facts(severity=Severity.LIFE_THREATENING).hard_stop
    assert _facts(severity=Severity.MILD, certainty=Certainty.CONFIRMED).hard_stop
    assert not _facts(severity=Severity.MODERATE, certainty=Certainty.SUSPECTED).hard_stop


@pytest.mark.parametrize("bad", ["L0", "L01X1", "XYZ", "L01XA0", "12345", ""])
def test_an_atc_class_must_be_an_atc_level(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        atc_prefix(bad)
    assert refused.value.code == "atc_prefix_invalid"
    assert atc_prefix(" l01xa ") == "L01XA"


# --- services -----------------------------------------------------------------------------------


def test_recording_an_allergy_audits_it_and_ends_the_no_known_allergies_statement(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    assert selectors.allergy_summary(patient_id=patient.pk).state is AllergyState.NOT_ASKED
    services.no_known_allergies_state(actor=physician, workstation=None, patient_id=patient.pk)
    summary = selectors.allergy_summary(patient_id=patient.pk)
    assert summary.state is AllergyState.NONE_KNOWN
    assert summary.none_known_since == timezone.localdate()
    assert summary.text.startswith("Nessuna allergia nota")

    allergy = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(
            ingredient_id=carboplatin.pk, onset_date=date(2024, 5, 2), source="paziente"
        ),
    )

    assert allergy.substance == "Carboplatino" and allergy.status == "active"
    summary = selectors.allergy_summary(patient_id=patient.pk)
    assert summary.state is AllergyState.LISTED and summary.has_hard_stop
    assert summary.text == "Carboplatino (anafilassi, pericolo di vita, confermata)"
    statement = NoKnownAllergies.objects.get(patient=patient)
    assert statement.ended_at is not None and "Carboplatino" in statement.end_reason
    event = AuditEvent.objects.get(event_type="patients.allergy_recorded")
    assert event.after is not None
    assert event.after["ingredient_id"] == carboplatin.pk
    assert event.after["ended_no_known_allergies"] is True


def test_a_class_and_an_excipient_are_recorded_as_typed(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    platinum = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(
            substance_kind="drug_class", atc_prefix="l01xa", substance_text="composti del platino"
        ),
    )
    excipient = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(
            substance_kind="other",
            substance_text="Cremophor EL (olio di ricino poliossietilenato)",
            reaction="other",
            reaction_text="flushing e ipotensione",
            severity="moderate",
            certainty="suspected",
        ),
    )
    assert (platinum.atc_prefix, platinum.substance) == ("L01XA", "L01XA composti del platino")
    assert excipient.substance == "Cremophor EL (olio di ricino poliossietilenato)"
    with pytest.raises(ValidationFailed) as twice:
        services.allergy_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=allergy_input(substance_kind="drug_class", atc_prefix="L01XA"),
        )
    assert twice.value.code == "allergy_duplicate"


def test_refuting_keeps_the_allergy_with_its_reason_and_it_no_longer_counts(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    allergy = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=carboplatin.pk),
    )
    with pytest.raises(ValidationFailed) as no_reason:
        allergy_closed(physician, allergy, reason="  ")
    assert no_reason.value.code == "reason_required"

    allergy_closed(physician, allergy, reason="Test di provocazione negativo")

    allergy.refresh_from_db()
    assert (allergy.status, allergy.status_reason) == ("refuted", "Test di provocazione negativo")
    assert selectors.allergy_summary(patient_id=patient.pk).state is AllergyState.NOT_ASKED
    event = AuditEvent.objects.get(event_type="patients.allergy_refuted")
    assert event.reason == "Test di provocazione negativo"
    assert Allergy.objects.filter(pk=allergy.pk).exists()


def test_no_known_allergies_is_refused_while_an_allergy_is_active(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=carboplatin.pk),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.no_known_allergies_state(actor=physician, workstation=None, patient_id=patient.pk)
    assert refused.value.code == "allergies_present"
    assert not NoKnownAllergies.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TECHNICIAN, Role.AUDITOR])
def test_roles_without_the_permission_record_nothing(
    make_patient: MakePatient, make_user: MakeUser, role: Role, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionRefused):
        services.allergy_record(
            actor=make_user(role),
            workstation=None,
            patient_id=patient.pk,
            data=allergy_input(ingredient_id=carboplatin.pk),
        )
    assert not Allergy.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST])
def test_clinical_roles_record_allergies(
    make_patient: MakePatient, make_user: MakeUser, role: Role, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    services.allergy_record(
        actor=make_user(role),
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=carboplatin.pk),
    )
    assert Allergy.objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ingredient_id": 999999}, "ingredient_unknown"),
        ({"ingredient_id": None}, "ingredient_unknown"),
        ({"substance_kind": "other", "substance_text": "latt\x00ice"}, "invalid_characters"),
        ({"substance_kind": "other", "substance_text": ""}, "substance_required"),
        ({"substance_kind": "drug_class", "atc_prefix": "platino"}, "atc_prefix_invalid"),
        ({"severity": "terrible"}, "severity_invalid"),
        ({"reaction": "other", "reaction_text": ""}, "reaction_text_required"),
        ({"onset_date": date(2999, 1, 1)}, "onset_in_future"),
        ({"notes": "x" * 2001}, "text_too_long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    make_patient: MakePatient,
    physician: User,
    carboplatin: ActiveIngredient,
    fields: dict[str, object],
    code: str,
) -> None:
    patient = make_patient()
    data = {"ingredient_id": carboplatin.pk, **fields}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.allergy_record(
            actor=physician, workstation=None, patient_id=patient.pk, data=allergy_input(**data)
        )
    assert refused.value.code == code
    assert not Allergy.objects.exists() and AuditEvent.objects.count() == before


def test_a_stale_version_and_another_patients_allergy_are_refused(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    other = make_patient(codice_fiscale="", stp_eni_code="STP1200000000001")
    allergy = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=carboplatin.pk),
    )
    with pytest.raises(StaleVersion):
        allergy_closed(
            physician,
            allergy,
            reason="Desensibilizzato",
            status="inactive",
            version=allergy.version - 1,
        )
    with pytest.raises(NotFound):
        allergy_closed(physician, allergy, reason="altro paziente", patient_id=other.pk)
    with pytest.raises(ValidationFailed) as reopened:
        allergy_closed(physician, allergy, reason="di nuovo attiva", status="active")
    assert reopened.value.code == "allergy_status_invalid"
    allergy.refresh_from_db()
    assert allergy.status == "active"


def test_a_merge_moves_the_allergies_to_the_survivor(
    make_patient: MakePatient,
    physician: User,
    make_user: MakeUser,
    carboplatin: ActiveIngredient,
) -> None:
    survivor = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="STP1200000000001")
    services.no_known_allergies_state(actor=physician, workstation=None, patient_id=survivor.pk)
    allergy = services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=duplicate.pk,
        data=allergy_input(ingredient_id=carboplatin.pk),
    )
    services.patient_merge(
        actor=make_user(Role.COORDINATOR),
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="stessa persona",
    )
    allergy.refresh_from_db()
    assert allergy.patient_id == survivor.pk
    summary = selectors.allergy_summary(patient_id=survivor.pk)
    assert summary.state is AllergyState.LISTED


# --- pages and API ------------------------------------------------------------------------------


def test_the_patient_page_shows_not_asked_then_lists_and_refutes(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    client = logged_in(physician)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Allergie non rilevate" in page and 'data-testid="allergy-form"' in page

    added = client.post(
        f"/patients/{patient.pk}/allergies/",
        {
            "substance_kind": "ingredient",
            "ingredient_id": str(carboplatin.pk),
            "reaction": "urticaria",
            "severity": "moderate",
            "certainty": "suspected",
            "onset_date": "2025-01-10",
        },
    )
    assert added.status_code == 302
    allergy = Allergy.objects.get(patient=patient)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Carboplatino (orticaria, moderata, sospetta)" in page

    refused = client.post(
        f"/patients/{patient.pk}/allergies/{allergy.pk}/refute/",
        {"version": str(allergy.version), "reason": ""},
        follow=True,
    )
    assert "Indica il motivo" in refused.content.decode()
    client.post(
        f"/patients/{patient.pk}/allergies/{allergy.pk}/refute/",
        {"version": str(allergy.version), "reason": "Reazione al mezzo di contrasto"},
    )
    allergy.refresh_from_db()
    assert allergy.status == "refuted"


def test_a_future_onset_on_the_page_is_an_italian_message_nothing_saved(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    page = logged_in(physician).post(
        f"/patients/{patient.pk}/allergies/",
        {
            "substance_kind": "other",
            "substance_text": "lattice",
            "reaction": "rash",
            "severity": "mild",
            "certainty": "suspected",
            "onset_date": "2999-01-01",
        },
        follow=True,
    )
    assert "non può essere nel futuro" in page.content.decode()
    assert not Allergy.objects.exists()


def test_the_api_lists_records_and_refutes_with_problem_codes(
    make_patient: MakePatient, physician: User, carboplatin: ActiveIngredient
) -> None:
    patient = make_patient()
    api = api_client(physician)
    empty = api.get(f"/api/v1/patients/{patient.pk}/allergies").json()
    assert (empty["state"], empty["summary"]) == ("not_asked", "Allergie non rilevate")

    unknown = api.post(
        f"/api/v1/patients/{patient.pk}/allergies",
        {
            "substance_kind": "ingredient",
            "ingredient_id": 999999,
            "reaction": "rash",
            "severity": "mild",
            "certainty": "suspected",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert unknown.json()["code"] == "ingredient_unknown"

    nul = api.post(
        f"/api/v1/patients/{patient.pk}/allergies",
        '{"substance_kind": "other", "substance_text": "latt\\u0000ice", "reaction": "rash",'
        ' "severity": "mild", "certainty": "suspected"}',
        content_type="application/json",
    )
    assert nul.status_code == 400 and nul.json()["code"] == "invalid_characters"

    created = api.post(
        f"/api/v1/patients/{patient.pk}/allergies",
        {
            "substance_kind": "ingredient",
            "ingredient_id": carboplatin.pk,
            "reaction": "anaphylaxis",
            "severity": "life_threatening",
            "certainty": "confirmed",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    listed = api.get(f"/api/v1/patients/{patient.pk}/allergies").json()
    assert listed["state"] == "listed" and [a["id"] for a in listed["allergies"]] == [body["id"]]

    stale = api.post(
        f"/api/v1/patients/{patient.pk}/allergies/{body['id']}/refute",
        {"version": body["version"] + 1, "reason": "errore"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    refuted = api.post(
        f"/api/v1/patients/{patient.pk}/allergies/{body['id']}/refute",
        {"version": body["version"], "reason": "errore di trascrizione"},
        content_type="application/json",
    )
    assert refuted.status_code == 200 and refuted.json()["status"] == "refuted"
    nkda = api.post(
        f"/api/v1/patients/{patient.pk}/allergies/none-known", {}, content_type="application/json"
    )
    assert nkda.status_code == 201
    assert api.get(f"/api/v1/patients/{patient.pk}/allergies").json()["state"] == "none_known"
    logged = AccessLogEntry.objects.filter(patient_id=patient.pk, what="allergie")
    assert logged.count() == 3 and {e.channel for e in logged} == {"api"}


def test_the_api_refuses_a_role_without_the_permission(
    make_patient: MakePatient, make_user: MakeUser
) -> None:
    patient = make_patient()
    response = api_client(make_user(Role.TECHNICIAN)).post(
        f"/api/v1/patients/{patient.pk}/allergies",
        {"substance_kind": "other", "substance_text": "lattice", "reaction": "rash"}
        | {"severity": "mild", "certainty": "suspected"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Allergy.objects.exists()
