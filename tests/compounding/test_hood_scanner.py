"""The hood driven by the scanner, through the API and the page (the same services):
a GS1 DataMatrix gives lot, expiry and serial; a wrong drug, an expired vial or a code
whose separators were lost is refused and nothing is recorded; a Code 39 stamp scanned
first is kept until lot and expiry are typed; the vial plan and the target weight are
there before weighing; the leftover of a part-used vial is recorded; the next
preparation is offered after the gravimetric check.

Oxaliplatin 170 mg (FOLFOX-4, 2.00 m²) from the 200 mg vial at 5 mg/mL: 34.00 mL drawn,
density 1.000 g/mL → 34.000 g expected, ±5 % → ±1.700 g; 30 mg = 6.00 mL left in the vial.
Here the oxaliplatin vials are powders reconstituted to 5 mg/mL, stable 24 h at 2-8 °C (the
lyophilised oxaliplatin of the past), so its leftover may be kept.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services
from corsia.compounding.models import Leftover, Preparation, PreparationVial
from corsia.testing.accounts import logged_in, post_json
from corsia.testing.compounding import Folfox
from corsia.testing.hood import (
    FU_GTIN,
    GS,
    OXALI_200,
    OXALI_GTIN,
    oxaliplatin_powder_with_gtins,
    yymmdd,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/compounding"


def _oxali_taken(folfox: Folfox, pharmacist: User) -> Preparation:
    oxaliplatin_powder_with_gtins()
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    return next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")


def _get(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(API + url)
    return response.status_code, response.json()


def test_gs1_scan_fills_lot_expiry_serial_and_the_leftover_volume_is_recorded(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxali_taken(folfox, pharmacist)
    client = logged_in(technician)
    # before any vial: the plan is computed (one 200 mg vial) and the drug's mass shown
    status, hood = _get(client, f"/preparations/{oxali.pk}/hood")
    assert status == 200, hood
    assert hood["plan_computed"] is True
    assert [(v["product_code"], v["mg"], v["new"]) for v in hood["plan"]] == [
        (OXALI_200, "170.0", True)
    ]
    assert (hood["target"]["expected_added_g"], hood["target"]["band_g"]) == ("34.000", "1.700")
    assert hood["target"]["target_g"] is None  # the bag is not weighed yet
    # the DataMatrix alone: nothing typed
    code = f"]d201{OXALI_GTIN}17{yymmdd(200)}10OX77{GS}21SN0001"
    status, vial = post_json(client, f"{API}/preparations/{oxali.pk}/scan", {"barcode": code})
    assert status == 201, vial
    assert (vial["lot"], vial["serial"], vial["mg_drawn"], vial["ml_drawn"]) == (
        "OX77",
        "SN0001",
        "170.0000",
        "34.00",
    )
    assert vial["lot_expiry"] == f"{timezone.localdate() + timedelta(days=200):%Y-%m-%d}"
    # the part-used vial: 30 mg = 6.00 mL to record
    _, hood = _get(client, f"/preparations/{oxali.pk}/hood")
    [left] = hood["leftovers_to_record"]
    assert (left["lot"], left["serial"], left["volume_ml"], left["state"]) == (
        "OX77",
        "SN0001",
        "6.00",
        "open",
    )
    # 5.8 mL seen in the vial: kept as seen
    status, kept = post_json(client, f"{API}/leftovers/{left['id']}/volume", {"volume_ml": "5.8"})
    assert status == 200, kept
    assert (kept["volume_ml"], kept["mg_available"], kept["state"]) == ("5.80", "29.0000", "open")
    assert kept["volume_recorded_at"] is not None
    # once only
    status, again = post_json(client, f"{API}/leftovers/{left['id']}/volume", {"volume_ml": "5"})
    assert (status, again["code"]) == (409, "leftover_already_recorded")
    assert Leftover.objects.get(pk=left["id"]).volume_ml == Decimal("5.80")
    assert AuditEvent.objects.filter(event_type="compounding.leftover_volume_recorded").count() == 1
    _, hood = _get(client, f"/preparations/{oxali.pk}/hood")
    assert hood["leftovers_to_record"] == []


def test_more_than_the_computed_volume_is_capped_and_zero_is_waste(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxali_taken(folfox, pharmacist)
    code = f"01{OXALI_GTIN}17{yymmdd(100)}10OX78{GS}21SN0002"
    services.preparation_scan(
        actor=technician, workstation=None, preparation_id=oxali.pk, barcode=code
    )
    leftover = Leftover.objects.get(from_preparation=oxali)
    # the overfill (6.4 mL seen, 6.00 computed) is not counted
    kept = services.leftover_volume_record(
        actor=technician, workstation=None, leftover_id=leftover.pk, volume_ml=Decimal("6.4")
    )
    assert (kept.volume_ml, kept.state) == (Decimal("6.00"), "open")
    leftover.volume_recorded_at = None  # a second leftover, as if from another vial
    other = Leftover.objects.create(
        **{
            f.name: getattr(leftover, f.name)
            for f in Leftover._meta.concrete_fields
            if f.name not in ("id", "volume_recorded_at", "volume_recorded_by")
        }
    )
    wasted = services.leftover_volume_record(
        actor=technician, workstation=None, leftover_id=other.pk, volume_ml=Decimal(0)
    )
    assert (wasted.volume_ml, wasted.state) == (Decimal("0.00"), "wasted")


@pytest.mark.parametrize(
    ("code", "refusal"),
    [
        (f"]d201{FU_GTIN}17{yymmdd(200)}10FU1{GS}21S1", "wrong_drug"),
        (f"]d201{OXALI_GTIN}17{yymmdd(-1)}10OXOLD{GS}21S2", "expired_lot"),
        (f"01{OXALI_GTIN}17{yymmdd(200)}21S310OX9", "gs1_separator_missing"),
    ],
)
def test_wrong_drug_expired_vial_and_lost_separators_record_nothing(
    folfox: Folfox, pharmacist: User, technician: User, code: str, refusal: str
) -> None:
    oxali = _oxali_taken(folfox, pharmacist)
    client = logged_in(technician)
    assert _get(client, f"/preparations/{oxali.pk}/hood")[0] == 200
    events = AuditEvent.objects.count()
    status, problem = post_json(client, f"{API}/preparations/{oxali.pk}/scan", {"barcode": code})
    assert (status, problem["code"]) == (422, refusal), problem
    assert PreparationVial.objects.count() == 0
    assert Leftover.objects.count() == 0
    assert AuditEvent.objects.count() == events
    oxali.refresh_from_db()
    assert oxali.state == "validated"
    if refusal == "wrong_drug":
        assert problem["detail"] == (
            "Flacone di un altro principio attivo: atteso Oxaliplatino, letto Fluorouracile."
        )
    if refusal == "expired_lot":
        assert problem["detail"].startswith("Lotto OXOLD scaduto il ")


def test_the_page_keeps_a_stamp_scanned_first_and_offers_the_next_preparation(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxali_taken(folfox, pharmacist)
    client = logged_in(technician)
    url = f"/compounding/preparations/{oxali.pk}/"
    page = client.get(url).content.decode()
    assert "flacone nuovo Oxaliplatino" in page and "prelevare 170" in page  # plan computed
    assert "Farmaco da aggiungere: 34,000 g ± 1,700 g (± 5 %)" in page
    # the Code 39 stamp first: kept, and lot and expiry asked for
    stamp = f"A{folfox.aic[OXALI_200]}"
    answer = client.post(url + "action/", {"action": "scan", "barcode": stamp})
    assert answer.status_code == 302
    assert answer["Location"] == f"{url}?codice={stamp}&campo=lot"
    page = client.get(answer["Location"]).content.decode()
    assert f'value="{stamp}"' in page
    assert "Lotto e scadenza sono obbligatori" in page
    assert PreparationVial.objects.count() == 0
    expiry = f"{timezone.localdate() + timedelta(days=30):%Y-%m-%d}"
    client.post(
        url + "action/", {"action": "scan", "barcode": stamp, "lot": "OX5", "expiry": expiry}
    )
    assert PreparationVial.objects.get(preparation=oxali).lot == "OX5"
    # the bag before the addition: the reading to reach appears
    client.post(
        url + "action/",
        {"action": "weigh_before", "measured_g": "280", "typed_reason": "bilancia in taratura"},
    )
    page = client.get(url).content.decode()
    assert "La bilancia deve leggere 314,00 g (da 312,30 a 315,70 g)" in page
    # weighed within tolerance: the next preparation of the work plan is offered
    client.post(
        url + "action/",
        {"action": "weigh", "measured_g": "313.5", "typed_reason": "bilancia in taratura"},
    )
    oxali.refresh_from_db()
    assert oxali.state == "weighed"
    page = client.get(url).content.decode()
    assert "Prossima preparazione" in page
    _, hood = _get(client, f"/preparations/{oxali.pk}/hood")
    following = Preparation.objects.get(pk=hood["next_preparation"]["id"])
    assert following.state == "validated" and following.scheduled_date == oxali.scheduled_date
    assert f'href="/compounding/preparations/{following.pk}/"' in page
