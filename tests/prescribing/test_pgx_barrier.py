"""The pharmacogenomic barrier on real orders: refused at creation, signing, recalculation
and the pharmacist's validation until overridden or acknowledged; the suggested dose applied
as a typed reduction; the API's problem+json codes. Hand-computed: the measured patient is
180 cm, 80 kg (BSA 2.00 m²); CAPE-ADJ is capecitabine 1250 mg/m² twice a day, days 1–14
(2500 mg a dose), FOLFIRI irinotecan 180 mg/m² day 1 (360 mg)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User, Workstation
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.domain.errors import PgxContraindicated, PgxWarningUnacknowledged
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import THIOPURINE_TEXTS, UGT1A1_DPWG, dpyd_markers, pgx_marker
from corsia.testing.prescribing import library_version, measured_patient

START = date(2026, 12, 7)


def _version(make_user: MakeUser, code: str) -> int:
    return library_version(
        code, approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    ).pk


def _create(physician: User, patient: Patient, version_id: int, **kw: object) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=kw.pop("workstation", None),  # type: ignore[arg-type]  # a test's choice
        patient_id=patient.pk,
        regimen_version_id=version_id,
        start_date=START,
        **kw,  # type: ignore[arg-type]  # the pgx_* keywords under test
    )


def _capecitabine(order: TherapyOrder) -> list[tuple[Decimal, Decimal, str]]:
    return [
        (i.calculated_dose, i.final_dose, i.deviation_reason)
        for i in order.items.filter(ingredient__code="capecitabine").order_by("day_of_cycle")
    ]


def _events(order: TherapyOrder, name: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=name, target_type="prescribing.therapyorder", target_id=str(order.pk)
        )
    )


def test_dpyd_1_5_with_capecitabine_needs_an_acknowledgement_and_suggests_625_mg_m2(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk)  # DPYD intermediate, activity score 1.5
    version = _version(make_user, "CAPE-ADJ")
    before = TherapyOrder.objects.count()
    with pytest.raises(PgxWarningUnacknowledged) as refused:
        _create(physician, patient, version)
    assert TherapyOrder.objects.count() == before  # nothing written
    (finding,) = refused.value.details["findings"]
    assert finding["severity"] == "warning"
    assert finding["target"] == "50% della dose calcolata"
    assert "625 mg/m² = 1250 mg invece di 2500 mg (giorni 1–14)" in finding["message"]
    assert {s["recommended"] for s in finding["suggestions"]} == {"1250.00"}
    # acknowledged: created, the acknowledgement kept and audited; signing does not ask again
    order = _create(physician, patient, version, pgx_acknowledged=True)
    (ack,) = order.pgx_overrides
    assert (ack["check"], ack["role"], ack["by_id"], ack["reason"]) == (
        "pgx_warning_unacknowledged",
        "prescriber",
        physician.pk,
        "",
    )
    assert len(_events(order, "prescribing.pgx_acknowledged")) == 1
    assert _capecitabine(order)[0][:2] == (Decimal("2500.00"), Decimal("2500.00"))
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    order.refresh_from_db()
    assert len(order.pgx_overrides) == 1


def test_the_suggested_dose_applied_at_creation_is_a_typed_reduction_and_asks_nothing(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk)
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"), pgx_apply_suggested=True)
    lines = _capecitabine(order)
    assert len(lines) == 14
    assert set(lines) == {
        (Decimal("2500.00"), Decimal("1250.00"), "farmacogenomica: DPYD metabolizzatore intermedio")
    }
    assert set(
        order.items.filter(ingredient__code="capecitabine").values_list(
            "reduction_percent", flat=True
        )
    ) == {Decimal("50.00")}
    assert order.pgx_overrides == []  # already at the recommended dose: informative
    (row,) = services.order_pgx_rows(order)
    assert (row.finding.severity.value, row.pending) == ("informative", False)
    # the reduction audited as every reduction, with its reason
    adjusted = _events(order, "prescribing.item_adjusted")
    assert {e.reason for e in adjusted} == {"farmacogenomica: DPYD metabolizzatore intermedio"}


def test_already_at_half_the_dose_needs_no_acknowledgement_and_raising_it_asks_again(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk)
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"), pgx_apply_suggested=True)
    item = order.items.filter(ingredient__code="capecitabine").order_by("day_of_cycle").first()
    assert item is not None
    order.refresh_from_db()
    with pytest.raises(PgxWarningUnacknowledged):
        services.order_item_adjust(
            actor=physician,
            workstation=None,
            order_id=order.pk,
            item_id=item.pk,
            reason="Tollerata",
            reduction_percent=Decimal(0),
        )
    item.refresh_from_db()
    assert item.final_dose == Decimal("1250.00")  # nothing saved


@pytest.mark.parametrize("score", ["0", "0.5"])
def test_dpyd_poor_is_a_hard_stop_and_the_override_keeps_reason_workstation_and_audit(
    physician: User, patient: Patient, make_user: MakeUser, score: str
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk, phenotype="poor_metabolizer", activity_score=score)
    version = _version(make_user, "CAPE-ADJ")
    with pytest.raises(PgxContraindicated) as refused:
        _create(physician, patient, version, pgx_acknowledged=True)
    assert refused.value.code == "pgx_contraindicated"
    assert refused.value.details["findings"][0]["suggestions"] == []  # "avoid": no dose
    desk = Workstation.objects.create(name="AMB-ONCO-3")
    why = "Nessuna alternativa terapeutica; dose ridotta con TDM"
    order = _create(physician, patient, version, workstation=desk, pgx_override_reason=why)
    (override,) = order.pgx_overrides
    assert override["check"] == "pgx_contraindicated"
    assert (override["reason"], override["workstation"], override["by_id"]) == (
        why,
        "AMB-ONCO-3",
        physician.pk,
    )
    assert override["at"]
    (event,) = _events(order, "prescribing.pgx_overridden")
    assert (event.reason, event.actor_id) == (why, physician.pk)
    assert event.after is not None
    assert event.after["findings"][0]["severity"] == "contraindicated"


def test_a_result_recorded_after_signing_blocks_the_pharmacists_validation(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))  # no result yet
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="send")
    pgx_recorded(physician, patient.pk)  # the DPYD report arrives
    with pytest.raises(PgxWarningUnacknowledged) as refused:
        services.order_transition(
            actor=pharmacist, workstation=None, order_id=order.pk, event="validate"
        )
    assert "Applicare la dose suggerita o prendere visione" in refused.value.message
    order.refresh_from_db()
    assert (order.state, order.pgx_overrides) == ("sent_to_pharmacy", [])
    services.order_transition(
        actor=pharmacist,
        workstation=None,
        order_id=order.pk,
        event="validate",
        pgx_acknowledged=True,
    )
    order.refresh_from_db()
    assert order.state == "validated"
    (ack,) = order.pgx_overrides
    assert (ack["role"], ack["by_id"]) == ("pharmacist", pharmacist.pk)


def test_a_poor_result_after_signing_needs_the_pharmacists_reason(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    pgx_recorded(physician, patient.pk, phenotype="poor_metabolizer", activity_score="0")
    with pytest.raises(PgxContraindicated) as refused:
        services.order_transition(
            actor=pharmacist,
            workstation=None,
            order_id=order.pk,
            event="validate",
            pgx_acknowledged=True,
        )
    assert "Per proseguire il farmacista indica il motivo" in refused.value.message
    services.order_transition(
        actor=pharmacist,
        workstation=None,
        order_id=order.pk,
        event="validate",
        pgx_override_reason="Concordato con il medico: TDM",
    )
    order.refresh_from_db()
    assert order.pgx_overrides[0]["reason"] == "Concordato con il medico: TDM"


def test_the_same_acknowledgement_twice_is_recorded_once(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))
    pgx_recorded(physician, patient.pk)
    for _ in range(2):  # e.g. the form submitted twice
        services.order_recalculate(
            actor=physician, workstation=None, order_id=order.pk, pgx_acknowledged=True
        )
    order.refresh_from_db()
    assert len(order.pgx_overrides) == 1
    assert len(_events(order, "prescribing.pgx_acknowledged")) == 1


def test_tpmt_intermediate_nudt15_normal_with_mercaptopurine_at_25_mg_m2_is_informative(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # AIEOP-BFM protocol M: mercaptopurine 25 mg/m² a day, under CPIC's ">= 75 mg/m2/day"
    pgx_marker(
        "mercaptopurine",
        gene="TPMT",
        phenotype="NUDT15: Normal Metabolizer; TPMT: Intermediate Metabolizer",
        text=THIOPURINE_TEXTS["mercaptopurine TPMT IM"],
    )
    pgx_recorded(
        physician,
        patient.pk,
        gene="TPMT",
        phenotype="intermediate_metabolizer",
        activity_score=None,
    )
    pgx_recorded(
        physician, patient.pk, gene="NUDT15", phenotype="normal_metabolizer", activity_score=None
    )
    order = _create(physician, patient, _version(make_user, "AIEOP-BFM-M"))  # nothing asked
    (row,) = services.order_pgx_rows(order)
    assert row.finding.severity.value == "informative"
    assert row.finding.genes == "NUDT15+TPMT"


def test_ugt1a1_poor_with_irinotecan_asks_an_acknowledgement_at_252_mg(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    for phenotype, text in UGT1A1_DPWG.items():
        pgx_marker("irinotecan", gene="UGT1A1", phenotype=phenotype, text=text, source="DPWG 2022")
    pgx_recorded(
        physician, patient.pk, gene="UGT1A1", phenotype="poor_metabolizer", activity_score=None
    )
    with pytest.raises(PgxWarningUnacknowledged) as refused:
        _create(physician, patient, _version(make_user, "FOLFIRI"))
    (finding,) = refused.value.details["findings"]
    assert "126 mg/m² = 252 mg invece di 360 mg (giorno 1)" in finding["message"]
    assert finding["level"] == "A, provvisorio"


def test_the_api_answers_problem_json_with_the_code_then_accepts(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk, phenotype="poor_metabolizer", activity_score="0.5")
    api = api_client(physician)
    body = {
        "patient_id": patient.pk,
        "regimen_version_id": _version(make_user, "CAPE-ADJ"),
        "start_date": "2026-12-07",
    }
    refused = api.post("/api/v1/orders", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "pgx_contraindicated"
    assert refused.json()["details"]["findings"][0]["genes"] == "DPYD"
    created = api.post(
        "/api/v1/orders",
        {**body, "pgx_override_reason": "Nessuna alternativa"},
        content_type="application/json",
    )
    assert created.status_code == 201
    data = created.json()
    assert data["pgx_overrides"][0]["check"] == "pgx_contraindicated"
    assert [(f["severity"], f["covered"]) for f in data["pgx_findings"]] == [
        ("contraindicated", True)
    ]


def test_the_api_applies_the_suggested_dose_once(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))
    pgx_recorded(physician, patient.pk)
    api = api_client(physician)
    capecitabine = order.items.filter(ingredient__code="capecitabine").first()
    assert capecitabine is not None
    order.refresh_from_db()
    applied = api.post(
        f"/api/v1/orders/{order.pk}/pgx/apply-suggested",
        {"ingredient_id": capecitabine.ingredient_id, "expected_version": order.version},
        content_type="application/json",
    )
    assert applied.status_code == 200
    doses = {i["final_dose"] for i in applied.json()["items"] if i["ingredient"] == "capecitabine"}
    assert {Decimal(d) for d in doses} == {Decimal("1250")}
    again = api.post(
        f"/api/v1/orders/{order.pk}/pgx/apply-suggested",
        {
            "ingredient_id": capecitabine.ingredient_id,
            "expected_version": applied.json()["version"],
        },
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (422, "pgx_no_suggestion")


def test_the_api_refuses_the_validation_with_the_code_until_the_pharmacist_acknowledges(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    pgx_recorded(physician, patient.pk)
    order.refresh_from_db()
    api = api_client(pharmacist)
    url = f"/api/v1/orders/{order.pk}/transitions"
    body = {"event": "validate", "expected_version": order.version}
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "pgx_warning_unacknowledged"
    assert refused.json()["field"] == "pgx_acknowledged"
    done = api.post(url, {**body, "pgx_acknowledged": True}, content_type="application/json")
    assert (done.status_code, done.json()["state"]) == (200, "validated")
    assert done.json()["pgx_overrides"][0]["role"] == "pharmacist"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acknowledgements_record_one(make_user: MakeUser) -> None:
    # two physicians acknowledge the same late result at the same moment, each on its own
    # PostgreSQL connection: the order row's lock makes the second see the first's
    first, second = make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)
    patient = measured_patient(registrar=make_user(Role.COORDINATOR), physician=first)
    dpyd_markers("capecitabine")
    order = _create(first, patient, _version(make_user, "CAPE-ADJ"))
    pgx_recorded(first, patient.pk)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def acknowledge(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            services.order_recalculate(
                actor=user, workstation=None, order_id=order.pk, pgx_acknowledged=True
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    order.refresh_from_db()
    assert len(order.pgx_overrides) == 1
    assert len(_events(order, "prescribing.pgx_acknowledged")) == 1


def test_the_acknowledgement_after_validation_is_refused_before_validation(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _create(physician, patient, _version(make_user, "CAPE-ADJ"))
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    pgx_recorded(physician, patient.pk)
    with pytest.raises(ValidationFailed) as refused:
        services.order_pgx_acknowledge(
            actor=physician, workstation=None, order_id=order.pk, acknowledged=True
        )
    assert refused.value.code == "pgx_order_not_validated"
    order.refresh_from_db()
    assert order.pgx_overrides == []
