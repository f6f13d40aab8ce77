"""CTCAE v5.0 reference rows: checked and normalised from the shipped CSV's columns
(``meddra_code,meddra_soc,term,grade_1..grade_5,definition,navigational_note,v5_change``).
The file is opened by the loader (services); here only its rows are judged."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from corsia.toxicity.domain.grading import GRADES

CSV_COLUMNS: tuple[str, ...] = (
    "meddra_code",
    "meddra_soc",
    "term",
    *(f"grade_{g}" for g in GRADES),
    "definition",
    "navigational_note",
    "v5_change",
)


class CtcaeRowError(ValueError):
    """A row of the reference file that cannot be loaded (programming/packaging error)."""


@dataclass(frozen=True)
class CtcaeRow:
    meddra_code: str
    soc: str
    term: str
    grade_1: str
    grade_2: str
    grade_3: str
    grade_4: str
    grade_5: str
    definition: str
    navigational_note: str

    def grade_texts(self) -> dict[int, str]:
        return {g: getattr(self, f"grade_{g}") for g in GRADES}


def _clean(value: str | None) -> str:
    text = (value or "").strip()
    return "" if text == "-" else text  # "-" is the sheet's "not applicable"


def row_from_csv(row: Mapping[str, str | None], *, line: int) -> CtcaeRow:
    missing = [c for c in CSV_COLUMNS if c not in row]
    if missing:
        raise CtcaeRowError(f"line {line}: missing columns {missing}")
    code = _clean(row["meddra_code"])
    if not (code.isdigit() and 6 <= len(code) <= 10):
        raise CtcaeRowError(f"line {line}: MedDRA code {code!r} is not a number")
    term = " ".join(_clean(row["term"]).split())
    if not term:
        raise CtcaeRowError(f"line {line}: empty term")
    grades = {g: _clean(row[f"grade_{g}"]) for g in GRADES}
    if not any(grades.values()):
        raise CtcaeRowError(f"line {line}: term {term!r} defines no grade")
    return CtcaeRow(
        meddra_code=code,
        soc=_clean(row["meddra_soc"]),
        term=term,
        grade_1=grades[1],
        grade_2=grades[2],
        grade_3=grades[3],
        grade_4=grades[4],
        grade_5=grades[5],
        definition=_clean(row["definition"]),
        navigational_note=_clean(row["navigational_note"]),
    )


def search_key(text: str) -> str:
    """Lower case, accents removed, single spaces: what term search compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


# --- the Corsia Italian labels (``ctcae_v5_it.csv``: meddra_code,term_it,soc_it) ----------------

IT_CSV_COLUMNS: tuple[str, ...] = ("meddra_code", "term_it", "soc_it")


@dataclass(frozen=True)
class ItalianLabel:
    """A term's and its organ class's Italian labels (a Corsia translation, not NCI's)."""

    meddra_code: str
    term: str
    soc: str


def italian_label_from_csv(row: Mapping[str, str | None], *, line: int) -> ItalianLabel:
    missing = [c for c in IT_CSV_COLUMNS if c not in row]
    if missing:
        raise CtcaeRowError(f"line {line}: missing columns {missing}")
    code = _clean(row["meddra_code"])
    if not (code.isdigit() and 6 <= len(code) <= 10):
        raise CtcaeRowError(f"line {line}: MedDRA code {code!r} is not a number")
    term = " ".join(_clean(row["term_it"]).split())
    soc = " ".join(_clean(row["soc_it"]).split())
    if not term or not soc:
        raise CtcaeRowError(f"line {line}: empty Italian label for {code}")
    return ItalianLabel(meddra_code=code, term=term, soc=soc)


def italian_labels(labels: list[ItalianLabel], *, codes: set[str]) -> dict[str, ItalianLabel]:
    """The labels by MedDRA code; refuses a code twice or one that is not a CTCAE term."""
    by_code: dict[str, ItalianLabel] = {}
    for label in labels:
        if label.meddra_code in by_code:
            raise CtcaeRowError(f"MedDRA code {label.meddra_code} translated twice")
        if label.meddra_code not in codes:
            raise CtcaeRowError(f"MedDRA code {label.meddra_code} is not a CTCAE v5.0 term")
        by_code[label.meddra_code] = label
    return by_code
