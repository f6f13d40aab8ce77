"""The UFA's JSON API over the services, on a real FOLFOX-4 order (hand-computed values:
see ``corsia/testing/compounding.py`` and ``test_services.py``): each operation's happy
path and one bad input that is refused as problem+json with its code and changes nothing.

Oxaliplatin 170 mg from a 200 mg / 40 mL vial (5 mg/mL): 34.00 mL drawn, glucose 5 %
250 mL bag, final 284.00 mL; with a 30.00 g empty bag the expected weight is
30 + 34 x 1.000 + 250 x 1.017 = 318.25 g.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services
from corsia.compounding.models import (
    CheckOut,
    Hood,
    Preparation,
    PreparationVial,
    Weighing,
    WorkSession,
)
from corsia.drugs.models import MedicinalProduct
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.compounding import Folfox, make_preparations

pytestmark = pytest.mark.django_db

OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"
API = "/api/v1/compounding"


@pytest.fixture
def technician(make_user: MakeUser) -> User:
    return make_user(Role.TECHNICIAN, username="tec_api")


def _post(client: Client, url: str, body: Any = None) -> tuple[int, Any]:
    return post_json(client, API + url, body)


def _taken(folfox: Folfox, pharmacist: User) -> list[Preparation]:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    return services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)


def _oxali(preps: list[Preparation]) -> Preparation:
    return next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")


def test_validate_and_take_charge_create_the_preparations(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    order_id = folfox.order.pk
    pharmacy = logged_in(pharmacist)
    # taking in charge before the validation is refused, nothing created
    status, problem = _post(pharmacy, f"/orders/{order_id}/take-charge")
    assert (status, problem["code"]) == (409, "order_not_validated")
    assert Preparation.objects.count() == 0
    # a technician may not validate (denied before anything is read)
    status, _ = _post(logged_in(technician), f"/orders/{order_id}/validate")
    assert status == 403
    # a drug that is not in the order is refused, nothing validated
    status, problem = _post(pharmacy, f"/orders/{order_id}/validate", {"item_ids": [999999]})
    assert (status, problem["code"], problem["field"]) == (422, "item_not_in_order", "item_id")
    assert not OrderItem.objects.filter(order_id=order_id, validated_by__isnull=False).exists()

    # when the pharmacist validates every drug, then takes the order in charge
    status, body = _post(pharmacy, f"/orders/{order_id}/validate", {})
    assert (status, body["state"]) == (200, "validated")
    status, created = _post(pharmacy, f"/orders/{order_id}/take-charge")

    # then the 7 preparations (day 1: 4, day 2: 3) are there, completed from the archive
    assert status == 201
    assert len(created) == 7
    oxali = next(p for p in created if p["ingredient"] == "oxaliplatin")
    assert oxali["state"] == "validated"
    assert oxali["label_code"] == f"PRP{oxali['id']:09d}"
    assert (oxali["dose_mg"], oxali["volume_to_draw_ml"], oxali["final_volume_ml"]) == (
        "170.0000",
        "34.00",
        "284.00",
    )
    assert (oxali["diluent"], Decimal(oxali["bag_volume_ml"])) == ("glucosio 5%", Decimal(250))
    assert TherapyOrder.objects.get(pk=order_id).state == "taken_in_charge"
    listed = pharmacy.get(f"{API}/orders/{order_id}/preparations").json()
    assert sorted(p["id"] for p in listed) == sorted(p["id"] for p in created)

    # completing with a product of another ingredient is refused and changes nothing
    fu = MedicinalProduct.objects.get(code=FU_1000)
    status, problem = _post(
        pharmacy, f"/preparations/{oxali['id']}/complete", {"product_id": fu.pk}
    )
    assert (status, problem["code"]) == (422, "product_other_ingredient")
    assert Preparation.objects.get(pk=oxali["id"]).product.code == oxali["product_code"]  # type: ignore[union-attr]  # completed above
    # and completing with the regimen's bag named explicitly gives the same worksheet
    status, done = _post(
        pharmacy,
        f"/preparations/{oxali['id']}/complete",
        {"diluent": "glucosio 5%", "bag_volume_ml": "250"},
    )
    assert (status, done["final_volume_ml"], done["final_concentration_mg_ml"]) == (
        200,
        "284.00",
        "0.5986",  # 170 / 284
    )


def test_session_plan_scan_weigh_release_and_reject(
    folfox: Folfox, pharmacist: User, technician: User, physician: User
) -> None:
    preps = _taken(folfox, pharmacist)
    oxali = _oxali(preps)
    hood = Hood.objects.create(code="CAPI", name="Cappa API", kind="bsc")
    pharmacy, hood_side = logged_in(pharmacist), logged_in(technician)
    assert {"id": hood.pk, "code": "CAPI", "name": "Cappa API"} in pharmacy.get(
        f"{API}/hoods"
    ).json()

    # a physician is not a preparer: no session opened
    status, problem = _post(
        pharmacy,
        "/sessions",
        {"hood_id": hood.pk, "technician_id": physician.pk, "preparation_ids": [oxali.pk]},
    )
    assert (status, problem["code"]) == (422, "not_a_preparer")
    assert WorkSession.objects.count() == 0
    # the technician at the hood, the oxaliplatin assigned
    status, session = _post(
        pharmacy,
        "/sessions",
        {"hood_id": hood.pk, "technician_id": technician.pk, "preparation_ids": [oxali.pk]},
    )
    assert status == 201
    assert (session["hood"], session["technician"]) == ("CAPI", "tec_api")
    assert [p["state"] for p in session["preparations"]] == ["assigned"]
    status, problem = _post(pharmacy, "/sessions/999999/assign", {"preparation_ids": [oxali.pk]})
    assert (status, problem["code"]) == (404, "session_not_found")

    # the vial plan of the session: 170 mg from one 200 mg vial (fewest vials)
    status, problem = _post(pharmacy, "/vials/plan", {"day": "not-a-day"})
    assert (status, problem["code"]) == (422, "validation_failed")
    status, plan = _post(pharmacy, "/vials/plan", {"session_id": session["id"]})
    assert (status, plan["preparations"], plan["vials"]) == (200, 1, 1)
    assert plan["vials_by_product"] == {OXALI_200: 1}
    oxali.refresh_from_db()
    assert [(v["product"], v["source"], v["mg"]) for v in oxali.planned_vials] == [
        (OXALI_200, "new", "170.0")
    ]

    # a pack of another drug is refused, nothing recorded
    expiry = (timezone.localdate() + timedelta(days=200)).isoformat()
    events = AuditEvent.objects.count()
    status, problem = _post(
        hood_side,
        f"/preparations/{oxali.pk}/scan",
        {"barcode": f"A{folfox.aic[FU_1000]}", "lot": "FU1", "expiry": expiry},
    )
    assert (status, problem["code"]) == (422, "wrong_drug")
    assert (PreparationVial.objects.count(), AuditEvent.objects.count()) == (0, events)
    # the right pack: 170 mg = 34.00 mL drawn, nothing left to draw, preparation started
    status, vial = _post(
        hood_side,
        f"/preparations/{oxali.pk}/scan",
        {"barcode": f"A{folfox.aic[OXALI_200]}", "lot": "OX2401", "expiry": expiry},
    )
    assert status == 201
    assert (vial["mg_drawn"], vial["ml_drawn"], vial["remaining_mg"]) == ("170.0000", "34.00", "0")
    assert (vial["product_code"], vial["preparation_state"]) == (OXALI_200, "in_progress")

    # a negative weight is refused before the service, nothing recorded
    status, problem = _post(hood_side, f"/preparations/{oxali.pk}/bag-before", {"measured_g": "-1"})
    assert (status, problem["code"], problem["field"]) == (422, "validation_failed", "measured_g")
    # a typed weight without a reason is refused, nothing recorded
    status, problem = _post(
        hood_side, f"/preparations/{oxali.pk}/bag-before", {"measured_g": "280"}
    )
    assert (status, problem["code"]) == (422, "typed_weight_reason_required")
    # the hood has no balance configured: reading it is refused
    status, problem = _post(hood_side, f"/preparations/{oxali.pk}/bag-before", {"read_scale": True})
    assert (status, problem["code"]) == (422, "scale_not_configured")
    # the bag after the addition cannot be checked without the bag before it
    status, problem = _post(
        hood_side,
        f"/preparations/{oxali.pk}/weighings",
        {"measured_g": "314", "typed_reason": "bilancia guasta"},
    )
    assert (status, problem["code"]) == (422, "bag_not_weighed_before")
    assert Weighing.objects.count() == 0
    status, before = _post(
        hood_side,
        f"/preparations/{oxali.pk}/bag-before",
        {"measured_g": "280.00", "typed_reason": "bilancia guasta"},
    )
    assert (status, Decimal(before["bag_before_g"]), before["typed"]) == (201, Decimal(280), True)
    # 310.00 g after: 30.00 g added against 34 mL x 1.000 = 34.00 g: -11.76 %, failed
    status, failed = _post(
        hood_side,
        f"/preparations/{oxali.pk}/weighings",
        {"measured_g": "310", "typed_reason": "bilancia guasta"},
    )
    assert (
        status,
        failed["expected_added_g"],
        failed["added_g"],
        failed["deviation_percent"],
        failed["passed"],
        failed["typed"],
        failed["typed_reason"],
    ) == (201, "34.000", "30.000", "-11.76", False, True, "bilancia guasta / bilancia guasta")
    status, problem = _post(pharmacy, f"/preparations/{oxali.pk}/release")
    assert (status, problem["code"]) == (409, "gravimetric_not_passed")
    status, passed = _post(
        hood_side,
        f"/preparations/{oxali.pk}/weighings",
        {"measured_g": "314", "typed_reason": "bilancia guasta"},
    )
    assert (status, passed["passed"], passed["preparation_state"]) == (201, True, "weighed")

    # only the pharmacist releases
    status, _ = _post(hood_side, f"/preparations/{oxali.pk}/release")
    assert status == 403
    status, released = _post(pharmacy, f"/preparations/{oxali.pk}/release")
    assert (status, released["state"]) == (200, "released")

    # a rejection needs a reason
    day2 = next(p for p in preps if p.scheduled_date != timezone.localdate())
    status, problem = _post(pharmacy, f"/preparations/{day2.pk}/reject", {"reason": " "})
    assert (status, problem["code"]) == (422, "reason_required")
    assert Preparation.objects.get(pk=day2.pk).state == "validated"
    status, rejected = _post(pharmacy, f"/preparations/{day2.pk}/reject", {"reason": "Rifare"})
    assert (status, rejected["state"]) == (200, "rejected")


def test_check_out_of_the_patient_bag(folfox: Folfox, pharmacist: User, technician: User) -> None:
    preps = make_preparations(
        folfox, pharmacist=pharmacist, technician=technician, day=timezone.localdate()
    )
    codes = sorted(p.label_code or "" for p in preps)
    assert len(codes) == 4
    hood_side = logged_in(technician)
    # a bag missing one preparation is refused, nothing recorded, order still prepared
    status, problem = _post(
        hood_side,
        f"/orders/{folfox.order.pk}/checkout",
        {"label_codes": codes[1:], "delivery_document": "DDT-9"},
    )
    assert (status, problem["code"]) == (422, "checkout_incomplete")
    assert codes[0] in problem["detail"]
    assert CheckOut.objects.count() == 0
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "prepared"
    # the full bag is checked out and the order delivered
    status, bag = _post(
        hood_side,
        f"/orders/{folfox.order.pk}/checkout",
        {"label_codes": codes, "delivery_document": "DDT-9"},
    )
    assert status == 201
    assert (bag["order_state"], bag["label_codes"], bag["delivery_document"]) == (
        "delivered",
        codes,
        "DDT-9",
    )
