"""The pharmacogenomic alert at prescription: a DPYD intermediate metaboliser gets, on a
fluoropyrimidine, the CPIC recommendation and each line's starting dose halved; a poor
metaboliser the strongest wording; nothing for a normal metaboliser, a drug without a
marker, a superseded or an entered-in-error result. Hand-computed: the measured patient is
180 cm, 80 kg (BSA 2.00 m²)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients import services as patient_services
from corsia.patients.domain.pgx import Gene, PgxResultFacts, Phenotype
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.domain.pgx import Line, Marker, marker_genes, pgx_alerts
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.pharmacist_review import pharmacist_review
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import CPIC_SOURCE, DPYD_RECOMMENDATIONS, dpyd_markers
from corsia.testing.prescribing import library_version

START = date(2026, 12, 7)

# --- pure ---------------------------------------------------------------------------------------


def _result(gene: Gene, phenotype: Phenotype, score: str | None = None) -> PgxResultFacts:
    return PgxResultFacts(
        id=1,
        gene=gene,
        phenotype=phenotype,
        activity_score=None if score is None else Decimal(score),
        diplotype="",
        report_date=date(2026, 11, 2),
        laboratory="",
    )


def _marker(phenotype: str, text: str, *, gene: str = "DPYD", name: str = "capecitabina") -> Marker:
    return Marker(
        ingredient_id=7,
        ingredient_name=name,
        gene=gene,
        phenotype=phenotype,
        recommendation=text,
        source="CPIC PMID 29152729",
    )


DPYD_MARKERS = [_marker(p, t) for p, t in DPYD_RECOMMENDATIONS.items()]
CAPE_LINES = [
    Line(day=d, ingredient_id=7, calculated_dose=Decimal("2000"), unit="mg") for d in range(1, 15)
]


def test_a_dpyd_intermediate_metaboliser_gets_half_the_computed_capecitabine_dose() -> None:
    (warning,) = pgx_alerts(
        DPYD_MARKERS, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1.5")], CAPE_LINES
    )
    assert warning["code"] == "pgx_recommendation"
    assert warning["message"] == (
        "Farmacogenomica — capecitabina: paziente DPYD: metabolizzatore intermedio (punteggio "
        "di attività 1,5), referto del 02/11/2026. Raccomandazione: «Reduce starting dose by 50% "
        "followed by titration of dose based on toxicity or therapeutic drug monitoring (if "
        "available).» (fonte: CPIC PMID 29152729). Dose iniziale suggerita (50% della dose "
        "calcolata): 1000 mg invece di 2000 mg calcolati (giorni 1–14)."
    )


def test_a_poor_metaboliser_is_told_to_avoid_and_no_dose_is_suggested() -> None:
    (warning,) = pgx_alerts(DPYD_MARKERS, [_result(Gene.DPYD, Phenotype.POOR, "0")], CAPE_LINES)
    assert warning["message"].startswith(
        "ATTENZIONE, rischio di tossicità grave o fatale. Farmacogenomica — capecitabina: "
        "paziente DPYD: metabolizzatore lento (punteggio di attività 0)"
    )
    assert "Evitare le fluoropirimidine" in warning["message"]
    assert "Dose iniziale suggerita" not in warning["message"]


def test_no_alert_for_a_normal_or_indeterminate_result_or_another_gene() -> None:
    for result in (
        _result(Gene.DPYD, Phenotype.NORMAL, "2"),
        _result(Gene.DPYD, Phenotype.INDETERMINATE),
        _result(Gene.TPMT, Phenotype.POOR),
    ):
        assert pgx_alerts(DPYD_MARKERS, [result], CAPE_LINES) == []


def test_a_thiopurine_marker_needs_both_genes_or_none_for_the_untested_one() -> None:
    tested = _marker(
        "NUDT15: None; TPMT: Intermediate Metabolizer",
        "Based on TPMT status, start with reduced starting doses (30%-80% of normal dose)",
        gene="TPMT",
        name="mercaptopurina",
    )
    assert marker_genes("TPMT", tested.phenotype) == {
        "NUDT15": "None",
        "TPMT": "Intermediate Metabolizer",
    }
    tpmt = _result(Gene.TPMT, Phenotype.INTERMEDIATE)
    assert len(pgx_alerts([tested], [tpmt], [])) == 1
    # with a NUDT15 result the "None" row no longer applies
    assert pgx_alerts([tested], [tpmt, _result(Gene.NUDT15, Phenotype.NORMAL)], []) == []


def test_a_dpwg_ugt1a1_row_matches_without_the_gene_prefix_and_no_change_is_no_alert() -> None:
    poor = _marker(
        "Poor Metabolizer (*28/*28, *6/*6, *6/*28)",
        "DPWG: iniziare con il 70% della dose standard",
        gene="UGT1A1",
        name="irinotecan",
    )
    same = _marker(
        "Intermediate Metabolizer (*1/*28, *1/*6)",
        "DPWG: nessuna modifica della dose iniziale; monitorare la tossicità.",
        gene="UGT1A1",
        name="irinotecan",
    )
    assert len(pgx_alerts([poor, same], [_result(Gene.UGT1A1, Phenotype.POOR)], [])) == 1
    assert pgx_alerts([poor, same], [_result(Gene.UGT1A1, Phenotype.INTERMEDIATE)], []) == []


# --- at order creation and recalculation --------------------------------------------------------


def _order(physician: User, patient: Patient, make_user: MakeUser, code: str) -> TherapyOrder:
    version = library_version(
        code, approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
        pgx_acknowledged=True,  # the barrier's own tests: test_pgx_barrier*.py
    )


def _pgx(order: TherapyOrder) -> list[str]:
    order.refresh_from_db()
    return [w["message"] for w in order.warnings if w["code"] == "pgx_recommendation"]


def test_capox_for_a_dpyd_intermediate_metaboliser_warns_with_1000_mg(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk)
    order = _order(physician, patient, make_user, "CAPOX")
    (message,) = _pgx(order)
    assert message.startswith("Farmacogenomica — capecitabine: paziente DPYD: metabolizzatore")
    assert "1000 mg invece di 2000 mg calcolati (giorni 1–14)" in message
    assert CPIC_SOURCE in message
    # the order's page and its API show it
    page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert "1000 mg invece di 2000 mg calcolati" in page
    api = api_client(physician).get(f"/api/v1/orders/{order.pk}").json()
    assert [w["code"] for w in api["warnings"]].count("pgx_recommendation") == 1


def test_folfox_halves_each_fluorouracil_line_and_nothing_for_oxaliplatin(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("fluorouracil")
    pgx_recorded(physician, patient.pk, phenotype="intermediate_metabolizer", activity_score="1")
    order = _order(physician, patient, make_user, "FOLFOX-4")
    (message,) = _pgx(order)
    # bolus 400 mg/m² × 2.00 = 800 mg; infusion 600 mg/m² × 2.00 = 1200 mg; days 1 and 2
    assert message.endswith(
        "Dose iniziale suggerita (50% della dose calcolata): 400 mg invece di 800 mg calcolati "
        "(giorni 1–2); 600 mg invece di 1200 mg calcolati (giorni 1–2)."
    )


def test_a_normal_metaboliser_or_an_entered_in_error_result_gives_no_alert(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    wrong = pgx_recorded(physician, patient.pk)
    patient_services.pgx_result_enter_in_error(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        result_id=wrong.pk,
        reason="Referto di un altro paziente",
    )
    pgx_recorded(
        physician,
        patient.pk,
        phenotype="normal_metabolizer",
        activity_score="2",
        report_date=date(2026, 10, 1),
    )
    assert _pgx(_order(physician, patient, make_user, "CAPOX")) == []


def test_a_superseded_result_is_not_used_and_a_later_result_shows_at_recalculation(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    old = pgx_recorded(physician, patient.pk, report_date=date(2026, 1, 10))
    pgx_recorded(
        physician,
        patient.pk,
        phenotype="normal_metabolizer",
        activity_score="2",
        report_date=date(2026, 6, 1),
    )
    order = _order(physician, patient, make_user, "CAPOX")
    assert _pgx(order) == []
    # a newer report (poor) recorded after the order: shown at the next recalculation
    pgx_recorded(
        physician,
        patient.pk,
        phenotype="poor_metabolizer",
        activity_score="0.5",
        report_date=timezone.localdate() - timedelta(days=1),
    )
    assert old.status == "valid"
    services.order_recalculate(
        actor=physician, workstation=None, order_id=order.pk, pgx_override_reason="TDM disponibile"
    )
    (message,) = _pgx(order)
    assert message.startswith("ATTENZIONE, rischio di tossicità grave o fatale.")
    # recalculated again: replaced, not repeated (the override already recorded)
    services.order_recalculate(actor=physician, workstation=None, order_id=order.pk)
    assert len(_pgx(order)) == 1


def test_a_result_recorded_after_a_signed_order_shows_on_its_page_review_and_api(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # the order written and sent to the pharmacy with no result on file: no alert, and a
    # signed order is not recalculated
    dpyd_markers("capecitabine")
    order = _order(physician, patient, make_user, "CAPOX")
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    assert _pgx(order) == []
    assert services.order_pgx_since(order) == []
    # the DPYD report arrives afterwards
    pgx_recorded(physician, patient.pk)
    (late,) = services.order_pgx_since(order)
    assert "1000 mg invece di 2000 mg calcolati (giorni 1–14)" in late["message"]
    assert _pgx(order) == []  # the signed order's own warnings are not rewritten
    page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/").content.decode()
    # shown once, as the barrier's row (its dose as the barrier writes it), not repeated
    # among the warnings
    assert page.count("Referto farmacogenomico registrato dopo la prescrizione") == 1
    assert page.count("1000 mg invece di 2000 mg (giorni 1–14)") == 1
    assert "1000 mg invece di 2000 mg calcolati" not in page
    api = api_client(physician).get(f"/api/v1/orders/{order.pk}").json()
    assert [w["code"] for w in api["pgx_since_prescription"]] == ["pgx_recommendation"]
    pharmacist = make_user(Role.PHARMACIST)
    review = pharmacist_review(user=pharmacist, order=order, workstation=None)
    assert [w["message"] for w in review.pgx_since] == [late["message"]]


def test_once_recalculated_the_late_result_is_the_orders_own_warning(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = _order(physician, patient, make_user, "CAPOX")
    pgx_recorded(physician, patient.pk)
    assert len(services.order_pgx_since(order)) == 1
    services.order_recalculate(
        actor=physician, workstation=None, order_id=order.pk, pgx_acknowledged=True
    )
    order.refresh_from_db()
    assert len(_pgx(order)) == 1
    assert services.order_pgx_since(order) == []
