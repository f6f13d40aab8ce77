"""Reads of the clinical letters and tumour boards. Every read of a patient's letters or
boards writes the access log. The chart facts a letter is built from, and the period it
covers, are read in ``selectors_facts`` (still importable from here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet
from django.urls import reverse

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.selectors import (
    is_masked,
    masked_document_ids,
    outside_hidden_stays,
    patient_get,
    visible_encounters,
)
from corsia.records.domain import letters as rules
from corsia.records.domain.letters import LetterKind
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    ClinicalLetter,
    TumourBoard,
)
from corsia.records.selectors_facts import (
    OUTPATIENT_LAB_DAYS,
    VIEW,
    VIEW_ORDERS,
    VIEW_TOXICITY,
    Period,
    _diagnoses,
    _log,
    chart_facts,
    letter_period,
)
from corsia.records.timeline_sources import author_name

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "OUTPATIENT_LAB_DAYS",
    "VIEW",
    "VIEW_ORDERS",
    "VIEW_TOXICITY",
    "Period",
    "chart_facts",
    "letter_period",
]

if TYPE_CHECKING:
    from corsia.patients.models import Patient

LETTER_KINDS_WITH_STAY = (LetterKind.DISCHARGE,)


# --- letters ------------------------------------------------------------------------------------


def _letters() -> QuerySet[ClinicalLetter]:
    return ClinicalLetter.objects.select_related(
        "created_by", "signed_by", "encounter__ward", "supersedes", "document"
    )


Row = TypeVar("Row", ClinicalLetter, TumourBoard)

# When a letter or a board happened, for a masked stay hidden from the reader (display only).
_LETTER_DATES: dict[str, Any] = {"field": "period_start", "until_field": "period_end"}
_BOARD_DATES: dict[str, Any] = {"field": "created_at"}


def _dates(rows: QuerySet[Row]) -> dict[str, Any]:
    return _BOARD_DATES if rows.model is TumourBoard else _LETTER_DATES


@dataclass(frozen=True)
class _Reader:
    user: User
    workstation: Workstation
    channel: str

    def patient_rows(
        self, rows: QuerySet[Row], *, patient_id: int, order: tuple[str, ...], what: str
    ) -> list[Row]:
        require_permission(self.user, VIEW)
        patient = patient_get(user=self.user, patient_id=patient_id)
        rows = outside_hidden_stays(
            rows.filter(patient_id=patient.pk),
            user=self.user,
            patient_id=patient.pk,
            **_dates(rows),
        )
        found = list(rows.order_by(*order)[:500])
        _log(self.user, patient.pk, what, self.workstation, self.channel)
        return found

    def one(
        self, rows: QuerySet[Row], *, pk: int, patient_id: int | None, missing: NotFound, what: str
    ) -> Row:
        """One row; with ``patient_id`` (the API's path) another patient's row is missing,
        as is one within a masked stay hidden from the user."""
        require_permission(self.user, VIEW)
        found = rows.select_related("patient").filter(pk=pk).first()
        if found is None or patient_id not in (None, found.patient_id):
            raise missing
        shown = outside_hidden_stays(
            rows.filter(pk=pk), user=self.user, patient_id=found.patient_id, **_dates(rows)
        )
        if not shown.exists():
            raise missing
        _log(self.user, found.patient_id, f"{what} {found.pk}", self.workstation, self.channel)
        return found


def _not_masked(rows: QuerySet[ClinicalLetter], patient: Patient) -> QuerySet[ClinicalLetter]:
    """A letter about a masked (oscurato) encounter is left out like the encounter."""
    return rows.filter(Q(encounter__isnull=True) | Q(encounter__in=visible_encounters(patient)))


def masked_letter_document_ids() -> QuerySet[ClinicalLetter, int | None]:
    """The archived documents of the letters about a masked encounter (every version):
    hidden by the documents module like the letters (``corsia.documents.hidden``)."""
    masked = masked_document_ids(document_type="patients.encounter")
    return ClinicalLetter.objects.filter(
        encounter_id__in=masked, document__isnull=False
    ).values_list("document_id", flat=True)


def patient_letters(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[ClinicalLetter]:
    """Every letter of the patient (drafts, signed versions, corrections), newest first;
    those about a masked encounter left out."""
    patient = patient_get(user=user, patient_id=patient_id)
    return _Reader(user, workstation, channel).patient_rows(
        _not_masked(_letters(), patient),
        patient_id=patient_id,
        order=("-created_at", "-pk"),
        what="lettere cliniche",
    )


def letter_get(
    *,
    user: User,
    letter_id: int,
    patient_id: int | None = None,
    workstation: Workstation = None,
    channel: str = "web",
) -> ClinicalLetter:
    missing = NotFound("Lettera non trovata.", code="letter_not_found")
    found = _Reader(user, workstation, channel).one(
        _letters(), pk=letter_id, patient_id=patient_id, missing=missing, what="lettera clinica"
    )
    if found.encounter_id is not None and is_masked(
        document_type="patients.encounter", document_id=found.encounter_id
    ):
        raise missing
    return found


def letter_successor(letter: ClinicalLetter) -> ClinicalLetter | None:
    return ClinicalLetter.objects.filter(supersedes=letter).first()


def letter_chain(letter: ClinicalLetter) -> list[ClinicalLetter]:
    """Every version of the letter, oldest first."""
    return list(_letters().filter(chain=letter.chain).order_by("number"))


def chart_letters_query(patient: Patient, user: User | None) -> QuerySet[ClinicalLetter]:
    """The letters the chart's timeline shows, newest first (the archived PDF not read):
    one statement with the chart's other reads (``selectors_chart``)."""
    rows = outside_hidden_stays(
        _not_masked(
            ClinicalLetter.objects.filter(patient_id=patient.pk).select_related(
                "created_by", "signed_by"
            ),
            patient,
        ),
        user=user,
        patient_id=patient.pk,
        **_LETTER_DATES,
    )
    return rows.order_by("-created_at", "-pk")[:100]


def letter_events(letters: list[ClinicalLetter]) -> list[TimelineEvent]:
    """The letters, for the chart's timeline (the chart's read is logged by the chart)."""
    found = []
    for letter in letters:
        signed = letter.status == "signed"
        label = rules.KIND_LABELS_IT[LetterKind(letter.kind)]
        found.append(
            TimelineEvent(
                at=letter.signed_at if signed and letter.signed_at else letter.created_at,
                kind=EventKind.LETTER,
                title=f"{label}, versione {letter.number}" + ("" if signed else " (bozza)"),
                detail=letter.correction_reason and f"Correzione: {letter.correction_reason}",
                author=author_name(letter.signed_by if signed else letter.created_by),
                url=reverse("records:letter", args=[letter.pk]),
                sequence=letter.pk,
            )
        )
    return found


# --- tumour boards ------------------------------------------------------------------------------


def _boards() -> QuerySet[TumourBoard]:
    return TumourBoard.objects.select_related("created_by", "signed_by", "document")


def patient_boards(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[TumourBoard]:
    return _Reader(user, workstation, channel).patient_rows(
        _boards(),
        patient_id=patient_id,
        order=("-held_on", "-pk"),
        what="riunioni multidisciplinari",
    )


def board_get(
    *,
    user: User,
    board_id: int,
    patient_id: int | None = None,
    workstation: Workstation = None,
    channel: str = "web",
) -> TumourBoard:
    missing = NotFound("Riunione multidisciplinare non trovata.", code="board_not_found")
    return _Reader(user, workstation, channel).one(
        _boards(),
        pk=board_id,
        patient_id=patient_id,
        missing=missing,
        what="riunione multidisciplinare",
    )


def chart_boards_query(patient_id: int, user: User | None) -> QuerySet[TumourBoard]:
    """The tumour boards the chart's timeline shows, newest first (the minutes' PDF not
    read)."""
    boards = TumourBoard.objects.filter(patient_id=patient_id).select_related(
        "created_by", "signed_by"
    )
    boards = outside_hidden_stays(boards, user=user, patient_id=patient_id, **_BOARD_DATES)
    return boards.order_by("-held_on", "-pk")[:100]


def board_events(boards: list[TumourBoard]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=board.signed_at or board.created_at,
            kind=EventKind.BOARD,
            title=f"Riunione multidisciplinare del {board.held_on:%d/%m/%Y}"
            + ("" if board.status == "signed" else " (bozza)"),
            detail=board.decision,
            author=author_name(board.signed_by or board.created_by),
            url=reverse("records:board", args=[board.pk]),
            sequence=board.pk,
        )
        for board in boards
    ]


def current_diagnosis_summary(patient_id: int) -> str:
    """The newest diagnosis as one line (frozen in a tumour board when it is recorded)."""
    found = _diagnoses(patient_id)
    if not found:
        return ""
    d = found[0]
    parts = [f"{d.icd9} {d.label}", d.histotype, d.stage and f"stadio {d.stage}"]
    return " · ".join(p for p in parts if p)[:400]


# --- for other modules' services (no permission, no access log: the caller checks and logs) ---


@dataclass(frozen=True)
class LetterForPublication:
    """A letter as the FSE module publishes it: its frozen content, version chain and
    signer (``status`` tells whether it is signed; the caller refuses a draft)."""

    id: int
    patient_id: int
    encounter_id: int | None
    kind: str
    status: str
    number: int
    chain: str
    replaces_id: int | None  # the version this one corrects
    content: dict[str, Any]
    signed_at: datetime | None  # aware; None for a draft
    signer_tax_code: str
    signer_family: str
    signer_given: str
    masked: bool  # about a masked (oscurato) encounter


def letter_for_publication(*, letter_id: int) -> LetterForPublication:
    found = ClinicalLetter.objects.select_related("signed_by").filter(pk=letter_id).first()
    if found is None:
        raise NotFound("Lettera non trovata.", code="letter_not_found")
    signer = found.signed_by
    return LetterForPublication(
        id=found.pk,
        patient_id=found.patient_id,
        encounter_id=found.encounter_id,
        kind=found.kind,
        status=found.status,
        number=found.number,
        chain=str(found.chain),
        replaces_id=found.supersedes_id,
        content=dict(found.content),
        signed_at=found.signed_at,
        signer_tax_code=signer.tax_code if signer else "",
        signer_family=signer.last_name if signer else "",
        signer_given=signer.first_name if signer else "",
        masked=found.encounter_id is not None
        and is_masked(document_type="patients.encounter", document_id=found.encounter_id),
    )
