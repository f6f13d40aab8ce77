"""The clinical statistics over the generated centre (corsia/testing/reports_clinical.py),
every number counted by hand from the centre's description."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.reports.definitions.clinical_activity import activity, admissions
from corsia.reports.definitions.clinical_common import ClinicalFilters
from corsia.reports.definitions.clinical_intensity import dose_intensity
from corsia.reports.definitions.clinical_patients import (
    new_patients,
    new_patients_seen,
    treated_demographics,
)
from corsia.reports.definitions.clinical_survival import survival
from corsia.reports.definitions.clinical_toxicity import toxicities
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_clinical import FIRST, LAST, Centre, centre

pytestmark = pytest.mark.django_db

HALF = ClinicalFilters(first=FIRST, last=LAST)


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def _counts(rows) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {r.label: r.count for r in rows}


def test_new_patients_by_histotype_stage_and_site(data: Centre) -> None:
    # P1, P2, P3 first diagnosed in the period; P4 in 2025; P3's second diagnosis not again
    by_histotype = new_patients(HALF, by="histotype")
    assert by_histotype.patients == 3
    assert _counts(by_histotype.rows) == {"Adenocarcinoma": 2, "Carcinoma duttale": 1}
    assert _counts(new_patients(HALF, by="stage").rows) == {"IIA (TNM 8)": 2, "IIIB (TNM 8)": 1}
    assert _counts(new_patients(HALF, by="site").rows) == {
        "153.3 Tumori maligni del sigma": 2,
        "174.9 Tumori maligni della mammella": 1,
    }
    # the regimen filter keeps the patients treated with it in the period: P1 and P2
    folfox = ClinicalFilters(first=FIRST, last=LAST, regimen="FOLFOX-4")
    assert sorted(new_patients(folfox, by="site").patient_ids) == [data.p1.pk, data.p2.pk]
    # January alone: P1
    january = ClinicalFilters(first=FIRST, last=date(2026, 1, 31))
    assert new_patients(january, by="histotype").patient_ids == (data.p1.pk,)


def test_new_patients_seen_by_access_type_and_site(data: Centre) -> None:
    # P1 visit 12/01, P2 visit 16/02, P3 therapy 05/03; P4 first came in 2025
    seen = new_patients_seen(HALF, by="access_type")
    assert seen.patients == 3
    assert _counts(seen.rows) == {"Visita": 2, "Terapia": 1}
    assert _counts(new_patients_seen(HALF, by="agenda").rows) == {"Day hospital oncologico": 3}


def test_admissions_and_length_of_stay(data: Centre) -> None:
    stays = admissions(HALF)
    # admitted in the period: P1, P2, P3; discharged: P1 (4 days), P2 (same day: 1), P4 (6
    # days: 28/12 → 03/01); P3 still in
    total = stays.total
    assert (total.admissions, total.discharges, total.bed_days) == (3, 3, 11)
    assert (total.mean_days, total.median_days, total.longest_days) == (
        Decimal("3.7"),
        Decimal("4.0"),
        6,
    )
    assert stays.still_in == 1
    assert [r.label for r in stays.rows] == ["Oncologia — Ricovero ordinario"]


def test_demographics_of_the_treated_patients(data: Centre) -> None:
    demo = treated_demographics(HALF)
    # treated (FOLFOX-4 orders): P1 F 68 on 30/06/2026, P2 M 75
    assert demo.patients == 2
    by = {r.band: (r.female, r.male) for r in demo.rows}
    assert by["60-69"] == (1, 0) and by["70-79"] == (0, 1)
    assert sum(r.total for r in demo.rows) == 2


def test_accesses_first_visits_and_therapies_by_month(data: Centre) -> None:
    months = {m.month: m for m in activity(HALF)}
    # accesses: Jan P1 visit + P1 therapy + P4 therapy; Feb P1 therapy + P2 visit (P2's
    # 20/02 not attended); Mar P3 therapy
    assert [(k, m.accesses, m.patients, m.first_visits) for k, m in sorted(months.items())] == [
        ("2026-01", 3, 2, 1),
        ("2026-02", 2, 2, 1),
        ("2026-03", 1, 1, 0),
    ]
    # FOLFOX-4's antineoplastic lines: oxaliplatin d1, folinate d1-2, fluorouracil bolus
    # d1-2 and infusion d1-2 = 7 a cycle. Jan: P1 c1; Feb: P1 c2 + P2 c1; Mar: P1 c3, c4
    assert (months["2026-01"].therapies, months["2026-02"].therapies) == (7, 14)
    assert (months["2026-03"].therapies, months["2026-03"].treated_patients) == (14, 1)


def test_toxicities_by_grade_regimen_and_drug(data: Centre) -> None:
    by_grade = toxicities(HALF, by="grade")
    # 4 current records of 3 patients (the one in error and the superseded left out)
    assert (by_grade.records, by_grade.patients) == (4, 3)
    assert [(r.label, r.records) for r in by_grade.rows] == [("G1", 1), ("G2", 2), ("G3", 1)]
    by_regimen = {r.label: r for r in toxicities(HALF, by="regimen").rows}
    assert by_regimen["FOLFOX-4"].records == 3 and by_regimen["FOLFOX-4"].patients == 2
    assert by_regimen["FOLFOX-4"].by_grade == (1, 1, 1, 0, 0)
    assert by_regimen["non collegata a una prescrizione"].records == 1
    by_drug = {r.label: r.records for r in toxicities(HALF, by="drug").rows}
    names = {
        o.ingredient.code: o.ingredient.name_it
        for o in data.p1_orders[0].items.select_related("ingredient")
    }
    assert by_drug == {
        names["oxaliplatin"]: 2,
        names["fluorouracil"]: 2,
        "nessun farmaco sospetto indicato": 1,
    }


def test_relative_dose_intensity_with_a_delay_and_a_partial_infusion(data: Centre) -> None:
    rows = {r.patient_id: r for r in dose_intensity(HALF)}
    p1 = rows[data.p1.pk]
    drugs = {d.drug_code: d for d in p1.drugs}
    # 4 cycles of 14 days planned = 56; given 26/01 → 16/03 + 14 = 63 days
    oxa = drugs["oxaliplatin"]
    assert (oxa.cycles, oxa.planned_days, oxa.actual_days, oxa.delay_days) == (4, 56, 63, 7)
    # oxaliplatin 85 mg/m2 × 4 planned = 340; given 85 × 3 + 85 × 200/250 = 323
    assert (oxa.planned_dose, oxa.given_dose, oxa.reduced_lines) == (
        Decimal("340.0000"),
        Decimal("323.0000"),
        1,
    )
    assert oxa.rdi == Decimal("0.8444")  # (323/63) / (340/56)
    # folinate and fluorouracil all given, the delay alone: 56/63
    assert drugs["calcium_folinate"].rdi == Decimal("0.8889")
    assert drugs["fluorouracil"].rdi == Decimal("0.8889")
    assert drugs["fluorouracil"].planned_dose == Decimal("8000.0000")  # (400+600)×2×4
    assert p1.rdi == Decimal("0.8741")  # (0.8444 + 0.8889 + 0.8889) / 3
    p2 = rows[data.p2.pk]
    assert (p2.cycles, p2.rdi) == (1, Decimal("1.0000"))
    only_oxa = dose_intensity(ClinicalFilters(first=FIRST, last=LAST, drug="oxaliplatin"))
    assert {d.drug_code for r in only_oxa for d in r.drugs} == {"oxaliplatin"}


def test_survival_and_response_of_the_first_lines(data: Centre) -> None:
    report = survival(HALF)
    # cohort: P1 (26/01), P2 (23/02), P3 (05/03); P4's line began in 2025
    assert report.patients == 3
    os_obs = sorted((o.time, o.event) for o in report.os.observations)
    # P3 death 28 days, P2 censored at its SD 15/05 (81 days), P1 death 20/06 (145 days)
    assert os_obs == [
        (round(28 / 30.4375, 4), True),
        (round(81 / 30.4375, 4), False),
        (round(145 / 30.4375, 4), True),
    ]
    km = report.os.km
    assert km is not None
    assert km.survival_at(1.0) == pytest.approx(2 / 3)
    assert km.survival_at(5.0) == 0.0
    assert km.median == pytest.approx(145 / 30.4375, abs=1e-4)
    # PFS: P1's progression on 01/06 (126 days)
    pfs = report.pfs.km
    assert pfs is not None and pfs.median == pytest.approx(126 / 30.4375, abs=1e-4)
    assert [(r.time, r.at_risk) for r in report.os.at_risk] == [(0.0, 3), (3.0, 1), (6.0, 0)]
    assert _counts(report.best_response) == {
        "Risposta parziale (PR)": 1,
        "Malattia stabile (SD)": 1,
        "non valutata": 1,
    }
    chart = report.os.chart
    assert chart is not None and chart.curve.startswith("M56.0,16.0H")
    assert len(chart.censored) == 1
