"""Prognostic indices of lymphoma: IPI and age-adjusted IPI, R-IPI, FLIPI, MIPI.

* IPI, aaIPI — The International Non-Hodgkin's Lymphoma Prognostic Factors Project.
  A predictive model for aggressive non-Hodgkin's lymphoma. N Engl J Med 1993;329:987-94.
  One point each: age > 60, LDH > upper limit of normal, ECOG ≥ 2, Ann Arbor stage III–IV,
  more than one extranodal site. Groups: low 0–1, low-intermediate 2, high-intermediate 3,
  high 4–5. The age-adjusted index (for patients ≤ 60) keeps stage, LDH and ECOG:
  low 0, low-intermediate 1, high-intermediate 2, high 3.
* R-IPI — Sehn LH, Berry B, Chhanabhai M, et al. The revised International Prognostic
  Index (R-IPI) is a better predictor of outcome than the standard IPI for patients with
  diffuse large B-cell lymphoma treated with R-CHOP. Blood 2007;109:1857-61.
  The IPI's five factors regrouped: very good 0, good 1–2, poor 3–5 (``r_ipi`` takes the
  computed IPI).
* FLIPI — Solal-Céligny P, Roy P, Colombat P, et al. Follicular lymphoma international
  prognostic index. Blood 2004;104:1258-65. One point each: age > 60, Ann Arbor III–IV,
  haemoglobin < 12 g/dL, more than 4 nodal areas, LDH > upper limit of normal.
  Groups: low 0–1, intermediate 2, high ≥ 3.
* MIPI — Hoster E, Dreyling M, Klapper W, et al. A new prognostic index (MIPI) for patients
  with advanced-stage mantle cell lymphoma. Blood 2008;111:558-65. The continuous formula
  0.03535 × age + 0.6978 × (ECOG > 1) + 1.367 × log10(LDH/ULN) + 0.9393 × log10(WBC in
  10⁶/L); low < 5.7, intermediate 5.7 to < 6.2, high ≥ 6.2.

Limits: adult patients (age 18–120); LDH is judged against the laboratory's own upper limit
of normal, passed in; the indices are validated for their histotypes (IPI/R-IPI: aggressive
lymphoma, DLBCL under R-CHOP for the R-IPI; FLIPI: follicular; MIPI: advanced-stage mantle
cell) and the caller chooses the right one.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.bands import band, below, otherwise, up_to
from corsia.records.domain.inputs import ldh_ratio, number_in_range, whole_in_range
from corsia.records.domain.prognosis._common import (
    ZERO,
    adult_age,
    ann_arbor_stage,
    ecog,
    point,
)
from corsia.records.domain.results import (
    Points,
    Reference,
    ScoreResult,
    formula_score,
    points_score,
)

IPI_REFERENCE = Reference(
    "Shipp 1993",
    "The International Non-Hodgkin's Lymphoma Prognostic Factors Project. A predictive model "
    "for aggressive non-Hodgkin's lymphoma. N Engl J Med 1993;329:987-94.",
)
R_IPI_REFERENCE = Reference(
    "Sehn 2007",
    "Sehn LH, Berry B, Chhanabhai M, et al. The revised International Prognostic Index (R-IPI) "
    "is a better predictor of outcome than the standard IPI for patients with diffuse large "
    "B-cell lymphoma treated with R-CHOP. Blood 2007;109:1857-61.",
)
FLIPI_REFERENCE = Reference(
    "Solal-Céligny 2004",
    "Solal-Céligny P, Roy P, Colombat P, et al. Follicular lymphoma international prognostic "
    "index. Blood 2004;104:1258-65.",
)
MIPI_REFERENCE = Reference(
    "Hoster 2008",
    "Hoster E, Dreyling M, Klapper W, et al. A new prognostic index (MIPI) for patients with "
    "advanced-stage mantle cell lymphoma. Blood 2008;111:558-65.",
)


class IpiGroup(LabelledCode):
    LOW = "low", "Basso"
    LOW_INTERMEDIATE = "low_intermediate", "Intermedio-basso"
    HIGH_INTERMEDIATE = "high_intermediate", "Intermedio-alto"
    HIGH = "high", "Alto"


IPI_GROUP_LABELS: dict[IpiGroup, str] = IpiGroup.labels_it()

# Shipp 1993: IPI 0–1 low, 2 low-intermediate, 3 high-intermediate, 4–5 high.
IPI_GROUPS = (
    up_to(1, IpiGroup.LOW),
    up_to(2, IpiGroup.LOW_INTERMEDIATE),
    up_to(3, IpiGroup.HIGH_INTERMEDIATE),
    otherwise(IpiGroup.HIGH),
)
# Shipp 1993, age-adjusted: 0 low, 1 low-intermediate, 2 high-intermediate, 3 high.
AAIPI_GROUPS = (
    up_to(0, IpiGroup.LOW),
    up_to(1, IpiGroup.LOW_INTERMEDIATE),
    up_to(2, IpiGroup.HIGH_INTERMEDIATE),
    otherwise(IpiGroup.HIGH),
)


class RIpiGroup(LabelledCode):
    VERY_GOOD = "very_good", "Molto buona"
    GOOD = "good", "Buona"
    POOR = "poor", "Sfavorevole"


R_IPI_GROUP_LABELS: dict[RIpiGroup, str] = RIpiGroup.labels_it()

# Sehn 2007: 0 very good, 1–2 good, 3–5 poor.
R_IPI_GROUPS = (
    up_to(0, RIpiGroup.VERY_GOOD),
    up_to(2, RIpiGroup.GOOD),
    otherwise(RIpiGroup.POOR),
)


class ThreeTierGroup(LabelledCode):
    """Low / intermediate / high, as FLIPI and MIPI name them."""

    LOW = "low", "Basso"
    INTERMEDIATE = "intermediate", "Intermedio"
    HIGH = "high", "Alto"


THREE_TIER_LABELS: dict[ThreeTierGroup, str] = ThreeTierGroup.labels_it()

# Solal-Céligny 2004: 0–1 low, 2 intermediate, ≥ 3 high.
FLIPI_GROUPS = (
    up_to(1, ThreeTierGroup.LOW),
    up_to(2, ThreeTierGroup.INTERMEDIATE),
    otherwise(ThreeTierGroup.HIGH),
)


def ipi(
    *,
    age_years: int | None,
    ldh: Decimal | int | None,
    ldh_uln: Decimal | int | None,
    ecog_ps: int | None,
    ann_arbor: int | None,
    extranodal_sites: int | None,
) -> ScoreResult[IpiGroup]:
    """International Prognostic Index (Shipp 1993): 0–5 points."""
    age = adult_age(age_years)
    ratio = ldh_ratio(ldh, ldh_uln)
    ps = ecog(ecog_ps)
    stage = ann_arbor_stage(ann_arbor)
    sites = whole_in_range(
        extranodal_sites, field="extranodal_sites", label="Sedi extranodali", low=0, high=30
    )
    points = (
        Points("age_over_60", "Età > 60 anni", point(age > 60)),
        Points("ldh_elevated", "LDH sopra il limite superiore", point(ratio > 1)),
        Points("ecog_2_or_more", "ECOG ≥ 2", point(ps >= 2)),
        Points("stage_3_or_4", "Stadio Ann Arbor III–IV", point(stage >= 3)),
        Points("extranodal_over_1", "Più di una sede extranodale", point(sites > 1)),
    )
    return points_score(
        "ipi", points, groups=IPI_GROUPS, labels=IPI_GROUP_LABELS, reference=IPI_REFERENCE
    )


def age_adjusted_ipi(
    *,
    ldh: Decimal | int | None,
    ldh_uln: Decimal | int | None,
    ecog_ps: int | None,
    ann_arbor: int | None,
) -> ScoreResult[IpiGroup]:
    """Age-adjusted IPI (Shipp 1993): 0–3 points. Derived on patients aged 60 or less; trials
    in older patients use it too, so the age is not checked here."""
    ratio = ldh_ratio(ldh, ldh_uln)
    ps = ecog(ecog_ps)
    stage = ann_arbor_stage(ann_arbor)
    points = (
        Points("ldh_elevated", "LDH sopra il limite superiore", point(ratio > 1)),
        Points("ecog_2_or_more", "ECOG ≥ 2", point(ps >= 2)),
        Points("stage_3_or_4", "Stadio Ann Arbor III–IV", point(stage >= 3)),
    )
    return points_score(
        "aaipi", points, groups=AAIPI_GROUPS, labels=IPI_GROUP_LABELS, reference=IPI_REFERENCE
    )


def r_ipi(ipi_result: ScoreResult[IpiGroup]) -> ScoreResult[RIpiGroup]:
    """Revised IPI (Sehn 2007): the IPI's five factors regrouped, from a computed IPI."""
    if ipi_result.score != "ipi":
        raise ValueError(f"the R-IPI regroups the IPI, not {ipi_result.score!r}")
    return points_score(
        "r_ipi",
        ipi_result.points,
        groups=R_IPI_GROUPS,
        labels=R_IPI_GROUP_LABELS,
        reference=R_IPI_REFERENCE,
    )


def flipi(
    *,
    age_years: int | None,
    ann_arbor: int | None,
    haemoglobin_g_dl: Decimal | int | None,
    nodal_areas: int | None,
    ldh: Decimal | int | None,
    ldh_uln: Decimal | int | None,
) -> ScoreResult[ThreeTierGroup]:
    """Follicular Lymphoma International Prognostic Index (Solal-Céligny 2004): 0–5."""
    age = adult_age(age_years)
    stage = ann_arbor_stage(ann_arbor)
    hb = number_in_range(
        haemoglobin_g_dl, field="haemoglobin_g_dl", label="Emoglobina", low=2, high=25, unit="g/dL"
    )
    areas = whole_in_range(
        nodal_areas, field="nodal_areas", label="Aree linfonodali coinvolte", low=0, high=20
    )
    ratio = ldh_ratio(ldh, ldh_uln)
    points = (
        Points("age_over_60", "Età > 60 anni", point(age > 60)),
        Points("stage_3_or_4", "Stadio Ann Arbor III–IV", point(stage >= 3)),
        Points("haemoglobin_below_12", "Emoglobina < 12 g/dL", point(hb < 12)),
        Points("nodal_areas_over_4", "Più di 4 aree linfonodali", point(areas > 4)),
        Points("ldh_elevated", "LDH sopra il limite superiore", point(ratio > 1)),
    )
    return points_score(
        "flipi", points, groups=FLIPI_GROUPS, labels=THREE_TIER_LABELS, reference=FLIPI_REFERENCE
    )


MIPI_LOW_BELOW = Decimal("5.7")
MIPI_HIGH_FROM = Decimal("6.2")
# Hoster 2008: low < 5.7, intermediate 5.7 to < 6.2, high ≥ 6.2.
MIPI_GROUPS = (
    below(MIPI_LOW_BELOW, ThreeTierGroup.LOW),
    below(MIPI_HIGH_FROM, ThreeTierGroup.INTERMEDIATE),
    otherwise(ThreeTierGroup.HIGH),
)


def mipi_group(value: Decimal) -> ThreeTierGroup:
    """Hoster 2008: low < 5.7, intermediate 5.7 to < 6.2, high ≥ 6.2."""
    return band(value, MIPI_GROUPS)


def mipi(
    *,
    age_years: int | None,
    ecog_ps: int | None,
    ldh: Decimal | int | None,
    ldh_uln: Decimal | int | None,
    wbc_10e9_l: Decimal | int | None,
) -> ScoreResult[ThreeTierGroup]:
    """MIPI (Hoster 2008), the continuous formula. WBC in 10⁹/L, entered in the formula in
    10⁶/L (× 1000), as the paper specifies."""
    age = adult_age(age_years)
    ps = ecog(ecog_ps)
    ratio = ldh_ratio(ldh, ldh_uln)
    wbc = number_in_range(
        wbc_10e9_l,
        field="wbc_10e9_l",
        label="Leucociti",
        low=Decimal("0.1"),
        high=1000,
        unit="×10⁹/L",
    )
    points = (
        Points("age", "0,03535 × età", Decimal("0.03535") * age),
        Points("ecog_over_1", "0,6978 × (ECOG > 1)", Decimal("0.6978") if ps > 1 else ZERO),
        Points("ldh", "1,367 × log10(LDH/LSN)", Decimal("1.367") * ratio.log10()),
        Points("wbc", "0,9393 × log10(leucociti ×10⁶/L)", Decimal("0.9393") * (wbc * 1000).log10()),
    )
    total = sum((p.points for p in points), ZERO)
    return formula_score(
        "mipi",
        total,
        points,
        groups=MIPI_GROUPS,
        labels=THREE_TIER_LABELS,
        reference=MIPI_REFERENCE,
    )
