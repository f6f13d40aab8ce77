"""ABO/RhD compatibility of a blood component with its recipient. Pure.

* **Red cells** carry the antigens: the donor's A/B antigens must not meet the recipient's
  anti-A/anti-B (an O recipient has both, an AB recipient neither). An RhD-negative
  recipient receives RhD-negative red cells only (refused here: the emergency exception is
  the transfusion service's decision, not the ward's); an RhD-positive recipient either.
* **Plasma** carries the antibodies — the reverse: the donor's anti-A/anti-B must not meet
  the recipient's antigens (AB plasma, with neither, goes to everyone; an AB recipient
  takes AB plasma only). RhD does not count for plasma.
* **Platelets**: ABO-identical is *preferred*; ABO-non-identical is *acceptable* (platelets
  carry few ABO antigens; group O platelets in plasma to a non-O recipient carry the risk
  of high-titre anti-A/anti-B, said as a warning); RhD-positive platelets to an
  RhD-negative recipient are *acceptable* with the warning to consider anti-D
  immunoprophylaxis (women of childbearing age above all).

A recipient whose group is not confirmed, or a bag whose RhD is not specified where it
matters, is not compatible: nothing is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corsia.transfusion.domain.isbt128 import Abo, BloodGroup
from corsia.transfusion.domain.products import Component

# The antigens on the red cells of each ABO group, and the antibodies in its plasma.
ANTIGENS: dict[Abo, frozenset[str]] = {
    Abo.O: frozenset(),
    Abo.A: frozenset({"A"}),
    Abo.B: frozenset({"B"}),
    Abo.AB: frozenset({"A", "B"}),
}
ANTIBODIES: dict[Abo, frozenset[str]] = {
    abo: frozenset({"A", "B"}) - antigens for abo, antigens in ANTIGENS.items()
}


class Verdict(StrEnum):
    COMPATIBLE = "compatible"  # red cells, plasma
    PREFERRED = "preferred"  # platelets, ABO-identical and RhD-compatible
    ACCEPTABLE = "acceptable"  # platelets, with warnings
    INCOMPATIBLE = "incompatible"


@dataclass(frozen=True)
class Compatibility:
    verdict: Verdict
    reason: str = ""  # Italian, for an incompatible verdict
    warnings: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.verdict is not Verdict.INCOMPATIBLE


def abo_red_cells_ok(recipient: Abo, donor: Abo) -> bool:
    return not (ANTIGENS[donor] & ANTIBODIES[recipient])


def abo_plasma_ok(recipient: Abo, donor: Abo) -> bool:
    return not (ANTIBODIES[donor] & ANTIGENS[recipient])


def _incompatible(recipient: BloodGroup, donor: BloodGroup, why: str) -> Compatibility:
    return Compatibility(
        Verdict.INCOMPATIBLE,
        f"Sacca di gruppo {donor.label_it()} incompatibile con il paziente "
        f"{recipient.label_it()}: {why}.",
    )


def _red_cells(recipient: BloodGroup, donor: BloodGroup) -> Compatibility:
    if not abo_red_cells_ok(recipient.abo, donor.abo):
        return _incompatible(recipient, donor, "gli anticorpi del paziente lisano queste emazie")
    if recipient.rhd_positive is None:
        return _incompatible(recipient, donor, "RhD del paziente non determinato")
    if not recipient.rhd_positive and donor.rhd_positive is not False:
        return _incompatible(
            recipient, donor, "un paziente RhD negativo riceve solo emazie RhD negative"
        )
    return Compatibility(Verdict.COMPATIBLE)


def _plasma(recipient: BloodGroup, donor: BloodGroup) -> Compatibility:
    if not abo_plasma_ok(recipient.abo, donor.abo):
        return _incompatible(
            recipient, donor, "gli anticorpi del plasma del donatore colpiscono il paziente"
        )
    return Compatibility(Verdict.COMPATIBLE)


def _platelets(recipient: BloodGroup, donor: BloodGroup) -> Compatibility:
    warnings: list[str] = []
    if donor.abo is not recipient.abo:
        warnings.append(
            f"Piastrine ABO non identiche ({donor.abo.value} a paziente {recipient.abo.value})."
        )
        if not abo_plasma_ok(recipient.abo, donor.abo):
            warnings.append(
                "Il plasma della sacca contiene anticorpi contro il gruppo del paziente: "
                "usare solo se a basso titolo di anti-A/anti-B o in soluzione additiva."
            )
    if recipient.rhd_positive is None:
        return _incompatible(recipient, donor, "RhD del paziente non determinato")
    if not recipient.rhd_positive and donor.rhd_positive is not False:
        warnings.append(
            "Piastrine RhD positive (o RhD non specificato) a paziente RhD negativo: valutare "
            "l'immunoprofilassi anti-D."
        )
    return Compatibility(Verdict.ACCEPTABLE if warnings else Verdict.PREFERRED, "", tuple(warnings))


def compatibility(component: Component, recipient: BloodGroup, donor: BloodGroup) -> Compatibility:
    """The verdict on giving ``donor``'s ``component`` to ``recipient``."""
    if component is Component.RED_CELLS:
        return _red_cells(recipient, donor)
    if component is Component.PLASMA:
        return _plasma(recipient, donor)
    return _platelets(recipient, donor)
