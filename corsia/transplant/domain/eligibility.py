"""The donor's eligibility as the typing and donor lab report it (JACIE standards, Part
D: donor evaluation; Italian rules for HPC donors, D.Lgs. 191/2007): the infectious
disease markers done and negative, the informed consent signed, and for a related donor
an adult (a minor needs the authorisation the law requires, recorded as an exception). A reason is listed for every lack; a positive marker
makes the donor ineligible unless the physician records an exception (urgent medical
need, JACIE D.5) with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from corsia.core.domain.codes import LabelledCode


class Marker(LabelledCode):
    HIV = "hiv", "Anti-HIV 1/2 e HIV-NAT"
    HBSAG = "hbsag", "HBsAg"
    ANTI_HBC = "anti_hbc", "Anti-HBc"
    HCV = "hcv", "Anti-HCV e HCV-NAT"
    SYPHILIS = "syphilis", "Sifilide (TPHA)"
    HTLV = "htlv", "Anti-HTLV I/II"


class MarkerResult(LabelledCode):
    NOT_DONE = "not_done", "Non eseguito"
    NEGATIVE = "negative", "Negativo"
    POSITIVE = "positive", "Positivo"


ADULT_AGE = 18  # cord units carry no age


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def eligibility(
    *,
    markers: Mapping[str, str],
    consent: bool,
    born: date | None,
    on: date,
    cord: bool,
    exception_reason: str = "",
) -> Eligibility:
    reasons: list[str] = []
    if not consent:
        reasons.append("consenso informato del donatore non registrato")
    for marker in Marker:
        result = markers.get(marker.value, MarkerResult.NOT_DONE.value)
        if result == MarkerResult.NOT_DONE:
            reasons.append(f"{marker.label_it}: non eseguito")
        elif result == MarkerResult.POSITIVE and not exception_reason:
            reasons.append(f"{marker.label_it}: positivo")
    if not cord:
        if born is None:
            reasons.append("data di nascita del donatore mancante")
        elif born > on:
            reasons.append("data di nascita del donatore nel futuro")
        elif age_on(born, on) < ADULT_AGE and not exception_reason:
            reasons.append("donatore minorenne: serve l'autorizzazione prevista")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
