"""Formulation: the pharmaceutical form that makes two products of one ingredient different.

Liposomal doxorubicin (Myocet), pegylated liposomal doxorubicin (Caelyx) and conventional
doxorubicin (Adriblastina) share the active ingredient but not the dose, the kinetics nor
the toxicity: one for another kills (ISMP look-alike list; AIFA Nota Informativa on
Caelyx/Myocet). The same holds for nab-paclitaxel (Abraxane) against paclitaxel in
Cremophor, and for the subcutaneous forms of trastuzumab and rituximab (with hyaluronidase,
fixed dose) against the intravenous concentrates.

The formulation is a stable code carried by a product of the archive, by a regimen
component and so by the order item and the preparation; compounding refuses a product
of another formulation.
"""

from __future__ import annotations

from enum import StrEnum


class Formulation(StrEnum):
    CONVENTIONAL = "conventional"
    LIPOSOMAL = "liposomal"
    PEGYLATED_LIPOSOMAL = "pegylated_liposomal"
    ALBUMIN_BOUND = "albumin_bound"
    SUBCUTANEOUS = "subcutaneous"

    @property
    def label_it(self) -> str:
        return FORMULATION_LABELS_IT[self]


FORMULATION_LABELS_IT: dict[Formulation, str] = {
    Formulation.CONVENTIONAL: "convenzionale",
    Formulation.LIPOSOMAL: "liposomiale (non pegilata)",
    Formulation.PEGYLATED_LIPOSOMAL: "liposomiale pegilata",
    Formulation.ALBUMIN_BOUND: "legata all'albumina (nab)",
    Formulation.SUBCUTANEOUS: "sottocutanea (con ialuronidasi / dose fissa)",
}


def formulation_of(code: str) -> Formulation:
    """The formulation named by ``code``; blank means conventional."""
    return Formulation(code) if code else Formulation.CONVENTIONAL
