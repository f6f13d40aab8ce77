"""The prognostic scores a physician can compute in the chart (pure): for each, its inputs
as the page and the API ask for them and the call into this package's formula.

``score_compute(score, raw)`` reads the raw values (``input_forms``) and returns the
formula's result with the values as stored; the formula refuses missing, out-of-range and
inconsistent inputs. Derived scores take the inputs of the score they adjust: R-IPI those
of the IPI (Sehn 2007 regroups the same factors), IPSS-RA those of the IPSS-R and the age.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from corsia.records.domain.input_forms import (
    InputKind,
    InputSpec,
    listed,
    read_inputs,
    stored,
)
from corsia.records.domain.input_forms import number as _number
from corsia.records.domain.input_forms import whole as _whole
from corsia.records.domain.input_forms import yes_no as _yes_no
from corsia.records.domain.prognosis import cml, lymphoma, mds, palliative
from corsia.records.domain.results import Reference, ScoreResult

Compute = Callable[[dict[str, Any]], ScoreResult[Any]]


@dataclass(frozen=True)
class Score:
    code: str
    label: str
    disease: str  # Italian, for grouping the choice
    inputs: tuple[InputSpec, ...]
    compute: Compute
    reference: Reference


@dataclass(frozen=True)
class Scored:
    result: ScoreResult[Any]
    inputs: dict[str, bool | int | str]  # as stored


def _pick(name: str, label: str, choices: tuple[tuple[StrEnum, str], ...]) -> InputSpec:
    return InputSpec(name, label, InputKind.CHOICE, tuple((m.value, t) for m, t in choices))


AGE = _whole("age_years", "Età", "anni")
ECOG = InputSpec(
    "ecog_ps", "Performance status ECOG", InputKind.WHOLE, tuple((str(v), str(v)) for v in range(5))
)
LDH = _number("ldh", "LDH", "U/L")
LDH_ULN = _number("ldh_uln", "Limite superiore LDH del laboratorio", "U/L")
ANN_ARBOR = InputSpec(
    "ann_arbor",
    "Stadio Ann Arbor",
    InputKind.WHOLE,
    (("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")),
)
_IPI = (AGE, LDH, LDH_ULN, ECOG, ANN_ARBOR, _whole("extranodal_sites", "Sedi extranodali"))
_AAIPI = (LDH, LDH_ULN, ECOG, ANN_ARBOR)
_FLIPI = (
    AGE,
    ANN_ARBOR,
    _number("haemoglobin_g_dl", "Emoglobina", "g/dL"),
    _whole("nodal_areas", "Aree linfonodali coinvolte"),
    LDH,
    LDH_ULN,
)
_MIPI = (AGE, ECOG, LDH, LDH_ULN, _number("wbc_10e9_l", "Leucociti", "×10⁹/L"))
_CML = (
    AGE,
    _number("spleen_cm", "Milza sotto l'arcata costale", "cm"),
    _number("platelets_10e9_l", "Piastrine", "×10⁹/L"),
    _number("blood_blasts_pct", "Blasti nel sangue periferico", "%"),
)
_IPSS_KARYOTYPE = _pick(
    "karyotype",
    "Gruppo citogenetico (IPSS)",
    (
        (mds.IpssKaryotype.GOOD, "favorevole (normale, -Y, del(5q), del(20q))"),
        (mds.IpssKaryotype.INTERMEDIATE, "intermedio (altre anomalie)"),
        (mds.IpssKaryotype.POOR, "sfavorevole (complesso ≥ 3, anomalie del 7)"),
    ),
)
_BLASTS = _number("marrow_blasts_pct", "Blasti midollari", "%")
_HB = _number("haemoglobin_g_dl", "Emoglobina", "g/dL")
_ANC = _number("anc_10e9_l", "Neutrofili", "×10⁹/L")
_PLT = _number("platelets_10e9_l", "Piastrine", "×10⁹/L")
_IPSS = (_BLASTS, _IPSS_KARYOTYPE, _HB, _ANC, _PLT)
_IPSS_R = (
    _BLASTS,
    _pick(
        "karyotype",
        "Gruppo citogenetico (IPSS-R)",
        (
            (mds.IpssRKaryotype.VERY_GOOD, "molto favorevole"),
            (mds.IpssRKaryotype.GOOD, "favorevole"),
            (mds.IpssRKaryotype.INTERMEDIATE, "intermedio"),
            (mds.IpssRKaryotype.POOR, "sfavorevole"),
            (mds.IpssRKaryotype.VERY_POOR, "molto sfavorevole"),
        ),
    ),
    _HB,
    _PLT,
    _ANC,
)
_WPSS = (
    _pick(
        "who_category",
        "Categoria WHO",
        (
            (mds.WhoCategory.RA, "RA"),
            (mds.WhoCategory.RARS, "RARS"),
            (mds.WhoCategory.DEL_5Q, "MDS con del(5q) isolata"),
            (mds.WhoCategory.RCMD, "RCMD"),
            (mds.WhoCategory.RCMD_RS, "RCMD-RS"),
            (mds.WhoCategory.RAEB_1, "RAEB-1"),
            (mds.WhoCategory.RAEB_2, "RAEB-2"),
        ),
    ),
    _IPSS_KARYOTYPE,
    InputSpec(
        "transfusion_dependent",
        "Dipendenza trasfusionale",
        InputKind.FLAG,
        hint="versione 2007; in alternativa emoglobina e sesso (2011)",
    ),
    _number("haemoglobin_g_dl", "Emoglobina", "g/dL", "versione 2011, con il sesso"),
    _pick("sex", "Sesso", ((mds.Sex.MALE, "maschio"), (mds.Sex.FEMALE, "femmina"))),
)
_PAP = (
    _yes_no("dyspnoea", "Dispnea"),
    _yes_no("anorexia", "Anoressia"),
    InputSpec(
        "karnofsky",
        "Karnofsky",
        InputKind.WHOLE,
        tuple((str(v), str(v)) for v in range(10, 101, 10)),
    ),
    _whole("clinical_prediction_weeks", "Previsione clinica di sopravvivenza", "settimane"),
    _whole("wbc_per_mm3", "Leucociti", "/mm³"),
    _number("lymphocytes_pct", "Linfociti", "%"),
)
_PPI = (
    InputSpec(
        "palliative_performance_scale",
        "Palliative Performance Scale",
        InputKind.WHOLE,
        tuple((str(v), f"{v}%") for v in range(10, 101, 10)),
    ),
    _pick(
        "oral_intake",
        "Assunzione orale",
        (
            (palliative.OralIntake.NORMAL, "normale"),
            (palliative.OralIntake.MODERATELY_REDUCED, "moderatamente ridotta (> bocconi)"),
            (palliative.OralIntake.SEVERELY_REDUCED, "gravemente ridotta (bocconi o meno)"),
        ),
    ),
    _yes_no("oedema", "Edema"),
    _yes_no("dyspnoea_at_rest", "Dispnea a riposo"),
    _yes_no("delirium", "Delirium"),
)


def _r_ipi(values: dict[str, Any]) -> ScoreResult[Any]:
    return lymphoma.r_ipi(lymphoma.ipi(**values))


def _sokal(values: dict[str, Any]) -> ScoreResult[Any]:
    return cml.sokal(cml.cml_at_diagnosis(**values))


def _elts(values: dict[str, Any]) -> ScoreResult[Any]:
    return cml.elts(cml.cml_at_diagnosis(**values))


def _ipss_ra(values: dict[str, Any]) -> ScoreResult[Any]:
    age = values.pop("age_years", None)
    return mds.ipss_ra(ipss_r_result=mds.ipss_r(**values), age_years=age)


LYMPHOMA, CML, MDS, PALLIATIVE = (
    "Linfomi",
    "Leucemia mieloide cronica",
    "Sindromi mielodisplastiche",
    "Cure palliative",
)

SCORES: dict[str, Score] = {
    s.code: s
    for s in (
        Score("ipi", "IPI", LYMPHOMA, _IPI, lambda v: lymphoma.ipi(**v), lymphoma.IPI_REFERENCE),
        Score(
            "aaipi",
            "IPI aggiustato per età (≤ 60 anni)",
            LYMPHOMA,
            _AAIPI,
            lambda v: lymphoma.age_adjusted_ipi(**v),
            lymphoma.IPI_REFERENCE,
        ),
        Score("r_ipi", "R-IPI (DLBCL, R-CHOP)", LYMPHOMA, _IPI, _r_ipi, lymphoma.R_IPI_REFERENCE),
        Score(
            "flipi",
            "FLIPI (linfoma follicolare)",
            LYMPHOMA,
            _FLIPI,
            lambda v: lymphoma.flipi(**v),
            lymphoma.FLIPI_REFERENCE,
        ),
        Score(
            "mipi",
            "MIPI (linfoma mantellare)",
            LYMPHOMA,
            _MIPI,
            lambda v: lymphoma.mipi(**v),
            lymphoma.MIPI_REFERENCE,
        ),
        Score("sokal", "Sokal", CML, _CML, _sokal, cml.SOKAL_REFERENCE),
        Score("elts", "ELTS", CML, _CML, _elts, cml.ELTS_REFERENCE),
        Score("ipss", "IPSS", MDS, _IPSS, lambda v: mds.ipss(**v), mds.IPSS_REFERENCE),
        Score("ipss_r", "IPSS-R", MDS, _IPSS_R, lambda v: mds.ipss_r(**v), mds.IPSS_R_REFERENCE),
        Score(
            "ipss_ra",
            "IPSS-RA (IPSS-R aggiustato per età)",
            MDS,
            (*_IPSS_R, AGE),
            _ipss_ra,
            mds.IPSS_R_REFERENCE,
        ),
        Score("wpss", "WPSS", MDS, _WPSS, lambda v: mds.wpss(**v), mds.WPSS_2007_REFERENCE),
        Score(
            "pap",
            "PaP (Palliative Prognostic Score)",
            PALLIATIVE,
            _PAP,
            lambda v: palliative.pap(**v),
            palliative.PAP_REFERENCE,
        ),
        Score(
            "ppi",
            "PPI (Palliative Prognostic Index)",
            PALLIATIVE,
            _PPI,
            lambda v: palliative.ppi(**v),
            palliative.PPI_REFERENCE,
        ),
    )
}


def score_get(code: str | None) -> Score:
    return listed(
        SCORES,
        code,
        message="Scegli un punteggio prognostico dall'elenco.",
        error="prognostic_score_unknown",
        field="score",
    )


def score_compute(score: Score, raw: Mapping[str, object]) -> Scored:
    """The score from the raw inputs, or the formula's refusal (nothing to store)."""
    values = read_inputs(score.inputs, raw)
    return Scored(result=score.compute(dict(values)), inputs=stored(values))
