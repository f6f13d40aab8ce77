"""Nurses' shifts and breaks on the organisation page (the API's several breaks:
``test_plan_requests.py``):
stored, listed, refused in Italian with nothing written; the planner's working spans."""

from __future__ import annotations

import html
from datetime import time

import pytest
from django.utils import timezone

from corsia.agenda.domain.shifts import NurseShift
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.agenda import day_hospital_with, next_weekday

pytestmark = pytest.mark.django_db
MONDAY = next_weekday(timezone.localdate())


def _form(dh: object, **times: str) -> dict[str, str]:
    return {
        "action": "nurse",
        "day": MONDAY.isoformat(),
        "nurse": str(dh.nurse.pk),  # type: ignore[attr-defined]  # a DayHospital
        "shift": "Mattina",
        "on_duty": "1",
        **times,
    }


def test_the_page_sets_a_shift_with_two_breaks_and_lists_it(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    client = logged_in(dh.coordinator)
    url = f"/agenda/{dh.agenda.pk}/organisation/"
    page = client.get(url).content.decode()
    for label in ("Inizio turno", "Fine turno", "Inizio pausa", 'for="n-bs_2"'):
        assert label in page
    shift = {"starts_at": "07:30", "ends_at": "14:00"}
    breaks = {"break_start": "12:00", "break_end": "12:30"}
    later = {"break_start_2": "09:30", "break_end_2": "09:45"}
    done = client.post(url, _form(dh, **shift, **breaks, **later), follow=True)
    page_text = done.content.decode()
    assert "Organizzazione aggiornata" in page_text
    row = dh.agenda.nurses.get()
    assert (row.starts_at, row.ends_at) == (time(7, 30), time(14))
    assert row.breaks == [["09:30", "09:45"], ["12:00", "12:30"]]  # kept sorted
    assert "07:30–14:00" in page_text and "09:30–09:45, 12:00–12:30" in page_text
    day_page = client.get(f"/agenda/{dh.agenda.pk}/?day={MONDAY.isoformat()}").content.decode()
    assert "07:30–14:00 (pausa 09:30–09:45, 12:00–12:30)" in day_page  # the day shows it too
    audit = AuditEvent.objects.filter(event_type="agenda.nurse_on_duty_set").latest("pk")
    assert audit.after is not None and audit.after["breaks"] == row.breaks
    # set again without breaks: replaced
    client.post(url, _form(dh, starts_at="08:00", ends_at="13:00"))
    row.refresh_from_db()
    assert (row.starts_at, row.breaks) == (time(8), [])


@pytest.mark.parametrize(
    ("times", "text"),
    [
        ({"starts_at": "14:00", "ends_at": "08:00"}, "La fine del turno (08:00) deve seguire"),
        (
            {
                "starts_at": "08:00",
                "ends_at": "14:00",
                "break_start": "13:30",
                "break_end": "14:30",
            },
            "deve cadere dentro il turno (08:00–14:00)",
        ),
        (
            {
                "starts_at": "08:00",
                "ends_at": "14:00",
                "break_start": "10:00",
                "break_end": "10:30",
                "break_start_2": "10:15",
                "break_end_2": "11:00",
            },
            "Le pause 10:00–10:30 e 10:15–11:00 si sovrappongono",
        ),
        ({"starts_at": "08:00", "ends_at": "14:00", "break_start": "11:00"}, "sia la fine"),
        ({"starts_at": "25:99", "ends_at": "14:00"}, "Orario non valido"),
        ({"starts_at": "ab", "ends_at": "1e308"}, "Orario non valido"),
        ({"break_start": "11:00", "break_end": "11:30"}, "richiede l'orario del turno"),
    ],
)
def test_the_page_refuses_a_bad_shift_in_italian_and_writes_nothing(
    make_user: MakeUser, times: dict[str, str], text: str
) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    client = logged_in(dh.coordinator)
    response = client.post(f"/agenda/{dh.agenda.pk}/organisation/", _form(dh, **times), follow=True)
    assert response.status_code == 422
    body = response.content.decode()
    assert text in html.unescape(body)
    for typed in times.values():  # the form comes back as typed, nothing to type again
        assert f'value="{typed}"' in body
    assert f'value="{dh.nurse.pk}" selected' in body
    assert not dh.agenda.nurses.exists()


def test_working_spans_with_two_breaks() -> None:
    """Opening 07:30 (450)–19:00 (1140); shift 07:00–14:00, breaks 09:30–09:45 and
    12:00–12:30 → 450–570, 585–720, 750–840."""
    shift = NurseShift(time(7), time(14), ((time(12), time(12, 30)), (time(9, 30), time(9, 45))))
    assert shift.working_spans(450, 1140) == ((450, 570), (585, 720), (750, 840))
    assert NurseShift(time(7), time(14), ((None, None),)).breaks == ()
    with pytest.raises(ValidationFailed) as refused:
        NurseShift(time(7), time(14), ((time(8), time(9)),) * 5)
    assert refused.value.code == "too_many_breaks"
