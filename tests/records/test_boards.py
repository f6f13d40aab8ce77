"""The multidisciplinary meeting (GOM): case, participants (Corsia users and guests),
decision; closed and signed, then read-only by any path; bad input refused with nothing
saved; the pages and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.documents.models import Document
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.domain import boards as rules
from corsia.records.domain.boards import ParticipantInput
from corsia.records.domain.timeline import EventKind
from corsia.records.models import ClinicalLetter, TumourBoard
from corsia.testing.records import signed_in


def _document(record: ClinicalLetter | TumourBoard) -> Document:
    assert record.document is not None, "signed: it has its document"
    return record.document


pytestmark = pytest.mark.django_db

QUESTION = "Adenocarcinoma del colon pT3N1: chemioterapia adiuvante?"
DECISION = "FOLFOX-4 adiuvante per 6 mesi."


def _input(physician: User, **changes: Any) -> services.BoardInput:
    values: dict[str, Any] = {
        "held_on": timezone.localdate(),
        "question": QUESTION,
        "participants": (
            ParticipantInput(username=physician.username, specialty="Oncologia medica"),
            ParticipantInput(name="Luca Ferri", specialty="Chirurgia generale"),
        ),
        "decision": DECISION,
        "recommendation": "Rivalutazione TC dopo 3 mesi.",
        **changes,
    }
    return services.BoardInput(**values)


def test_a_board_is_recorded_signed_and_then_read_only(physician: User, patient: Patient) -> None:
    # given a meeting recorded as a draft
    board = services.board_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_input(physician)
    )
    assert board.participants[0]["user_id"] == physician.pk
    assert board.participants[1] == {
        "user_id": None,
        "username": "",
        "name": "Luca Ferri",
        "specialty": "Chirurgia generale",
    }
    # when it is closed and signed
    signed = services.board_sign(
        actor=physician, workstation=None, board_id=board.pk, expected_version=board.version
    )
    # then the minutes are archived, signed, with the case, participants and decision
    document = _document(signed)
    assert (document.signed, document.kind) == (True, "tumour_board")
    printed = str(document.context)
    for value in (QUESTION, DECISION, "Luca Ferri", "Chirurgia generale", "Oncologia medica"):
        assert value in printed
    # and nothing changes it: service, API, database
    with pytest.raises(ConflictError) as refused:
        services.board_update(
            actor=physician, workstation=None, board_id=board.pk,
            data=_input(physician, decision="Altro"), expected_version=signed.version,
        )  # fmt: skip
    assert refused.value.code == "board_signed"
    answer = signed_in(physician).put(
        f"/api/v1/patients/{patient.pk}/tumour-boards/{board.pk}",
        {"held_on": str(timezone.localdate()), "question": "x", "expected_version": signed.version},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "board_signed")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE records_tumourboard SET decision = 'x' WHERE id = %s", [board.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        TumourBoard.objects.filter(pk=board.pk).delete()
    signed.refresh_from_db()
    assert signed.decision == DECISION
    # and the chart's timeline shows it
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    board_events = [e for e in chart.timeline if e.kind is EventKind.BOARD]
    assert [e.detail for e in board_events] == [DECISION]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"question": ""}, "required"),
        ({"question": "a\x00b"}, "invalid_characters"),
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "in_future"),
        (
            {"participants": (ParticipantInput(username="nobody", specialty="Radioterapia"),)},
            "board_participant_unknown",
        ),
        (
            {"participants": (ParticipantInput(name="Anna Riva", specialty=""),)},
            "board_participant_invalid",
        ),
        (
            {"participants": (ParticipantInput(name="Anna Riva", username="x", specialty="R"),)},
            "board_participant_invalid",
        ),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(
    physician: User, patient: Patient, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.board_record(
            actor=physician, workstation=None, patient_id=patient.pk,
            data=_input(physician, **changes),
        )  # fmt: skip
    assert refused.value.code == code
    assert not TumourBoard.objects.exists()


def test_closing_needs_a_decision_and_two_disciplines(physician: User, patient: Patient) -> None:
    board = services.board_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=_input(physician, decision=""),
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.board_sign(
            actor=physician, workstation=None, board_id=board.pk, expected_version=board.version
        )
    assert refused.value.code == "board_decision_required"
    board = services.board_update(
        actor=physician, workstation=None, board_id=board.pk, expected_version=board.version,
        data=_input(
            physician,
            participants=(
                ParticipantInput(name="Anna Riva", specialty="Oncologia medica"),
                ParticipantInput(name="Marco Neri", specialty=" oncologia MEDICA "),
            ),
        ),
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.board_sign(
            actor=physician, workstation=None, board_id=board.pk, expected_version=board.version
        )
    assert refused.value.code == "board_not_multidisciplinary"
    assert not Document.objects.exists()


def test_participant_lines_of_the_page() -> None:
    found = rules.parse_lines("@dr_verdi; Oncologia medica\n\n Luca Ferri ; Chirurgia \n")
    assert found == [
        ParticipantInput(specialty="Oncologia medica", username="dr_verdi"),
        ParticipantInput(specialty="Chirurgia", name="Luca Ferri"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        rules.parse_lines("Luca Ferri")
    assert refused.value.message == "Riga 1: scrivi «nome; specialità»."


def test_board_api_and_permissions(physician: User, nurse: User, patient: Patient) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/tumour-boards"
    body = {
        "held_on": str(timezone.localdate()),
        "question": QUESTION,
        "participants": [
            {"username": physician.username, "specialty": "Oncologia medica"},
            {"name": "Luca Ferri", "specialty": "Chirurgia generale"},
        ],
        "decision": DECISION,
    }
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    board = created.json()
    signed = client.post(
        f"{url}/{board['id']}/sign", {"expected_version": board["version"]}, "application/json"
    )
    assert (signed.status_code, signed.json()["status"]) == (200, "signed")
    listed = signed_in(nurse).get(url)
    assert [b["id"] for b in listed.json()] == [board["id"]]
    denied = signed_in(nurse).post(url, body, content_type="application/json")
    assert denied.status_code == 403
    with pytest.raises(PermissionRefused):
        services.board_record(
            actor=nurse, workstation=None, patient_id=patient.pk, data=_input(physician)
        )
    assert TumourBoard.objects.count() == 1
    other = client.get(f"/api/v1/patients/{patient.pk + 1000}/tumour-boards/{board['id']}")
    assert other.status_code == 404


def test_board_pages(physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    page = client.get(f"/records/patients/{patient.pk}/tumour-boards/")
    assert page.status_code == 200
    assert 'data-testid="board-form"' in page.content.decode()
    refused = client.post(
        f"/records/patients/{patient.pk}/tumour-boards/",
        {"held_on": str(timezone.localdate()), "question": QUESTION, "participants": "Luca Ferri"},
    )
    assert refused.status_code == 422
    assert "Riga 1: scrivi «nome; specialità»." in refused.content.decode()
    assert not TumourBoard.objects.exists()
    saved = client.post(
        f"/records/patients/{patient.pk}/tumour-boards/",
        {
            "held_on": str(timezone.localdate()),
            "question": QUESTION,
            "participants": f"@{physician.username}; Oncologia medica\nLuca Ferri; Chirurgia",
            "decision": DECISION,
        },
    )
    board = TumourBoard.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/records/tumour-boards/{board.pk}/"
    closed = client.post(f"/records/tumour-boards/{board.pk}/sign/", {"version": board.version})
    assert closed.status_code == 302
    shown = client.get(f"/records/tumour-boards/{board.pk}/").content.decode()
    assert "Verbale firmato (PDF)" in shown and 'data-testid="board-form"' not in shown
