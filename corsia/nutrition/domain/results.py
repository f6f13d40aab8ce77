"""What a signed order keeps of its computation: the assessment as plain JSON (numbers as
strings, rounded half-up to 4 decimals), so the order shows what was signed even after the
pharmacy's data change."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from corsia.nutrition.domain.checks import Assessment, Finding, Severity

_FOUR = Decimal("0.0001")


def _n(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(_FOUR, rounding=ROUND_HALF_UP):f}"


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "parameter": finding.parameter,
        "value": _n(finding.value),
        "limit": _n(finding.limit),
    }


def results_of(assessment: Assessment) -> dict[str, Any]:
    c = assessment.composition
    ca_p = assessment.calcium_phosphate
    return {
        "band": assessment.band.value,
        "route": assessment.route.value,
        "weight_kg": _n(c.weight_kg),
        "infusion_hours": _n(c.infusion_hours),
        "volume_ml": _n(c.volume_ml),
        "rate_ml_h": _n(c.rate_ml_h),
        "kcal": _n(c.total_kcal),
        "non_protein_kcal": _n(c.non_protein_kcal),
        "npc_per_g_nitrogen": _n(c.npc_per_g_nitrogen),
        "gir_mg_kg_min": _n(c.gir_mg_kg_min),
        "osmolarity_mosm_l": _n(c.osmolarity_mosm_l),
        "nutrients": {k: _n(v) for k, v in c.nutrients.items()},
        "per_kg": {k: _n(v) for k, v in c.per_kg.items()},
        "calcium_phosphate": {
            "verdict": ca_p.verdict.value,
            "calcium_mmol_l": _n(ca_p.calcium_mmol_l),
            "phosphate_mmol_l": _n(ca_p.phosphate_mmol_l),
            "max_calcium_mmol_l": _n(ca_p.max_calcium_mmol_l),
        },
        "components": [
            {
                "code": p.component.code,
                "name": p.component.name,
                "amount": _n(p.amount),
                "unit": p.unit.value,
                "volume_ml": _n(p.volume_ml),
            }
            for p in c.parts
        ],
        "findings": [_finding(f) for f in assessment.findings],
        "blocked": assessment.blocked,
    }


def warnings_of(assessment: Assessment) -> tuple[Finding, ...]:
    return tuple(f for f in assessment.findings if f.severity is Severity.WARN)
