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

from corsia.core.domain.codes import LabelledCode


class Formulation(LabelledCode):
    CONVENTIONAL = "conventional", "convenzionale"
    LIPOSOMAL = "liposomal", "liposomiale (non pegilata)"
    PEGYLATED_LIPOSOMAL = "pegylated_liposomal", "liposomiale pegilata"
    ALBUMIN_BOUND = "albumin_bound", "legata all'albumina (nab)"
    SUBCUTANEOUS = "subcutaneous", "sottocutanea (con ialuronidasi / dose fissa)"


FORMULATION_LABELS_IT: dict[Formulation, str] = Formulation.labels_it()


def formulation_of(code: str) -> Formulation:
    """The formulation named by ``code``; blank means conventional."""
    return Formulation(code) if code else Formulation.CONVENTIONAL
