"""The multidisciplinary meeting (GOM, tumour board): its participants and the rules for
closing it (pure). A participant is a Corsia user (named by username, the name then comes
from the account) or a guest written by hand, each with a specialty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain.text import one_line

MAX_PARTICIPANTS = 40
MIN_SPECIALTIES = 2  # multidisciplinary: at least two disciplines to decide


@dataclass(frozen=True)
class ParticipantInput:
    specialty: str
    name: str = ""  # a guest (external participant)
    username: str = ""  # a Corsia user


def parse_lines(text: str) -> list[ParticipantInput]:
    """The page's textarea: one participant a line, ``name; specialty``; a name starting
    with ``@`` is a Corsia username (``@dr_verdi; Oncologia medica``)."""
    found = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if ";" not in line:
            raise ValidationFailed(
                f"Riga {number}: scrivi «nome; specialità».",
                code="board_participant_invalid",
                field="participants",
            )
        who, specialty = (part.strip() for part in line.split(";", 1))
        if who.startswith("@"):
            found.append(ParticipantInput(specialty=specialty, username=who[1:].strip()))
        else:
            found.append(ParticipantInput(specialty=specialty, name=who))
    return found


def participant_fields(p: ParticipantInput) -> tuple[str, str, str]:
    """(username, name, specialty) cleaned; a participant is a user or a named guest."""
    specialty = one_line(p.specialty, field="participants", limit=80, required=False)
    username = one_line(p.username, field="participants", limit=150, required=False)
    name = one_line(p.name, field="participants", limit=120, required=False)
    if not specialty:
        raise ValidationFailed(
            "Indica la specialità di ogni partecipante.",
            code="board_participant_invalid",
            field="participants",
        )
    if bool(username) == bool(name):
        raise ValidationFailed(
            "Ogni partecipante è un utente di Corsia oppure un ospite con nome e cognome.",
            code="board_participant_invalid",
            field="participants",
        )
    return username, name, specialty


def ensure_participant_count(participants: Sequence[object]) -> None:
    if len(participants) > MAX_PARTICIPANTS:
        raise ValidationFailed(
            f"Al massimo {MAX_PARTICIPANTS} partecipanti.",
            code="board_participant_invalid",
            field="participants",
        )


def ensure_closable(*, decision: str, specialties: Sequence[str]) -> None:
    """A board is signed with its decision and at least two disciplines present."""
    if not decision.strip():
        raise ValidationFailed(
            "Per chiudere la riunione scrivi la decisione.",
            code="board_decision_required",
            field="decision",
        )
    distinct = {s.strip().casefold() for s in specialties if s.strip()}
    if len(distinct) < MIN_SPECIALTIES:
        raise ValidationFailed(
            "Una riunione multidisciplinare richiede partecipanti di almeno due specialità.",
            code="board_not_multidisciplinary",
            field="participants",
        )
