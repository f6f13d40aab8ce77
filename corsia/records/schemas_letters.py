"""Request and answer bodies of the letters and tumour-board API (api_letters.py)."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import IsoDate, IsoDatetime, Reason
from corsia.records.domain.boards import ParticipantInput
from corsia.records.domain.letters import FREE_TEXT_MAX
from corsia.records.models import ClinicalLetter, TumourBoard
from corsia.records.services import BoardInput

FreeText = Annotated[str, Field(max_length=FREE_TEXT_MAX)]
BoardText = Annotated[str, Field(max_length=8_000)]
Short = Annotated[str, Field(max_length=150)]
Texts = Annotated[dict[Annotated[str, Field(max_length=40)], FreeText], Field(max_length=12)]


class LetterCreateIn(Schema):
    kind: Annotated[str, Field(max_length=40)]
    encounter_id: int | None = None
    day: IsoDate | None = None  # outpatient and diary reports: the day (default today)
    texts: Texts = Field(default_factory=dict)


class LetterUpdateIn(Schema):
    texts: Texts
    expected_version: int
    refresh: bool = False  # gather the chart's data again


class VersionIn(Schema):
    expected_version: int


class CorrectionIn(Schema):
    reason: Reason


class LetterOut(Schema):
    id: int
    patient_id: int
    kind: str
    number: int
    status: str
    encounter_id: int | None
    period_start: IsoDatetime
    period_end: IsoDatetime
    version: int
    content: dict[str, Any]
    content_sha256: str
    document_id: int | None
    signed_by: str
    signed_at: IsoDatetime | None
    supersedes_id: int | None
    correction_reason: str


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""


def letter_out(letter: ClinicalLetter) -> LetterOut:
    return LetterOut(
        id=letter.pk,
        patient_id=letter.patient_id,
        kind=letter.kind,
        number=letter.number,
        status=letter.status,
        encounter_id=letter.encounter_id,
        period_start=letter.period_start,
        period_end=letter.period_end,
        version=letter.version,
        content=letter.content,
        content_sha256=letter.content_sha256,
        document_id=letter.document_id,
        signed_by=_person(letter.signed_by),
        signed_at=letter.signed_at,
        supersedes_id=letter.supersedes_id,
        correction_reason=letter.correction_reason,
    )


class ParticipantIn(Schema):
    specialty: Short
    name: Short = ""  # a guest
    username: Short = ""  # a Corsia user


class BoardIn(Schema):
    held_on: IsoDate
    question: BoardText
    participants: Annotated[list[ParticipantIn], Field(max_length=40)] = Field(default_factory=list)
    decision: BoardText = ""
    recommendation: BoardText = ""


class BoardUpdateIn(BoardIn):
    expected_version: int


def board_input(payload: BoardIn) -> BoardInput:
    return BoardInput(
        held_on=payload.held_on,
        question=payload.question,
        participants=tuple(
            ParticipantInput(specialty=p.specialty, name=p.name, username=p.username)
            for p in payload.participants
        ),
        decision=payload.decision,
        recommendation=payload.recommendation,
    )


class ParticipantOut(Schema):
    user_id: int | None
    username: str
    name: str
    specialty: str


class BoardOut(Schema):
    id: int
    patient_id: int
    held_on: IsoDate
    diagnosis_summary: str
    question: str
    participants: list[ParticipantOut]
    decision: str
    recommendation: str
    status: str
    version: int
    document_id: int | None
    signed_by: str
    signed_at: IsoDatetime | None


def board_out(board: TumourBoard) -> BoardOut:
    return BoardOut(
        id=board.pk,
        patient_id=board.patient_id,
        held_on=board.held_on,
        diagnosis_summary=board.diagnosis_summary,
        question=board.question,
        participants=[ParticipantOut(**p) for p in board.participants],
        decision=board.decision,
        recommendation=board.recommendation,
        status=board.status,
        version=board.version,
        document_id=board.document_id,
        signed_by=_person(board.signed_by),
        signed_at=board.signed_at,
    )
