"""Route, intrathecal bag and physician, transport excursion, lot expiry, units: through
the services and the API on real FOLFOX-4 day-1 preparations (see conftest.py).

FOLFOX-4 has no intrathecal drug: where a test needs one, it sets the route of one order
line and of its preparation to intrathecal ("it") in the data, as a paediatric ALL day
would have methotrexate IT next to IV drugs; the controls look at the route only.
Oxaliplatin and calcium folinate are stored at 2-8 °C (archive), so a transport maximum of
9.1 °C is an excursion for them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.administration.bedside.infusion import administration_end
from corsia.administration.bedside.services import bedside_verify
from corsia.administration.models import Administration, AdministrationScan
from corsia.administration.preparations import lot_expiry_end, preparation_for_label
from corsia.audit.models import AuditEvent
from corsia.compounding import documents
from corsia.compounding import services as ufa
from corsia.compounding.models import CheckOut, Preparation, PreparationVial, TransportLog
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing import compounding as flow
from corsia.testing.accounts import logged_in
from corsia.testing.administration import Folfox

pytestmark = pytest.mark.django_db


def _verify(f: Folfox, code: str, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "actor": f.nurse,
        "workstation": "tablet-DH-3",
        "wristband": f.wristband,
        "badge": "BADGE-0042",
        "label": f.label(code),
    }
    values.update(kw)
    return bedside_verify(**values)


def _give_ward_drugs(f: Folfox) -> None:
    for code in ("ondansetron", "dexamethasone"):
        result = _verify(f, code)
        assert result.allowed, [r.code for r in result.refusals]
        administration_end(
            actor=f.nurse, workstation="t", administration_id=result.administration.pk
        )


def _make_intrathecal(f: Folfox, code: str) -> Preparation:
    item = f.items[code]
    OrderItem.objects.filter(pk=item.pk).update(route="it")
    Preparation.objects.filter(order_item_id=item.pk).update(route="it")
    return Preparation.objects.get(order_item_id=item.pk)


def _api_post(user: User, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    client = logged_in(user)
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_H26_intrathecal_preparation_travels_in_its_own_bag_and_needs_a_physician(
    folfox: Folfox,
) -> None:
    day = timezone.localdate()
    it_prep = _make_intrathecal(folfox, "oxaliplatin")
    labels = [
        p.label_code or ""
        for p in Preparation.objects.filter(order_id=folfox.order.pk, scheduled_date=day)
    ]
    # the IT bag mixed with the IV preparations: refused through the API, nothing recorded
    status, problem = _api_post(
        folfox.technician,
        f"/api/v1/compounding/orders/{folfox.order.pk}/checkout",
        {"day": day.isoformat(), "label_codes": labels, "delivery_document": "DDT-1"},
    )
    assert (status, problem["code"]) == (422, "checkout_intrathecal_mixed")
    assert "INTRATECALI" in problem["detail"] and it_prep.label_code in problem["detail"]
    assert CheckOut.objects.count() == 0
    # the IV bag alone: the order waits for the IT bag before it is delivered
    iv_labels = [code for code in labels if code != it_prep.label_code]
    iv_bag = ufa.checkout_record(
        actor=folfox.technician,
        workstation=None,
        order_id=folfox.order.pk,
        day=day,
        label_codes=iv_labels,
        delivery_document="DDT-1",
    )
    assert not iv_bag.intrathecal and iv_bag.preparations.count() == len(iv_labels)
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "prepared"
    it_bag = ufa.checkout_record(
        actor=folfox.technician,
        workstation=None,
        order_id=folfox.order.pk,
        day=day,
        label_codes=[it_prep.label_code or ""],
        delivery_document="DDT-1-IT",
    )
    assert it_bag.intrathecal and list(it_bag.preparations.all()) == [it_prep]
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "delivered"

    # at the bedside the nurse alone is refused; the scans are kept, nothing starts
    _give_ward_drugs(folfox)
    started = Administration.objects.count()
    scans = AdministrationScan.objects.count()
    refused = _verify(folfox, "oxaliplatin")
    assert [r.code for r in refused.refusals] == ["intrathecal_physician_required"]
    assert Administration.objects.count() == started
    assert AdministrationScan.objects.count() == scans + 3
    # another nurse's badge as co-signer is not a physician's
    refused = _verify(folfox, "oxaliplatin", cosigner_badge="BADGE-0042")
    assert [r.code for r in refused.refusals] == ["intrathecal_physician_required"]
    # with the physician's badge as co-signer it starts, the co-signer on the record
    User.objects.filter(pk=folfox.physician.pk).update(badge_code="BADGE-MED-7")
    allowed = _verify(folfox, "oxaliplatin", cosigner_badge="BADGE-MED-7")
    assert allowed.allowed, [r.code for r in allowed.refusals]
    admin = allowed.administration
    assert (admin.route, admin.cosigned_by_id) == ("it", folfox.physician.pk)
    assert AdministrationScan.objects.order_by("-id")[0].raw.endswith("D-7")  # masked badge
    event = AuditEvent.objects.filter(event_type="administration.administration_started").order_by(
        "-id"
    )[0]
    assert event.after is not None and event.after["cosigned_by"] == folfox.physician.pk


def test_H26_route_changed_on_the_order_line_after_compounding_blocks(folfox: Folfox) -> None:
    flow.check_out(folfox.ufa, technician=folfox.technician, day=timezone.localdate())
    _give_ward_drugs(folfox)
    OrderItem.objects.filter(pk=folfox.items["oxaliplatin"].pk).update(route="sc")
    result = _verify(folfox, "oxaliplatin")
    assert [r.code for r in result.refusals] == ["wrong_route"]
    assert result.administration is None


def test_CMP13_transport_excursion_blocks_until_the_pharmacist_releases_it(
    folfox: Folfox,
) -> None:
    day = timezone.localdate()
    flow.check_out(folfox.ufa, technician=folfox.technician, day=day)
    checkout = CheckOut.objects.get(order_id=folfox.order.pk)
    # min/max thermometer through the API: 3.0 / 9.1 °C, the bag needs 2-8 °C
    status, log = _api_post(
        folfox.technician,
        f"/api/v1/compounding/checkouts/{checkout.pk}/transport",
        {"minimum_c": "3.0", "maximum_c": "9.1"},
    )
    assert status == 201
    assert (log["storage"], log["excursion"], log["released"]) == ("2-8 °C", True, False)
    _give_ward_drugs(folfox)
    blocked = _verify(folfox, "oxaliplatin")
    assert [r.code for r in blocked.refusals] == ["transport_excursion"]
    assert blocked.administration is None
    # a release without a reason, or by a technician, is a problem and changes nothing
    url = f"/api/v1/compounding/transports/{log['id']}/release"
    status, problem = _api_post(folfox.pharmacist, url, {"reason": " "})
    assert (status, problem["code"]) == (422, "reason_required")
    status, problem = _api_post(folfox.technician, url, {"reason": "stabilità verificata"})
    assert status == 403
    with pytest.raises(PermissionRefused):
        ufa.transport_excursion_release(
            actor=folfox.nurse, workstation=None, transport_id=log["id"], reason="x"
        )
    assert TransportLog.objects.get(pk=log["id"]).released_at is None
    assert not AuditEvent.objects.filter(
        event_type="compounding.transport_excursion_released"
    ).exists()
    # the pharmacist's reasoned release is the way back, audited
    status, released = _api_post(
        folfox.pharmacist, url, {"reason": "Oxaliplatino stabile 48 h a 25 °C (RCP)."}
    )
    assert (status, released["released"]) == (200, True)
    audit = AuditEvent.objects.get(event_type="compounding.transport_excursion_released")
    assert audit.reason == "Oxaliplatino stabile 48 h a 25 °C (RCP)."
    assert _verify(folfox, "oxaliplatin").allowed


def test_H24_a_lot_expired_before_the_administration_blocks_and_caps_the_shown_expiry(
    folfox: Folfox,
) -> None:
    flow.check_out(folfox.ufa, technician=folfox.technician, day=timezone.localdate())
    _give_ward_drugs(folfox)
    yesterday = timezone.localdate() - timedelta(days=1)
    oxali = Preparation.objects.get(order_item_id=folfox.items["oxaliplatin"].pk)
    PreparationVial.objects.filter(preparation=oxali).update(lot_expiry=yesterday)
    info = preparation_for_label(oxali.label_code or "")
    assert info is not None
    # the expiry shown is never later than the end of the lot's expiry day
    assert info.expiry <= lot_expiry_end(yesterday) <= timezone.now()
    result = _verify(folfox, "oxaliplatin")
    assert [r.code for r in result.refusals] == ["lot_expired"]
    assert f"{yesterday:%d/%m/%Y}" in result.refusals[0].message


def test_units_a_preparation_in_ui_is_labelled_ui_on_the_zpl_and_pdf_label(
    folfox: Folfox,
) -> None:
    oxali = Preparation.objects.get(order_item_id=folfox.items["oxaliplatin"].pk)
    Preparation.objects.filter(pk=oxali.pk).update(dose_unit="UI")
    oxali.refresh_from_db()
    data = documents.label_data(oxali)
    assert data.dose == "170 UI"
    assert "^FDOxaliplatino 170 UI^FS" in documents.label_zpl(oxali)
    # and the bedside refuses it against the line in mg
    flow.check_out(folfox.ufa, technician=folfox.technician, day=timezone.localdate())
    _give_ward_drugs(folfox)
    assert [r.code for r in _verify(folfox, "oxaliplatin").refusals] == ["wrong_dose_unit"]


def test_H27_the_preparation_keeps_the_route_and_unit_of_its_order_line(folfox: Folfox) -> None:
    oxali = Preparation.objects.get(order_item_id=folfox.items["oxaliplatin"].pk)
    assert (oxali.route, oxali.dose_unit, oxali.dose_mg) == ("iv", "mg", Decimal("170.0000"))
    assert documents.label_data(oxali).style == "standard"
    with pytest.raises(ValidationFailed):
        ufa.transport_record(
            actor=folfox.technician,
            workstation=None,
            checkout_id=0,
            minimum_c=Decimal(9),
            maximum_c=Decimal(3),
        )
