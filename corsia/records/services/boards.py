"""The multidisciplinary meeting (GOM, tumour board): recorded as a draft, edited, then
signed and closed: the minutes are printed, signed (PAdES) and archived, and the board is
read-only from then on (database trigger)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_by_username
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.documents.services import document_create
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain import boards as rules
from corsia.records.domain.boards import ParticipantInput
from corsia.records.domain.letters import print_paragraphs
from corsia.records.domain.moments import past_date
from corsia.records.domain.text import clinical_text
from corsia.records.models import TumourBoard
from corsia.records.selectors_letters import current_diagnosis_summary
from corsia.records.services._common import row_for_update, row_record

WRITE = "records.write_diary"
SIGN = "records.sign_letter"
BOARD_TEXT_MAX = 8_000
BOARD_TEMPLATE = "clinical_letter"


@dataclass(frozen=True)
class BoardInput:
    held_on: date | None
    question: str
    participants: Sequence[ParticipantInput] = field(default_factory=tuple)
    decision: str = ""
    recommendation: str = ""


def _participants(items: Sequence[ParticipantInput]) -> list[dict[str, Any]]:
    rules.ensure_participant_count(items)
    found: list[dict[str, Any]] = []
    for item in items:
        username, name, specialty = rules.participant_fields(item)
        user_id = None
        if username:
            try:
                user = user_by_username(username=username)
            except NotFound:
                raise ValidationFailed(
                    f"Nessun utente di Corsia «{username}».",
                    code="board_participant_unknown",
                    field="participants",
                ) from None
            if not user.is_active:
                raise ValidationFailed(
                    f"L'utente «{username}» non è attivo.",
                    code="board_participant_unknown",
                    field="participants",
                )
            user_id, name = user.pk, str(user.get_full_name() or user.username)
        found.append(
            {"user_id": user_id, "username": username, "name": name, "specialty": specialty}
        )
    return found


def _values(data: BoardInput) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "held_on": past_date(data.held_on, today=today, field="held_on"),
        "question": clinical_text(data.question, field="question", limit=BOARD_TEXT_MAX),
        "participants": _participants(data.participants),
        "decision": clinical_text(
            data.decision, field="decision", required=False, limit=BOARD_TEXT_MAX
        ),
        "recommendation": clinical_text(
            data.recommendation, field="recommendation", required=False, limit=BOARD_TEXT_MAX
        ),
    }


def _snapshot(board: TumourBoard) -> dict[str, Any]:
    return {
        "held_on": board.held_on.isoformat(),
        "question": board.question,
        "participants": board.participants,
        "decision": board.decision,
        "recommendation": board.recommendation,
        "status": board.status,
        "version": board.version,
    }


def board_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: BoardInput
) -> TumourBoard:
    """Record a meeting about the patient's case (a draft until signed)."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    values = _values(data)
    with transaction.atomic():
        board = row_record(
            TumourBoard,
            event=events.BOARD_RECORDED,
            actor=actor,
            workstation=workstation,
            after=_snapshot,
            writer="created_by",
            patient_id=patient.pk,
            diagnosis_summary=current_diagnosis_summary(patient.pk),
            updated_by=actor,
            **values,
        )
    return board


def _locked(board_id: int) -> TumourBoard:
    board = row_for_update(
        TumourBoard,
        board_id,
        related=("updated_by", "patient"),
        missing="Riunione multidisciplinare non trovata.",
        code="board_not_found",
    )
    if board.status != "draft":
        raise ConflictError(
            "La riunione è chiusa e firmata: non si può più modificare.", code="board_signed"
        )
    return board


def board_update(
    *,
    actor: User,
    workstation: Workstation,
    board_id: int,
    data: BoardInput,
    expected_version: int,
) -> TumourBoard:
    require_permission(actor, WRITE)
    values = _values(data)
    with transaction.atomic():
        board = _locked(board_id)
        board.check_version(expected_version)
        before = _snapshot(board)
        for name, value in values.items():
            setattr(board, name, value)
        board.save(update_fields=[*values, *board.bump(by=actor)])
        audit_record(
            event=events.BOARD_UPDATED,
            actor=actor,
            workstation=workstation,
            target=board,
            patient_id=board.patient_id,
            before=before,
            after=_snapshot(board),
        )
    return board


def _prose(heading: str, text: str) -> dict[str, Any]:
    return {"heading": heading, "rows": [[heading, p] for p in print_paragraphs(text)]}


def _minutes(board: TumourBoard) -> dict[str, Any]:
    participants = [
        [p["name"], p["specialty"], "utente Corsia" if p.get("user_id") else "esterno"]
        for p in board.participants
    ]
    sections: list[dict[str, Any]] = [
        {
            "heading": "Riunione",
            "rows": [
                ["Data", board.held_on],
                ["Diagnosi in cartella", board.diagnosis_summary or "—"],
            ],
        },
        _prose("Caso presentato e quesito", board.question),
        {
            "heading": "Partecipanti",
            "rows": [],
            "table": {"columns": ["Nome", "Specialità", "Partecipazione"], "rows": participants},
        },
        _prose("Decisione", board.decision),
    ]
    if board.recommendation:
        sections.append(_prose("Raccomandazione", board.recommendation))
    return {"title": "Verbale della riunione multidisciplinare (GOM)", "sections": sections}


def board_sign(
    *, actor: User, workstation: Workstation, board_id: int, expected_version: int
) -> TumourBoard:
    """Close the meeting: the decision and two disciplines at least; the minutes are
    signed and archived; the board is read-only from then on."""
    require_permission(actor, SIGN)
    with transaction.atomic():
        board = _locked(board_id)
        board.check_version(expected_version)
        rules.ensure_closable(
            decision=board.decision, specialties=[p["specialty"] for p in board.participants]
        )
        document = document_create(
            actor=actor,
            workstation=workstation,
            kind="tumour_board",
            title=f"Verbale GOM del {board.held_on:%d/%m/%Y}",
            patient=board.patient,
            template_code=BOARD_TEMPLATE,
            context=_minutes(board),
            source=("records", "tumourboard", board.pk),
            sign=True,
            reason="Firma del verbale della riunione multidisciplinare",
        )
        board.status = "signed"
        board.signed_by = actor
        board.signed_at = document.signed_at
        board.document = document
        board.save(
            update_fields=["status", "signed_by", "signed_at", "document", *board.bump(by=actor)]
        )
        audit_record(
            event=events.BOARD_SIGNED,
            actor=actor,
            workstation=workstation,
            target=board,
            patient_id=board.patient_id,
            after={**_snapshot(board), "document_id": document.pk},
        )
    return board
