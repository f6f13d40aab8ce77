"""A pack withdrawn from the market scanned into a ward request's pick (H62): refused
(``pack_withdrawn``, nothing picked) unless a pharmacist gives a reason, audited
(``drugs.pack_withdrawn_overridden``); a pack in shortage is picked with the warning in the
API's answer."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.audit.models import AuditEvent
from corsia.drugs.domain.pack_market import PackWithdrawn, PackWithdrawnPharmacistOnly
from corsia.drugs.models import Pack
from corsia.inventory.domain.ward_requests import Decision, LineDecision
from corsia.inventory.models import WardRequest, WardRequestScan
from corsia.inventory.services import ward_requests as wr
from corsia.testing.accounts import api_client
from corsia.testing.drugs import pack_in_shortage, pack_withdrawn
from corsia.testing.inventory import NOW, OXALI_GTIN, WardScene, gs1_pack

pytestmark = pytest.mark.django_db
OX_EXPIRY = date(2027, 6, 30)
OX1 = gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")


def _approved(s: WardScene, units: int = 2) -> WardRequest:
    request = wr.ward_request_create(
        actor=s.nurse, workstation="DH-PC1", cabinet=s.cabinet, kind="ward_stock",
        urgency="routine", lines=[wr.RequestLineInput(s.oxaliplatin, units)], now=NOW,
        submit=True,
    )  # fmt: skip
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        decisions={ln.pk: LineDecision(Decision.APPROVE) for ln in request.lines.all()},
    )  # fmt: skip
    return request


def test_a_withdrawn_pack_is_not_picked_unless_the_pharmacist_gives_a_reason(
    scene: WardScene,
) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = _approved(s)
    pack_withdrawn(Pack.objects.get(gtin=OXALI_GTIN), NOW.date())  # withdrawn today
    with pytest.raises(PackWithdrawn):
        wr.ward_request_pick_scan(
            actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW,
            barcode=OX1,
        )  # fmt: skip
    with pytest.raises(PackWithdrawnPharmacistOnly):
        wr.ward_request_pick_scan(
            actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW,
            barcode=OX1, withdrawn_override_reason="urgente",
        )  # fmt: skip
    assert not WardRequestScan.objects.filter(line__request=request).exists()
    why = "Unico lotto disponibile, non richiamato: sostituzione al prossimo ordine"
    row = wr.ward_request_pick_scan(
        actor=s.pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        barcode=OX1, withdrawn_override_reason=why,
    )  # fmt: skip
    assert (row.lot, row.units) == ("OX1", 1)
    (event,) = AuditEvent.objects.filter(event_type="drugs.pack_withdrawn_overridden")
    assert (event.reason, event.actor_id) == (why, s.pharmacist.pk)
    assert event.after is not None
    assert event.after["where"] == f"prelievo per il reparto, richiesta {request.number}"


def test_a_pack_in_shortage_is_picked_with_the_warning(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = _approved(s)
    pack_in_shortage(Pack.objects.get(gtin=OXALI_GTIN), date(2026, 9, 1))
    answer = api_client(s.technician).post(
        f"/api/v1/requests/{request.pk}/pick-scans",
        {"barcode": OX1},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["market_warning"].startswith(
        "Confezione in carenza (elenco AIFA dei medicinali carenti) dal 01/09/2026:"
    )
