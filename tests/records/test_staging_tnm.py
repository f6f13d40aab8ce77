"""TNM 8th edition stage groups: rows typed from the published AJCC/UICC tables, edge rows,
refusals of categories and combinations a site does not define, and whole-table invariants."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest

from corsia.records.domain.errors import (
    ClinicalInputMissing,
    ClinicalInputOutOfRange,
    ClinicalInputsInconsistent,
    StageCombinationUndefined,
    StagingCategoryInvalid,
)
from corsia.records.domain.staging.tnm import tnm_stage
from corsia.records.domain.staging.tnm_tables import TABLES, Table, TnmClassification, TnmSite

# Lung (NSCLC): Goldstraw 2016, Table 3 / AJCC 8 ch. 36
LUNG_ROWS = [
    ("TX", "N0", "M0", "occult"),
    ("Tis", "N0", "M0", "0"),
    ("T1mi", "N0", "M0", "IA1"),
    ("T1a", "N0", "M0", "IA1"),
    ("T1b", "N0", "M0", "IA2"),
    ("T1c", "N0", "M0", "IA3"),
    ("T2a", "N0", "M0", "IB"),
    ("T2b", "N0", "M0", "IIA"),
    ("T1a", "N1", "M0", "IIB"),
    ("T2b", "N1", "M0", "IIB"),
    ("T3", "N0", "M0", "IIB"),
    ("T1c", "N2", "M0", "IIIA"),
    ("T3", "N1", "M0", "IIIA"),
    ("T4", "N0", "M0", "IIIA"),
    ("T4", "N1", "M0", "IIIA"),
    ("T2a", "N3", "M0", "IIIB"),
    ("T3", "N2", "M0", "IIIB"),
    ("T4", "N2", "M0", "IIIB"),
    ("T3", "N3", "M0", "IIIC"),
    ("T4", "N3", "M0", "IIIC"),
    ("T1a", "N0", "M1a", "IVA"),
    ("TX", "NX", "M1b", "IVA"),
    ("T2a", "N2", "M1c", "IVB"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), LUNG_ROWS)
def test_lung_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    result = tnm_stage(site="lung", t=t, n=n, m=m)
    assert result.stage == stage
    assert result.system == "tnm8_lung"
    assert result.reference.short == "TNM 8 (Goldstraw 2016)"


# Colon and rectum: AJCC 8 ch. 20
COLORECTUM_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1", "N0", "M0", "I"),
    ("T2", "N0", "M0", "I"),
    ("T3", "N0", "M0", "IIA"),
    ("T4a", "N0", "M0", "IIB"),
    ("T4b", "N0", "M0", "IIC"),
    ("T2", "N1c", "M0", "IIIA"),
    ("T1", "N2a", "M0", "IIIA"),
    ("T3", "N1a", "M0", "IIIB"),
    ("T4a", "N1b", "M0", "IIIB"),
    ("T2", "N2a", "M0", "IIIB"),
    ("T1", "N2b", "M0", "IIIB"),
    ("T2", "N2b", "M0", "IIIB"),
    ("T4a", "N2a", "M0", "IIIC"),
    ("T3", "N2b", "M0", "IIIC"),
    ("T4b", "N1a", "M0", "IIIC"),
    ("T4b", "N2b", "M0", "IIIC"),
    ("T3", "N1", "M1a", "IVA"),
    ("T3", "N1", "M1b", "IVB"),
    ("T3", "N1", "M1c", "IVC"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), COLORECTUM_ROWS)
def test_colorectal_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    assert tnm_stage(site="colorectum", t=t, n=n, m=m).stage == stage


# Breast, anatomic stage groups: AJCC 8 ch. 48
BREAST_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1mi", "N0", "M0", "IA"),
    ("T1c", "N0", "M0", "IA"),
    ("T0", "N1mi", "M0", "IB"),
    ("T1b", "N1mi", "M0", "IB"),
    ("T0", "N1", "M0", "IIA"),
    ("T1", "N1a", "M0", "IIA"),
    ("T2", "N0", "M0", "IIA"),
    ("T2", "N1mi", "M0", "IIB"),  # with T2, N1mi stages as N1
    ("T2", "N1b", "M0", "IIB"),
    ("T3", "N0", "M0", "IIB"),
    ("T0", "N2", "M0", "IIIA"),
    ("T2", "N2a", "M0", "IIIA"),
    ("T3", "N1", "M0", "IIIA"),
    ("T3", "N2b", "M0", "IIIA"),
    ("T4b", "N0", "M0", "IIIB"),
    ("T4d", "N2", "M0", "IIIB"),
    ("T1a", "N3a", "M0", "IIIC"),
    ("T4", "N3c", "M0", "IIIC"),
    ("T2", "N1", "M1", "IV"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), BREAST_ROWS)
def test_breast_anatomic_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    assert tnm_stage(site="breast", t=t, n=n, m=m).stage == stage


# Stomach: AJCC 8 ch. 17, pathological (pTNM) and clinical (cTNM) tables
STOMACH_PATHOLOGICAL_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1", "N0", "M0", "IA"),
    ("T1a", "N1", "M0", "IB"),
    ("T2", "N0", "M0", "IB"),
    ("T1", "N2", "M0", "IIA"),
    ("T2", "N1", "M0", "IIA"),
    ("T3", "N0", "M0", "IIA"),
    ("T1", "N3a", "M0", "IIB"),
    ("T2", "N2", "M0", "IIB"),
    ("T3", "N1", "M0", "IIB"),
    ("T4a", "N0", "M0", "IIB"),
    ("T2", "N3a", "M0", "IIIA"),
    ("T3", "N2", "M0", "IIIA"),
    ("T4a", "N2", "M0", "IIIA"),
    ("T4b", "N0", "M0", "IIIA"),
    ("T1", "N3b", "M0", "IIIB"),
    ("T3", "N3a", "M0", "IIIB"),
    ("T4b", "N2", "M0", "IIIB"),
    ("T3", "N3b", "M0", "IIIC"),
    ("T4a", "N3b", "M0", "IIIC"),
    ("T4b", "N3a", "M0", "IIIC"),
    ("T4b", "N3b", "M0", "IIIC"),
    ("T2", "N1", "M1", "IV"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), STOMACH_PATHOLOGICAL_ROWS)
def test_stomach_pathological_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    result = tnm_stage(site="stomach", t=f"p{t}", n=n, m=m)
    assert result.stage == stage
    assert result.categories == f"p{t} {n} {m}"


STOMACH_CLINICAL_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1", "N0", "M0", "I"),
    ("T2", "N0", "M0", "I"),
    ("T1", "N3", "M0", "IIA"),
    ("T2", "N2", "M0", "IIA"),
    ("T3", "N0", "M0", "IIB"),
    ("T4a", "N0", "M0", "IIB"),
    ("T3", "N2", "M0", "III"),
    ("T4a", "N3", "M0", "III"),
    ("T4b", "N0", "M0", "IVA"),
    ("T1", "N0", "M1", "IVB"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), STOMACH_CLINICAL_ROWS)
def test_stomach_clinical_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    assert tnm_stage(site="stomach", t=t, n=n, m=m, classification="clinical").stage == stage


def test_the_same_gastric_categories_stage_differently_clinically_and_pathologically() -> None:
    # Given T3 N1 M0: clinical table III, pathological table IIB
    assert tnm_stage(site="stomach", t="cT3", n="N1", m="M0").stage == "III"
    assert tnm_stage(site="stomach", t="pT3", n="N1", m="M0").stage == "IIB"


def test_stomach_needs_to_know_clinical_or_pathological() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        tnm_stage(site="stomach", t="T3", n="N1", m="M0")
    assert caught.value.field == "classification"
    with pytest.raises(ClinicalInputsInconsistent):
        tnm_stage(site="stomach", t="pT3", n="N1", m="M0", classification="clinical")


# Prostate: AJCC 8 ch. 58, with PSA (ng/mL) and Grade Group
PROSTATE_ROWS = [
    ("cT1a", "N0", "M0", "5", 1, "I"),
    ("cT1c", "N0", "M0", "9.9", 1, "I"),
    ("cT2a", "N0", "M0", "4", 1, "I"),
    ("pT2", "N0", "M0", "4", 1, "I"),
    ("cT1c", "N0", "M0", "10", 1, "IIA"),
    ("cT2a", "N0", "M0", "19.9", 1, "IIA"),
    ("cT2b", "N0", "M0", "4", 1, "IIA"),
    ("cT2c", "N0", "M0", "15", 1, "IIA"),
    ("cT2a", "N0", "M0", "15", 2, "IIB"),
    ("cT1c", "N0", "M0", "5", 3, "IIC"),
    ("pT2", "N0", "M0", "19.9", 4, "IIC"),
    ("cT2c", "N0", "M0", "20", 1, "IIIA"),
    ("cT1c", "N0", "M0", "45", 4, "IIIA"),
    ("cT3a", "N0", "M0", "5", 2, "IIIB"),
    ("cT4", "N0", "M0", "80", 4, "IIIB"),
    ("cT1c", "N0", "M0", "5", 5, "IIIC"),
    ("cT3b", "N0", "M0", "30", 5, "IIIC"),
    ("cT2a", "N1", "M0", "5", 1, "IVA"),
    ("cT2a", "N0", "M1b", "5", 1, "IVB"),
    ("TX", "NX", "M1", "5", 1, "IVB"),
]


@pytest.mark.parametrize(("t", "n", "m", "psa", "grade", "stage"), PROSTATE_ROWS)
def test_prostate_stage_groups(*, t: str, n: str, m: str, psa: str, grade: int, stage: str) -> None:
    result = tnm_stage(site="prostate", t=t, n=n, m=m, psa_ng_ml=Decimal(psa), grade_group=grade)
    assert result.stage == stage


def test_prostate_needs_psa_and_grade_group() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        tnm_stage(site="prostate", t="T1c", n="N0", m="M0", grade_group=1)
    assert caught.value.field == "psa_ng_ml"
    with pytest.raises(ClinicalInputMissing) as caught:
        tnm_stage(site="prostate", t="T1c", n="N0", m="M0", psa_ng_ml=5)
    assert caught.value.field == "grade_group"


@pytest.mark.parametrize(("t", "n"), [("T0", "N0"), ("TX", "N0"), ("T2a", "NX")])
def test_prostate_combinations_without_a_group_are_refused(t: str, n: str) -> None:
    with pytest.raises(StageCombinationUndefined):
        tnm_stage(site="prostate", t=t, n=n, m="M0", psa_ng_ml=5, grade_group=1)


# Melanoma: Gershenwald 2017, clinical (Table 4) and pathological (Table 5)
MELANOMA_CLINICAL_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1a", "N0", "M0", "IA"),
    ("T1b", "N0", "M0", "IB"),
    ("T2a", "N0", "M0", "IB"),
    ("T2b", "N0", "M0", "IIA"),
    ("T3a", "N0", "M0", "IIA"),
    ("T3b", "N0", "M0", "IIB"),
    ("T4a", "N0", "M0", "IIB"),
    ("T4b", "N0", "M0", "IIC"),
    ("T2a", "N1", "M0", "III"),
    ("T0", "N2b", "M0", "III"),
    ("T1a", "N0", "M1a", "IV"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), MELANOMA_CLINICAL_ROWS)
def test_melanoma_clinical_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    assert tnm_stage(site="melanoma", t=f"c{t}", n=n, m=m).stage == stage


MELANOMA_PATHOLOGICAL_ROWS = [
    ("Tis", "N0", "M0", "0"),
    ("T1a", "N0", "M0", "IA"),
    ("T1b", "N0", "M0", "IA"),
    ("T2a", "N0", "M0", "IB"),
    ("T3a", "N0", "M0", "IIA"),
    ("T4a", "N0", "M0", "IIB"),
    ("T4b", "N0", "M0", "IIC"),
    ("T1a", "N1a", "M0", "IIIA"),
    ("T2a", "N2a", "M0", "IIIA"),
    ("T0", "N1b", "M0", "IIIB"),
    ("T1b", "N2b", "M0", "IIIB"),
    ("T3a", "N2b", "M0", "IIIB"),
    ("T2b", "N1a", "M0", "IIIB"),
    ("T0", "N3c", "M0", "IIIC"),
    ("T3a", "N2c", "M0", "IIIC"),
    ("T1a", "N3a", "M0", "IIIC"),
    ("T4a", "N1a", "M0", "IIIC"),
    ("T3b", "N3c", "M0", "IIIC"),
    ("T4b", "N2c", "M0", "IIIC"),
    ("T4b", "N3a", "M0", "IIID"),
    ("T4b", "N3c", "M0", "IIID"),
    ("T2a", "N0", "M1d", "IV"),
]


@pytest.mark.parametrize(("t", "n", "m", "stage"), MELANOMA_PATHOLOGICAL_ROWS)
def test_melanoma_pathological_stage_groups(t: str, n: str, m: str, stage: str) -> None:
    assert tnm_stage(site="melanoma", t=t, n=n, m=m, classification="pathological").stage == stage


@pytest.mark.parametrize(
    ("site", "t", "n", "m", "field"),
    [
        ("lung", "T1", "N0", "M0", "t"),  # the 8th edition stages T1a–c, not T1
        ("lung", "T4a", "N0", "M0", "t"),
        ("lung", "T2a", "N0", "M1", "m"),  # M1a/b/c decide IVA or IVB
        ("colorectum", "T4", "N0", "M0", "t"),  # T4a or T4b
        ("colorectum", "T3", "N2", "M0", "n"),  # N2a or N2b
        ("breast", "T5", "N0", "M0", "t"),
        ("breast", "T2", "N4", "M0", "n"),
        ("breast", "T2", "N0", "M1a", "m"),
        ("prostate", "T2d", "N0", "M0", "t"),
        ("melanoma", "T1", "N0", "M0", "t"),
    ],
)
def test_categories_a_site_does_not_define_are_refused(
    site: str, t: str, n: str, m: str, field: str
) -> None:
    with pytest.raises(StagingCategoryInvalid) as caught:
        tnm_stage(site=site, t=t, n=n, m=m, classification="clinical", psa_ng_ml=5, grade_group=1)
    assert caught.value.code == "tnm_category_invalid"
    assert caught.value.field == field
    assert "non è definita per la sede" in caught.value.message


def test_pathological_gastric_n3_must_be_subdivided() -> None:
    with pytest.raises(StagingCategoryInvalid):
        tnm_stage(site="stomach", t="pT2", n="N3", m="M0")


@pytest.mark.parametrize(
    ("site", "t", "n", "classification"),
    [
        ("lung", "Tis", "N1", None),
        ("lung", "T1mi", "N1", None),
        ("lung", "T0", "N0", None),
        ("lung", "T2a", "NX", None),
        ("colorectum", "Tis", "N1a", None),
        ("colorectum", "TX", "N0", None),
        ("breast", "T0", "N0", None),
        ("breast", "Tis", "N1", None),
        ("breast", "TX", "N1", None),
        ("stomach", "Tis", "N1", "pathological"),
        ("stomach", "T4b", "NX", "clinical"),  # cT4b N0–N3 is IVA; NX is not staged
        ("melanoma", "T0", "N1a", "pathological"),
        ("melanoma", "Tis", "N1b", "pathological"),
    ],
)
def test_combinations_without_a_row_in_the_table_are_refused(
    site: str, t: str, n: str, classification: str | None
) -> None:
    with pytest.raises(StageCombinationUndefined) as caught:
        tnm_stage(site=site, t=t, n=n, m="M0", classification=classification)
    assert caught.value.code == "tnm_combination_undefined"
    assert "non ha uno stadio nella tabella TNM 8ª edizione" in caught.value.message


def test_categories_are_read_as_written_in_the_chart() -> None:
    # Given lower case, spaces and c/p prefixes
    result = tnm_stage(site="lung", t=" pt1b ", n="pN1", m="cM0")
    assert (result.stage, result.categories) == ("IIB", "pT1b N1 M0")


def test_missing_categories_and_unknown_sites_are_refused() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        tnm_stage(site="lung", t="T1a", n="", m="M0")
    assert caught.value.field == "n"
    with pytest.raises(ClinicalInputMissing) as caught:
        tnm_stage(site=None, t="T1a", n="N0", m="M0")
    assert caught.value.field == "site"
    with pytest.raises(ClinicalInputOutOfRange) as refused:
        tnm_stage(site="pancreas", t="T1a", n="N0", m="M0")
    assert refused.value.field == "site"


_ROMAN = {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4}


def _rank(stage: str) -> tuple[int, str, str]:
    if stage == "occult":
        return (-1, "", "")
    found = re.fullmatch(r"(0|IV|I{1,3})([A-D]?)(\d?)", stage)
    assert found, stage
    return (_ROMAN[found[1]], found[2], found[3])


def _stage_of(table: Table, t: str, n: str, m: str) -> list[str]:
    return [r.stage for r in table.rows if t in r.t and n in r.n and m in r.m]


@pytest.mark.parametrize("key", list(TABLES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_every_combination_matches_at_most_one_row(key: tuple[TnmSite, TnmClassification]) -> None:
    table = TABLES[key]
    for t, n, m in itertools.product(table.t, table.n, table.m):
        assert len(_stage_of(table, t, n, m)) <= 1, (t, n, m)


@pytest.mark.parametrize("key", list(TABLES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_stage_never_falls_as_t_or_n_advances_and_m1_is_stage_iv(
    key: tuple[TnmSite, TnmClassification],
) -> None:
    table = TABLES[key]
    # T0 (no primary found) is not a smaller tumour: melanoma's T0 N2b is IIIC, T1a N2b IIIB
    ts = [t for t in table.t if t not in {"TX", "T0"}]
    ns = [n for n in table.n if n != "NX"]
    for n in ns:
        ranks = [_rank(s[0]) for t in ts if (s := _stage_of(table, t, n, "M0"))]
        assert ranks == sorted(ranks), (n, ranks)
    # N advances along one kind of involvement (melanoma's clinically detected N1b is worse
    # than its occult N2a): N0 → N1a → N2a → N3a, N0 → N1b → N2b …, N0 → N1 → N2 → N3
    for kind in {re.sub(r"^N\d", "", n) for n in ns}:
        chain = [n for n in ns if n == "N0" or re.fullmatch(rf"N\d{kind}", n)]
        for t in ts:
            ranks = [_rank(s[0]) for n in chain if (s := _stage_of(table, t, n, "M0"))]
            assert ranks == sorted(ranks), (t, kind, ranks)
    for t, n, m in itertools.product(table.t, table.n, table.m):
        if m != "M0":
            assert _stage_of(table, t, n, m)[0].startswith("IV")
