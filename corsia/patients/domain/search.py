"""Search keys and the kind of a search query (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from corsia.patients.domain.identifiers import CF_SHAPE_RE, ENI_RE, STP_RE, compact
from corsia.patients.domain.wristband import mrn_from_payload

MRN_RE = re.compile(r"^\d{4,12}$")


def normalise(text: str) -> str:
    """Upper case, accents removed, apostrophes and punctuation to spaces, one space
    between words: "D'Amico  Niccolò" -> "D AMICO NICCOLO"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^A-Z0-9]+", " ", plain.upper()).split()
    return " ".join(words)


def search_key(*, surname: str, given_names: str) -> str:
    return normalise(f"{surname} {given_names}")


class QueryKind(StrEnum):
    FISCAL_CODE = "fiscal_code"
    FOREIGN_CODE = "foreign_code"
    MRN = "mrn"
    WRISTBAND = "wristband"
    NAME = "name"


@dataclass(frozen=True)
class Query:
    kind: QueryKind
    value: str  # compacted code, MRN, or the name words joined by one space
    words: tuple[str, ...] = ()


def classify(raw: str) -> Query | None:
    """What the user typed or scanned: a codice fiscale, STP/ENI, MRN, wristband, or a name.

    Names match whatever the order of the words ("ROSSI MARIO" or "MARIO ROSSI").
    """
    code = compact(raw)
    if not code:
        return None
    mrn = mrn_from_payload(code)
    if mrn is not None:
        return Query(QueryKind.WRISTBAND, mrn)
    if len(code) == 16 and CF_SHAPE_RE.match(code):
        return Query(QueryKind.FISCAL_CODE, code)
    if STP_RE.match(code) or ENI_RE.match(code):
        return Query(QueryKind.FOREIGN_CODE, code)
    if MRN_RE.match(code):
        return Query(QueryKind.MRN, code)
    words = tuple(normalise(raw).split())
    if not words:
        return None
    return Query(QueryKind.NAME, " ".join(words), words)
