"""TNM 8th edition (AJCC/UICC) stage group from T, N, M and, for the prostate, PSA and
Grade Group. The tables and their sources are in ``tnm_tables``; the prostate's grouping,
which also reads PSA and Grade Group, is below.

* Prostate — AJCC Cancer Staging Manual 8th ed., ch. 58; Buyyounouski MK, Choyke PL,
  McKenney JK, et al. CA Cancer J Clin 2017;67:245-53. I: cT1a–c/cT2a (or pT2) N0 M0,
  PSA < 10, GG 1; IIA: as I with PSA 10 to < 20, or cT2b–c with PSA < 20, GG 1;
  IIB: T1–2 N0 M0, PSA < 20, GG 2; IIC: T1–2 N0 M0, PSA < 20, GG 3–4; IIIA: T1–2 N0 M0,
  PSA ≥ 20, GG 1–4; IIIB: T3–4 N0 M0, GG 1–4; IIIC: any T N0 M0, GG 5; IVA: N1 M0;
  IVB: M1.

Categories are written as in the chart ("T2a", "pT2a", "cN1"): a leading c or p is read
as the classification (of T only: a pathological stage often carries cM0). Limits: y (after
neoadjuvant therapy) and r (recurrence) prefixes are refused; the breast's prognostic stage
groups (grade, ER, PR, HER2, Oncotype) are not computed, only its anatomic stage; PSA and
Grade Group are required for the prostate even where they do not change the group.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.records.domain.errors import (
    ClinicalInputMissing,
    ClinicalInputsInconsistent,
    StageCombinationUndefined,
    StagingCategoryInvalid,
)
from corsia.records.domain.inputs import choice, number_in_range, whole_in_range
from corsia.records.domain.results import StageResult
from corsia.records.domain.staging.tnm_tables import (
    CLASSIFICATION_REQUIRED,
    TABLES,
    TNM_REFERENCES,
    TNM_SITE_LABELS,
    TnmClassification,
    TnmSite,
)

PROSTATE_T: tuple[str, ...] = (
    "TX", "T0", "T1", "T1a", "T1b", "T1c", "T2", "T2a", "T2b", "T2c", "T3", "T3a", "T3b", "T4",
)  # fmt: skip
PROSTATE_N: tuple[str, ...] = ("NX", "N0", "N1")
PROSTATE_M: tuple[str, ...] = ("M0", "M1", "M1a", "M1b", "M1c")

_PREFIXES = {"c": TnmClassification.CLINICAL, "p": TnmClassification.PATHOLOGICAL}
_AXIS_FIELDS = {"T": "t", "N": "n", "M": "m"}


def _category(
    value: str | None, valid: tuple[str, ...], *, axis: str, site: TnmSite
) -> tuple[str, TnmClassification | None]:
    """The category as the table spells it, and the classification its prefix names."""
    field = _AXIS_FIELDS[axis]
    if value is None or not str(value).strip():
        raise ClinicalInputMissing(f"Dato mancante: categoria {axis}.", field=field)
    text = str(value).strip()
    prefix: TnmClassification | None = None
    if text[:1].lower() in _PREFIXES and text[1:2].upper() == axis:
        prefix = _PREFIXES[text[0].lower()]
        text = text[1:]
    spelled = {v.lower(): v for v in valid}.get(text.lower())
    if spelled is None:
        raise StagingCategoryInvalid(
            f"La categoria {axis} «{value}» non è definita per la sede "
            f"«{TNM_SITE_LABELS[site]}» (TNM 8ª edizione); ammesse: {', '.join(valid)}.",
            field=field,
            details={"site": site.value, "value": str(value), "allowed": list(valid)},
        )
    return spelled, prefix


def _classification(
    site: TnmSite,
    given: TnmClassification | str | None,
    t_prefix: TnmClassification | None,
) -> TnmClassification | None:
    chosen = (
        None
        if given is None
        else choice(given, TnmClassification, field="classification", label="Classificazione")
    )
    if chosen is not None and t_prefix is not None and chosen is not t_prefix:
        raise ClinicalInputsInconsistent(
            "Il prefisso della categoria T (c/p) non corrisponde alla classificazione indicata.",
            field="classification",
        )
    chosen = chosen or t_prefix
    if chosen is None and site in CLASSIFICATION_REQUIRED:
        raise ClinicalInputMissing(
            f"Dato mancante: per la sede «{TNM_SITE_LABELS[site]}» indicare se lo stadio è "
            "clinico (c) o patologico (p): le tabelle sono diverse.",
            field="classification",
        )
    return chosen


def _undefined(site: TnmSite, categories: str) -> StageCombinationUndefined:
    return StageCombinationUndefined(
        f"La combinazione {categories} non ha uno stadio nella tabella TNM 8ª edizione per la "
        f"sede «{TNM_SITE_LABELS[site]}».",
        field="t",
        details={"site": site.value, "categories": categories},
    )


def _written(classification: TnmClassification | None, t: str, n: str, m: str) -> str:
    prefix = {None: "", TnmClassification.CLINICAL: "c", TnmClassification.PATHOLOGICAL: "p"}
    return f"{prefix[classification]}{t} {n} {m}"


def tnm_stage(
    *,
    site: TnmSite | str | None,
    t: str | None,
    n: str | None,
    m: str | None,
    classification: TnmClassification | str | None = None,
    psa_ng_ml: Decimal | int | None = None,
    grade_group: int | None = None,
) -> StageResult:
    """The TNM 8th edition stage group of ``site``; refused when a category is not defined
    for the site or the combination has no row in the published table."""
    tumour_site = choice(site, TnmSite, field="site", label="Sede del tumore")
    if tumour_site is TnmSite.PROSTATE:
        return _prostate(
            t=t,
            n=n,
            m=m,
            classification=classification,
            psa_ng_ml=psa_ng_ml,
            grade_group=grade_group,
        )
    probe = TABLES[(tumour_site, TnmClassification.CLINICAL)]
    _, t_prefix = _category(t, probe.t, axis="T", site=tumour_site)
    chosen = _classification(tumour_site, classification, t_prefix)
    table = TABLES[(tumour_site, chosen or TnmClassification.CLINICAL)]
    t_cat, _ = _category(t, table.t, axis="T", site=tumour_site)
    n_cat, _ = _category(n, table.n, axis="N", site=tumour_site)
    m_cat, _ = _category(m, table.m, axis="M", site=tumour_site)
    categories = _written(chosen, t_cat, n_cat, m_cat)
    for row in table.rows:
        if t_cat in row.t and n_cat in row.n and m_cat in row.m:
            return _result(tumour_site, row.stage, categories)
    raise _undefined(tumour_site, categories)


def _result(site: TnmSite, stage: str, categories: str) -> StageResult:
    label = "Carcinoma occulto" if stage == "occult" else f"Stadio {stage}"
    return StageResult(
        system=f"tnm8_{site.value}",
        stage=stage,
        label=label,
        reference=TNM_REFERENCES[site],
        categories=categories,
    )


_PROSTATE_EARLY_T = frozenset({"T1", "T1a", "T1b", "T1c", "T2", "T2a", "T2b", "T2c"})
_PROSTATE_LOCALLY_ADVANCED_T = frozenset({"T3", "T3a", "T3b", "T4"})


def _prostate(
    *,
    t: str | None,
    n: str | None,
    m: str | None,
    classification: TnmClassification | str | None,
    psa_ng_ml: Decimal | int | None,
    grade_group: int | None,
) -> StageResult:
    site = TnmSite.PROSTATE
    t_cat, t_prefix = _category(t, PROSTATE_T, axis="T", site=site)
    n_cat, _ = _category(n, PROSTATE_N, axis="N", site=site)
    m_cat, _ = _category(m, PROSTATE_M, axis="M", site=site)
    chosen = _classification(site, classification, t_prefix)
    psa = number_in_range(
        psa_ng_ml, field="psa_ng_ml", label="PSA", low=0, high=100000, unit="ng/mL"
    )
    grade = whole_in_range(grade_group, field="grade_group", label="Grade Group", low=1, high=5)
    categories = f"{_written(chosen, t_cat, n_cat, m_cat)}, PSA {psa} ng/mL, Grade Group {grade}"
    if m_cat != "M0":
        return _result(site, "IVB", categories)
    if n_cat == "N1":
        return _result(site, "IVA", categories)
    if n_cat != "N0":
        raise _undefined(site, categories)
    if grade == 5:
        return _result(site, "IIIC", categories)
    if t_cat in _PROSTATE_LOCALLY_ADVANCED_T:
        return _result(site, "IIIB", categories)
    if t_cat not in _PROSTATE_EARLY_T:
        raise _undefined(site, categories)
    if psa >= 20:
        return _result(site, "IIIA", categories)
    if grade >= 3:
        return _result(site, "IIC", categories)
    if grade == 2:
        return _result(site, "IIB", categories)
    if psa >= 10 or t_cat in {"T2b", "T2c"}:
        return _result(site, "IIA", categories)
    return _result(site, "I", categories)
