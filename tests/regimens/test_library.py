"""The preloaded library: loads (idempotently) in test, demo validation, and a sample of doses
checked against the cited publications (values written here from the papers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.core.domain.errors import ValidationFailed
from corsia.regimens import data, library, selectors
from corsia.regimens.domain.spec import RegimenSpec
from corsia.regimens.domain.structure import validate_structure
from corsia.regimens.models import Regimen, RegimenApproval, RegimenVersion
from corsia.testing.regimens import make_ingredients

SPECS = {s.code: s for s in data.specs()}


def _ingredient_codes() -> set[str]:
    return {c.ingredient for s in SPECS.values() for c in s.components}


def _doses(
    spec: RegimenSpec, ingredient: str
) -> list[tuple[str, str, tuple[int, ...], str | None]]:
    return [
        (
            format(c.dose.normalize(), "f"),
            c.dose_unit,
            c.days,
            None if c.max_dose is None else format(c.max_dose.normalize(), "f"),
        )
        for c in spec.components
        if c.ingredient == ingredient
    ]


def test_library_size_and_coverage() -> None:
    specs = list(SPECS.values())
    # 116 before the adult solid-tumour files (solid_breast, solid_thoracic, solid_gi,
    # solid_gu_gyn, solid_other: 158 more); the goal is 300 across the library
    assert len(specs) >= 274
    assert sum(1 for s in specs if s.paediatric is not None) >= 10
    assert all(validate_structure(s) == [] for s in specs)
    assert all(s.bibliography for s in specs)
    sites = {d.code for s in specs for d in s.diseases}
    for code in (
        "C50.9",
        "C18.9",
        "C34.9",
        "C16.9",
        "C25.9",
        "C56.9",
        "C76.0",
        "C67.9",
        "C61.9",
        "C49.9",
        "C62.9",
        "C15.9",
        "C21.1",
        "C22.0",
        "C24.9",
        "C38.4",
        "C44.9",
        "C53.9",
        "C54.1",
        "C64.9",
        "C71.9",
        "C73.9",
        "8936/3",
        "8240/3",
        "9440/3",
        "9650/3",
        "9680/3",
        "9732/3",
        "9861/3",
        "9875/3",
        "9823/3",
        "9811/3",
    ):
        assert code in sites, code


# --- doses from the primary publications -------------------------------------------------


def test_folfox4_de_gramont_jco_2000() -> None:
    # de Gramont A et al. J Clin Oncol 2000;18:2938-47: oxaliplatin 85 mg/m² 2 h d1; leucovorin
    # 200 mg/m² 2 h d1-2; 5-FU 400 mg/m² bolus then 600 mg/m² 22 h infusion d1-2; every 14 days.
    s = SPECS["FOLFOX-4"]
    assert s.cycle_length_days == 14
    assert _doses(s, "oxaliplatin") == [("85", "mg/m2", (1,), None)]
    assert _doses(s, "calcium_folinate") == [("200", "mg/m2", (1, 2), None)]
    assert _doses(s, "fluorouracil") == [
        ("400", "mg/m2", (1, 2), None),
        ("600", "mg/m2", (1, 2), None),
    ]
    assert [c.duration_minutes for c in s.components if c.ingredient == "fluorouracil"] == [
        None,
        1320,
    ]


def test_abvd_bonadonna_cancer_1975() -> None:
    # Bonadonna G et al. Cancer 1975;36:252-9: doxorubicin 25, bleomycin 10 U/m², vinblastine 6,
    # dacarbazine 375 mg/m², days 1 and 15, every 28 days.
    s = SPECS["ABVD"]
    assert s.cycle_length_days == 28
    assert _doses(s, "doxorubicin") == [("25", "mg/m2", (1, 15), None)]
    assert _doses(s, "bleomycin") == [("10", "U/m2", (1, 15), None)]
    assert _doses(s, "vinblastine") == [("6", "mg/m2", (1, 15), None)]
    assert _doses(s, "dacarbazine") == [("375", "mg/m2", (1, 15), None)]


def test_r_chop_21_coiffier_nejm_2002() -> None:
    # Coiffier B et al. N Engl J Med 2002;346:235-42: rituximab 375 mg/m², cyclophosphamide 750,
    # doxorubicin 50, vincristine 1.4 mg/m² (max 2 mg) d1, prednisone 40 mg/m² d1-5; q21, 8 cycles.
    s = SPECS["R-CHOP-21"]
    assert (s.cycle_length_days, s.max_cycles) == (21, 8)
    assert _doses(s, "rituximab") == [("375", "mg/m2", (1,), None)]
    assert _doses(s, "cyclophosphamide") == [("750", "mg/m2", (1,), None)]
    assert _doses(s, "doxorubicin") == [("50", "mg/m2", (1,), None)]
    assert _doses(s, "vincristine") == [("1.4", "mg/m2", (1,), "2")]
    assert _doses(s, "prednisone") == [("40", "mg/m2", (1, 2, 3, 4, 5), None)]


def test_folfirinox_conroy_nejm_2011() -> None:
    # Conroy T et al. N Engl J Med 2011;364:1817-25: oxaliplatin 85, leucovorin 400, irinotecan
    # 180 mg/m², 5-FU 400 mg/m² bolus then 2400 mg/m² over 46 h; every 2 weeks.
    s = SPECS["FOLFIRINOX"]
    assert _doses(s, "oxaliplatin") == [("85", "mg/m2", (1,), None)]
    assert _doses(s, "irinotecan") == [("180", "mg/m2", (1,), None)]
    assert _doses(s, "calcium_folinate") == [("400", "mg/m2", (1,), None)]
    assert _doses(s, "fluorouracil") == [
        ("400", "mg/m2", (1,), None),
        ("2400", "mg/m2", (1,), None),
    ]


def test_bep_williams_nejm_1987() -> None:
    # Williams SD et al. N Engl J Med 1987;316:1435-40: cisplatin 20 mg/m² d1-5, etoposide
    # 100 mg/m² d1-5, bleomycin 30 units weekly (d2, 9, 16); every 21 days.
    s = SPECS["BEP"]
    assert _doses(s, "cisplatin") == [("20", "mg/m2", (1, 2, 3, 4, 5), None)]
    assert _doses(s, "etoposide") == [("100", "mg/m2", (1, 2, 3, 4, 5), None)]
    assert _doses(s, "bleomycin") == [("30", "U", (2, 9, 16), None)]


def test_carboplatin_paclitaxel_schiller_nejm_2002() -> None:
    # Schiller JH et al. N Engl J Med 2002;346:92-8: paclitaxel 225 mg/m² over 3 h, carboplatin
    # AUC 6, every 21 days.
    s = SPECS["CARBO-PACLI"]
    assert _doses(s, "paclitaxel") == [("225", "mg/m2", (1,), None)]
    assert _doses(s, "carboplatin") == [("6", "AUC", (1,), None)]


def test_paediatric_va_wilms_siop_2001_and_threshold() -> None:
    # Pritchard-Jones K et al. Lancet 2015 (SIOP WT 2001): preoperative vincristine 1.5 mg/m²
    # (max 2 mg) weekly x4, actinomycin D 45 mcg/kg d1, d15; weight-based below 12 kg (SIOP).
    s = SPECS["VA-WILMS"]
    assert _doses(s, "vincristine") == [("1.5", "mg/m2", (1, 8, 15, 22), "2")]
    assert _doses(s, "dactinomycin") == [("45", "mcg/kg", (1, 15), "2000")]
    assert s.paediatric is not None and s.paediatric.mg_kg_below_weight_kg == Decimal("12")


def test_oepa_euronet_phl_c1() -> None:
    # Mauz-Körholz C et al. Lancet Oncol 2022 (EuroNet-PHL-C1): vincristine 1.5 mg/m² (max 2) d1,
    # 8, 15; etoposide 125 mg/m² d1-5; prednisone 60 mg/m²/day in 3 doses d1-15 (20 mg/m²
    # three times a day); doxorubicin 40 mg/m² d1, 15.
    s = SPECS["OEPA"]
    assert _doses(s, "vincristine") == [("1.5", "mg/m2", (1, 8, 15), "2")]
    assert _doses(s, "etoposide") == [("125", "mg/m2", (1, 2, 3, 4, 5), None)]
    assert _doses(s, "prednisone") == [("20", "mg/m2", tuple(range(1, 16)), None)]
    assert [c.administrations_per_day for c in s.components if c.ingredient == "prednisone"] == [3]
    assert _doses(s, "doxorubicin") == [("40", "mg/m2", (1, 15), None)]


# --- loading -------------------------------------------------------------------------------


def test_missing_ingredients_are_named_and_nothing_is_loaded(db: None) -> None:
    make_ingredients(_ingredient_codes() - {"trabectedin", "eribulin"})
    with pytest.raises(ValidationFailed) as error:
        library.load_preloaded()
    assert error.value.code == "unknown_ingredient"
    assert error.value.details["missing"] == ["eribulin", "trabectedin"]
    assert not Regimen.objects.exists()


def test_library_loads_in_test_idempotently_and_demo_validation_makes_it_prescribable(
    make_user: Any,
) -> None:
    make_ingredients(_ingredient_codes())
    medico = make_user(Role.PHYSICIAN, username="medico")
    medico2 = make_user(Role.PHYSICIAN, username="medico2")
    assert library.load_preloaded() == f"regimen library: {len(SPECS)} loaded, 0 already present"
    assert library.load_preloaded() == f"regimen library: 0 loaded, {len(SPECS)} already present"
    assert set(RegimenVersion.objects.values_list("status", flat=True)) == {"in_test"}
    stored = RegimenVersion.objects.get(regimen__code="R-CHOP-21")
    assert selectors.version_spec(stored) == SPECS["R-CHOP-21"]

    library.validate_for_demo(validators=("medico", "medico2"))
    assert set(RegimenVersion.objects.values_list("status", flat=True)) == {"validated"}
    assert RegimenApproval.objects.filter(approver=medico).count() == len(SPECS)
    assert RegimenApproval.objects.filter(approver=medico2).count() == len(SPECS)
    stored.refresh_from_db()
    selectors.ensure_prescribable(stored)
    assert library.validate_for_demo(validators=("medico", "medico2")).startswith(
        "regimen library: 0 demo approvals"
    )
