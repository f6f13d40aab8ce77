"""Stock of a pack withdrawn from the market (H66): listed for the pharmacist (where, how
many) the moment the withdrawal is in the archive, on the stock page, the pharmacy's queue
and the API — not only at the next scan; the goods-in load of a withdrawn pack is refused
(``pack_withdrawn``) unless a pharmacist gives a reason (audited). Today is 15/10/2026."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.drugs.domain.pack_market import PackWithdrawn, PackWithdrawnPharmacistOnly
from corsia.drugs.models import MedicinalProduct, Pack
from corsia.inventory import selectors, services
from corsia.inventory.models import StockLot, StorageLocation
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.drugs import pack_withdrawn
from corsia.testing.inventory import NOW, TODAY, Load

pytestmark = pytest.mark.django_db
EXPIRY = date(2027, 6, 30)


def _load_pack(
    actor: User,
    shelf: StorageLocation,
    product: MedicinalProduct,
    lot: str,
    units: int,
    *,
    reason: str = "",
) -> None:
    services.stock_load(
        actor=actor, workstation="FARM-1", supplier="Fornitore", document_number=f"DDT-{lot}",
        document_date=TODAY, location=shelf, now=NOW, withdrawn_override_reason=reason,
        lines=[services.LoadLine(product=product, lot=lot, expiry=EXPIRY, quantity=units,
                                 unit_cost=Decimal("12.50"), pack=product.packs.get())],
    )  # fmt: skip


def test_the_lots_of_a_withdrawn_pack_are_listed_where_and_how_many(
    pharmacist: User, shelf: StorageLocation, oxaliplatin: MedicinalProduct,
    fluorouracil: MedicinalProduct, load: Load,
) -> None:  # fmt: skip
    # given oxaliplatin OX1 (10 vials, loaded with its AIC) and OX2 (3 vials, typed by
    # product only: its one pack is the withdrawn one), fluorouracil FU1 (5) on shelf A1
    _load_pack(pharmacist, shelf, oxaliplatin, "OX1", 10)
    load(oxaliplatin, "OX2", EXPIRY, 3)
    load(fluorouracil, "FU1", EXPIRY, 5)
    assert selectors.withdrawn_stock(today=TODAY) == []
    # a withdrawal dated tomorrow is not yet on the list
    pack = pack_withdrawn(Pack.objects.get(product=oxaliplatin), date(2026, 10, 16))
    assert selectors.withdrawn_stock(today=TODAY) == []
    # when AIFA's withdrawal of today is in the archive, both oxaliplatin lots are listed
    pack_withdrawn(pack, TODAY)
    rows = selectors.withdrawn_stock(today=TODAY)
    assert [(r.lot.lot, r.lot.quantity, r.place, r.aic, r.withdrawn_on, r.certain)
            for r in rows] == [
        ("OX1", 10, "A / A1", "012345678", TODAY, True),
        ("OX2", 3, "A / A1", "012345678", TODAY, True),
    ]  # fmt: skip
    # a lot emptied is not on the list
    StockLot.objects.filter(lot="OX2").update(quantity=0)
    assert [r.lot.lot for r in selectors.withdrawn_stock(today=TODAY)] == ["OX1"]
    # the pages and the API show it (the real clock is after 15/10/2026)
    client = logged_in(pharmacist)
    for url in ("/inventory/", "/inventory/requests/queue/"):
        html = client.get(url).content.decode()
        assert 'data-testid="withdrawn-stock"' in html, url
        assert "1 lotto da togliere dagli scaffali" in html
        assert "<td>012345678</td><td>15/10/2026</td><td>OX1</td><td>A / A1</td><td>10</td>" in html
    answer = api_client(pharmacist).get("/api/v1/inventory/lots/withdrawn")
    assert answer.status_code == 200
    (lot,) = answer.json()
    assert {k: lot[k] for k in ("lot", "quantity", "aic", "withdrawn_on", "place", "certain",
                                "location", "product_code")} == {
        "lot": "OX1", "quantity": 10, "aic": "012345678", "withdrawn_on": "2026-10-15",
        "place": "A / A1", "certain": True, "location": "A1",
        "product_code": "oxaliplatin_100mg_20ml_test",
    }  # fmt: skip


def test_the_load_of_a_withdrawn_pack_needs_a_pharmacists_reason(
    pharmacist: User, technician: User, shelf: StorageLocation, oxaliplatin: MedicinalProduct,
) -> None:  # fmt: skip
    pack_withdrawn(Pack.objects.get(product=oxaliplatin), date(2026, 10, 1))
    with pytest.raises(PackWithdrawn) as refused:
        _load_pack(technician, shelf, oxaliplatin, "OX9", 4)
    assert "CONFEZIONE RITIRATA DAL COMMERCIO il 01/10/2026" in refused.value.message
    with pytest.raises(PackWithdrawnPharmacistOnly):
        _load_pack(technician, shelf, oxaliplatin, "OX9", 4, reason="reso dal reparto")
    assert not StockLot.objects.filter(lot="OX9").exists()
    # the API: problem+json, nothing loaded
    body = {
        "supplier": "Fornitore", "document_number": "DDT-OX9", "document_date": "2026-10-15",
        "location": "A1",
        "lines": [{"product": oxaliplatin.code, "aic": "012345678", "lot": "OX9",
                   "expiry": "2027-06-30", "quantity": 4, "unit_cost": "12.50"}],
    }  # fmt: skip
    answer = api_client(technician).post(
        "/api/v1/inventory/loads", body, content_type="application/json"
    )
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["code"] == "pack_withdrawn"
    assert not StockLot.objects.filter(lot="OX9").exists()
    # the pharmacist's reason loads it, audited with where
    why = "Reso dal reparto in quarantena, da restituire al fornitore"
    _load_pack(pharmacist, shelf, oxaliplatin, "OX9", 4, reason=why)
    assert StockLot.objects.get(lot="OX9").quantity == 4
    (event,) = AuditEvent.objects.filter(event_type="drugs.pack_withdrawn_overridden")
    assert (event.reason, event.actor_id) == (why, pharmacist.pk)
    assert event.after is not None
    assert event.after["where"] == "carico DDT DDT-OX9 riga 1 lotto OX9"
