"""Prognostic scores of chronic myeloid leukaemia in chronic phase, at diagnosis.

* Sokal — Sokal JE, Cox EB, Baccarani M, et al. Prognostic discrimination in "good-risk"
  chronic granulocytic leukemia. Blood 1984;63:789-99. Relative risk =
  exp[0.0116 × (age − 43.4) + 0.0345 × (spleen − 7.51) + 0.188 × ((platelets/700)² − 0.563)
  + 0.0887 × (blasts − 2.10)]; low < 0.8, intermediate 0.8–1.2, high > 1.2.
* ELTS — Pfirrmann M, Baccarani M, Saussele S, et al. Prognosis of long-term survival
  considering disease-specific death in patients with chronic myeloid leukemia.
  Leukemia 2016;30:48-56. 0.0025 × (age/10)³ + 0.0615 × spleen + 0.1052 × blasts
  + 0.4104 × (platelets/1000)^−0.5; low ≤ 1.5680, intermediate > 1.5680 to ≤ 2.2185,
  high > 2.2185.

Spleen in cm below the costal margin (palpation), platelets in 10⁹/L, blasts as % of
peripheral blood cells, all before any treatment; ``cml_at_diagnosis`` validates them once
for both scores. Limits: adults (18–120 years), chronic
phase only (blood blasts below 15 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.bands import band, below, otherwise, up_to
from corsia.records.domain.inputs import number_in_range
from corsia.records.domain.prognosis._common import adult_age
from corsia.records.domain.results import Points, Reference, ScoreResult, formula_score

SOKAL_REFERENCE = Reference(
    "Sokal 1984",
    'Sokal JE, Cox EB, Baccarani M, et al. Prognostic discrimination in "good-risk" chronic '
    "granulocytic leukemia. Blood 1984;63:789-99.",
)
ELTS_REFERENCE = Reference(
    "Pfirrmann 2016",
    "Pfirrmann M, Baccarani M, Saussele S, et al. Prognosis of long-term survival considering "
    "disease-specific death in patients with chronic myeloid leukemia. Leukemia 2016;30:48-56.",
)


class CmlRiskGroup(LabelledCode):
    LOW = "low", "Basso"
    INTERMEDIATE = "intermediate", "Intermedio"
    HIGH = "high", "Alto"


CML_GROUP_LABELS: dict[CmlRiskGroup, str] = CmlRiskGroup.labels_it()

SOKAL_LOW_BELOW = Decimal("0.8")
SOKAL_HIGH_ABOVE = Decimal("1.2")
ELTS_LOW_UP_TO = Decimal("1.5680")
ELTS_INTERMEDIATE_UP_TO = Decimal("2.2185")
# Sokal 1984: low < 0.8, intermediate 0.8–1.2, high > 1.2.
SOKAL_GROUPS = (
    below(SOKAL_LOW_BELOW, CmlRiskGroup.LOW),
    up_to(SOKAL_HIGH_ABOVE, CmlRiskGroup.INTERMEDIATE),
    otherwise(CmlRiskGroup.HIGH),
)
# Pfirrmann 2016: low ≤ 1.5680, intermediate > 1.5680 to ≤ 2.2185, high > 2.2185.
ELTS_GROUPS = (
    up_to(ELTS_LOW_UP_TO, CmlRiskGroup.LOW),
    up_to(ELTS_INTERMEDIATE_UP_TO, CmlRiskGroup.INTERMEDIATE),
    otherwise(CmlRiskGroup.HIGH),
)


def sokal_group(risk: Decimal) -> CmlRiskGroup:
    """Sokal 1984: low < 0.8, intermediate 0.8–1.2, high > 1.2."""
    return band(risk, SOKAL_GROUPS)


def elts_group(value: Decimal) -> CmlRiskGroup:
    """Pfirrmann 2016: low ≤ 1.5680, intermediate ≤ 2.2185, high above."""
    return band(value, ELTS_GROUPS)


@dataclass(frozen=True)
class CmlAtDiagnosis:
    """The findings Sokal and ELTS share, validated once."""

    age_years: int
    spleen_cm: Decimal
    platelets_10e9_l: Decimal
    blood_blasts_pct: Decimal


def cml_at_diagnosis(
    *,
    age_years: int | None,
    spleen_cm: Decimal | int | None,
    platelets_10e9_l: Decimal | int | None,
    blood_blasts_pct: Decimal | int | None,
) -> CmlAtDiagnosis:
    """Check the findings before treatment: adult, chronic phase (blood blasts < 15 %)."""
    return CmlAtDiagnosis(
        age_years=adult_age(age_years),
        spleen_cm=number_in_range(
            spleen_cm,
            field="spleen_cm",
            label="Milza sotto l'arcata costale",
            low=0,
            high=40,
            unit="cm",
        ),
        platelets_10e9_l=number_in_range(
            platelets_10e9_l,
            field="platelets_10e9_l",
            label="Piastrine",
            low=1,
            high=5000,
            unit="×10⁹/L",
        ),
        blood_blasts_pct=number_in_range(
            blood_blasts_pct,
            field="blood_blasts_pct",
            label="Blasti nel sangue periferico",
            low=0,
            high=15,
            unit="%",
            high_exclusive=True,
        ),
    )


def sokal(findings: CmlAtDiagnosis) -> ScoreResult[CmlRiskGroup]:
    """Sokal relative risk (Sokal 1984)."""
    age, spleen = findings.age_years, findings.spleen_cm
    platelets, blasts = findings.platelets_10e9_l, findings.blood_blasts_pct
    terms = (
        Points("age", "0,0116 × (età − 43,4)", Decimal("0.0116") * (age - Decimal("43.4"))),
        Points("spleen", "0,0345 × (milza − 7,51)", Decimal("0.0345") * (spleen - Decimal("7.51"))),
        Points(
            "platelets",
            "0,188 × ((piastrine/700)² − 0,563)",
            Decimal("0.188") * ((platelets / 700) ** 2 - Decimal("0.563")),
        ),
        Points(
            "blasts", "0,0887 × (blasti − 2,10)", Decimal("0.0887") * (blasts - Decimal("2.10"))
        ),
    )
    exponent = sum((t.points for t in terms), Decimal(0))
    return formula_score(
        "sokal",
        exponent.exp(),
        terms,
        groups=SOKAL_GROUPS,
        labels=CML_GROUP_LABELS,
        reference=SOKAL_REFERENCE,
    )


def elts(findings: CmlAtDiagnosis) -> ScoreResult[CmlRiskGroup]:
    """EUTOS long-term survival score (Pfirrmann 2016)."""
    age, spleen = findings.age_years, findings.spleen_cm
    platelets, blasts = findings.platelets_10e9_l, findings.blood_blasts_pct
    terms = (
        Points("age", "0,0025 × (età/10)³", Decimal("0.0025") * (Decimal(age) / 10) ** 3),
        Points("spleen", "0,0615 × milza", Decimal("0.0615") * spleen),
        Points("blasts", "0,1052 × blasti", Decimal("0.1052") * blasts),
        Points(
            "platelets",
            "0,4104 × (piastrine/1000)^−0,5",
            Decimal("0.4104") / (platelets / 1000).sqrt(),
        ),
    )
    value = sum((t.points for t in terms), Decimal(0))
    return formula_score(
        "elts", value, terms, groups=ELTS_GROUPS, labels=CML_GROUP_LABELS, reference=ELTS_REFERENCE
    )
