"""The checks with their stable codes: route and osmolarity, calcium-phosphate against a
curve, per-kg limits by age band, weight and age, bad input refused with a code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition import reference
from corsia.nutrition.domain.calcium_phosphate import Curve, Verdict, curves_from_rows, verdict
from corsia.nutrition.domain.checks import Assessment, Patient, Route, Settings, assess
from corsia.nutrition.domain.composition import Item, Unit
from corsia.nutrition.domain.limits import Band, band_for

TODAY = date(2026, 12, 3)


def run(
    *rows: tuple[str, str, str],
    weight: str | None = "70",
    route: Route = Route.CENTRAL,
    age_years: str | None = "50",
    age_days: str | None = None,
    preterm: bool = False,
    hours: str = "24",
    measured_on: date | None = None,
    curves: dict[tuple[str, str], Curve] | None = None,
) -> Assessment:
    return assess(
        patient=Patient(
            weight_kg=Decimal(weight) if weight is not None else None,
            route=route,
            age_years=Decimal(age_years) if age_years is not None else None,
            age_days=Decimal(age_days) if age_days is not None else None,
            preterm=preterm,
            weight_measured_on=measured_on,
        ),
        items=[Item(code, Decimal(amount), Unit(unit)) for code, amount, unit in rows],
        infusion_hours=Decimal(hours),
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves() if curves is None else curves,
        today=TODAY,
    )


def codes(assessment: Assessment) -> list[tuple[str, str]]:
    return [(f.code, f.severity.value) for f in assessment.findings]


def test_peripheral_route_above_900_blocks_and_central_does_not() -> None:
    # 500 mL glucose 20% (1110) + 500 mL water (0): (555 000) / 1000 = 555 mOsm/L: fine
    fine = run(("GLU_20", "500", "mL"), ("WFI", "500", "mL"), route=Route.PERIPHERAL)
    assert not fine.blocked
    # 1000 mL glucose 10% (555) + 100 mL glucose 50% (2775): (555 000 + 277 500) / 1100
    # = 756.8 mOsm/L: fine; 300 mL glucose 50%: (555 000 + 832 500) / 1300 = 1067.3: blocks
    assert not run(
        ("GLU_10", "1000", "mL"), ("GLU_50", "100", "mL"), route=Route.PERIPHERAL
    ).blocked
    high = run(("GLU_10", "1000", "mL"), ("GLU_50", "300", "mL"), route=Route.PERIPHERAL)
    assert codes(high) == [("peripheral_osmolarity_exceeded", "block")]
    assert high.findings[0].limit == Decimal(900)
    assert not run(("GLU_10", "1000", "mL"), ("GLU_50", "300", "mL")).blocked


def test_the_peripheral_limit_is_a_setting() -> None:
    # 1000 mL glucose 10% + 100 mL glucose 50% = 756.8 mOsm/L, above a hospital's 700
    result = assess(
        patient=Patient(weight_kg=Decimal(70), route=Route.PERIPHERAL, age_years=Decimal(40)),
        items=[Item("GLU_10", Decimal(1000), Unit.ML), Item("GLU_50", Decimal(100), Unit.ML)],
        infusion_hours=Decimal(24),
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=TODAY,
        settings=Settings(peripheral_max_mosm_l=Decimal(700)),
    )
    assert codes(result) == [("peripheral_osmolarity_exceeded", "block")]


# A test curve for inorganic phosphate with calcium gluconate: (0, 40), (20, 20), (30, 0)
INORGANIC = curves_from_rows(
    [
        {"phosphate_salt": "inorganic", "calcium_salt": "gluconate", "phosphate_mmol_l": p,
         "max_calcium_mmol_l": ca, "source": "test curve"}
        for p, ca in (("20", "20"), ("0", "40"), ("30", "0"))
    ]
)  # fmt: skip


@pytest.mark.parametrize(
    ("phosphate", "maximum"),
    [("0", "40"), ("10", "30"), ("20", "20"), ("25", "10"), ("30", "0"), ("30.1", "0")],
)
def test_curve_interpolates_linearly_and_nothing_is_compatible_beyond_it(
    phosphate: str, maximum: str
) -> None:
    # between (0, 40) and (20, 20): 40 + (20 - 40) x (10 - 0) / 20 = 30 at P = 10
    curve = INORGANIC[("inorganic", "gluconate")]
    assert curve.max_calcium(Decimal(phosphate)) == Decimal(maximum)


def test_calcium_phosphate_verdict_on_the_aqueous_phase() -> None:
    # 10 mmol Ca and 10 mmol P in 1000 mL: 10 and 10 mmol/L; maximum at P 10 = 30: fine
    ok = verdict(
        calcium_mmol=Decimal(10),
        phosphate_mmol=Decimal(10),
        aqueous_volume_ml=Decimal(1000),
        salts=("inorganic", "gluconate"),
        curves=INORGANIC,
    )
    assert ok.verdict is Verdict.COMPATIBLE
    assert ok.max_calcium_mmol_l == Decimal(30)
    # the same in 300 mL: 33.3 mmol/L each; maximum at P 33.3 (beyond 30) = 0: precipitates
    bad = verdict(
        calcium_mmol=Decimal(10),
        phosphate_mmol=Decimal(10),
        aqueous_volume_ml=Decimal(300),
        salts=("inorganic", "gluconate"),
        curves=INORGANIC,
    )
    assert bad.verdict is Verdict.PRECIPITATION


def test_calcium_with_inorganic_phosphate_blocks_without_a_curve_and_beyond_one() -> None:
    # 100 mL calcium gluconate 10% (22.5 mmol) + 20 mL K2HPO4 (20 mmol) in 1000 mL aqueous
    bag = (("CA_GLUC_10", "100", "mL"), ("P_K2HPO4", "20", "mL"), ("GLU_10", "880", "mL"))
    # the shipped data hold no inorganic curve: the pharmacy must add its own
    assert codes(run(*bag)) == [("calcium_phosphate_no_curve", "block")]
    # with the test curve: Ca 22.5 mmol/L, P 20 mmol/L, maximum at P 20 = 20: precipitates
    beyond = run(*bag, curves=INORGANIC)
    assert codes(beyond) == [("calcium_phosphate_precipitation", "block")]
    assert beyond.calcium_phosphate.calcium_mmol_l == Decimal("22.5")
    # 80 mL of calcium (18 mmol/L) stays under the curve
    within = run(
        ("CA_GLUC_10", "80", "mL"), ("P_K2HPO4", "20", "mL"), ("GLU_10", "900", "mL"),
        curves=INORGANIC,
    )  # fmt: skip
    assert within.calcium_phosphate.verdict is Verdict.COMPATIBLE


def test_calcium_chloride_makes_the_pair_chloride() -> None:
    # Glycophos with calcium chloride: the organic/chloride curve (50 mmol/L) applies
    result = run(("CA_CL_10", "10", "mL"), ("P_GLYCOPHOS", "10", "mL"), ("GLU_10", "980", "mL"))
    assert result.calcium_phosphate.salts == ("organic", "chloride")
    assert result.calcium_phosphate.verdict is Verdict.COMPATIBLE


def test_calcium_alone_is_not_applicable() -> None:
    result = run(("CA_GLUC_10", "10", "mL"), ("GLU_10", "500", "mL"))
    assert result.calcium_phosphate.verdict is Verdict.NOT_APPLICABLE


def test_per_kg_limits_warn_or_block_as_the_data_say() -> None:
    # a 3 kg term neonate (10 days): lipid 5 g/kg (75 mL of 20%) beyond 4 g/kg blocks
    lipid = run(("LIP_SMOFLIPID_20", "5", "g/kg"), ("GLU_10", "100", "mL/kg"),
                weight="3", age_years=None, age_days="10")  # fmt: skip
    above = [f for f in lipid.findings if f.code == "per_kg_above_maximum"]
    assert [(f.parameter, f.severity.value, f.value, f.limit) for f in above] == [
        ("lipid_g_kg", "block", Decimal(5), Decimal(4))
    ]
    # GIR 100 mL/kg of 10% = 10 g/kg/day = 6.94 mg/kg/min: within 2.5-12, no finding
    assert lipid.blocked
    # an adult at 6 mg/kg/min (70 kg: 604.8 g glucose = 864 mL of 70%) only warns
    adult = run(("GLU_70", "864", "mL"))
    assert codes(adult) == [("per_kg_above_maximum", "warn")]
    assert adult.findings[0].parameter == "glucose_mg_kg_min"
    assert adult.findings[0].value == Decimal(6)
    assert not adult.blocked


def test_below_the_minimum_of_a_preterm_neonate() -> None:
    # 1 kg preterm, 1 g/kg amino acids (minimum 1.5) and GIR 3.47 (5 g glucose; minimum 4)
    result = run(("AA_PRIMENE_10", "1", "g/kg"), ("GLU_10", "50", "mL"), ("WFI", "80", "mL"),
                 weight="1", age_years=None, age_days="2", preterm=True)  # fmt: skip
    below = {(f.parameter, f.severity.value) for f in result.findings}
    assert below == {("amino_acids_g_kg", "block"), ("glucose_mg_kg_min", "block")}


@pytest.mark.parametrize(
    ("days", "preterm", "band"),
    [
        ("0", True, Band.NEONATE_PRETERM),
        ("27", True, Band.NEONATE_PRETERM),
        ("27", False, Band.NEONATE_TERM),
        ("28", True, Band.INFANT),
        ("365", False, Band.INFANT),
        ("365.25", False, Band.CHILD),
        ("4382.99", False, Band.CHILD),
        ("4383", False, Band.ADOLESCENT),  # 12 x 365.25
        ("6574.5", False, Band.ADULT),  # 18 x 365.25
    ],
)
def test_age_bands(days: str, preterm: bool, band: Band) -> None:
    assert band_for(age_days=Decimal(days), preterm=preterm) is band


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"weight": None}, "weight_missing", "weight_kg"),
        ({"weight": "0"}, "weight_out_of_range", "weight_kg"),
        ({"weight": "-3"}, "weight_out_of_range", "weight_kg"),
        ({"weight": "1e308"}, "weight_out_of_range", "weight_kg"),
        ({"weight": "NaN"}, "weight_out_of_range", "weight_kg"),
        ({"age_years": None}, "age_missing", "age_days"),
        ({"age_days": "10"}, "age_ambiguous", "age_days"),
        ({"age_years": "-1"}, "age_out_of_range", "age_years"),
        ({"age_years": "1e308"}, "age_out_of_range", "age_years"),
        ({"hours": "0"}, "infusion_hours_out_of_range", "infusion_hours"),
        ({"hours": "25"}, "infusion_hours_out_of_range", "infusion_hours"),
        ({"measured_on": date(2026, 11, 25)}, "weight_stale", "weight_measured_on"),
        ({"measured_on": date(2026, 12, 4)}, "weight_stale", "weight_measured_on"),
    ],
)
def test_patient_refusals(kwargs: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        run(("GLU_10", "500", "mL"), **kwargs)  # type: ignore[arg-type]  # a test's keyword set
    assert (error.value.code, error.value.field) == (code, field)


def test_a_weight_of_the_last_seven_days_is_accepted() -> None:
    assert run(("GLU_10", "500", "mL"), measured_on=date(2026, 11, 26)).composition


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        (("NOPE", "1", "mL"), "component_unknown", "components.1.code"),
        (("GLU\x0010", "1", "mL"), "component_unknown", "components.1.code"),
        (("GLU_10", "0", "mL"), "amount_not_positive", "components.1.amount"),
        (("GLU_10", "-5", "mL"), "amount_not_positive", "components.1.amount"),
        (("GLU_10", "1e308", "mL"), "amount_out_of_range", "components.1.amount"),
        (("GLU_10", "Infinity", "mL"), "amount_not_positive", "components.1.amount"),
        (("GLU_10", "9000", "mL"), "volume_out_of_range", "components"),
    ],
)
def test_component_refusals(row: tuple[str, str, str], code: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        run(("WFI", "1100", "mL"), row)
    assert (error.value.code, error.value.field) == (code, field)


def test_no_component_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        run()
    assert error.value.code == "components_required"
