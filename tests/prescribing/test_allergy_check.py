"""The patient's allergies checked when the physician creates and signs an order: same
ingredient, ATC class, refuted allergies ignored, override with a reason (kept and
audited), a mild suspected allergy acknowledged, no allergy no block; pages and API."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services as patient_services
from corsia.patients.models import Allergy, Patient
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import allergy_closed, allergy_input
from corsia.testing.prescribing import aprepitant_added, library_version, measured_patient

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN, username="dr_allergy")


@pytest.fixture
def folfox(make_user: MakeUser) -> RegimenVersion:
    version = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    ActiveIngredient.objects.filter(code="oxaliplatin").update(
        atc_code="L01XA03", name_it="Oxaliplatino"
    )
    return version


@pytest.fixture
def patient(make_user: MakeUser, physician: User) -> Patient:
    return measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)


def _allergy(physician: User, patient: Patient, **fields: object) -> Allergy:
    oxaliplatin = ActiveIngredient.objects.get(code="oxaliplatin").pk
    return patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(**{"ingredient_id": oxaliplatin, **fields}),
    )


def _order(physician: User, patient: Patient, folfox: RegimenVersion, **kw: object) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=START,
        **kw,  # type: ignore[arg-type]  # test passthrough of keyword options
    )


def test_same_ingredient_is_a_hard_stop_and_nothing_is_written(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    allergy = _allergy(physician, patient)
    with pytest.raises(ValidationFailed) as refused:
        _order(physician, patient, folfox)
    assert refused.value.code == "allergy_contraindicated"
    assert refused.value.field == "allergy_override_reason"
    assert "Oxaliplatino" in refused.value.message
    [match] = refused.value.details["matches"]
    assert (match["allergy_id"], match["match"], match["hard_stop"]) == (
        allergy.pk,
        "ingredient",
        True,
    )
    assert not TherapyOrder.objects.exists()


def test_an_atc_class_matches_the_drugs_of_the_class(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    _allergy(
        physician,
        patient,
        substance_kind="drug_class",
        ingredient_id=None,
        atc_prefix="L01XA",
        substance_text="composti del platino",
        severity="severe",
        certainty="suspected",
    )
    with pytest.raises(ValidationFailed) as refused:
        _order(physician, patient, folfox)
    assert refused.value.code == "allergy_contraindicated"
    assert refused.value.details["matches"][0]["match"] == "drug_class"


def test_the_override_with_a_reason_is_kept_on_the_order_and_audited(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    allergy = _allergy(physician, patient)
    reason = "Desensibilizzazione secondo protocollo allergologico"

    order = _order(physician, patient, folfox, allergy_override_reason=reason)

    [kept] = order.allergy_overrides
    assert (kept["check"], kept["allergy_id"], kept["reason"], kept["by_id"]) == (
        "allergy_contraindicated",
        allergy.pk,
        reason,
        physician.pk,
    )
    event = AuditEvent.objects.get(event_type="prescribing.allergy_overridden")
    assert event.reason == reason and event.target_id == str(order.pk)
    assert event.after is not None
    assert event.after["matches"][0]["allergy_id"] == allergy.pk
    # signing does not ask again for the same allergy and drug
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    signed = services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    assert signed.signed_at is not None


def test_a_refuted_allergy_is_ignored(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    allergy = _allergy(physician, patient)
    allergy_closed(physician, allergy, reason="Prick test negativo")
    order = _order(physician, patient, folfox)
    assert order.allergy_overrides == []


def test_no_allergy_no_block_and_an_unrelated_allergy_neither(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    assert _order(physician, patient, folfox).allergy_overrides == []
    _allergy(
        physician,
        patient,
        substance_kind="other",
        ingredient_id=None,
        substance_text="lattice",
    )
    second = _order(physician, patient, folfox, cycle_number=2, schedule_reason="prova")
    assert second.allergy_overrides == []
    assert not AuditEvent.objects.filter(event_type__startswith="prescribing.allergy").exists()


def test_a_mild_suspected_allergy_is_a_warning_to_acknowledge(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    _allergy(physician, patient, reaction="rash", severity="mild", certainty="suspected")
    with pytest.raises(ValidationFailed) as refused:
        _order(physician, patient, folfox)
    assert refused.value.code == "allergy_warning_unacknowledged"

    order = _order(physician, patient, folfox, allergy_acknowledged=True)

    assert [o["check"] for o in order.allergy_overrides] == ["allergy_warning_unacknowledged"]
    assert AuditEvent.objects.filter(event_type="prescribing.allergy_acknowledged").count() == 1


def test_an_allergy_recorded_after_the_order_stops_the_signature(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    _allergy(physician, patient)
    with pytest.raises(ValidationFailed) as refused:
        services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    assert refused.value.code == "allergy_contraindicated"
    order.refresh_from_db()
    assert order.signed_at is None

    signed = services.order_sign(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        allergy_override_reason="Reazione lieve al ciclo 1, premedicazione rinforzata",
    )
    assert signed.signed_at is not None
    assert AuditEvent.objects.filter(event_type="prescribing.allergy_overridden").count() == 1


def test_the_pages_show_the_allergies_or_their_absence(
    physician: User, patient: Patient, folfox: RegimenVersion, make_user: MakeUser
) -> None:
    client = logged_in(physician)
    page = client.get(f"/prescribing/patient/{patient.pk}/").content.decode()
    assert "Allergie non rilevate" in page
    patient_services.no_known_allergies_state(
        actor=physician, workstation=None, patient_id=patient.pk
    )
    page = client.get(f"/prescribing/patient/{patient.pk}/").content.decode()
    assert "Nessuna allergia nota" in page

    order = _order(physician, patient, folfox)
    _allergy(physician, patient)
    page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-testid="allergy-banner"' in page
    assert "Oxaliplatino (anafilassi, pericolo di vita, confermata)" in page
    assert "non ancora superato" in page

    refused = client.post(
        f"/prescribing/patient/{patient.pk}/orders/new/",
        {"regimen_version": folfox.pk, "start_date": "2026-12-22", "cycle_number": "2"},
        follow=True,
    )
    assert "Per prescriverlo comunque indicare il motivo" in refused.content.decode()
    assert TherapyOrder.objects.count() == 1


def test_the_api_refuses_with_the_matched_allergy_then_accepts_the_override(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    allergy = _allergy(physician, patient)
    api = api_client(physician)
    body = {"patient_id": patient.pk, "regimen_version_id": folfox.pk, "start_date": "2026-12-01"}
    refused = api.post("/api/v1/orders", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "allergy_contraindicated"
    assert problem["details"]["matches"][0]["allergy_id"] == allergy.pk

    created = api.post(
        "/api/v1/orders",
        {**body, "allergy_override_reason": "Nessuna alternativa, premedicazione"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["allergy_overrides"][0]["allergy_id"] == allergy.pk


def test_a_drug_added_to_an_existing_order_is_checked_against_the_allergies(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # given an order without allergy matches, then an anaphylaxis to aprepitant recorded
    order = _order(physician, patient, folfox)
    aprepitant, _ = ActiveIngredient.objects.get_or_create(
        code="aprepitant", defaults={"name_en": "aprepitant", "name_it": "Aprepitant"}
    )
    allergy = patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=aprepitant.pk),
    )
    lines_before = order.items.count()
    # when the physician adds aprepitant: refused, nothing written
    with pytest.raises(ValidationFailed) as refused:
        aprepitant_added(physician, order)
    assert refused.value.code == "allergy_contraindicated"
    assert refused.value.details["matches"][0]["allergy_id"] == allergy.pk
    assert order.items.count() == lines_before
    assert not order.items.filter(ingredient=aprepitant).exists()
    # then with the override's reason the line is added, the override kept and audited
    reason = "Premedicazione concordata con l'allergologo"
    aprepitant_added(physician, order, allergy_override_reason=reason)
    order.refresh_from_db()
    assert order.items.filter(ingredient=aprepitant, added=True).count() == 1
    [kept] = order.allergy_overrides
    assert (kept["allergy_id"], kept["reason"]) == (allergy.pk, reason)
    assert AuditEvent.objects.filter(
        event_type="prescribing.allergy_overridden", reason=reason
    ).exists()
