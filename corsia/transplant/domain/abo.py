"""ABO incompatibility between donor and recipient of an HPC graft (EBMT Handbook 2019,
ch. 18): **major** when the donor's red cells carry an A or B antigen the recipient
lacks (the recipient's isohaemagglutinins meet them: haemolysis, delayed red-cell
engraftment, pure red-cell aplasia), **minor** when the recipient's carry one the donor
lacks (the donor's plasma and passenger lymphocytes), **bidirectional** both."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode

_ANTIGENS = {"O": frozenset(), "A": frozenset("A"), "B": frozenset("B"), "AB": frozenset("AB")}


class AboMismatch(LabelledCode):
    NONE = "none", "ABO compatibile"
    MAJOR = "major", "Incompatibilità ABO maggiore"
    MINOR = "minor", "Incompatibilità ABO minore"
    BIDIRECTIONAL = "bidirectional", "Incompatibilità ABO bidirezionale"


ABO_GROUPS = tuple(_ANTIGENS)


def abo_mismatch(*, donor: str, recipient: str) -> AboMismatch:
    d, r = _ANTIGENS[donor], _ANTIGENS[recipient]
    major, minor = bool(d - r), bool(r - d)
    if major and minor:
        return AboMismatch.BIDIRECTIONAL
    if major:
        return AboMismatch.MAJOR
    return AboMismatch.MINOR if minor else AboMismatch.NONE
