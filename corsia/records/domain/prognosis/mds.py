"""Prognostic scores of myelodysplastic syndromes: IPSS, IPSS-R (and its age-adjusted
IPSS-RA), WPSS.

* IPSS — Greenberg P, Cox C, LeBeau MM, et al. International scoring system for evaluating
  prognosis in myelodysplastic syndromes. Blood 1997;89:2079-88.
  Marrow blasts < 5 % 0, 5–10 % 0.5, 11–20 % 1.5, 21–30 % 2.0; karyotype good (normal,
  −Y, del(5q), del(20q)) 0, intermediate (other) 0.5, poor (complex ≥ 3 or chromosome 7
  anomalies) 1.0; cytopenias (Hb < 10 g/dL, ANC < 1.8 × 10⁹/L, platelets < 100 × 10⁹/L)
  0–1 lineage 0, 2–3 lineages 0.5. Low 0, INT-1 0.5–1.0, INT-2 1.5–2.0, high ≥ 2.5.
* IPSS-R — Greenberg PL, Tuechler H, Schanz J, et al. Revised international prognostic
  scoring system for myelodysplastic syndromes. Blood 2012;120:2454-65.
  Cytogenetic group very good 0, good 1, intermediate 2, poor 3, very poor 4; marrow blasts
  ≤ 2 % 0, > 2 to < 5 % 1, 5–10 % 2, > 10 % 3; Hb ≥ 10 0, 8 to < 10 1, < 8 g/dL 1.5;
  platelets ≥ 100 0, 50 to < 100 0.5, < 50 × 10⁹/L 1; ANC ≥ 0.8 0, < 0.8 × 10⁹/L 0.5.
  Very low ≤ 1.5, low > 1.5–3, intermediate > 3–4.5, high > 4.5–6, very high > 6.
  IPSS-RA (same paper): IPSS-R + (age − 70) × [0.05 − (IPSS-R × 0.005)], same cut-offs.
* WPSS — Malcovati L, Germing U, Kuendgen A, et al. Time-dependent prognostic scoring system
  for predicting survival and leukemic evolution in myelodysplastic syndromes. J Clin Oncol
  2007;25:3503-10; refined in Malcovati L, Della Porta MG, Strupp C, et al. Impact of the
  degree of anemia on the outcome of patients with myelodysplastic syndrome and its
  integration into the WHO classification-based Prognostic Scoring System (WPSS).
  Haematologica 2011;96:1433-40. WHO category RA/RARS/5q− 0, RCMD(-RS) 1, RAEB-1 2,
  RAEB-2 3; karyotype as IPSS: good 0, intermediate 1, poor 2; transfusion requirement
  (2007) or severe anaemia, Hb < 9 g/dL in men and < 8 g/dL in women (2011), 1.
  Very low 0, low 1, intermediate 2, high 3–4, very high 5–6.

Limits: the caller assigns the karyotype to the score's cytogenetic group (each score's
own list, above); marrow blasts 0–30 % (the scores' derivation cohorts; ≥ 20 % is AML by
WHO and the caller should not use these scores there); WPSS uses the WHO 2001/2008
categories it was built on.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.bands import band, below, otherwise, up_to
from corsia.records.domain.errors import ClinicalInputsInconsistent
from corsia.records.domain.inputs import choice, flag, number_in_range
from corsia.records.domain.prognosis._common import ZERO, adult_age
from corsia.records.domain.results import (
    Points,
    Reference,
    ScoreResult,
    four_places,
    points_score,
)

IPSS_REFERENCE = Reference(
    "Greenberg 1997",
    "Greenberg P, Cox C, LeBeau MM, et al. International scoring system for evaluating "
    "prognosis in myelodysplastic syndromes. Blood 1997;89:2079-88.",
)
IPSS_R_REFERENCE = Reference(
    "Greenberg 2012",
    "Greenberg PL, Tuechler H, Schanz J, et al. Revised international prognostic scoring "
    "system for myelodysplastic syndromes. Blood 2012;120:2454-65.",
)
WPSS_2007_REFERENCE = Reference(
    "Malcovati 2007",
    "Malcovati L, Germing U, Kuendgen A, et al. Time-dependent prognostic scoring system for "
    "predicting survival and leukemic evolution in myelodysplastic syndromes. J Clin Oncol "
    "2007;25:3503-10.",
)
WPSS_2011_REFERENCE = Reference(
    "Malcovati 2011",
    "Malcovati L, Della Porta MG, Strupp C, et al. Impact of the degree of anemia on the "
    "outcome of patients with myelodysplastic syndrome and its integration into the WHO "
    "classification-based Prognostic Scoring System (WPSS). Haematologica 2011;96:1433-40.",
)

HALF = Decimal("0.5")


class IpssKaryotype(StrEnum):
    """IPSS (and WPSS) cytogenetic groups."""

    GOOD = "good"
    INTERMEDIATE = "intermediate"
    POOR = "poor"


class IpssGroup(LabelledCode):
    LOW = "low", "Basso"
    INTERMEDIATE_1 = "intermediate_1", "Intermedio-1"
    INTERMEDIATE_2 = "intermediate_2", "Intermedio-2"
    HIGH = "high", "Alto"


IPSS_GROUP_LABELS: dict[IpssGroup, str] = IpssGroup.labels_it()

# Greenberg 1997: low 0, intermediate-1 0.5–1, intermediate-2 1.5–2, high ≥ 2.5.
IPSS_GROUPS = (
    up_to(0, IpssGroup.LOW),
    up_to(1, IpssGroup.INTERMEDIATE_1),
    up_to(2, IpssGroup.INTERMEDIATE_2),
    otherwise(IpssGroup.HIGH),
)
# Greenberg 1997: marrow blasts < 5 % 0, 5–10 % 0.5, 11–20 % 1.5, 21–30 % 2.0.
IPSS_BLAST_POINTS = (
    below(5, ZERO),
    up_to(10, HALF),
    up_to(20, Decimal("1.5")),
    otherwise(Decimal("2.0")),
)


class IpssRKaryotype(StrEnum):
    """IPSS-R cytogenetic groups (Schanz 2012, as tabulated in Greenberg 2012)."""

    VERY_GOOD = "very_good"
    GOOD = "good"
    INTERMEDIATE = "intermediate"
    POOR = "poor"
    VERY_POOR = "very_poor"


class FiveTierGroup(LabelledCode):
    """IPSS-R and WPSS risk groups."""

    VERY_LOW = "very_low", "Molto basso"
    LOW = "low", "Basso"
    INTERMEDIATE = "intermediate", "Intermedio"
    HIGH = "high", "Alto"
    VERY_HIGH = "very_high", "Molto alto"


FIVE_TIER_LABELS: dict[FiveTierGroup, str] = FiveTierGroup.labels_it()

# Greenberg 2012: very low ≤ 1.5, low > 1.5–3, intermediate > 3–4.5, high > 4.5–6,
# very high > 6 (IPSS-R and IPSS-RA alike).
IPSS_R_GROUPS = (
    up_to(Decimal("1.5"), FiveTierGroup.VERY_LOW),
    up_to(3, FiveTierGroup.LOW),
    up_to(Decimal("4.5"), FiveTierGroup.INTERMEDIATE),
    up_to(6, FiveTierGroup.HIGH),
    otherwise(FiveTierGroup.VERY_HIGH),
)
# Greenberg 2012, the IPSS-R's points: marrow blasts ≤ 2 % 0, > 2 to < 5 % 1, 5–10 % 2,
# > 10 % 3; haemoglobin ≥ 10 g/dL 0, 8 to < 10 1, < 8 1.5; platelets ≥ 100 0, 50 to < 100
# 0.5, < 50 1 (×10⁹/L).
IPSS_R_BLAST_POINTS = (
    up_to(2, ZERO),
    below(5, Decimal(1)),
    up_to(10, Decimal(2)),
    otherwise(Decimal(3)),
)
IPSS_R_HAEMOGLOBIN_POINTS = (
    below(8, Decimal("1.5")),
    below(10, Decimal(1)),
    otherwise(ZERO),
)
IPSS_R_PLATELET_POINTS = (
    below(50, Decimal(1)),
    below(100, HALF),
    otherwise(ZERO),
)
# Malcovati 2007/2011: very low 0, low 1, intermediate 2, high 3–4, very high 5–6.
WPSS_GROUPS = (
    up_to(0, FiveTierGroup.VERY_LOW),
    up_to(1, FiveTierGroup.LOW),
    up_to(2, FiveTierGroup.INTERMEDIATE),
    up_to(4, FiveTierGroup.HIGH),
    otherwise(FiveTierGroup.VERY_HIGH),
)


class WhoCategory(StrEnum):
    """WHO 2001/2008 MDS categories WPSS scores."""

    RA = "ra"
    RARS = "rars"
    DEL_5Q = "del_5q"
    RCMD = "rcmd"
    RCMD_RS = "rcmd_rs"
    RAEB_1 = "raeb_1"
    RAEB_2 = "raeb_2"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


_LABS: dict[str, tuple[str, int, int, str]] = {
    "marrow_blasts_pct": ("Blasti midollari", 0, 30, "%"),
    "haemoglobin_g_dl": ("Emoglobina", 2, 25, "g/dL"),
    "platelets_10e9_l": ("Piastrine", 0, 5000, "×10⁹/L"),
    "anc_10e9_l": ("Neutrofili", 0, 200, "×10⁹/L"),
}


def _lab(field: str, value: Decimal | int | None) -> Decimal:
    label, low, high, unit = _LABS[field]
    return number_in_range(value, field=field, label=label, low=low, high=high, unit=unit)


def ipss(
    *,
    marrow_blasts_pct: Decimal | int | None,
    karyotype: IpssKaryotype | str | None,
    haemoglobin_g_dl: Decimal | int | None,
    anc_10e9_l: Decimal | int | None,
    platelets_10e9_l: Decimal | int | None,
) -> ScoreResult[IpssGroup]:
    """International Prognostic Scoring System (Greenberg 1997)."""
    blasts = _lab("marrow_blasts_pct", marrow_blasts_pct)
    group_k = choice(karyotype, IpssKaryotype, field="karyotype", label="Gruppo citogenetico")
    hb = _lab("haemoglobin_g_dl", haemoglobin_g_dl)
    anc = _lab("anc_10e9_l", anc_10e9_l)
    plt = _lab("platelets_10e9_l", platelets_10e9_l)
    karyotype_points = {
        IpssKaryotype.GOOD: ZERO,
        IpssKaryotype.INTERMEDIATE: HALF,
        IpssKaryotype.POOR: Decimal("1.0"),
    }[group_k]
    cytopenias = sum((hb < 10, anc < Decimal("1.8"), plt < 100))
    points = (
        Points("marrow_blasts", "Blasti midollari", band(blasts, IPSS_BLAST_POINTS)),
        Points("karyotype", "Cariotipo", karyotype_points),
        Points("cytopenias", f"Citopenie ({cytopenias} su 3)", HALF if cytopenias >= 2 else ZERO),
    )
    return points_score(
        "ipss", points, groups=IPSS_GROUPS, labels=IPSS_GROUP_LABELS, reference=IPSS_REFERENCE
    )


def ipss_r_group(value: Decimal) -> FiveTierGroup:
    """Greenberg 2012: ≤ 1.5, ≤ 3, ≤ 4.5, ≤ 6, above (IPSS-R and IPSS-RA alike)."""
    return band(value, IPSS_R_GROUPS)


def ipss_r(
    *,
    marrow_blasts_pct: Decimal | int | None,
    karyotype: IpssRKaryotype | str | None,
    haemoglobin_g_dl: Decimal | int | None,
    platelets_10e9_l: Decimal | int | None,
    anc_10e9_l: Decimal | int | None,
) -> ScoreResult[FiveTierGroup]:
    """Revised IPSS (Greenberg 2012): 0–10 points."""
    group_k = choice(karyotype, IpssRKaryotype, field="karyotype", label="Gruppo citogenetico")
    blasts = _lab("marrow_blasts_pct", marrow_blasts_pct)
    hb = _lab("haemoglobin_g_dl", haemoglobin_g_dl)
    plt = _lab("platelets_10e9_l", platelets_10e9_l)
    anc = _lab("anc_10e9_l", anc_10e9_l)
    points = (
        Points("karyotype", "Citogenetica", Decimal(list(IpssRKaryotype).index(group_k))),
        Points("marrow_blasts", "Blasti midollari", band(blasts, IPSS_R_BLAST_POINTS)),
        Points("haemoglobin", "Emoglobina", band(hb, IPSS_R_HAEMOGLOBIN_POINTS)),
        Points("platelets", "Piastrine", band(plt, IPSS_R_PLATELET_POINTS)),
        Points("anc", "Neutrofili", ZERO if anc >= Decimal("0.8") else HALF),
    )
    return points_score(
        "ipss_r", points, groups=IPSS_R_GROUPS, labels=FIVE_TIER_LABELS, reference=IPSS_R_REFERENCE
    )


def ipss_ra(
    *, ipss_r_result: ScoreResult[FiveTierGroup], age_years: int | None
) -> ScoreResult[FiveTierGroup]:
    """Age-adjusted IPSS-R (Greenberg 2012) from a computed IPSS-R:
    IPSS-R + (age − 70) × (0.05 − IPSS-R × 0.005)."""
    if ipss_r_result.score != "ipss_r":
        raise ValueError(f"the IPSS-RA adjusts the IPSS-R, not {ipss_r_result.score!r}")
    age = adult_age(age_years)
    base = ipss_r_result.value
    adjustment = (age - 70) * (Decimal("0.05") - base * Decimal("0.005"))
    value = base + adjustment
    group = ipss_r_group(value)
    return ScoreResult(
        "ipss_ra",
        four_places(value),
        group,
        FIVE_TIER_LABELS[group],
        IPSS_R_REFERENCE,
        (
            *ipss_r_result.points,
            Points(
                "age_adjustment",
                "(età − 70) × (0,05 − IPSS-R × 0,005)",
                four_places(adjustment),
            ),
        ),
    )


_WPSS_CATEGORY_POINTS: dict[WhoCategory, int] = {
    WhoCategory.RA: 0,
    WhoCategory.RARS: 0,
    WhoCategory.DEL_5Q: 0,
    WhoCategory.RCMD: 1,
    WhoCategory.RCMD_RS: 1,
    WhoCategory.RAEB_1: 2,
    WhoCategory.RAEB_2: 3,
}


def wpss(
    *,
    who_category: WhoCategory | str | None,
    karyotype: IpssKaryotype | str | None,
    transfusion_dependent: bool | None = None,
    haemoglobin_g_dl: Decimal | int | None = None,
    sex: Sex | str | None = None,
) -> ScoreResult[FiveTierGroup]:
    """WHO classification-based Prognostic Scoring System. Give either
    ``transfusion_dependent`` (Malcovati 2007) or haemoglobin and sex (Malcovati 2011's
    severe anaemia: Hb < 9 g/dL in men, < 8 g/dL in women), not both."""
    category = choice(who_category, WhoCategory, field="who_category", label="Categoria WHO")
    group_k = choice(karyotype, IpssKaryotype, field="karyotype", label="Gruppo citogenetico")
    by_haemoglobin = haemoglobin_g_dl is not None or sex is not None
    if transfusion_dependent is not None and by_haemoglobin:
        raise ClinicalInputsInconsistent(
            "WPSS: indicare la dipendenza trasfusionale (2007) oppure emoglobina e sesso "
            "(2011), non entrambi.",
            field="transfusion_dependent",
        )
    if by_haemoglobin:
        hb = _lab("haemoglobin_g_dl", haemoglobin_g_dl)
        patient_sex = choice(sex, Sex, field="sex", label="Sesso")
        threshold = Decimal(9) if patient_sex is Sex.MALE else Decimal(8)
        anaemia = Points(
            "severe_anaemia",
            f"Anemia grave (Hb < {threshold} g/dL)",
            Decimal(1) if hb < threshold else ZERO,
        )
        reference = WPSS_2011_REFERENCE
    else:
        dependent = flag(
            transfusion_dependent, field="transfusion_dependent", label="Dipendenza trasfusionale"
        )
        anaemia = Points(
            "transfusion_dependent", "Dipendenza trasfusionale", Decimal(1) if dependent else ZERO
        )
        reference = WPSS_2007_REFERENCE
    points = (
        Points("who_category", "Categoria WHO", Decimal(_WPSS_CATEGORY_POINTS[category])),
        Points("karyotype", "Cariotipo", Decimal(list(IpssKaryotype).index(group_k))),
        anaemia,
    )
    return points_score(
        "wpss", points, groups=WPSS_GROUPS, labels=FIVE_TIER_LABELS, reference=reference
    )
