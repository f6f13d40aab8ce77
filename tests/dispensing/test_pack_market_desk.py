"""The dispensing desk against the archive's market status (H62): a pack withdrawn from the
market is refused (``pack_withdrawn``, nothing unloaded) unless a pharmacist gives a reason
(audited ``drugs.pack_withdrawn_overridden``); a pack in shortage is handed over with a
warning on the page. Today is 15/10/2026 (``corsia.testing.dispensing``)."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.audit.models import AuditEvent
from corsia.dispensing import services
from corsia.dispensing.models import Dispensing
from corsia.drugs.domain.pack_market import PackWithdrawn, PackWithdrawnPharmacistOnly
from corsia.testing.accounts import api_client
from corsia.testing.dispensing import NOW, Desk, dispensing_input, held, pack_code
from corsia.testing.drugs import pack_in_shortage, pack_withdrawn

pytestmark = pytest.mark.django_db
MAR = date(2027, 3, 31)


@pytest.fixture
def stocked(desk: Desk) -> Desk:
    desk.load(desk.capecitabine, "L-A", MAR, 240)
    return desk


def _record(desk: Desk, actor: object, **fields: object) -> Dispensing:
    data = dispensing_input(desk, [pack_code(desk.packs["cape"], lot="L-A", expiry=MAR)], **fields)
    return services.dispensing_record(
        actor=actor,  # type: ignore[arg-type]  # a test's user
        workstation="banco-1",
        patient_id=desk.patient.pk,
        data=data,
        now=NOW,
    )


def test_a_withdrawn_pack_is_refused_and_only_the_pharmacist_hands_it_over(stocked: Desk) -> None:
    desk = stocked
    pack_withdrawn(desk.packs["cape"], date(2026, 10, 15))  # withdrawn today
    with pytest.raises(PackWithdrawn) as refused:
        _record(desk, desk.technician)
    assert "CONFEZIONE RITIRATA DAL COMMERCIO il 15/10/2026" in refused.value.message
    with pytest.raises(PackWithdrawnPharmacistOnly):
        _record(desk, desk.technician, withdrawn_override_reason="il paziente non ha altro")
    assert held(desk.capecitabine) == 240  # nothing unloaded
    assert not Dispensing.objects.exists()
    why = "Ritiro per scadenza dell'AIC, lotto non richiamato: concordato con il medico"
    row = _record(desk, desk.pharmacist, withdrawn_override_reason=why)
    assert held(desk.capecitabine) == 120
    (event,) = AuditEvent.objects.filter(event_type="drugs.pack_withdrawn_overridden")
    assert (event.reason, event.actor_id, event.patient_id) == (
        why,
        desk.pharmacist.pk,
        row.patient_id,
    )
    assert event.after == {
        "where": "dispensazione diretta",
        "withdrawn_on": "2026-10-15",
        "aic": "990000010",
        "gtin": "08001234567897",
    }


def test_a_withdrawal_dated_tomorrow_does_not_stop_today(stocked: Desk) -> None:
    pack_withdrawn(stocked.packs["cape"], date(2026, 10, 16))
    _record(stocked, stocked.technician)
    assert held(stocked.capecitabine) == 120


def test_the_api_answers_problem_json_and_the_page_warns_of_a_shortage(stocked: Desk) -> None:
    desk = stocked
    pack_withdrawn(desk.packs["cape"], date(2026, 9, 1))
    scans = [pack_code(desk.packs["cape"], lot="L-A", expiry=MAR)]
    body = {
        "patient_code": desk.patient.codice_fiscale,
        "kind": "discharge",
        "prescriber_id": desk.physician.pk,
        "scans": scans,
        "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code,
        "product_code": desk.capecitabine.code,
        "daily_units": "4",
    }
    answer = api_client(desk.technician).post(
        f"/api/v1/dispensing/patients/{desk.patient.pk}/dispensings",
        body,
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["code"] == "pack_withdrawn"
    # back on the market but in shortage: handed over, the page warns
    pack_withdrawn(desk.packs["cape"], date(2027, 1, 1))
    pack_in_shortage(desk.packs["cape"], date(2026, 10, 1), expected_end=date(2026, 12, 31))
    assert services.scan_market_warnings(scans) == [
        "Confezione in carenza (elenco AIFA dei medicinali carenti) dal 01/10/2026, fine "
        "presunta 31/12/2026: Capecitabina 500 mg Test 500 mg (AIC 990000010). Usarla con "
        "parsimonia e avvisare il farmacista."
    ]


def test_the_api_answer_carries_the_shortage_warning_like_the_page(stocked: Desk) -> None:
    # H66: a pack in shortage since 01/10/2026 (end expected 31/12/2026) is handed over
    # through the API and its answer carries the warning the page shows
    desk = stocked
    pack_in_shortage(desk.packs["cape"], date(2026, 10, 1), expected_end=date(2026, 12, 31))
    body = {
        "patient_code": desk.patient.codice_fiscale,
        "kind": "discharge",
        "prescriber_id": desk.physician.pk,
        "scans": [pack_code(desk.packs["cape"], lot="L-A", expiry=MAR)],
        "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code,
        "product_code": desk.capecitabine.code,
        "daily_units": "4",
    }
    answer = api_client(desk.technician).post(
        f"/api/v1/dispensing/patients/{desk.patient.pk}/dispensings",
        body,
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["market_warnings"] == [
        "Confezione in carenza (elenco AIFA dei medicinali carenti) dal 01/10/2026, fine "
        "presunta 31/12/2026: Capecitabina 500 mg Test 500 mg (AIC 990000010). Usarla con "
        "parsimonia e avvisare il farmacista."
    ]
    assert held(desk.capecitabine) == 120
    # the reading of the dispensing later carries no warning of the day
    again = api_client(desk.technician).get(f"/api/v1/dispensing/dispensings/{answer.json()['id']}")
    assert again.json()["market_warnings"] == []
