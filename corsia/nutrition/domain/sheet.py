"""The compounding sheet of a bag: the order of additions, and the CSV a compounder's
software imports.

Order of additions (Boullata JI et al. ASPEN clinical guidelines: parenteral nutrition
ordering, order review, compounding, labeling, and dispensing. JPEN 2014;38:334-77;
Mirtallo J et al. JPEN 2004;28:S39-70): a multi-chamber bag is activated first (its
seals opened) and receives the additions through its port; otherwise the amino acids,
the glucose and the water first (the volume that dilutes everything after), then the
**phosphate** into it, the other electrolytes (sodium, potassium, magnesium), the trace
elements, the **calcium** as far from the phosphate as the sequence allows and only
after it, the water-soluble vitamins, and the **lipid emulsion last** (with the
fat-soluble vitamins carried in it), once the aqueous phase is complete, so that the
calcium never meets the emulsion undiluted.

CSV for automated compounders (``compounder_csv``): UTF-8, comma-separated, one header
line then one line per addition in sequence::

    bag_id,sequence,component_code,component_name,volume_ml,kind
    NPT-1,1,AA_AMINOVEN_10,Aminoven 10%,1000.000,amino_acids

``volume_ml`` with a dot and 3 decimals (rounded half-up), ``kind`` the catalogue's;
the compounder's software maps ``component_code`` to its own source containers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition.domain.catalogue import Kind
from corsia.nutrition.domain.composition import Part

CSV_HEADER = ("bag_id", "sequence", "component_code", "component_name", "volume_ml", "kind")
_THREE = Decimal("0.001")


@dataclass(frozen=True)
class Step:
    sequence: int
    part: Part
    stage: str  # why it comes here (Italian, for the sheet)


def _stage(part: Part) -> tuple[int, str]:
    component = part.component
    kind = component.kind
    if kind is Kind.BAG:
        return 0, "Attivare la sacca multicamera (aprire le saldature)"
    if kind in (Kind.AMINO_ACIDS, Kind.GLUCOSE, Kind.WATER):
        return 1, "Base: aminoacidi, glucosio, acqua"
    if component.per_ml("phosphate_mmol") > 0:
        return 2, "Fosfato, prima del calcio"
    if kind is Kind.ELECTROLYTE and component.per_ml("calcium_mmol") == 0:
        return 3, "Elettroliti (sodio, potassio, magnesio)"
    if kind is Kind.TRACE_ELEMENTS:
        return 4, "Oligoelementi"
    if component.per_ml("calcium_mmol") > 0:
        return 5, "Calcio, dopo il fosfato e ben diluito"
    if kind is Kind.VITAMINS and component.per_ml("lipid_g") == 0:
        return 6, "Vitamine idrosolubili"
    if kind is Kind.VITAMINS:
        return 7, "Vitamine liposolubili nell'emulsione lipidica"
    return 8, "Emulsione lipidica per ultima"


def compounding_sequence(parts: Sequence[Part]) -> tuple[Step, ...]:
    """The additions in compounding order; within a stage, the prescription's order."""
    ranked = sorted(enumerate(parts), key=lambda pair: (_stage(pair[1])[0], pair[0]))
    return tuple(
        Step(sequence=n, part=part, stage=_stage(part)[1])
        for n, (_, part) in enumerate(ranked, start=1)
    )


def compounder_csv(*, bag_id: str, steps: Sequence[Step], blocked: bool) -> str:
    """The CSV of the additions; refused (``bag_blocked``) for a bag with a blocking check."""
    if blocked:
        raise ValidationFailed(
            "La sacca ha controlli bloccanti: non si esporta per l'allestimento.",
            code="bag_blocked",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for step in steps:
        component = step.part.component
        writer.writerow(
            (
                bag_id,
                step.sequence,
                component.code,
                component.name,
                f"{step.part.volume_ml.quantize(_THREE, rounding=ROUND_HALF_UP):f}",
                component.kind.value,
            )
        )
    return out.getvalue()
