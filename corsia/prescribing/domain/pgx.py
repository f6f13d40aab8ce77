"""The pharmacogenomic alert at prescription (pure): a drug's archive markers matched
against the patient's current results, and the warning's Italian text.

A marker names one gene ("DPYD: Intermediate Metabolizer"), or two for the thiopurines
("NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer", "None" for a gene not tested), or,
for a non-CPIC source, the phenotype alone with its gene apart (UGT1A1 "Poor Metabolizer
(*28/*28, …)"). It matches when every gene it names has the patient's current phenotype
(or no result, for "None") and at least one of them has a result.

It warns only when the recommendation changes therapy: one of the matched genes is an
intermediate, possible intermediate or poor metaboliser, and the text does not say the dose
stays ("no indication to change", "nessuna modifica della dose"). When the text reduces
the starting dose by a percentage (CPIC DPYD: "Reduce starting dose by 50%"), the warning
gives each line's suggested starting dose; a poor metaboliser gets the strongest wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.patients.domain.pgx import PgxResultFacts, Phenotype

CODE = "pgx_recommendation"
CHANGING = frozenset({Phenotype.INTERMEDIATE, Phenotype.POSSIBLE_INTERMEDIATE, Phenotype.POOR})
NO_CHANGE = (
    "no indication to change",
    "initiate therapy with recommended starting dose",
    "nessuna modifica della dose",
)
_REDUCE = re.compile(r"reduce starting dose by (\d{1,2})\s?%", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    """An archive marker of one of the order's drugs (``drugs.selectors.PgxMarkerInfo``)."""

    ingredient_id: int
    ingredient_name: str
    gene: str
    phenotype: str
    recommendation: str
    source: str


@dataclass(frozen=True)
class Line:
    """An active line of the order with the marker's drug: its computed dose."""

    day: int  # its day of the cycle
    ingredient_id: int
    calculated_dose: Decimal
    unit: str  # "mg"


def marker_genes(gene: str, phenotype: str) -> dict[str, str]:
    """The genes a marker names with their CPIC term ("None": not tested)."""
    parts: dict[str, str] = {}
    for part in phenotype.split(";"):
        if ":" in part:
            name, term = part.split(":", 1)
            parts[name.strip()] = term.strip()
        elif part.strip():
            parts[gene] = part.split("(", 1)[0].strip()
    return parts


def matched_results(
    marker: Marker, results: Mapping[str, PgxResultFacts]
) -> tuple[PgxResultFacts, ...] | None:
    """The patient's results the marker matches (``None``: it does not apply)."""
    genes = marker_genes(marker.gene, marker.phenotype)
    found = tuple(results[g] for g in sorted(genes) if g in results)
    if not found:
        return None
    for name, term in genes.items():
        result = results.get(name)
        if (result is None and term != "None") or (result is not None and result.cpic_term != term):
            return None
    return found


def changes_therapy(marker: Marker, matched: Iterable[PgxResultFacts]) -> bool:
    text = marker.recommendation.lower()
    return any(r.phenotype in CHANGING for r in matched) and not any(p in text for p in NO_CHANGE)


def reduction_percent(recommendation: str) -> int | None:
    """ "Reduce starting dose by 50%" → 50."""
    found = _REDUCE.search(recommendation)
    return int(found.group(1)) if found else None


def _amount(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():f}"
    return text.replace(".", ",")


def days_text(days: list[int]) -> str:
    """[1, 2, 3, 8] → "giorni 1–3, 8"; [1] → "giorno 1"."""
    spans: list[list[int]] = []
    for day in sorted(set(days)):
        if spans and day == spans[-1][1] + 1:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)
    return f"{'giorni' if len(days) > 1 else 'giorno'} {text}"


def suggested_doses(percent: int, lines: Iterable[Line]) -> list[str]:
    """The lines' starting dose reduced by ``percent``, lines of the same computed dose
    together: "1000 mg invece di 2000 mg calcolati (giorni 1–14)"."""
    keep = Decimal(100 - percent) / Decimal(100)
    by_dose: dict[tuple[Decimal, str], list[int]] = {}
    for line in lines:
        by_dose.setdefault((line.calculated_dose, line.unit), []).append(line.day)
    return [
        f"{_amount(dose * keep)} {unit} invece di {_amount(dose)} {unit} calcolati ({days_text(days)})"
        for (dose, unit), days in by_dose.items()
    ]


def alert_message(marker: Marker, matched: tuple[PgxResultFacts, ...], lines: list[Line]) -> str:
    """The order warning's Italian text for one drug."""
    poor = any(r.phenotype is Phenotype.POOR for r in matched)
    who = "; ".join(r.label for r in matched)
    head = f"Farmacogenomica — {marker.ingredient_name}: paziente {who}."
    if poor:
        head = "ATTENZIONE, rischio di tossicità grave o fatale. " + head
        if any(r.gene.value == "DPYD" for r in matched):  # the fluoropyrimidines' gene
            head += (
                " Evitare le fluoropirimidine (fluorouracile, capecitabina) e i regimi che le "
                "contengono; se non c'è alternativa, solo a dose fortemente ridotta e con "
                "monitoraggio dei livelli plasmatici."
            )
    text = f"{head} Raccomandazione: «{marker.recommendation}» (fonte: {marker.source})."
    percent = reduction_percent(marker.recommendation)
    if percent is not None and not poor and lines:
        doses = "; ".join(suggested_doses(percent, lines))
        text += f" Dose iniziale suggerita ({100 - percent}% della dose calcolata): {doses}."
    return text


def pgx_alerts(
    markers: Iterable[Marker], results: Iterable[PgxResultFacts], lines: Iterable[Line]
) -> list[dict[str, str]]:
    """The order warnings (code ``pgx_recommendation``), one per drug and matching marker."""
    by_gene = {r.gene.value: r for r in results}
    all_lines = list(lines)
    warnings: list[dict[str, str]] = []
    for marker in markers:
        matched = matched_results(marker, by_gene)
        if matched is None or not changes_therapy(marker, matched):
            continue
        own = [line for line in all_lines if line.ingredient_id == marker.ingredient_id]
        warnings.append({"code": CODE, "message": alert_message(marker, matched, own)})
    return warnings
