"""The clinical statistics' pure computations against published and hand-computed values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from corsia.reports.domain.clinical.dose_intensity import PlannedLine, regimen_intensities
from corsia.reports.domain.clinical.survival import SurvivalObservation, kaplan_meier
from corsia.reports.domain.clinical.tallies import (
    Period,
    age_band,
    age_on,
    count_by,
    demographics,
    first_per_patient,
    stay_days,
    stay_summary,
)

# Freireich et al., Blood 1963: weeks of remission of 21 children with acute leukaemia on
# 6-mercaptopurine, censored marked False (Kalbfleisch & Prentice; Cox & Oakes, table 1.1).
SIX_MP = [
    (6, True), (6, True), (6, True), (6, False), (7, True), (9, False), (10, True),
    (10, False), (11, False), (13, True), (16, True), (17, False), (19, False), (20, False),
    (22, True), (23, True), (25, False), (32, False), (32, False), (34, False), (35, False),
]  # fmt: skip
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def _obs(data: list[tuple[int, bool]]) -> list[SurvivalObservation]:
    return [SurvivalObservation(time=t, event=e) for t, e in data]


def test_kaplan_meier_of_the_6mp_remissions_matches_the_published_curve() -> None:
    km = kaplan_meier(_obs(SIX_MP))
    assert (km.patients, km.events, km.censored) == (21, 9, 12)
    # product-limit by hand: 18/21, ×16/17, ×14/15, ×11/12, ×10/11, ×6/7, ×5/6
    expected = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}
    assert [s.time for s in km.steps] == list(expected)
    for step in km.steps:
        assert step.survival == pytest.approx(expected[int(step.time)], abs=5e-5)
    assert [s.at_risk for s in km.steps] == [21, 17, 15, 12, 11, 7, 6]
    assert km.survival_at(5) == 1.0
    assert km.survival_at(12) == pytest.approx(0.7529, abs=5e-5)
    assert km.survival_at(35) == pytest.approx(0.4482, abs=5e-5)
    assert km.median == 23
    assert km.median_upper is None  # not reached
    # 95% log(-log) band (Kalbfleisch–Prentice, R survfit conf.type="log-log")
    assert km.band_at(6) == pytest.approx((0.620, 0.952), abs=5e-4)
    assert km.band_at(23) == pytest.approx((0.188, 0.680), abs=5e-4)
    table = km.at_risk_at([0, 10, 20, 30], _obs(SIX_MP))
    assert [(r.time, r.at_risk) for r in table] == [(0, 21), (10, 15), (20, 8), (30, 4)]


def test_kaplan_meier_of_the_placebo_arm_has_median_8_weeks() -> None:
    km = kaplan_meier([SurvivalObservation(t, True) for t in PLACEBO])
    assert km.median == 8
    assert km.survival_at(8) == pytest.approx(8 / 21, abs=1e-9)
    assert km.survival_at(23) == 0.0


def test_kaplan_meier_without_events_stays_at_one_with_no_median() -> None:
    km = kaplan_meier([SurvivalObservation(5, False), SurvivalObservation(9, False)])
    assert km.events == 0 and km.steps == () and km.median is None
    assert km.survival_at(100) == 1.0
    with pytest.raises(ValueError):
        kaplan_meier([])


def _lines(
    cycles: list[tuple[date, Decimal, Decimal]], drug: str = "OXA", dose: str = "85"
) -> list[PlannedLine]:
    # (day 1, full amount mg, given mg); 85 mg/m2 every 14 days
    return [
        PlannedLine(
            patient_id=1,
            regimen_code="FOLFOX4",
            order_id=i,
            cycle_number=i,
            cycle_day1=day1,
            cycle_length_days=14,
            drug_code=drug,
            drug_name=drug,
            regimen_dose=Decimal(dose),
            regimen_dose_unit="mg/m2",
            full_amount=full,
            given_amount=given,
        )
        for i, (day1, full, given) in enumerate(cycles, start=1)
    ]


D0 = date(2026, 1, 5)


def test_full_doses_on_time_have_rdi_one() -> None:
    lines = _lines([(D0 + timedelta(14 * i), Decimal(153), Decimal(153)) for i in range(4)])
    (row,) = regimen_intensities(lines)
    (drug,) = row.drugs
    assert (drug.planned_days, drug.actual_days, drug.delay_days) == (56, 56, 0)
    assert drug.planned_intensity == Decimal("42.5000")  # 85 mg/m2 per 2 weeks
    assert drug.rdi == Decimal("1.0000")


def test_a_reduction_and_a_delay_lower_the_rdi_as_counted_by_hand() -> None:
    # cycle 3 at 80% (122.4 of 153 mg); cycle 4 a week late; BSA changes in cycle 2 (full
    # 160 mg, all given): not a reduction
    lines = _lines(
        [
            (D0, Decimal(153), Decimal(153)),
            (D0 + timedelta(14), Decimal(160), Decimal(160)),
            (D0 + timedelta(28), Decimal(153), Decimal("122.4")),
            (D0 + timedelta(49), Decimal(153), Decimal(153)),
        ]
    )
    (row,) = regimen_intensities(lines)
    drug = row.drugs[0]
    # given 85 + 85 + 68 + 85 = 323 mg/m2 over 49 + 14 = 63 days; planned 340 over 56
    assert drug.given_dose == Decimal("323.0000")
    assert (drug.actual_days, drug.delay_days, drug.reduced_lines) == (63, 7, 1)
    assert drug.delivered_intensity == Decimal("35.8889")  # 323 × 7 / 63
    assert drug.rdi == Decimal("0.8444")  # (323/63) / (340/56) = 0.84444…
    assert row.rdi == Decimal("0.8444")


def test_the_regimen_rdi_is_the_mean_of_its_drugs_and_an_omitted_line_counts_zero() -> None:
    oxa = _lines([(D0, Decimal(153), Decimal(153)), (D0 + timedelta(14), Decimal(153), Decimal(0))])
    fu = _lines(
        [(D0, Decimal(720), Decimal(720)), (D0 + timedelta(14), Decimal(720), Decimal(720))],
        drug="5FU",
        dose="400",
    )
    (row,) = regimen_intensities(oxa + fu)
    by = {d.drug_code: d.rdi for d in row.drugs}
    assert by == {"OXA": Decimal("0.5000"), "5FU": Decimal("1.0000")}
    assert row.rdi == Decimal("0.7500")


def test_tallies_count_by_label_age_band_and_stay() -> None:
    assert [(c.label, c.count) for c in count_by(["b", "a", "b", ""], lambda s: s)] == [
        ("b", 2),
        ("a", 1),
        ("non indicato", 1),
    ]
    assert age_on(date(1960, 6, 15), date(2026, 6, 14)) == 65
    assert age_on(date(1960, 6, 15), date(2026, 6, 15)) == 66
    assert [age_band(a) for a in (0, 17, 18, 39, 40, 69, 70, 80, 101)] == [
        "0-17", "0-17", "18-39", "18-39", "40-49", "60-69", "70-79", "80+", "80+",
    ]  # fmt: skip
    rows = demographics(
        [("F", date(1960, 1, 1)), ("M", date(1961, 1, 1)), ("F", date(2000, 1, 1))],
        date(2026, 1, 1),
    )
    by = {r.band: (r.female, r.male, r.total) for r in rows}
    assert by["60-69"] == (1, 1, 2) and by["18-39"] == (1, 0, 1) and by["80+"] == (0, 0, 0)
    assert stay_days(date(2026, 1, 1), date(2026, 1, 1)) == 1
    assert stay_days(date(2026, 1, 1), date(2026, 1, 5)) == 4
    s = stay_summary("Oncologia", 3, [4, 1, 10])
    assert (s.discharges, s.bed_days, s.mean_days, s.median_days, s.longest_days) == (
        3, 15, Decimal("5.0"), Decimal("4.0"), 10,
    )  # fmt: skip
    firsts = first_per_patient(
        [(1, date(2026, 3, 1)), (1, date(2026, 1, 1)), (2, date(2026, 2, 1))],
        lambda r: r[0],
        lambda r: r[1],
    )
    assert firsts == [(1, date(2026, 1, 1)), (2, date(2026, 2, 1))]
    assert date(2026, 1, 31) in Period(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_the_survival_chart_draws_steps_band_and_censoring_in_the_plot() -> None:
    from corsia.reports.domain.clinical.survival_chart import survival_chart

    obs = [
        SurvivalObservation(2, True),
        SurvivalObservation(4, False),
        SurvivalObservation(6, True),
        SurvivalObservation(8, False),
    ]
    km = kaplan_meier(obs)
    chart = survival_chart(km, censor_times=[4, 8], t_max=12, x_step=3)
    # plot: x 56 → 624 for 0 → 12 months (47.33 a month), y 16 → 280 for 100% → 0%
    # S = 3/4 after 2 months, × 1/2 after 6 (2 at risk): 0.375
    assert chart.curve == "M56.0,16.0H150.7V82.0H340.0V181.0H624.0"
    assert chart.band.startswith("M56.0,16.0L150.7,16.0L150.7,") and chart.band.endswith("Z")
    assert chart.censored == ((245.3, 77.0, 87.0), (434.7, 176.0, 186.0))
    assert [t.label for t in chart.x_ticks] == ["0", "3", "6", "9", "12"]
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    with pytest.raises(ValueError):
        survival_chart(km, censor_times=[], t_max=0, x_step=3)


def test_lines_never_given_summed_in_one_row_count_as_each_of_them() -> None:
    # cycle 2 of 5FU: two lines of 400 mg/m2 (720 mg each) never given, as two rows or as
    # one row standing for both (their regimen doses summed)
    fu = _lines(
        [(D0, Decimal(720), Decimal(720)), (D0 + timedelta(14), Decimal(720), Decimal(0))],
        drug="5FU",
        dose="400",
    )
    apart = [*fu, replace(fu[1])]
    together = [fu[0], replace(fu[1], regimen_dose=Decimal(800), lines=2)]
    (one,) = regimen_intensities(apart)
    (other,) = regimen_intensities(together)
    assert one == other
    drug = other.drugs[0]
    # planned 400 × 3 = 1200 mg/m2 over 28 days, given 400 over 28: RDI 1/3; 2 lines reduced
    assert (drug.planned_dose, drug.given_dose, drug.reduced_lines) == (
        Decimal("1200.0000"),
        Decimal("400.0000"),
        2,
    )
    assert drug.rdi == Decimal("0.3333")
