"""Regulatory documentation of an order (pure): what an AIFA monitoring registry, a Law
648/96 use and an off-label use (Law 94/1998) require before the order is signed and
validated, and the stable codes of what is missing.

* AIFA registry (the drug, for the order's diagnosis, is in ``aifa_regulatory.yaml``): the
  registry's request ("scheda di richiesta farmaco": number and date), or a reason it is
  not there yet (e.g. "in attesa di eleggibilità") acknowledged by the physician.
* Law 648/96 (the regimen line is flagged 648, or the drug and diagnosis are on the list):
  the listing reference (filled from the list when it matches).
* Off-label (the regimen line is flagged off-label, Law 94/1998): the clinical rationale,
  the literature, the patient's informed consent (document reference and date) and, where
  the hospital requires it (``CORSIA_OFF_LABEL_AUTHORISATION_REQUIRED``), the health
  director's or committee's authorisation (reference and date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    REGISTRY = "aifa_registry"
    LAW_648 = "law_648"
    OFF_LABEL = "off_label"


KIND_LABELS_IT: dict[Kind, str] = {
    Kind.REGISTRY: "Registro di monitoraggio AIFA",
    Kind.LAW_648: "Legge 648/96",
    Kind.OFF_LABEL: "Uso off-label (Legge 94/1998)",
}

REGISTRY_REQUEST_MISSING = "aifa_registry_request_missing"
REGISTRY_INDICATION_UNKNOWN = "aifa_registry_indication_unknown"
LAW_648_REFERENCE_MISSING = "law_648_reference_missing"
OFF_LABEL_RATIONALE_MISSING = "off_label_rationale_missing"
OFF_LABEL_CONSENT_MISSING = "off_label_consent_missing"
OFF_LABEL_AUTHORISATION_MISSING = "off_label_authorisation_missing"
DOCUMENTATION_MISSING = "regulatory_documentation_missing"

WARNING_CODES = frozenset(
    {
        REGISTRY_REQUEST_MISSING,
        REGISTRY_INDICATION_UNKNOWN,
        LAW_648_REFERENCE_MISSING,
        OFF_LABEL_RATIONALE_MISSING,
        OFF_LABEL_CONSENT_MISSING,
        OFF_LABEL_AUTHORISATION_MISSING,
    }
)


@dataclass(frozen=True)
class Need:
    """One piece of documentation a drug of the order needs."""

    kind: Kind
    ingredient_code: str
    drug: str
    registry: str = ""  # the registry's name (AIFA registry)
    reference: str = ""  # the 648 listing found on the list, else ""
    indication_code: str = ""
    indication_label: str = ""


@dataclass(frozen=True)
class Documentation:
    request_number: str = ""
    request_date: date | None = None
    pending_reason: str = ""
    pending_acknowledged: bool = False
    listing_reference: str = ""
    clinical_rationale: str = ""
    literature: str = ""
    consent_reference: str = ""
    consent_date: date | None = None
    authorisation_reference: str = ""
    authorisation_date: date | None = None


@dataclass(frozen=True)
class Missing:
    code: str
    message: str


def missing(
    kind: Kind, drug: str, doc: Documentation, *, authorisation_required: bool
) -> list[Missing]:
    """What the documentation of ``drug`` still lacks for ``kind`` (empty: complete)."""
    if kind is Kind.REGISTRY:
        requested = bool(doc.request_number.strip()) and doc.request_date is not None
        waiting = bool(doc.pending_reason.strip()) and doc.pending_acknowledged
        if requested or waiting:
            return []
        return [
            Missing(
                REGISTRY_REQUEST_MISSING,
                f"{drug}: farmaco soggetto a registro di monitoraggio AIFA per questa "
                "indicazione. Riportare numero e data della scheda di richiesta farmaco, "
                "oppure il motivo per cui non è ancora disponibile (es. in attesa di "
                "eleggibilità) con la presa visione.",
            )
        ]
    if kind is Kind.LAW_648:
        if doc.listing_reference.strip():
            return []
        return [
            Missing(
                LAW_648_REFERENCE_MISSING,
                f"{drug}: uso ai sensi della Legge 648/96. Indicare il riferimento "
                "dell'elenco AIFA (allegato e indicazione).",
            )
        ]
    out = []
    if not (doc.clinical_rationale.strip() and doc.literature.strip()):
        out.append(
            Missing(
                OFF_LABEL_RATIONALE_MISSING,
                f"{drug}: uso off-label (Legge 94/1998). Indicare la motivazione clinica e "
                "la letteratura che lo sostiene.",
            )
        )
    if not (doc.consent_reference.strip() and doc.consent_date is not None):
        out.append(
            Missing(
                OFF_LABEL_CONSENT_MISSING,
                f"{drug}: uso off-label (Legge 94/1998). Registrare il consenso informato "
                "del paziente (riferimento del documento e data).",
            )
        )
    if authorisation_required and not (
        doc.authorisation_reference.strip() and doc.authorisation_date is not None
    ):
        out.append(
            Missing(
                OFF_LABEL_AUTHORISATION_MISSING,
                f"{drug}: uso off-label. Questa struttura richiede l'autorizzazione della "
                "Direzione sanitaria o del Comitato (riferimento e data).",
            )
        )
    return out


def indication_unknown(drug: str) -> Missing:
    return Missing(
        REGISTRY_INDICATION_UNKNOWN,
        f"{drug}: farmaco soggetto a registro AIFA per alcune indicazioni; la prescrizione "
        "non ha una diagnosi. Indicare la diagnosi per sapere se serve il registro.",
    )
