"""Reads of the FSE documents for IT staff's page and API: each document's state, attempts
and errors. A document of a masked stay hidden from the reader is left out of every list
(``patients.selectors.outside_hidden_stays``, by the period the document covers); opening
one writes the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from corsia.audit.selectors import EventRecord, events_of_type
from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.fse import audit_events as events
from corsia.fse.models import FseDocument, FseDocumentStep
from corsia.fse.services import VIEW
from corsia.patients.selectors import in_hidden_stay, outside_hidden_stays, patient_record

_PERIOD = {"field": "service_start", "until_field": "service_end"}


@dataclass(frozen=True)
class DocumentFilter:
    state: str = ""
    patient_id: int | None = None


def _visible(user: User) -> QuerySet[FseDocument]:
    rows = FseDocument.objects.defer("cda", "pdf")
    return outside_hidden_stays(rows, user=user, **_PERIOD)


def documents_list(
    *, user: User, filters: DocumentFilter = DocumentFilter()
) -> QuerySet[FseDocument]:
    require_permission(user, VIEW)
    rows = _visible(user)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.patient_id is not None:
        rows = rows.filter(patient_id=filters.patient_id)
    # a query to page (issue 27: before, the newest 500 only)
    return rows.order_by("-created_at", "-pk")


def document_counts(*, user: User) -> dict[str, int]:
    require_permission(user, VIEW)
    counts: dict[str, int] = {}
    for state in _visible(user).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


@dataclass(frozen=True)
class DocumentDetail:
    document: FseDocument
    events: list[FseDocumentStep]


def document_detail(
    *, user: User, document_id: int, workstation: Workstation = None, channel: str = "web"
) -> DocumentDetail:
    require_permission(user, VIEW)
    row = _visible(user).filter(pk=document_id).first()
    if row is None:
        raise NotFound("Documento FSE non trovato.", code="fse_document_not_found")
    access_log_record(
        user=user,
        patient_id=row.patient_id,
        what=f"documento FSE {row.pk} ({row.document_type})",
        workstation=workstation,
        channel=channel,
    )
    return DocumentDetail(row, list(row.steps.order_by("at", "pk")))


# What to do about each refusal of a signed letter (``fse.letter_not_sent``), by its code.
_LETTER_NEXT_STEP = {
    "fse_consent_missing": (
        "Il paziente non ha dato (o ha revocato) il consenso all'alimentazione del FSE: se lo "
        "dà, registralo nei consensi del paziente, poi invia di nuovo la lettera."
    ),
    "fse_signer_tax_code_missing": (
        "L'account del medico che ha firmato non ha il codice fiscale: aggiungilo nella sua "
        "scheda utente, poi invia di nuovo la lettera."
    ),
    "cda_invalid": (
        "Il documento non rispetta le regole del gateway: il medico corregge la lettera (la "
        "correzione firmata viene inviata)."
    ),
}
_LETTER_OTHERWISE = (
    "Leggi il motivo e correggi la causa (anagrafica del paziente o contenuto della lettera), "
    "poi invia di nuovo la lettera; una correzione firmata della lettera viene inviata da sé."
)


@dataclass(frozen=True)
class LetterNotSent:
    """A signed letter that did not go to the FSE, with why and what to do; it leaves the
    list once a document of that letter is queued."""

    letter_id: int
    version: int | None
    patient_id: int
    mrn: str
    signed_by: str
    workstation: str
    at: datetime
    code: str
    message: str
    next_step: str


def letters_not_sent(
    *, user: User, workstation: Workstation = None, channel: str = "web", limit: int = 100
) -> list[LetterNotSent]:
    """The signed letters whose sending to the FSE was refused (``fse.letter_not_sent``,
    the latest refusal of each letter) and not sent since, newest first; a masked stay's
    letter hidden from ``user`` is left out. The list names patients (their MRN): the
    access log records each one shown."""
    require_permission(user, VIEW)
    latest: dict[int, EventRecord] = {}
    for event in events_of_type(event=events.LETTER_NOT_SENT, limit=500):
        letter_id = event.after.get("letter_id")
        if isinstance(letter_id, int) and event.patient_id is not None:
            latest.setdefault(letter_id, event)
    sent: dict[int, datetime] = {}
    for letter_id, created in FseDocument.objects.filter(letter_id__in=latest).values_list(
        "letter_id", "created_at"
    ):
        if letter_id is not None:
            sent[letter_id] = max(created, sent.get(letter_id, created))
    rows: list[LetterNotSent] = []
    for letter_id, event in latest.items():
        patient_id = event.patient_id
        assert patient_id is not None  # kept above
        if letter_id in sent and sent[letter_id] >= event.occurred_at:
            continue
        if in_hidden_stay(user=user, patient_id=patient_id, at=event.occurred_at):
            continue
        code = str(event.after.get("code", ""))
        rows.append(
            LetterNotSent(
                letter_id=letter_id,
                version=event.after.get("version"),
                patient_id=patient_id,
                mrn=patient_record(patient_id=patient_id).mrn,
                signed_by=event.actor_username,
                workstation=event.workstation,
                at=event.occurred_at,
                code=code,
                message=str(event.after.get("message", "")),
                next_step=_LETTER_NEXT_STEP.get(code, _LETTER_OTHERWISE),
            )
        )
        if len(rows) == limit:
            break
    access_log_record_many(
        user=user,
        patient_ids=sorted({row.patient_id for row in rows}),
        what="FSE: lettere firmate non inviate",
        workstation=workstation,
        channel=channel,
    )
    return rows
