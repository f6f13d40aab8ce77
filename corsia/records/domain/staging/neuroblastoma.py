"""International Neuroblastoma Staging System (INSS).

Brodeur GM, Pritchard J, Berthold F, et al. Revisions of the international criteria for
neuroblastoma diagnosis, staging, and response to treatment. J Clin Oncol 1993;11:1466-77.

* 1: localised tumour with complete gross excision (with or without microscopic residual);
  representative ipsilateral nodes negative.
* 2A: localised tumour with incomplete gross excision; ipsilateral nodes negative.
* 2B: localised tumour with or without complete gross excision, ipsilateral non-adherent
  nodes positive.
* 3: unresectable unilateral tumour infiltrating across the midline, or localised unilateral
  tumour with contralateral regional nodes, or midline tumour with bilateral extension by
  infiltration (unresectable) or by nodes.
* 4: dissemination to distant nodes, bone, bone marrow, liver, skin or other organs
  (except as defined for 4S).
* 4S: localised primary (as for 1, 2A or 2B) with dissemination limited to skin, liver and/or
  bone marrow (< 10 % tumour cells), in infants under 1 year.

Each finding is asked only when the decision reaches it (a stage 4 needs no surgical
detail). Limits: the surgical staging system of 1993; the pre-treatment INRGSS (L1, L2, M,
MS) used by current protocols is a different system, not computed here.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.records.domain.inputs import flag, number_in_range, whole_in_range
from corsia.records.domain.results import Reference, StageResult

INSS_REFERENCE = Reference(
    "Brodeur 1993",
    "Brodeur GM, Pritchard J, Berthold F, et al. Revisions of the international criteria for "
    "neuroblastoma diagnosis, staging, and response to treatment. J Clin Oncol "
    "1993;11:1466-77.",
)

STAGE_4S_MARROW_BELOW = Decimal(10)


def _result(stage: str, categories: str) -> StageResult:
    return StageResult("inss", stage, f"INSS stadio {stage}", INSS_REFERENCE, categories)


def inss_stage(
    *,
    distant_dissemination: bool | None,
    crosses_midline: bool | None = None,
    contralateral_nodes: bool | None = None,
    complete_gross_excision: bool | None = None,
    ipsilateral_nodes_positive: bool | None = None,
    age_months: int | None = None,
    dissemination_limited_to_skin_liver_marrow: bool | None = None,
    marrow_tumour_cells_pct: Decimal | int | None = None,
) -> StageResult:
    """INSS stage (Brodeur 1993). ``crosses_midline`` means an unresectable tumour
    infiltrating across the midline, or a midline tumour with bilateral extension."""
    disseminated = flag(
        distant_dissemination, field="distant_dissemination", label="Disseminazione a distanza"
    )
    midline = flag(
        crosses_midline, field="crosses_midline", label="Infiltrazione oltre la linea mediana"
    )
    contralateral = flag(
        contralateral_nodes, field="contralateral_nodes", label="Linfonodi regionali controlaterali"
    )
    localised = not midline and not contralateral
    if disseminated:
        age = whole_in_range(
            age_months, field="age_months", label="Età", low=0, high=300, unit="mesi"
        )
        if age < 12 and localised:
            limited = flag(
                dissemination_limited_to_skin_liver_marrow,
                field="dissemination_limited_to_skin_liver_marrow",
                label="Metastasi limitate a cute, fegato e midollo",
            )
            if limited:
                marrow = number_in_range(
                    marrow_tumour_cells_pct,
                    field="marrow_tumour_cells_pct",
                    label="Cellule tumorali nel midollo",
                    low=0,
                    high=100,
                    unit="%",
                )
                if marrow < STAGE_4S_MARROW_BELOW:
                    return _result("4S", f"età {age} mesi, metastasi cute/fegato/midollo {marrow}%")
        return _result("4", "disseminazione a distanza")
    if not localised:
        return _result("3", "oltre la linea mediana o linfonodi controlaterali")
    excised = flag(
        complete_gross_excision,
        field="complete_gross_excision",
        label="Asportazione macroscopica completa",
    )
    nodes = flag(
        ipsilateral_nodes_positive,
        field="ipsilateral_nodes_positive",
        label="Linfonodi omolaterali positivi",
    )
    if nodes:
        return _result("2B", "linfonodi omolaterali positivi")
    if excised:
        return _result("1", "asportazione completa, linfonodi negativi")
    return _result("2A", "asportazione incompleta, linfonodi negativi")
