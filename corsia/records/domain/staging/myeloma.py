"""Staging of multiple myeloma: ISS and R-ISS.

* ISS — Greipp PR, San Miguel J, Durie BG, et al. International staging system for multiple
  myeloma. J Clin Oncol 2005;23:3412-20. I: serum β2-microglobulin < 3.5 mg/L and albumin
  ≥ 3.5 g/dL; III: β2-microglobulin ≥ 5.5 mg/L; II: neither I nor III.
* R-ISS — Palumbo A, Avet-Loiseau H, Oliva S, et al. Revised International Staging System
  for Multiple Myeloma: a report from International Myeloma Working Group. J Clin Oncol
  2015;33:2863-9. I: ISS I, standard-risk chromosomal abnormalities by iFISH and LDH not
  above the upper limit of normal; III: ISS III and either high-risk abnormalities
  (del(17p), t(4;14) or t(14;16)) or LDH above the upper limit; II: all others.

Limits: albumin in g/dL (g/L ÷ 10); at diagnosis, before treatment; the R-ISS needs iFISH for
the three abnormalities (each must be known; an unknown is refused, not taken as absent).
"""

from __future__ import annotations

from decimal import Decimal

from corsia.records.domain.inputs import flag, ldh_ratio, number_in_range
from corsia.records.domain.results import Reference, StageResult

ISS_REFERENCE = Reference(
    "Greipp 2005",
    "Greipp PR, San Miguel J, Durie BG, et al. International staging system for multiple "
    "myeloma. J Clin Oncol 2005;23:3412-20.",
)
R_ISS_REFERENCE = Reference(
    "Palumbo 2015",
    "Palumbo A, Avet-Loiseau H, Oliva S, et al. Revised International Staging System for "
    "Multiple Myeloma: a report from International Myeloma Working Group. J Clin Oncol "
    "2015;33:2863-9.",
)

ISS_B2M_LOW = Decimal("3.5")
ISS_B2M_HIGH = Decimal("5.5")
ISS_ALBUMIN = Decimal("3.5")


def _iss(
    beta2_microglobulin_mg_l: Decimal | int | None, albumin_g_dl: Decimal | int | None
) -> tuple[str, str]:
    b2m = number_in_range(
        beta2_microglobulin_mg_l,
        field="beta2_microglobulin_mg_l",
        label="β2-microglobulina",
        low=Decimal("0.1"),
        high=200,
        unit="mg/L",
    )
    albumin = number_in_range(
        albumin_g_dl,
        field="albumin_g_dl",
        label="Albumina",
        low=Decimal("0.5"),
        high=7,
        unit="g/dL",
    )
    stage = (
        "I"
        if b2m < ISS_B2M_LOW and albumin >= ISS_ALBUMIN
        else "III"
        if b2m >= ISS_B2M_HIGH
        else "II"
    )
    return stage, f"β2M {b2m} mg/L, albumina {albumin} g/dL"


def iss(
    *, beta2_microglobulin_mg_l: Decimal | int | None, albumin_g_dl: Decimal | int | None
) -> StageResult:
    """International Staging System (Greipp 2005)."""
    stage, categories = _iss(beta2_microglobulin_mg_l, albumin_g_dl)
    return StageResult("iss", stage, f"ISS {stage}", ISS_REFERENCE, categories)


def r_iss(
    *,
    beta2_microglobulin_mg_l: Decimal | int | None,
    albumin_g_dl: Decimal | int | None,
    del_17p: bool | None,
    t_4_14: bool | None,
    t_14_16: bool | None,
    ldh: Decimal | int | None,
    ldh_uln: Decimal | int | None,
) -> StageResult:
    """Revised ISS (Palumbo 2015)."""
    iss_stage, iss_categories = _iss(beta2_microglobulin_mg_l, albumin_g_dl)
    high_risk = [
        name
        for name, value, field in (
            ("del(17p)", del_17p, "del_17p"),
            ("t(4;14)", t_4_14, "t_4_14"),
            ("t(14;16)", t_14_16, "t_14_16"),
        )
        if flag(value, field=field, label=f"{name} (iFISH)")
    ]
    ldh_high = ldh_ratio(ldh, ldh_uln) > 1
    if iss_stage == "I" and not high_risk and not ldh_high:
        stage = "I"
    elif iss_stage == "III" and (high_risk or ldh_high):
        stage = "III"
    else:
        stage = "II"
    cytogenetics = ", ".join(high_risk) if high_risk else "rischio standard"
    categories = (
        f"ISS {iss_stage} ({iss_categories}); citogenetica: {cytogenetics}; "
        f"LDH {'elevato' if ldh_high else 'nella norma'}"
    )
    return StageResult("r_iss", stage, f"R-ISS {stage}", R_ISS_REFERENCE, categories)
