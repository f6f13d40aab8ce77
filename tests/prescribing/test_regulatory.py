"""Regulatory documentation at prescription and validation: an AIFA registry for the
drug in this indication and not another, the warning code, the request recorded with
who/when/workstation, off-label refused without consent and accepted with it, the 648/96
listing carried, the pharmacist's validation refused without documentation and allowed with
an override reason."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.services import regulatory
from corsia.prescribing.services.doses import registry_alert
from corsia.regimens.models import RegimenComponent, RegimenVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)


@pytest.fixture
def folfox_bev(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "FOLFOX-4-BEV", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )


def _order(
    physician: User, patient: Patient, version: RegimenVersion, code: str, reason: str = ""
) -> TherapyOrder:
    diagnosis = services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk, code=code, label="Diagnosi"
    )
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
        diagnosis_id=diagnosis.pk,
        schedule_reason=reason,
    )


def _codes(order: TherapyOrder) -> list[str]:
    order.refresh_from_db()
    return [w["code"] for w in order.warnings if "registry" in w["code"] or "label" in w["code"]
            or "648" in w["code"]]  # fmt: skip


def test_bevacizumab_needs_the_registry_for_ovarian_cancer_not_for_colon_cancer(
    physician: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    ovary = _order(physician, patient, folfox_bev, "183.0")
    [row] = OrderRegulatoryRequirement.objects.filter(order=ovary)
    assert (row.kind, row.ingredient.code, row.registry_name) == (
        "aifa_registry",
        "bevacizumab",
        "Avastin - carcinoma ovarico",
    )
    assert "aifa_registry_request_missing" in _codes(ovary)
    colon = _order(physician, patient, folfox_bev, "153.9", "stesso ciclo, altra diagnosi")
    assert not OrderRegulatoryRequirement.objects.filter(order=colon).exists()
    assert "aifa_registry_request_missing" not in _codes(colon)


def test_signing_is_refused_without_the_registry_request_then_recorded_with_who_and_when(
    physician: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox_bev, "183.0")
    with pytest.raises(ValidationFailed) as refused:
        services.order_confirm_and_sign(actor=physician, workstation="PC-ONCO-1", order_id=order.pk)
    assert refused.value.code == "aifa_registry_request_missing"
    order.refresh_from_db()
    assert (order.state, order.signed_at) == ("draft", None)
    row = OrderRegulatoryRequirement.objects.get(order=order)
    regulatory.regulatory_document(
        actor=physician,
        workstation="PC-ONCO-1",
        requirement_id=row.pk,
        values={"request_number": "RA-2026-000123", "request_date": date(2026, 11, 28)},
    )
    row.refresh_from_db()
    assert (row.request_number, row.documented_by, row.documented_workstation) == (
        "RA-2026-000123",
        physician,
        "PC-ONCO-1",
    )
    assert row.documented_at is not None
    assert "aifa_registry_request_missing" not in _codes(order)
    event = AuditEvent.objects.filter(event_type="prescribing.regulatory_documented").last()
    assert event is not None and event.after is not None
    assert event.after["request_number"] == "RA-2026-000123"
    signed = services.order_confirm_and_sign(actor=physician, workstation=None, order_id=order.pk)
    assert signed.signed_at is not None
    with pytest.raises(ConflictError) as frozen:
        regulatory.regulatory_document(
            actor=physician, workstation=None, requirement_id=row.pk,
            values={"request_number": "altro"},
        )  # fmt: skip
    assert frozen.value.code == "regulatory_order_signed"


def test_a_pending_eligibility_needs_the_acknowledgement(
    physician: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox_bev, "183.0")
    row = OrderRegulatoryRequirement.objects.get(order=order)
    with pytest.raises(ValidationFailed) as refused:
        regulatory.regulatory_document(
            actor=physician, workstation=None, requirement_id=row.pk,
            values={"pending_reason": "in attesa di eleggibilità"},
        )  # fmt: skip
    assert refused.value.code == "aifa_registry_pending_unacknowledged"
    regulatory.regulatory_document(
        actor=physician, workstation=None, requirement_id=row.pk,
        values={"pending_reason": "in attesa di eleggibilità", "pending_acknowledged": True},
    )  # fmt: skip
    assert (
        services.order_confirm_and_sign(
            actor=physician, workstation=None, order_id=order.pk
        ).signed_at
        is not None
    )


def _off_label(version: RegimenVersion, ingredient: str) -> None:
    RegimenComponent.objects.filter(version=version, ingredient__code=ingredient).update(
        off_label=True
    )


def test_off_label_without_consent_is_refused_and_with_consent_accepted(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    _off_label(folfox, "oxaliplatin")
    order = _order(physician, patient, folfox, "153.9")
    assert {"off_label_rationale_missing", "off_label_consent_missing",
            "off_label_authorisation_missing"} <= set(_codes(order))  # fmt: skip
    row = OrderRegulatoryRequirement.objects.get(order=order, kind="off_label")
    regulatory.regulatory_document(
        actor=physician, workstation=None, requirement_id=row.pk,
        values={"clinical_rationale": "Terza linea, nessuna alternativa",
                "literature": "Studio di fase II, PMID 12345678",
                "authorisation_reference": "DS 2026/77",
                "authorisation_date": date(2026, 11, 27)},
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.order_confirm_and_sign(actor=physician, workstation=None, order_id=order.pk)
    assert refused.value.code == "off_label_consent_missing"
    assert [m["code"] for m in refused.value.details["missing"]] == ["off_label_consent_missing"]
    regulatory.regulatory_document(
        actor=physician, workstation=None, requirement_id=row.pk,
        values={"consent_reference": "CI-2026-555", "consent_date": date(2026, 11, 30)},
    )  # fmt: skip
    signed = services.order_confirm_and_sign(actor=physician, workstation=None, order_id=order.pk)
    assert signed.signed_at is not None


def test_the_hospital_may_not_require_the_authorisation(
    physician: User, patient: Patient, folfox: RegimenVersion, settings: object
) -> None:
    settings.CORSIA_OFF_LABEL_AUTHORISATION_REQUIRED = False  # type: ignore[attr-defined]
    _off_label(folfox, "oxaliplatin")
    order = _order(physician, patient, folfox, "153.9")
    assert "off_label_authorisation_missing" not in _codes(order)


def test_the_648_listing_is_carried_from_the_list(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # oxaliplatin in gastric cancer (151.9) is on the 648/96 list: the reference is carried
    order = _order(physician, patient, folfox, "151.9")
    row = OrderRegulatoryRequirement.objects.get(order=order, kind="law_648")
    assert row.listing_reference.startswith("Legge 648/96")
    assert "oxaliplatino nel carcinoma gastrico" in row.listing_reference
    assert "law_648_reference_missing" not in _codes(order)
    # a 648 line the list does not name needs its reference
    RegimenComponent.objects.filter(version=folfox, ingredient__code="fluorouracil").update(
        law_648=True
    )
    other = _order(physician, patient, folfox, "153.9", "stesso ciclo, altra diagnosi")
    assert "law_648_reference_missing" in _codes(other)


def _sent(physician: User, order: TherapyOrder) -> TherapyOrder:
    for event in ("confirm", "send"):
        order = services.order_transition(
            actor=physician, workstation=None, order_id=order.pk, event=event
        )
    return order


def test_the_pharmacist_validation_is_refused_without_documentation_and_overridden_with_a_reason(
    physician: User, pharmacist: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    order = _sent(physician, _order(physician, patient, folfox_bev, "183.0"))
    with pytest.raises(ValidationFailed) as refused:
        services.order_transition(
            actor=pharmacist, workstation=None, order_id=order.pk, event="validate"
        )
    assert refused.value.code == "regulatory_documentation_missing"
    with pytest.raises(ValidationFailed) as no_reason:
        regulatory.regulatory_pharmacy_override(
            actor=pharmacist, workstation=None, order_id=order.pk, reason=" "
        )
    assert no_reason.value.code == "reason_required"
    regulatory.regulatory_pharmacy_override(
        actor=pharmacist, workstation="FARM-1", order_id=order.pk,
        reason="Scheda inserita sul portale, numero in arrivo dal reparto",
    )  # fmt: skip
    row = OrderRegulatoryRequirement.objects.get(order=order)
    assert (row.override_by, row.override_workstation) == (pharmacist, "FARM-1")
    validated = services.order_transition(
        actor=pharmacist, workstation=None, order_id=order.pk, event="validate"
    )
    assert validated.state == "validated"
    assert AuditEvent.objects.filter(
        event_type="prescribing.regulatory_overridden", reason__startswith="Scheda inserita"
    ).exists()


def test_a_physician_cannot_override_nor_record_the_dispensing(
    physician: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    from corsia.core.domain.errors import PermissionRefused

    order = _order(physician, patient, folfox_bev, "183.0")
    row = OrderRegulatoryRequirement.objects.get(order=order)
    with pytest.raises(PermissionRefused):
        regulatory.regulatory_pharmacy_override(
            actor=physician, workstation=None, order_id=order.pk, reason="x"
        )
    with pytest.raises(PermissionRefused):
        regulatory.regulatory_dispensing_record(
            actor=physician, workstation=None, requirement_id=row.pk
        )


def test_the_per_indication_check_replaces_the_any_indication_registry_warning(
    physician: User, patient: Patient, folfox_bev: RegimenVersion
) -> None:
    # bevacizumab flagged "under a registry" in the archive, and listed by the table for
    # ovarian cancer only: the old any-indication warning ("aifa_registry") never doubles
    # the per-indication one, and a colon cancer gets none
    ActiveIngredient.objects.filter(code="bevacizumab").update(aifa_registry=True)
    ovary = _order(physician, patient, folfox_bev, "183.0")
    assert [c for c in _codes(ovary) if "registry" in c] == ["aifa_registry_request_missing"]
    colon = _order(physician, patient, folfox_bev, "153.9", "stesso ciclo, altra diagnosi")
    assert [c for c in _codes(colon) if "registry" in c] == []


def test_a_registry_drug_the_table_does_not_know_keeps_the_archive_warning() -> None:
    # the archive's flag alone (no row in aifa_regulatory.yaml): the old warning stays
    unknown = ActiveIngredient(
        code="farmaco_non_in_tabella", name_it="Farmaco X", aifa_registry=True
    )
    listed = ActiveIngredient(code="bevacizumab", name_it="Bevacizumab", aifa_registry=True)
    order = TherapyOrder(warnings=[])
    items = [OrderItem(ingredient=unknown), OrderItem(ingredient=listed)]
    assert registry_alert(order, items) is True
    assert order.warnings == [
        {
            "code": "aifa_registry",
            "message": "Farmaci soggetti a registro di monitoraggio AIFA: Farmaco X. Registrare "
            "il paziente sulla piattaforma AIFA e riportare il codice di registrazione.",
        }
    ]
    only_listed = TherapyOrder(warnings=[])
    assert registry_alert(only_listed, [OrderItem(ingredient=listed)]) is False
    assert only_listed.warnings == []
