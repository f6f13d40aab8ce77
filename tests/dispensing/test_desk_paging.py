"""The desk's dispensings of the day paged (issue 27): the newest first, every one of a
busy day reachable (before: the newest 200), the total in the caption; each page logs the
patients it shows; the page's queries do not grow with the day's dispensings."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.audit.models import AccessLogEntry
from corsia.dispensing import views
from corsia.dispensing.models import Dispensing
from corsia.testing.accounts import logged_in
from corsia.testing.dispensing import Desk
from corsia.testing.paging import queries, queries_do_not_grow, shown_ids

pytestmark = pytest.mark.django_db

WHAT = "Dispensazioni del giorno al banco"
DESK = "127.0.0.1"  # the test client's address: the desk the page is asked from


def _dispensed(desk: Desk, n: int, *, patient_of: int = 0, at: str = DESK) -> list[int]:
    """``n`` dispensings today, a minute apart after those there; ids, the oldest first.
    Every other one to the other patient when ``patient_of`` is 2."""
    before = Dispensing.objects.count()
    morning = timezone.make_aware(datetime.combine(timezone.localdate(), time(8)))
    made = []
    for k in range(n):
        patient = desk.other_patient if patient_of == 2 and k % 2 else desk.patient
        made.append(
            Dispensing.objects.create(
                patient=patient, prescriber=desk.physician, kind="discharge",
                product=desk.capecitabine, units=120, daily_units=Decimal(4), days_covered=30,
                next_due_date=timezone.localdate() + timedelta(days=30), collected_by="patient",
                location=desk.shelf, cost_center=desk.cost_center,
                dispensed_by=desk.pharmacist, dispensed_at=morning + timedelta(minutes=before + k),
                workstation=at,
            ).pk
        )  # fmt: skip
    return made


def _shown(html: str) -> list[int]:
    return shown_ids(html, "today", r"/dispensing/dispensings/(\d+)/receipt\.pdf")


def test_every_dispensing_of_the_day_is_reachable_the_newest_first(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "DESK_PAGE_SIZE", 2)
    made = _dispensed(desk, 5, patient_of=2)
    _dispensed(desk, 1, at="10.0.0.9")  # another desk's, the newest: not on this desk's page
    client = logged_in(desk.pharmacist)
    first = client.get("/dispensing/").content.decode()
    assert _shown(first) == made[::-1][:2]
    assert "5 dispensazioni registrate oggi da questa postazione" in first
    assert 'href="?page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get("/dispensing/", {"page": page}).content.decode()
        assert _shown(last) == [made[0]], page
    # the last page shows only the patient's dispensing: only the patient is logged
    logged = AccessLogEntry.objects.filter(what=WHAT, user=desk.pharmacist)
    before = logged.count()
    client.get("/dispensing/", {"page": "3"})
    assert list(logged.values_list("patient_id", flat=True)[before:]) == [desk.patient.pk]


def test_the_queries_do_not_grow_with_the_day(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "DESK_PAGE_SIZE", 2)
    _dispensed(desk, 2)
    client = logged_in(desk.pharmacist)
    # the same before and after 3× the dispensings, and on the last page
    [few] = queries_do_not_grow([(client, "/dispensing/", {})], lambda: _dispensed(desk, 4))
    assert queries(client, "/dispensing/", {"page": "3"}) == few
