"""The ward requests' API beyond the basic flow: a request made from the cabinet's restock
proposal in one call, and the delivery document as an API read."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from corsia.drugs.models import MedicinalProduct
from corsia.inventory.domain.ward_requests import Decision, LineDecision
from corsia.inventory.models import WardRequest
from corsia.inventory.services import ward_requests as wr
from corsia.testing.accounts import logged_in, post_json
from corsia.testing.inventory import (
    FU_GTIN,
    OXALI_GTIN,
    WardScene,
    assert_stock_matches_movements,
    gs1_pack,
)

API = "/api/v1/requests"
TODAY = timezone.localdate()
OX_EXPIRY = TODAY + timedelta(days=250)
FU_EXPIRY = TODAY + timedelta(days=120)
APPROVE = LineDecision(decision=Decision.APPROVE)


def _par(s: WardScene, product: MedicinalProduct, par: int, point: int) -> None:
    wr.par_level_save(
        actor=s.pharmacist, workstation="t", cabinet=s.cabinet, product=product,
        par=par, reorder_point=point, now=timezone.now(),
    )  # fmt: skip


def test_a_request_from_the_restock_proposal_in_one_call(scene: WardScene) -> None:
    s = scene
    # the cabinet: 2 oxaliplatin (par 6, reorder at 2 → ask 4); 5 fluorouracil (par 10,
    # reorder at 3: above it, nothing asked)
    s.load(s.oxaliplatin, "OXC", OX_EXPIRY, 2, location=s.cabinet)
    s.load(s.fluorouracil, "FUC", FU_EXPIRY, 5, location=s.cabinet)
    _par(s, s.oxaliplatin, 6, 2)
    _par(s, s.fluorouracil, 10, 3)
    nurse = logged_in(s.nurse)
    status, created = post_json(nurse, f"{API}/from-restock", {
        "cabinet": "ARM-DH", "urgency": "urgent", "submit": True,
    })  # fmt: skip
    assert status == 201, created
    assert (created["kind"], created["state"], created["urgency"]) == (
        "ward_stock",
        "submitted",
        "urgent",
    )
    assert [(ln["product_code"], ln["units_requested"]) for ln in created["lines"]] == [
        (s.oxaliplatin.code, 4)
    ]
    # asked again: the 4 are on their way (6 − 2 − 4 = 0), nothing to ask, nothing saved
    status, refused = post_json(nurse, f"{API}/from-restock", {"cabinet": "ARM-DH"})
    assert (status, refused["code"]) == (422, "restock_empty")
    assert WardRequest.objects.count() == 1
    # a cabinet that is not one
    status, refused = post_json(nurse, f"{API}/from-restock", {"cabinet": "A1"})
    assert (status, refused["code"]) == (422, "cabinet_unknown")
    # the pharmacy does not ask
    status, refused = post_json(logged_in(s.technician), f"{API}/from-restock", {
        "cabinet": "ARM-DH",
    })  # fmt: skip
    assert status == 403
    assert WardRequest.objects.count() == 1


def test_the_delivery_document_as_an_api_read(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 3)
    s.load(s.oxaliplatin, "OX2", OX_EXPIRY + timedelta(days=30), 5)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(s.oxaliplatin, 4), wr.RequestLineInput(s.fluorouracil, 10)],
        now=timezone.now(), submit=True,
    )  # fmt: skip
    ox, fu = request.lines.order_by("position")
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="t", request_id=request.pk, now=timezone.now(),
        decisions={ox.pk: APPROVE, fu.pk: APPROVE},
    )  # fmt: skip
    for barcode in [gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")] * 3 + [
        gs1_pack(OXALI_GTIN, OX_EXPIRY + timedelta(days=30), "OX2"),
        gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    ]:
        wr.ward_request_pick_scan(
            actor=s.technician, workstation="t", request_id=request.pk, barcode=barcode,
            now=timezone.now(),
        )  # fmt: skip
    tech = logged_in(s.technician)
    # before the delivery: the pick so far, no number
    before = tech.get(f"{API}/{request.pk}/delivery-document").json()
    assert (before["delivery_number"], before["delivered_at"]) == ("", None)
    wr.ward_request_close_pick(
        actor=s.technician, workstation="t", request_id=request.pk, now=timezone.now()
    )
    wr.ward_request_deliver(
        actor=s.technician, workstation="t", request_id=request.pk, now=timezone.now()
    )
    document = logged_in(s.nurse).get(f"{API}/{request.pk}/delivery-document").json()
    request.refresh_from_db()
    assert document["delivery_number"] == request.delivery_number
    assert document["delivery_number"].startswith("CR-")
    assert (document["ward"], document["cabinet"], document["picker"]) == (
        "DHONC",
        "ARM-DH",
        s.technician.get_full_name() or s.technician.username,
    )
    assert document["delivered_at"] is not None
    assert [
        (ln["position"], ln["product_code"], ln["aic"], ln["lot"], ln["expiry"], ln["units"])
        for ln in document["lines"]
    ] == [
        (1, s.oxaliplatin.code, "012345676", "OX1", OX_EXPIRY.isoformat(), 3),
        (
            1,
            s.oxaliplatin.code,
            "012345676",
            "OX2",
            (OX_EXPIRY + timedelta(days=30)).isoformat(),
            1,
        ),
        (2, s.fluorouracil.code, "", "FU1", FU_EXPIRY.isoformat(), 10),
    ]
    # unknown id
    response = tech.get(f"{API}/999999/delivery-document")
    assert (response.status_code, response.json()["code"]) == (404, "ward_request_not_found")
    assert_stock_matches_movements()
