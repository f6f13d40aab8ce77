"""A televisit's (or teleconsultation's) life: scheduled → open → closed; cancelled."""

from __future__ import annotations

from enum import StrEnum


class VisitKind(StrEnum):
    TELEVISIT = "televisit"  # clinician and patient
    TELECONSULTATION = "teleconsultation"  # two clinicians, no patient in the room


class VisitState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATE_LABELS_IT = {
    VisitState.SCHEDULED: "Programmata",
    VisitState.OPEN: "Stanza aperta",
    VisitState.CLOSED: "Conclusa",
    VisitState.CANCELLED: "Annullata",
}

KIND_LABELS_IT = {
    VisitKind.TELEVISIT: "Televisita",
    VisitKind.TELECONSULTATION: "Teleconsulto",
}

# The consent text the patient accepts before the room opens; a new wording gets a new
# version (the record keeps the version accepted).
CONSENT_VERSION = "televisita-2026-1"
CONSENT_TEXT_IT = (
    "Acconsento a svolgere la visita in telemedicina (videochiamata) con il medico "
    "dell'ospedale. So che la videochiamata non è registrata, che il medico può "
    "interromperla e chiedermi di venire in ospedale se la visita a distanza non basta, "
    "e che l'esito è scritto nel referto di televisita della mia cartella clinica e "
    "inviato al Fascicolo Sanitario Elettronico secondo il consenso che ho espresso."
)

CONSENT_SOURCES = {
    "patient": "Il paziente",
    "guardian": "Il tutore o il genitore",
    "proxy": "Il fiduciario indicato dal paziente",
}
