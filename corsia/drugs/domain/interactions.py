"""Interactions between active ingredients: the rule that finds them, without the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from corsia.core.domain.codes import LabelledCode


class Severity(LabelledCode):
    """Ordered from the most to the least serious."""

    CONTRAINDICATED = "contraindicated", "Controindicata"
    MAJOR = "major", "Grave"
    MODERATE = "moderate", "Moderata"
    MINOR = "minor", "Lieve"


SEVERITY_LABELS_IT: dict[Severity, str] = Severity.labels_it()
_RANK = {severity: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True)
class Interaction:
    """An interaction between two ingredients, named by their codes (``a`` < ``b``)."""

    a: str
    b: str
    severity: Severity
    effect: str
    management: str
    source: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)


def pair_key(first: str, second: str) -> tuple[str, str]:
    """The canonical (sorted) key of an unordered pair of ingredient codes."""
    return (first, second) if first <= second else (second, first)


def interactions_among(codes: Iterable[str], known: Iterable[Interaction]) -> list[Interaction]:
    """Every known interaction between two distinct ingredients of ``codes``.

    Most serious first, then by pair. An ingredient listed twice does not interact
    with itself.
    """
    wanted = {code for code in codes}
    by_pair: dict[tuple[str, str], list[Interaction]] = {}
    for interaction in known:
        by_pair.setdefault(pair_key(interaction.a, interaction.b), []).append(interaction)
    found: list[Interaction] = []
    for first, second in combinations(sorted(wanted), 2):
        found.extend(by_pair.get((first, second), []))
    return sorted(found, key=lambda i: (_RANK[i.severity], i.a, i.b))
