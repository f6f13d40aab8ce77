"""HLA typing and the donor-recipient match (WHO nomenclature, EBMT/NMDP counting).

A typing gives two alleles at each locus A, B, C, DRB1 and DQB1, written as the WHO
nomenclature writes them: ``A*02:01`` (allele level: two fields or more) or ``A*02``
(first field only: antigen-level, "low" resolution). A homozygous locus repeats the allele.

The match at a locus counts both directions:

- **GVH** (graft-versus-host): the recipient's alleles the donor lacks (what the donor's
  T cells would see as foreign);
- **HvG** (host-versus-graft, rejection): the donor's alleles the recipient lacks.

The locus matches ``2 - max(GVH, HvG)`` of 2 (a one-way mismatch of a homozygous party
still counts, as NMDP and EBMT count it). The score is out of 8 on A, B, C, DRB1 and out of
10 with DQB1 when both typed it. Alleles are compared at the resolution both have: when
one side is typed at the first field only, at the first field (the locus is flagged
``low_resolution``). Null alleles (suffix ``N``: not expressed) are refused rather than
silently matched: the laboratory's report is the place to read them.

Haploidentical: a related donor who shares at least one allele at every typed locus but is
not fully matched (one haplotype in common, EBMT Handbook 2019 ch. 31); without the
family's segregation data Corsia cannot prove the shared haplotype, so the label is
"compatible with a shared haplotype" and the typing lab's report stays the reference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed

CLASSIC = ("A", "B", "C", "DRB1")
LOCI = (*CLASSIC, "DQB1")
_ALLELE = re.compile(r"^(A|B|C|DRB1|DQB1)\*(\d{2,3})((?::\d{2,3}){1,3})?([LSQN])?$")


@dataclass(frozen=True, order=True)
class Allele:
    locus: str
    fields: tuple[str, ...]  # "02", "01" ... (one: antigen level)

    @property
    def high_resolution(self) -> bool:
        return len(self.fields) >= 2

    def at(self, depth: int) -> tuple[str, ...]:
        return self.fields[:depth]

    def __str__(self) -> str:
        return f"{self.locus}*{':'.join(self.fields)}"


def parse_allele(text: str, *, locus: str) -> Allele:
    """``A*02:01`` (or ``02:01`` given the locus) as an allele of ``locus``, else refused."""
    raw = (text or "").strip().upper().replace("HLA-", "")
    if raw and "*" not in raw:
        raw = f"{locus}*{raw}"
    match = _ALLELE.fullmatch(raw)
    if match is None or match[1] != locus:
        raise ValidationFailed(
            f"HLA-{locus}: «{text[:30]}» non è un allele scritto secondo la nomenclatura OMS "
            f"(es. {locus}*02:01 o {locus}*02).",
            code="hla_allele_invalid",
            field=f"hla_{locus.lower()}",
        )
    if match[4] == "N":
        raise ValidationFailed(
            f"HLA-{locus}: allele nullo ({text[:30]}): non espresso, va valutato sul referto "
            "del laboratorio di tipizzazione.",
            code="hla_null_allele",
            field=f"hla_{locus.lower()}",
        )
    fields = (match[2], *(f for f in (match[3] or "").split(":") if f))
    return Allele(locus=locus, fields=fields[:2])  # two fields: the protein, what matching uses


Typing = dict[str, tuple[Allele, Allele]]


def parse_typing(raw: Mapping[str, tuple[str, str] | list[str]]) -> Typing:
    """Two alleles at each locus given; A, B, C and DRB1 required, DQB1 optional (both or
    neither of its alleles)."""
    typing: Typing = {}
    for locus in LOCI:
        pair = [str(v or "").strip() for v in (raw.get(locus) or ("", ""))][:2]
        while len(pair) < 2:
            pair.append("")
        if not any(pair) and locus == "DQB1":
            continue
        if not all(pair):
            raise ValidationFailed(
                f"HLA-{locus}: indica i due alleli (ripeti lo stesso se omozigote).",
                code="hla_locus_incomplete",
                field=f"hla_{locus.lower()}",
            )
        first, second = (parse_allele(p, locus=locus) for p in pair)
        typing[locus] = (first, second) if first <= second else (second, first)
    return typing


def typing_text(typing: Typing) -> dict[str, list[str]]:
    """The typing as stored and shown: ``{"A": ["A*01:01", "A*02:01"], ...}``."""
    return {locus: [str(a) for a in pair] for locus, pair in typing.items()}


@dataclass(frozen=True)
class LocusMatch:
    locus: str
    gvh: int  # recipient alleles the donor lacks (0-2)
    hvg: int  # donor alleles the recipient lacks (0-2)
    low_resolution: bool
    gvh_alleles: tuple[str, ...]
    hvg_alleles: tuple[str, ...]

    @property
    def matched(self) -> int:
        return 2 - max(self.gvh, self.hvg)

    @property
    def direction(self) -> str:
        """``""``, ``"GVH"``, ``"HvG"`` or ``"bidirezionale"``."""
        if self.gvh and self.hvg:
            return "bidirezionale"
        return "GVH" if self.gvh else ("HvG" if self.hvg else "")


def locus_match(recipient: tuple[Allele, Allele], donor: tuple[Allele, Allele]) -> LocusMatch:
    locus = recipient[0].locus
    depth = 2 if all(a.high_resolution for a in (*recipient, *donor)) else 1
    r_set = {a.at(depth) for a in recipient}
    d_set = {a.at(depth) for a in donor}
    gvh = [a for a in recipient if a.at(depth) not in d_set]
    hvg = [a for a in donor if a.at(depth) not in r_set]
    return LocusMatch(
        locus=locus,
        gvh=len(gvh),
        hvg=len(hvg),
        low_resolution=depth == 1,
        gvh_alleles=tuple(str(a) for a in gvh),
        hvg_alleles=tuple(str(a) for a in hvg),
    )


class Category(StrEnum):
    IDENTICAL = "identical"  # 8/8 (10/10 when DQB1 typed)
    HAPLOIDENTICAL = "haploidentical"
    MISMATCHED = "mismatched"


CATEGORY_LABELS_IT = {
    Category.IDENTICAL: "Compatibile (nessuna incompatibilità)",
    Category.HAPLOIDENTICAL: "Aploidentico (un aplotipo in comune)",
    Category.MISMATCHED: "Parzialmente compatibile",
}


@dataclass(frozen=True)
class Match:
    loci: tuple[LocusMatch, ...]
    category: Category

    def _score(self, loci: tuple[str, ...]) -> tuple[int, int] | None:
        found = [m for m in self.loci if m.locus in loci]
        if len(found) != len(loci):
            return None
        return sum(m.matched for m in found), 2 * len(loci)

    @property
    def of_8(self) -> tuple[int, int]:
        score = self._score(CLASSIC)
        assert score is not None
        return score

    @property
    def of_10(self) -> tuple[int, int] | None:
        return self._score(LOCI)

    @property
    def text(self) -> str:
        matched, total = self.of_10 or self.of_8
        return f"{matched}/{total}"

    @property
    def mismatches(self) -> tuple[LocusMatch, ...]:
        return tuple(m for m in self.loci if m.matched < 2)

    @property
    def low_resolution(self) -> bool:
        return any(m.low_resolution for m in self.loci)


def hla_match(recipient: Typing, donor: Typing, *, related: bool) -> Match:
    """The match at each locus both typed, the score and the category."""
    loci = tuple(
        locus_match(recipient[lo], donor[lo]) for lo in LOCI if lo in recipient and lo in donor
    )
    if all(m.matched == 2 for m in loci):
        category = Category.IDENTICAL
    elif related and all(m.matched >= 1 for m in loci):
        category = Category.HAPLOIDENTICAL
    else:
        category = Category.MISMATCHED
    return Match(loci=loci, category=category)


def match_summary(match: Match) -> dict[str, object]:
    """The match as stored beside the donor (JSON)."""
    return {
        "score_8": "{}/{}".format(*match.of_8),
        "score_10": "{}/{}".format(*match.of_10) if match.of_10 else None,
        "category": match.category.value,
        "category_label": CATEGORY_LABELS_IT[match.category],
        "low_resolution": match.low_resolution,
        "mismatches": [
            {
                "locus": m.locus,
                "direction": m.direction,
                "gvh": list(m.gvh_alleles),
                "hvg": list(m.hvg_alleles),
            }
            for m in match.mismatches
        ],
    }
