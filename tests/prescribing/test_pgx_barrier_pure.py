"""The pharmacogenomic barrier, pure: severity, recommended dose and overrides against the
shipped CPIC / DPWG texts (corsia/drugs/data/pgx/cpic_recommendations_onco.csv; the DPWG
irinotecan rows of catalogue.jsonl), every dose computed by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from corsia.patients.domain.pgx import Gene, PgxResultFacts, Phenotype
from corsia.prescribing.domain.errors import PgxContraindicated, PgxWarningUnacknowledged
from corsia.prescribing.domain.order_lines import reduced_dose
from corsia.prescribing.domain.pgx import Marker
from corsia.prescribing.domain.pgx_check import (
    PgxFinding,
    PgxSeverity,
    ensure_pgx_cleared,
    overrides_for,
    pending_findings,
    pgx_findings,
)
from corsia.prescribing.domain.pgx_target import DoseLine, Target, recommended_target
from corsia.testing.pgx import CPIC_SOURCE, DPYD_RECOMMENDATIONS, THIOPURINE_TEXTS, UGT1A1_DPWG

# --- the recommendation texts as shipped ----------------------------------------------------


def test_each_shipped_form_gives_its_target() -> None:
    assert recommended_target(DPYD_RECOMMENDATIONS["DPYD: Poor Metabolizer"]) == Target(avoid=True)
    assert recommended_target(DPYD_RECOMMENDATIONS["DPYD: Intermediate Metabolizer"]) == Target(
        keep=Decimal("0.5")
    )
    assert recommended_target(THIOPURINE_TEXTS["mercaptopurine TPMT IM"]) == Target(
        keep=Decimal("0.8"),
        keep_low=Decimal("0.3"),
        only_above_m2=Decimal("75"),
        only_above_kg=Decimal("1.5"),
    )
    assert recommended_target(THIOPURINE_TEXTS["thioguanine TPMT IM"]) == Target(
        keep=Decimal("0.8"), keep_low=Decimal("0.5"), only_above_m2=Decimal("40")
    )
    assert recommended_target(THIOPURINE_TEXTS["mercaptopurine TPMT PM"]) == Target(
        keep=Decimal("0.1"), thrice_weekly=True
    )
    assert recommended_target(THIOPURINE_TEXTS["mercaptopurine NUDT15 PM"]) == Target(
        per_m2=Decimal("10")
    )
    assert recommended_target(THIOPURINE_TEXTS["thioguanine NUDT15 PM"]) == Target(
        keep=Decimal("0.25")
    )
    assert recommended_target(UGT1A1_DPWG["Poor Metabolizer (*28/*28, *6/*6, *6/*28)"]) == Target(
        keep=Decimal("0.7")
    )
    assert recommended_target("Consider an alternative drug.") is None


# --- helpers ------------------------------------------------------------------------------------


def _result(
    gene: Gene, phenotype: Phenotype, score: str | None = None, pk: int = 1
) -> PgxResultFacts:
    return PgxResultFacts(
        id=pk,
        gene=gene,
        phenotype=phenotype,
        activity_score=None if score is None else Decimal(score),
        diplotype="",
        report_date=date(2026, 11, 2),
        laboratory="",
    )


def _marker(
    phenotype: str, text: str, *, gene: str, name: str, source: str = CPIC_SOURCE
) -> Marker:
    return Marker(
        ingredient_id=7,
        ingredient_name=name,
        gene=gene,
        phenotype=phenotype,
        recommendation=text,
        source=source,
    )


def _lines(
    per_unit: str, calculated: str, final: str | None = None, days: range = range(1, 15)
) -> list[DoseLine]:
    return [
        DoseLine(
            item_id=100 + day,
            day=day,
            ingredient_id=7,
            dose=Decimal(per_unit),
            dose_unit="mg/m2",
            calculated_dose=Decimal(calculated),
            final_dose=Decimal(final or calculated),
            amount_unit="mg",
            decimals=2,
        )
        for day in days
    ]


DPYD = [_marker(p, t, gene="DPYD", name="capecitabina") for p, t in DPYD_RECOMMENDATIONS.items()]


def _one(findings: list[PgxFinding]) -> PgxFinding:
    (finding,) = findings
    return finding


# --- DPYD and the fluoropyrimidines (CPIC 2017, PMID 29152729) ----------------------------------


def test_dpyd_activity_score_1_5_with_capecitabine_1250_is_a_warning_with_625_mg_m2() -> None:
    # capecitabine 1250 mg/m² × 2.00 m² = 2500 mg; CPIC: "Reduce starting dose by 50%"
    # → 625 mg/m² = 1250 mg
    finding = _one(
        pgx_findings(
            DPYD, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1.5")], _lines("1250", "2500")
        )
    )
    assert finding.severity is PgxSeverity.WARNING
    assert finding.needs_action and not finding.hard_stop
    assert finding.level == "A"
    assert finding.target == "50% della dose calcolata"
    assert {s.reduction_percent for s in finding.suggestions} == {Decimal("50.00")}
    assert {s.recommended for s in finding.suggestions} == {Decimal("1250.00")}
    assert len(finding.suggestions) == 14
    assert finding.reason == "farmacogenomica: DPYD metabolizzatore intermedio"
    assert finding.message == (
        "Farmacogenomica — capecitabina: paziente DPYD: metabolizzatore intermedio (punteggio di "
        "attività 1,5), referto del 02/11/2026. La raccomandazione chiede una dose iniziale più "
        "bassa di quella prescritta: prenderne visione. Raccomandazione (livello CPIC A): «Reduce "
        "starting dose by 50% followed by titration of dose based on toxicity or therapeutic drug "
        f"monitoring (if available).» (fonte: {CPIC_SOURCE}). Dose iniziale raccomandata (50% "
        "della dose calcolata): 625 mg/m² = 1250 mg invece di 2500 mg (giorni 1–14)."
    )
    with pytest.raises(PgxWarningUnacknowledged) as refused:
        ensure_pgx_cleared([finding], override_reason="", acknowledged=False)
    assert refused.value.code == "pgx_warning_unacknowledged"
    assert refused.value.field == "pgx_acknowledged"
    ensure_pgx_cleared([finding], override_reason="", acknowledged=True)  # goes on


def test_already_at_half_the_dose_is_informative_and_asks_nothing() -> None:
    # 2500 mg reduced by 50 % = 1250 mg: at the recommended dose
    finding = _one(
        pgx_findings(
            DPYD, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1")], _lines("1250", "2500", "1250")
        )
    )
    assert finding.severity is PgxSeverity.INFORMATIVE
    assert finding.suggestions == ()
    assert pending_findings([finding], []) == []
    # one euro-cent above (1250.01 mg) is above the recommendation
    above = _one(
        pgx_findings(
            DPYD,
            [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1")],
            _lines("1250", "2500", "1250.01"),
        )
    )
    assert above.severity is PgxSeverity.WARNING


@pytest.mark.parametrize("score", ["0", "0.5"])
def test_dpyd_poor_metaboliser_is_a_hard_stop_at_any_dose(score: str) -> None:
    # CPIC: "Avoid use of 5-fluorouracil or 5-fluorouracil prodrug-based regimens"
    for final in ("2500", "1250", "250"):
        finding = _one(
            pgx_findings(
                DPYD, [_result(Gene.DPYD, Phenotype.POOR, score)], _lines("1250", "2500", final)
            )
        )
        assert finding.severity is PgxSeverity.CONTRAINDICATED
        assert finding.suggestions == ()
    assert finding.message.startswith(
        "Farmacogenomica, CONTROINDICATO — capecitabina: paziente DPYD"
    )
    with pytest.raises(PgxContraindicated) as refused:
        ensure_pgx_cleared([finding], override_reason="", acknowledged=True)
    assert refused.value.code == "pgx_contraindicated"
    assert refused.value.field == "pgx_override_reason"
    assert refused.value.details["findings"][0]["severity"] == "contraindicated"
    ensure_pgx_cleared([finding], override_reason="Nessuna alternativa, TDM", acknowledged=False)


def test_a_normal_metaboliser_gets_nothing() -> None:
    assert (
        pgx_findings(DPYD, [_result(Gene.DPYD, Phenotype.NORMAL, "2")], _lines("1250", "2500"))
        == []
    )


# --- thiopurines: TPMT and NUDT15 (CPIC 2018 update, PMID 30447069) -----------------------------


def _thiopurine(text: str, phenotype: str, name: str = "mercaptopurina") -> list[Marker]:
    return [_marker(phenotype, text, gene="TPMT", name=name)]


def test_tpmt_intermediate_nudt15_normal_with_mercaptopurine_is_30_to_80_percent() -> None:
    # mercaptopurine 75 mg/m²/day × 1.00 m² = 75 mg; CPIC: 30%-80% of normal dose
    # → 22.5–60 mg/m² = 22.5–60 mg; 75 mg is above 60 mg → warning, suggested −20 % = 60 mg
    markers = _thiopurine(
        THIOPURINE_TEXTS["mercaptopurine TPMT IM"],
        "NUDT15: Normal Metabolizer; TPMT: Intermediate Metabolizer",
    )
    results = [
        _result(Gene.TPMT, Phenotype.INTERMEDIATE, pk=1),
        _result(Gene.NUDT15, Phenotype.NORMAL, pk=2),
    ]
    finding = _one(pgx_findings(markers, results, _lines("75", "75", days=range(1, 2))))
    assert finding.severity is PgxSeverity.WARNING
    assert finding.genes == "NUDT15+TPMT"
    assert finding.result_ids == (1, 2)
    (suggestion,) = finding.suggestions
    assert (suggestion.reduction_percent, suggestion.recommended) == (
        Decimal("20.00"),
        Decimal("60.00"),
    )
    assert reduced_dose(Decimal("75"), suggestion.reduction_percent) == Decimal("60.00")
    assert finding.message.endswith(
        "Dose iniziale raccomandata (30–80% della dose calcolata): 22,5–60 mg/m² = da "
        "22,5 a 60 mg invece di 75 mg (giorno 1)."
    )
    # at 50 % (37.5 mg), within the range: informative
    at_half = _one(pgx_findings(markers, results, _lines("75", "75", "37.5", days=range(1, 2))))
    assert at_half.severity is PgxSeverity.INFORMATIVE
    # a maintenance phase at 25 mg/m²/day (AIEOP-BFM protocol M): under CPIC's ">= 75
    # mg/m2/day", "dose reduction may not be recommended" → informative, no dose suggested
    low = _one(pgx_findings(markers, results, _lines("25", "25", days=range(1, 2))))
    assert low.severity is PgxSeverity.INFORMATIVE
    assert low.suggestions == ()
    assert "già sotto la soglia" in low.message
    assert "Dose iniziale raccomandata" not in low.message


def test_tpmt_poor_with_mercaptopurine_at_standard_dose_is_a_hard_stop() -> None:
    # "reduce daily dose by 10-fold ... thrice weekly": 75 mg → 7.5 mg; at 75 mg: contraindicated
    markers = _thiopurine(
        THIOPURINE_TEXTS["mercaptopurine TPMT PM"],
        "NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer",
    )
    results = [
        _result(Gene.TPMT, Phenotype.POOR, pk=1),
        _result(Gene.NUDT15, Phenotype.NORMAL, pk=2),
    ]
    full = _one(pgx_findings(markers, results, _lines("75", "75", days=range(1, 2))))
    assert full.severity is PgxSeverity.CONTRAINDICATED
    (suggestion,) = full.suggestions
    assert (suggestion.reduction_percent, suggestion.recommended) == (
        Decimal("90.00"),
        Decimal("7.50"),
    )
    assert "tre giorni alla settimana invece che ogni giorno" in full.message
    # reduced ten-fold: still a warning (the days a week are the physician's to change)
    reduced = _one(pgx_findings(markers, results, _lines("75", "75", "7.5", days=range(1, 2))))
    assert reduced.severity is PgxSeverity.WARNING
    assert "verificare la frequenza (tre giorni alla settimana)" in reduced.message


def test_nudt15_poor_with_mercaptopurine_starts_at_10_mg_m2() -> None:
    # "initiate dose at 10 mg/m2/day": 75 mg/m² × 1.00 m² → 10 mg; the reduction 86.67 %
    # (rounded up) gives 75 × 13.33 % = 9.9975 → 10.00 mg, not above 10 mg
    markers = _thiopurine(
        THIOPURINE_TEXTS["mercaptopurine NUDT15 PM"],
        "NUDT15: Poor Metabolizer; TPMT: Normal Metabolizer",
    )
    results = [
        _result(Gene.TPMT, Phenotype.NORMAL, pk=1),
        _result(Gene.NUDT15, Phenotype.POOR, pk=2),
    ]
    finding = _one(pgx_findings(markers, results, _lines("75", "75", days=range(1, 2))))
    assert finding.severity is PgxSeverity.CONTRAINDICATED
    (suggestion,) = finding.suggestions
    assert suggestion.reduction_percent == Decimal("86.67")
    assert suggestion.recommended == Decimal("10.00")
    assert reduced_dose(Decimal("75"), Decimal("86.67")) == Decimal("10.00")


def test_nudt15_poor_with_thioguanine_is_a_quarter_of_the_dose() -> None:
    # "Reduce starting doses to 25% of normal dose": 60 mg/m² × 1.50 m² = 90 mg → 22.5 mg
    markers = _thiopurine(
        THIOPURINE_TEXTS["thioguanine NUDT15 PM"],
        "NUDT15: Poor Metabolizer; TPMT: Normal Metabolizer",
        name="tioguanina",
    )
    results = [
        _result(Gene.TPMT, Phenotype.NORMAL, pk=1),
        _result(Gene.NUDT15, Phenotype.POOR, pk=2),
    ]
    finding = _one(pgx_findings(markers, results, _lines("60", "90", days=range(1, 2))))
    assert finding.severity is PgxSeverity.CONTRAINDICATED
    assert [s.recommended for s in finding.suggestions] == [Decimal("22.50")]


# --- UGT1A1 and irinotecan (DPWG 2022; CPIC level A, provisional) -------------------------------


def test_ugt1a1_poor_with_irinotecan_is_a_warning_at_70_percent() -> None:
    # irinotecan 180 mg/m² × 2.00 m² = 360 mg; DPWG: start with 70 % → 126 mg/m² = 252 mg
    markers = [
        _marker(p, t, gene="UGT1A1", name="irinotecan", source="DPWG 2022")
        for p, t in UGT1A1_DPWG.items()
    ]
    finding = _one(
        pgx_findings(
            markers, [_result(Gene.UGT1A1, Phenotype.POOR)], _lines("180", "360", days=range(1, 2))
        )
    )
    assert finding.severity is PgxSeverity.WARNING  # poor, but not a hard-stop gene
    assert finding.level == "A, provvisorio"
    assert [(s.reduction_percent, s.recommended) for s in finding.suggestions] == [
        (Decimal("30.00"), Decimal("252.00"))
    ]
    assert "126 mg/m² = 252 mg invece di 360 mg (giorno 1)" in finding.message
    # an intermediate metaboliser: "nessuna modifica della dose iniziale" → nothing
    assert (
        pgx_findings(
            markers,
            [_result(Gene.UGT1A1, Phenotype.INTERMEDIATE)],
            _lines("180", "360", days=range(1, 2)),
        )
        == []
    )


# --- overrides ----------------------------------------------------------------------------------


def test_an_acknowledgement_covers_a_warning_not_a_contraindication_nor_a_new_result() -> None:
    warning = _one(
        pgx_findings(
            DPYD, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1.5", pk=5)], _lines("1250", "2500")
        )
    )
    stamp: dict[str, Any] = {
        "by_id": 3,
        "by": "Dott.ssa Rossi",
        "role": "prescriber",
        "workstation": "amb-1",
        "at": "x",
    }
    (ack,) = overrides_for([warning], reason="", **stamp)
    assert ack.check == "pgx_warning_unacknowledged"
    assert pending_findings([warning], [ack]) == []
    hard = _one(
        pgx_findings(DPYD, [_result(Gene.DPYD, Phenotype.POOR, "0", pk=5)], _lines("1250", "2500"))
    )
    assert pending_findings([hard], [ack]) == [hard]  # same result id, but a hard stop
    (override,) = overrides_for([hard], reason="Nessuna alternativa", **stamp)
    assert override.as_json()["reason"] == "Nessuna alternativa"
    assert override.as_json()["workstation"] == "amb-1"
    assert pending_findings([hard], [override]) == []
    newer = _one(
        pgx_findings(
            DPYD, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1", pk=9)], _lines("1250", "2500")
        )
    )
    assert pending_findings([newer], [ack, override]) == [newer]


def test_the_thrice_weekly_frequency_is_named_in_the_message_and_the_refusal() -> None:
    # TPMT poor: "reduce daily dose by 10-fold and reduce frequency to thrice weekly"; the
    # days of the order are not changed by Corsia: the message and the refusal say so
    markers = _thiopurine(
        THIOPURINE_TEXTS["mercaptopurine TPMT PM"],
        "NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer",
    )
    results = [
        _result(Gene.TPMT, Phenotype.POOR, pk=1),
        _result(Gene.NUDT15, Phenotype.NORMAL, pk=2),
    ]
    note = (
        "FREQUENZA: la raccomandazione riduce anche i giorni di somministrazione a tre alla "
        "settimana invece che ogni giorno; Corsia non modifica i giorni dello schema: "
        "adeguarli nella prescrizione."
    )
    full = _one(pgx_findings(markers, results, _lines("75", "75", days=range(1, 8))))
    assert (full.severity, full.thrice_weekly) == (PgxSeverity.CONTRAINDICATED, True)
    assert full.message.endswith(note)
    assert full.as_json()["thrice_weekly"] is True
    with pytest.raises(PgxContraindicated) as refused:
        ensure_pgx_cleared([full], override_reason="", acknowledged=True)
    assert refused.value.message.endswith(
        "Per proseguire il medico indica il motivo del superamento. La presa visione "
        "riguarda anche la frequenza ridotta a tre giorni alla settimana, che non è "
        "applicata automaticamente ai giorni della prescrizione."
    )
    # reduced ten-fold (7.5 mg) on seven days a week: still a warning naming the frequency
    reduced = _one(pgx_findings(markers, results, _lines("75", "75", "7.5", days=range(1, 8))))
    assert (reduced.severity, reduced.thrice_weekly) == (PgxSeverity.WARNING, True)
    assert reduced.message.endswith(note)
    with pytest.raises(PgxWarningUnacknowledged) as unacknowledged:
        ensure_pgx_cleared([reduced], override_reason="", acknowledged=False)
    assert "frequenza ridotta a tre giorni alla settimana" in unacknowledged.value.message
    # a DPYD finding (no frequency in its recommendation) says nothing of it
    dpyd = _one(
        pgx_findings(
            DPYD, [_result(Gene.DPYD, Phenotype.INTERMEDIATE, "1.5")], _lines("1250", "2500")
        )
    )
    assert not dpyd.thrice_weekly and "FREQUENZA" not in dpyd.message
