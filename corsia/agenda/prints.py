"""The day's call-in list printed through the editable template ``call_in_list``
(``corsia.documents``, fields in ``documents/schemas_lists.py``) and archived, unsigned, with
its template version (issue 23 §22-23). The rows are those of the call-in page
(``selectors.call_in_list``: every booking still expected, by arrival time; the reads of
the patients logged), printed by the page (``/agenda/<id>/call-in.pdf``) and the API
(``/api/v1/agenda/agendas/{id}/call-in.pdf``). The archived copy keeps the ids of the
patients it names: reopening it from the archive logs a read of each."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from corsia.agenda import selectors
from corsia.agenda.domain.calendar import WEEKDAYS_IT
from corsia.agenda.domain.states import STATE_LABELS_IT, BookingState
from corsia.agenda.models import Agenda
from corsia.core.actors import User, Workstation
from corsia.documents.services import document_print

if TYPE_CHECKING:
    from corsia.documents.models import Document

CODE = "call_in_list"
REMINDER_TEXT = {"sent": "inviato", "failed": "non riuscito"}


def call_in_context(agenda: Agenda, day: date, rows: list[selectors.CallIn]) -> dict[str, Any]:
    """The ``call_in`` object of the print, one row per expected patient."""

    def hhmm(moment: Any) -> str:
        return f"{timezone.localtime(moment):%H:%M}"

    printed = []
    for row in rows:
        booking, patient = row.booking, row.booking.patient
        printed.append(
            {
                "arrival": hhmm(row.arrival),
                "patient": f"{patient.surname.upper()} {patient.given_names}",
                "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}",
                "mrn": patient.mrn,
                "phone": patient.phone,
                "booking_type": booking.booking_type.name,
                "place": booking.place.code if booking.place else "da assegnare",
                "therapy_start": hhmm(booking.start_at),
                "blood_tests": row.blood_tests,
                "state": STATE_LABELS_IT[BookingState(booking.state)].lower(),
                "reminder": REMINDER_TEXT.get(row.reminder, ""),
            }
        )
    return {
        "agenda": agenda.name,
        "unit": agenda.ward.name,
        "day": f"{day:%d/%m/%Y}",
        "weekday": WEEKDAYS_IT[day.weekday()],
        "count": len(printed),
        "rows": printed,
    }


def call_in_print(
    *, actor: User, workstation: Workstation, agenda_id: int, day: date, channel: str = "web"
) -> Document:
    """Archive the print of the day's call-in list (``agenda.view_agenda`` to read it, then
    ``documents.create_document`` or ``documents.archive_print``) with the patients it
    names (reopening it from the archive logs a read of each); the caller answers
    ``document.content``, the stored PDF."""
    agenda, rows = selectors.call_in_list(
        user=actor, agenda_id=agenda_id, day=day, workstation=workstation, channel=channel
    )
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=CODE,
        title=f"Convocazioni {agenda.name} del {day:%d/%m/%Y}",
        patient=None,
        context={"call_in": call_in_context(agenda, day, rows)},
        source=("agenda", "agenda", f"{agenda.pk}:{day.isoformat()}"),
        named_patients=[row.booking.patient_id for row in rows],
    )
