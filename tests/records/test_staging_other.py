"""Ann Arbor/Lugano, ISS/R-ISS, INSS, FIGO (cervix 2018, ovary 2014), Dukes/Astler-Coller:
rows typed from the published definitions, their edges and refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.records.domain.errors import (
    ClinicalInputMissing,
    ClinicalInputOutOfRange,
    ClinicalInputsInconsistent,
    StageCombinationUndefined,
)
from corsia.records.domain.staging.dukes import dukes_stage
from corsia.records.domain.staging.figo import figo_cervix_stage, figo_ovary_stage
from corsia.records.domain.staging.lymphoma import lugano_stage
from corsia.records.domain.staging.myeloma import iss, r_iss
from corsia.records.domain.staging.neuroblastoma import inss_stage


def test_lugano_hodgkin_designation_with_b_symptoms_extranodal_and_bulk() -> None:
    result = lugano_stage(stage=2, hodgkin=True, b_symptoms=True, extranodal=True, bulky=True)
    assert result.stage == "IIBE"
    assert result.categories == "II, B, E, bulky"
    assert result.label == "Stadio IIBE, bulky (II bulky: limitata o avanzata secondo l'istologia)"
    assert result.reference.short == "Lugano 2014 (Cheson)"


@pytest.mark.parametrize(
    ("inputs", "stage", "label"),
    [
        ({"stage": 1, "hodgkin": True, "b_symptoms": False}, "IA", "Stadio IA (malattia limitata)"),
        ({"stage": 1, "hodgkin": False, "extranodal": True}, "IE", "Stadio IE (malattia limitata)"),
        # Lugano: A/B only for Hodgkin lymphoma
        (
            {"stage": 3, "hodgkin": False, "b_symptoms": True},
            "III",
            "Stadio III (malattia avanzata)",
        ),
        (
            {"stage": 4, "hodgkin": True, "b_symptoms": True, "bulky": True},
            "IVB",
            "Stadio IVB, bulky (malattia avanzata)",
        ),
    ],
)
def test_lugano_designations(inputs: dict[str, Any], stage: str, label: str) -> None:
    result = lugano_stage(**inputs)
    assert (result.stage, result.label) == (stage, label)


def test_lugano_refusals() -> None:
    with pytest.raises(ClinicalInputsInconsistent) as caught:
        lugano_stage(stage=3, hodgkin=False, extranodal=True)
    assert caught.value.field == "extranodal"
    with pytest.raises(ClinicalInputMissing) as missing:
        lugano_stage(stage=2, hodgkin=True)
    assert missing.value.field == "b_symptoms"
    with pytest.raises(ClinicalInputOutOfRange):
        lugano_stage(stage=5, hodgkin=False)


@pytest.mark.parametrize(
    ("b2m", "albumin", "stage"),
    [
        ("3.4", "3.5", "I"),  # β2M < 3.5 and albumin ≥ 3.5
        ("3.4", "3.4", "II"),  # low albumin alone
        ("3.5", "4.0", "II"),  # β2M 3.5 is not < 3.5
        ("5.4", "2.0", "II"),
        ("5.5", "4.0", "III"),  # β2M ≥ 5.5 whatever the albumin
    ],
)
def test_iss(b2m: str, albumin: str, stage: str) -> None:
    result = iss(beta2_microglobulin_mg_l=Decimal(b2m), albumin_g_dl=Decimal(albumin))
    assert result.stage == stage
    assert result.reference.short == "Greipp 2005"


R_ISS_BASE: dict[str, Any] = {
    "beta2_microglobulin_mg_l": Decimal("2.5"),
    "albumin_g_dl": Decimal("4.0"),
    "del_17p": False,
    "t_4_14": False,
    "t_14_16": False,
    "ldh": 200,
    "ldh_uln": 250,
}


@pytest.mark.parametrize(
    ("change", "stage"),
    [
        ({}, "I"),  # ISS I, standard risk, LDH normal
        ({"ldh": 250}, "I"),  # LDH at the upper limit is normal
        ({"del_17p": True}, "II"),  # ISS I with high-risk cytogenetics
        ({"ldh": 251}, "II"),
        ({"beta2_microglobulin_mg_l": 4}, "II"),  # ISS II
        ({"beta2_microglobulin_mg_l": 4, "t_4_14": True, "ldh": 400}, "II"),  # ISS II stays II
        ({"beta2_microglobulin_mg_l": 6}, "II"),  # ISS III, standard risk, LDH normal
        ({"beta2_microglobulin_mg_l": 6, "t_14_16": True}, "III"),
        ({"beta2_microglobulin_mg_l": 6, "ldh": 300}, "III"),
    ],
)
def test_r_iss(change: dict[str, Any], stage: str) -> None:
    result = r_iss(**(R_ISS_BASE | change))
    assert result.stage == stage
    assert result.reference.short == "Palumbo 2015"


def test_r_iss_refuses_an_unknown_fish_result() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        r_iss(**(R_ISS_BASE | {"t_14_16": None}))
    assert caught.value.field == "t_14_16"


LOCALISED: dict[str, Any] = {
    "distant_dissemination": False,
    "crosses_midline": False,
    "contralateral_nodes": False,
}


@pytest.mark.parametrize(
    ("inputs", "stage"),
    [
        (LOCALISED | {"complete_gross_excision": True, "ipsilateral_nodes_positive": False}, "1"),
        (LOCALISED | {"complete_gross_excision": False, "ipsilateral_nodes_positive": False}, "2A"),
        (LOCALISED | {"complete_gross_excision": True, "ipsilateral_nodes_positive": True}, "2B"),
        (LOCALISED | {"complete_gross_excision": False, "ipsilateral_nodes_positive": True}, "2B"),
        (LOCALISED | {"crosses_midline": True}, "3"),
        (LOCALISED | {"contralateral_nodes": True}, "3"),
        (LOCALISED | {"distant_dissemination": True, "age_months": 30}, "4"),
        (
            LOCALISED
            | {
                "distant_dissemination": True,
                "age_months": 6,
                "dissemination_limited_to_skin_liver_marrow": True,
                "marrow_tumour_cells_pct": Decimal("9.9"),
            },
            "4S",
        ),
        (
            LOCALISED
            | {
                "distant_dissemination": True,
                "age_months": 6,
                "dissemination_limited_to_skin_liver_marrow": True,
                "marrow_tumour_cells_pct": 10,  # 4S needs < 10 %
            },
            "4",
        ),
        (
            LOCALISED
            | {
                "distant_dissemination": True,
                "age_months": 12,  # 4S is for infants under 1 year
                "dissemination_limited_to_skin_liver_marrow": True,
                "marrow_tumour_cells_pct": 5,
            },
            "4",
        ),
        (
            LOCALISED | {"distant_dissemination": True, "age_months": 6, "crosses_midline": True},
            "4",  # the primary of a 4S must be localised
        ),
        (
            LOCALISED
            | {
                "distant_dissemination": True,
                "age_months": 6,
                "dissemination_limited_to_skin_liver_marrow": False,
            },
            "4",
        ),
    ],
)
def test_inss(inputs: dict[str, Any], stage: str) -> None:
    result = inss_stage(**inputs)
    assert result.stage == stage
    assert result.reference.short == "Brodeur 1993"


def test_inss_asks_for_what_the_decision_needs() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        inss_stage(**(LOCALISED | {"distant_dissemination": True}))
    assert caught.value.field == "age_months"
    with pytest.raises(ClinicalInputMissing) as caught:
        inss_stage(**LOCALISED)
    assert caught.value.field == "complete_gross_excision"
    with pytest.raises(ClinicalInputMissing) as caught:
        inss_stage(distant_dissemination=None)
    assert caught.value.field == "distant_dissemination"


CERVIX_LOCAL: dict[str, Any] = {
    "distant_metastases": False,
    "bladder_or_rectal_mucosa": False,
    "para_aortic_nodes": False,
    "pelvic_nodes": False,
    "pelvic_wall_or_hydronephrosis": False,
    "vagina": "none",
    "parametrium": False,
}


@pytest.mark.parametrize(
    ("change", "stage"),
    [
        ({"invasion_depth_mm": Decimal("2.9")}, "IA1"),
        ({"invasion_depth_mm": 3}, "IA2"),
        ({"invasion_depth_mm": Decimal("4.9")}, "IA2"),
        ({"invasion_depth_mm": 5, "tumour_size_cm": Decimal("1.9")}, "IB1"),
        ({"invasion_depth_mm": 8, "tumour_size_cm": 2}, "IB2"),
        ({"invasion_depth_mm": 8, "tumour_size_cm": Decimal("3.9")}, "IB2"),
        ({"invasion_depth_mm": 8, "tumour_size_cm": 4}, "IB3"),
        ({"vagina": "upper_two_thirds", "tumour_size_cm": Decimal("3.9")}, "IIA1"),
        ({"vagina": "upper_two_thirds", "tumour_size_cm": 4}, "IIA2"),
        ({"parametrium": True}, "IIB"),
        ({"parametrium": True, "vagina": "lower_third"}, "IIIA"),
        ({"pelvic_wall_or_hydronephrosis": True}, "IIIB"),
        ({"pelvic_nodes": True, "nodal_evidence": "p"}, "IIIC1p"),
        ({"pelvic_nodes": True, "nodal_evidence": "r", "parametrium": True}, "IIIC1r"),
        ({"para_aortic_nodes": True, "nodal_evidence": "r"}, "IIIC2r"),
        ({"bladder_or_rectal_mucosa": True, "pelvic_nodes": True}, "IVA"),
        ({"distant_metastases": True}, "IVB"),
    ],
)
def test_figo_cervix_2018(change: dict[str, Any], stage: str) -> None:
    result = figo_cervix_stage(**(CERVIX_LOCAL | change))
    assert result.stage == stage
    assert result.label == f"FIGO {stage}"


def test_figo_cervix_asks_how_nodes_were_shown_and_for_the_depth_of_stage_i() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        figo_cervix_stage(**(CERVIX_LOCAL | {"pelvic_nodes": True}))
    assert caught.value.field == "nodal_evidence"
    with pytest.raises(ClinicalInputMissing) as caught:
        figo_cervix_stage(**CERVIX_LOCAL)
    assert caught.value.field == "invasion_depth_mm"
    # A stage IVB needs nothing else
    assert figo_cervix_stage(distant_metastases=True).stage == "IVB"


OVARY_LOCAL: dict[str, Any] = {
    "parenchymal_or_extra_abdominal_metastases": False,
    "pleural_effusion_positive_cytology": False,
    "extrapelvic_peritoneal": "none",
    "retroperitoneal_nodes": "none",
    "pelvic_extension": "none",
    "ovaries_involved": "one",
    "surgical_spill": False,
    "capsule_ruptured_or_surface_tumour": False,
    "malignant_ascites_or_washings": False,
}


@pytest.mark.parametrize(
    ("change", "stage"),
    [
        ({}, "IA"),
        ({"ovaries_involved": "both"}, "IB"),
        ({"surgical_spill": True}, "IC1"),
        ({"capsule_ruptured_or_surface_tumour": True, "surgical_spill": True}, "IC2"),
        ({"malignant_ascites_or_washings": True, "ovaries_involved": "both"}, "IC3"),
        ({"pelvic_extension": "uterus_tubes_ovaries"}, "IIA"),
        ({"pelvic_extension": "other_pelvic_tissues"}, "IIB"),
        ({"retroperitoneal_nodes": "up_to_10_mm"}, "IIIA1(i)"),
        (
            {"retroperitoneal_nodes": "over_10_mm", "pelvic_extension": "other_pelvic_tissues"},
            "IIIA1(ii)",
        ),
        ({"extrapelvic_peritoneal": "microscopic", "retroperitoneal_nodes": "over_10_mm"}, "IIIA2"),
        ({"extrapelvic_peritoneal": "macroscopic_up_to_2_cm"}, "IIIB"),
        ({"extrapelvic_peritoneal": "macroscopic_over_2_cm"}, "IIIC"),
        ({"pleural_effusion_positive_cytology": True}, "IVA"),
        ({"parenchymal_or_extra_abdominal_metastases": True}, "IVB"),
    ],
)
def test_figo_ovary_2014(change: dict[str, Any], stage: str) -> None:
    result = figo_ovary_stage(**(OVARY_LOCAL | change))
    assert result.stage == stage
    assert result.reference.short == "FIGO 2014 (Prat 2014)"


def test_figo_ovary_refuses_an_unknown_extent() -> None:
    with pytest.raises(ClinicalInputOutOfRange) as caught:
        figo_ovary_stage(**(OVARY_LOCAL | {"extrapelvic_peritoneal": "some"}))
    assert caught.value.field == "extrapelvic_peritoneal"


@pytest.mark.parametrize(
    ("t", "n", "m", "dukes", "mac"),
    [
        ("T1", "N0", "M0", "A", "A"),
        ("T2", "N0", "M0", "A", "B1"),
        ("T3", "N0", "M0", "B", "B2"),
        ("T4a", "N0", "M0", "B", "B2"),
        ("T4b", "N0", "M0", "B", "B3"),
        ("T2", "N1a", "M0", "C", "C1"),
        ("T1", "N2b", "M0", "C", "C1"),
        ("T3", "N2a", "M0", "C", "C2"),
        ("T4a", "N1", "M0", "C", "C2"),
        ("T4b", "N2b", "M0", "C", "C3"),
        ("T3", "N1", "M1a", "D", "D"),
        ("pT3", "N0", "M0", "B", "B2"),
    ],
)
def test_dukes_and_astler_coller(t: str, n: str, m: str, dukes: str, mac: str) -> None:
    by_dukes, by_mac = dukes_stage(t=t, n=n, m=m)
    assert (by_dukes.stage, by_mac.stage) == (dukes, mac)


@pytest.mark.parametrize(("t", "n"), [("Tis", "N0"), ("TX", "N0"), ("T3", "NX")])
def test_dukes_refuses_what_it_cannot_stage(t: str, n: str) -> None:
    with pytest.raises(StageCombinationUndefined):
        dukes_stage(t=t, n=n, m="M0")
