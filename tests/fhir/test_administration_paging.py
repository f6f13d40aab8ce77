"""The FHIR server's MedicationAdministration search paged in the database (issue 27): the
bedside's administrations and the ward's doses of one patient, the latest first, one page
read by ``_count``/``_offset`` with ``next``/``previous`` links, ``total`` exact with
``status`` and ``date`` narrowing it; the queries of a page do not grow with the doses."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.testing.accounts import api_client
from corsia.testing.administration import Folfox, give
from corsia.testing.fhir import fhir_get, ids
from corsia.testing.therapy import paracetamol, prescribed
from corsia.therapy.models import DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db


def _doses(
    folfox: Folfox, p: WardPrescription, hours_ago: list[int], outcome: str = "given"
) -> list[DoseRecord]:
    """A dose of ``p`` recorded ``h`` hours ago for each ``h``; the records."""
    now = timezone.now()
    return [
        DoseRecord.objects.create(
            prescription=p, patient=folfox.patient, outcome=outcome,
            reason="" if outcome == "given" else "refused",
            recorded_at=now - timedelta(hours=h), nurse=folfox.nurse,
        )
        for h in hours_ago
    ]  # fmt: skip


@pytest.fixture
def paracetamol_rx(folfox: Folfox) -> WardPrescription:
    return prescribed(folfox.physician, folfox.patient, paracetamol())


def _link(bundle: dict[str, Any], relation: str) -> str | None:
    return next((k["url"] for k in bundle["link"] if k["relation"] == relation), None)


def test_the_bedside_and_the_ward_s_doses_page_by_page_the_latest_first(
    folfox: Folfox, paracetamol_rx: WardPrescription
) -> None:
    given = give(folfox, folfox.items["ondansetron"])  # now
    w1, w2, w4 = _doses(folfox, paracetamol_rx, [1, 2, 4])
    (w3,) = _doses(folfox, paracetamol_rx, [3], outcome="not_given")
    expected = [str(given.pk), *(f"ward-{d.pk}" for d in (w1, w2, w3, w4))]
    client = api_client(folfox.physician)
    url = f"/fhir/MedicationAdministration?patient={folfox.patient.pk}"
    _status, every = fhir_get(client, url)
    assert (every["total"], ids(every)) == (5, expected)
    seen: list[str] = []
    next_url: str | None = url + "&_count=2"
    pages = 0
    while next_url:
        _status, page = fhir_get(client, next_url)
        assert page["total"] == 5
        seen += ids(page)
        next_url, pages = _link(page, "next"), pages + 1
    assert (seen, pages) == (expected, 3)
    _status, middle = fhir_get(client, url + "&_count=2&_offset=2")
    assert ids(middle) == expected[2:4]
    previous = _link(middle, "previous")
    assert previous is not None and ids(fhir_get(client, previous)[1]) == expected[:2]
    # status and date narrow the total in the database
    assert fhir_get(client, url + "&status=not-done")[1]["total"] == 1
    assert ids(fhir_get(client, url + "&status=completed&_count=1&_offset=3")[1]) == [
        f"ward-{w4.pk}"
    ]
    assert fhir_get(client, url + "&status=completed")[1]["total"] == 4
    since = (timezone.now() - timedelta(hours=2, minutes=30)).astimezone(UTC)
    _status, recent = fhir_get(client, url + f"&date=ge{since:%Y-%m-%dT%H:%M:%SZ}")
    assert (recent["total"], ids(recent)) == (3, expected[:3])


def test_a_corrected_dose_is_entered_in_error_beside_its_correction(
    folfox: Folfox, paracetamol_rx: WardPrescription
) -> None:
    (first,) = _doses(folfox, paracetamol_rx, [2])
    correction = DoseRecord.objects.create(
        prescription=paracetamol_rx, patient=folfox.patient, outcome="not_given",
        reason="refused", recorded_at=timezone.now() - timedelta(hours=1),
        nurse=folfox.nurse, corrects=first, correction_reason="rifiutata",
    )  # fmt: skip
    client = api_client(folfox.physician)
    url = f"/fhir/MedicationAdministration?patient={folfox.patient.pk}"
    _status, found = fhir_get(client, url)
    statuses = [(e["resource"]["id"], e["resource"]["status"]) for e in found["entry"]]
    assert statuses == [
        (f"ward-{correction.pk}", "not-done"),
        (f"ward-{first.pk}", "entered-in-error"),
    ]
    assert ids(fhir_get(client, url + "&status=entered-in-error")[1]) == [f"ward-{first.pk}"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_queries_of_a_page_do_not_grow_with_the_doses(
    folfox: Folfox, paracetamol_rx: WardPrescription
) -> None:
    given = give(folfox, folfox.items["ondansetron"])
    (dose, _) = _doses(folfox, paracetamol_rx, [1, 2])
    client = api_client(folfox.physician)
    url = f"/fhir/MedicationAdministration?patient={folfox.patient.pk}&_count=2"
    by_id = [
        f"/fhir/MedicationAdministration/{given.pk}",
        f"/fhir/MedicationAdministration/ward-{dose.pk}",
    ]
    _queries(client, url)  # the caller's first request: its permission set cached
    few = [_queries(client, u) for u in (url, *by_id)]
    _doses(folfox, paracetamol_rx, list(range(3, 12)))  # 4× the history
    assert [_queries(client, u) for u in (url, *by_id)] == few
    # a page of ward doses only: the bedside's records are not read for it
    assert _queries(client, url + "&_offset=8") == few[0] - 1
    assert fhir_get(client, by_id[1])[1]["id"] == f"ward-{dose.pk}"
