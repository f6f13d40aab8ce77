"""The UFA flow through the services on a real FOLFOX-4 order (see
``corsia/testing/compounding.py`` for the hand-computed doses).

Oxaliplatin 170 mg, generic 5 mg/mL (archive: G5% only, 0.2-0.7 mg/mL, diluted 24 h at
2-8 °C, density 1.000): volume to draw 170 / 5 = 34.00 mL; the regimen asks for
glucose 5 % 250 mL: 170 / (250 + 34) = 0.5986 mg/mL, inside the range; final volume
284 mL. Expected weight with a 30.00 g empty bag: 30 + 34 x 1.000 + 250 x 1.017 (glucose
5 %, CRC) = 318.25 g; ±5 % is ±15.91 g.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services
from corsia.compounding.demo_data import load_products
from corsia.compounding.models import (
    CheckOut,
    ExposureRecord,
    Hood,
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    TransportLog,
    Weighing,
)
from corsia.core.domain.errors import (
    ConflictError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.drugs.models import MedicinalProduct
from corsia.prescribing import services as orders
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.compounding import Folfox, make_preparations
from corsia.testing.prescribing import library_order

pytestmark = pytest.mark.django_db

OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"


def _taken(folfox: Folfox, pharmacist: User) -> list[Preparation]:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    return services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)


def _oxaliplatin(preps: list[Preparation]) -> Preparation:
    return next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")


def test_validating_every_drug_validates_the_order_and_take_in_charge_completes_preparations(
    folfox: Folfox, pharmacist: User
) -> None:
    # given a FOLFOX-4 order sent to the pharmacy
    items = services.pharmacy_items(folfox.order)
    assert len(items) == 7  # day 1: 4 drugs, day 2: the 3 of LV5FU2
    # when the pharmacist validates one drug, the order is not yet validated
    order = services.order_item_validate(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk, item_ids=[items[0].pk]
    )
    assert order.state == "sent_to_pharmacy"
    # and when she validates the rest, it is
    order = services.order_item_validate(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk
    )
    assert order.state == "validated"
    assert order.validated_by == pharmacist
    # when she takes it in charge, 7 preparations are created and completed
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=order.pk)
    order.refresh_from_db()
    assert order.state == "taken_in_charge"
    assert len(preps) == 7
    oxali = _oxaliplatin(preps)
    assert oxali.state == "validated"
    assert oxali.label_code == f"PRP{oxali.pk:09d}"
    assert oxali.dose_mg == Decimal("170.0000")
    assert oxali.volume_to_draw_ml == Decimal("34.00")
    assert oxali.diluent == "glucosio 5%"
    assert oxali.bag_volume_ml == Decimal("250")
    assert oxali.final_volume_ml == Decimal("284.00")
    assert oxali.final_concentration_mg_ml == Decimal("0.5986")
    assert oxali.storage == "2-8 °C"
    assert oxali.expiry_at is not None
    assert AuditEvent.objects.filter(event_type="compounding.order_taken_in_charge").count() == 1


def test_a_technician_cannot_validate(folfox: Folfox, technician: User) -> None:
    # a technician has no validation permission; nothing changes
    with pytest.raises(PermissionRefused):
        services.order_item_validate(actor=technician, workstation=None, order_id=folfox.order.pk)
    folfox.order.refresh_from_db()
    assert folfox.order.state == "sent_to_pharmacy"
    assert folfox.order.items.filter(validated_by__isnull=False).count() == 0


def test_return_to_prescriber_needs_a_reason(folfox: Folfox, pharmacist: User) -> None:
    with pytest.raises(ValidationFailed):
        services.order_return_to_prescriber(
            actor=pharmacist, workstation=None, order_id=folfox.order.pk, reason=" "
        )
    order = services.order_return_to_prescriber(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk, reason="Creatinina mancante"
    )
    assert order.state == "returned_to_prescriber"
    assert order.state_reason == "Creatinina mancante"


def test_vial_plan_of_the_day_matches_the_hand_count(folfox: Folfox, pharmacist: User) -> None:
    # given day 1 taken in charge: oxaliplatin 170, folinate 400, 5-FU 800 and 1200 mg
    _taken(folfox, pharmacist)
    # when the pharmacist plans the vials (no opened stability in the archive: one vial
    # serves one dose; no prices: waste in mg, handling 0.2 x the family's smallest vial)
    plan = services.vials_plan(actor=pharmacist, workstation=None, day=timezone.localdate())
    # then, per dose, mg left + handling:
    # oxaliplatin 170 (h = 10): 200 -> 30 + 10 = 40; 100+100 -> 30 + 20 = 50: one 200 mg vial.
    # folinate 400 (h = 10): 350 + 50 -> 0 + 20 = 20; 4 x 100 -> 0 + 40.
    # 5-FU (500/1000/5000, h = 100): 800 -> 1000: 200 + 100 = 300 (500+500: 200 + 200);
    # 1200 -> 1000 + 500: 300 + 200 = 500, not one 5000: 3800 + 100 = 3900 (the old
    # fewest-vials objective chose the 5000 mg vial and wasted 3,800 mg).
    assert plan.preparations == 4
    assert plan.vials == 6
    assert plan.lower_bound == 5  # 1 + ceil(400/350) + 1 + 1
    assert plan.mg_wasted == Decimal("530")  # 30 + 0 + 200 + 300
    assert plan.mg_carried_over == Decimal(0)  # single use: nothing kept
    assert len(plan.unpriced_families) == 3  # the archive ships no prices
    assert plan.waste_cost_eur == Decimal(0)  # no family with prices
    assert plan.vials_by_product == {
        "calcium_folinate_350mg_35ml_lederfolin": 1,
        "calcium_folinate_50mg_5ml_lederfolin": 1,
        "fluorouracil_1000mg_20ml_fluorouracile": 2,
        "fluorouracil_500mg_10ml_fluorouracile": 1,
        OXALI_200: 1,
    }


def _start_oxaliplatin(folfox: Folfox, pharmacist: User, technician: User) -> Preparation:
    oxali = _oxaliplatin(_taken(folfox, pharmacist))
    services.preparation_scan(
        actor=technician,
        workstation=None,
        preparation_id=oxali.pk,
        barcode=f"A{folfox.aic[OXALI_200]}",
        lot="OX2401",
        expiry=timezone.localdate() + timedelta(days=200),
    )
    oxali.refresh_from_db()
    return oxali


def test_scanning_the_right_pack_records_lot_and_expiry_and_starts_the_order(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _start_oxaliplatin(folfox, pharmacist, technician)
    vial = PreparationVial.objects.get(preparation=oxali)
    assert (vial.lot, vial.mg_drawn, vial.ml_drawn) == ("OX2401", Decimal("170"), Decimal("34"))
    assert oxali.state == "in_progress"
    assert oxali.technician == technician
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "in_preparation"
    # the 30 mg left (6 mL) of a concentrate without documented in-use stability is waste
    leftover = Leftover.objects.get(from_preparation=oxali)
    assert (leftover.volume_ml, leftover.state) == (Decimal("6.00"), LeftoverState.WASTED)


def test_a_pack_of_another_drug_is_refused_and_nothing_is_recorded(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxaliplatin(_taken(folfox, pharmacist))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=oxali.pk,
            barcode=f"A{folfox.aic[FU_1000]}",
            lot="FU1",
            expiry=timezone.localdate() + timedelta(days=100),
        )
    assert refused.value.code == "wrong_drug"
    assert refused.value.message == (
        "Flacone di un altro principio attivo: atteso Oxaliplatino, letto Fluorouracile."
    )
    oxali.refresh_from_db()
    assert oxali.state == "validated"
    assert PreparationVial.objects.count() == 0
    assert Leftover.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_an_expired_lot_is_refused(folfox: Folfox, pharmacist: User, technician: User) -> None:
    oxali = _oxaliplatin(_taken(folfox, pharmacist))
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=oxali.pk,
            barcode=f"A{folfox.aic[OXALI_200]}",
            lot="OLD1",
            expiry=yesterday,
        )
    assert refused.value.code == "expired_lot"
    assert refused.value.message == (
        f"Lotto OLD1 scaduto il {yesterday:%d/%m/%Y}: non si può usare."
    )
    assert PreparationVial.objects.count() == 0


def test_out_of_tolerance_weight_is_recorded_and_blocks_release(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _start_oxaliplatin(folfox, pharmacist, technician)
    # given the glucose 5 % bag weighed at 280.00 g before the addition: oxaliplatin
    # 34.00 mL x 1.000 g/mL = 34.00 g expected added, ±5 % = ±1.70 g
    services.preparation_weigh_before(
        actor=technician,
        workstation=None,
        preparation_id=oxali.pk,
        scale=services.SimulatedScale(Decimal("280.00"), scale_id="BIL-01"),
    )
    # when the bag weighs 310.00 g after it: 30.00 g added, -4.00 g = -11.76 %
    failed = services.preparation_weigh(
        actor=technician,
        workstation=None,
        preparation_id=oxali.pk,
        measured_g=Decimal("310.00"),
        typed_reason="bilancia in manutenzione",
    )
    assert (
        failed.expected_added_g,
        failed.added_g,
        failed.deviation_g,
        failed.deviation_percent,
        failed.passed,
        failed.typed,
    ) == (Decimal("34.000"), Decimal("30.000"), Decimal("-4.00"), Decimal("-11.76"), False, True)
    # then the release is refused and the preparation stays in progress
    with pytest.raises(ConflictError) as refused:
        services.preparation_release(actor=pharmacist, workstation=None, preparation_id=oxali.pk)
    assert refused.value.code == "gravimetric_not_passed"
    oxali.refresh_from_db()
    assert (oxali.state, oxali.released_by) == ("in_progress", None)
    # and a weighing within tolerance from the (simulated) scale lets it be released
    passed = services.preparation_weigh(
        actor=technician,
        workstation=None,
        preparation_id=oxali.pk,
        scale=services.SimulatedScale(Decimal("313.75"), scale_id="BIL-01"),
    )
    # 33.75 g added, -0.25 g
    assert (passed.passed, passed.source, passed.deviation_g, passed.typed) == (
        True,
        "scale",
        Decimal("-0.25"),
        False,
    )
    assert passed.source_text == "letto dalla bilancia BIL-01"
    released = services.preparation_release(
        actor=pharmacist, workstation=None, preparation_id=oxali.pk
    )
    assert (released.state, released.released_by) == ("released", pharmacist)
    assert Weighing.objects.filter(preparation=oxali).count() == 2
    assert ExposureRecord.objects.filter(preparation=oxali, operator=technician).count() == 1


def test_a_technician_cannot_release(folfox: Folfox, pharmacist: User, technician: User) -> None:
    oxali = _start_oxaliplatin(folfox, pharmacist, technician)
    with pytest.raises(PermissionRefused):
        services.preparation_release(actor=technician, workstation=None, preparation_id=oxali.pk)


def _prepare_all(
    folfox: Folfox, pharmacist: User, technician: User, day: date
) -> list[Preparation]:
    return make_preparations(
        folfox, pharmacist=pharmacist, technician=technician, day=day, release=False
    )


def test_check_out_refuses_a_bag_missing_a_preparation_then_delivers_the_full_bag(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    day = timezone.localdate()
    preps = _prepare_all(folfox, pharmacist, technician, day)
    for prep in preps:
        services.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "prepared"
    codes = [p.label_code or "" for p in Preparation.objects.filter(pk__in=[p.pk for p in preps])]
    # when one label is not scanned into the bag, the check-out is refused, nothing recorded
    with pytest.raises(ValidationFailed) as refused:
        services.checkout_record(
            actor=technician,
            workstation=None,
            order_id=folfox.order.pk,
            day=day,
            label_codes=codes[1:],
            delivery_document="DDT-1",
        )
    assert refused.value.code == "checkout_incomplete"
    assert codes[0] in refused.value.message
    assert CheckOut.objects.count() == 0
    # when all four are in, the bag is checked out and the order delivered
    checkout = services.checkout_record(
        actor=technician,
        workstation=None,
        order_id=folfox.order.pk,
        day=day,
        label_codes=codes,
        delivery_document="DDT-1",
    )
    assert checkout.preparations.count() == 4
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "delivered"
    # and the transport log is imported: oxaliplatin and folinate are refrigerated, 9.1 °C
    # is an excursion out of 2-8 °C
    csv = "timestamp;temperature\n2026-01-01T10:00:00+01:00;4,5\n2026-01-01T10:05:00+01:00;9.1\n"
    log = services.transport_import(
        actor=technician, workstation=None, checkout_id=checkout.pk, file_name="t.csv", content=csv
    )
    assert (log.storage, log.minimum_c, log.maximum_c, log.excursions) == (
        "2-8 °C",
        Decimal("4.5"),
        Decimal("9.1"),
        1,
    )
    assert TransportLog.objects.count() == 1


def test_a_leftover_past_its_stability_is_never_proposed(
    make_user: MakeUser, physician: User, pharmacist: User
) -> None:
    # given a GEM-ADJ order (gemcitabine 1000 mg/m² x 2.00 m² = 2000 mg) taken in charge
    load_products(("gemcitabine",))
    order = library_order(
        "GEM-ADJ",
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=timezone.localdate(),
    )
    gemzar = MedicinalProduct.objects.get(code="gemcitabine_1000mg_powder_gemzar")
    orders.order_item_choose_product(  # the physician prescribes the Gemzar powder
        actor=physician,
        workstation=None,
        order_id=order.pk,
        item_id=order.items.first().pk,  # type: ignore[union-attr]  # the order has items
        product_id=gemzar.pk,
    )
    for event in ("confirm", "send"):
        orders.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=order.pk)
    services.order_take_charge(actor=pharmacist, workstation=None, order_id=order.pk)
    # and two Gemzar leftovers (reconstituted 38 mg/mL, stable 24 h at 25 °C): one opened
    # 2 h ago, one 25 h ago (past its stability an hour ago), 10 mL = 380 mg each
    now = timezone.now()

    def leftover(opened_hours_ago: int) -> Leftover:
        opened = now - timedelta(hours=opened_hours_ago)
        return Leftover.objects.create(
            product=gemzar,
            lot=f"G{opened_hours_ago}",
            lot_expiry=timezone.localdate() + timedelta(days=90),
            concentration_mg_ml=Decimal(38),
            volume_ml=Decimal(10),
            opened_at=opened,
            expires_at=opened + timedelta(hours=24),
            storage="25 °C",
        )

    fresh, stale = leftover(2), leftover(25)
    # when the day is planned
    plan = services.vials_plan(actor=pharmacist, workstation=None, day=timezone.localdate())
    # then the stale leftover is expired on read and never drawn; the fresh one is used
    prep = Preparation.objects.get(order=order, scheduled_date=timezone.localdate())
    sources = {d.get("leftover_id") for d in prep.planned_vials}
    assert stale.pk not in sources
    assert fresh.pk in sources
    assert plan.leftover_mg_used == Decimal("380")
    stale.refresh_from_db()
    assert stale.state == LeftoverState.EXPIRED
    # and it cannot be drawn at the hood either
    with pytest.raises(NotFound) as missing:
        services.preparation_scan(
            actor=pharmacist, workstation=None, preparation_id=prep.pk, leftover_id=stale.pk
        )
    assert missing.value.code == "leftover_not_found"


def test_hood_session_and_assignment(folfox: Folfox, pharmacist: User, technician: User) -> None:
    hood = Hood.objects.create(code="C1", name="Cappa 1", kind="bsc")
    session = services.work_session_open(
        actor=pharmacist,
        workstation=None,
        hood_id=hood.pk,
        technician=technician,
        day=timezone.localdate(),
    )
    oxali = _oxaliplatin(_taken(folfox, pharmacist))
    (assigned,) = services.preparation_assign(
        actor=pharmacist, workstation=None, preparation_ids=[oxali.pk], session_id=session.pk
    )
    assert (assigned.state, assigned.hood, assigned.technician) == ("assigned", hood, technician)


def test_release_unloads_the_vials_used_to_the_ward_cost_centre(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    from corsia.inventory.models import CostCenter, StockLot, StockMovement, StorageLocation
    from corsia.patients.models import Ward

    # given the order's ward with its cost centre and the lot L1 of every FOLFOX product in stock
    ward = Ward.objects.create(code="DHT", name="Day Hospital test", kind="day_hospital")
    TherapyOrder.objects.filter(pk=folfox.order.pk).update(ward=ward)
    centre = CostCenter.objects.create(code="CC-DHT", name="Day Hospital test", ward=ward)
    ufa = StorageLocation.objects.create(code="UFA-T", name="UFA test", kind="ufa")
    expiry = timezone.localdate() + timedelta(days=300)
    for product in MedicinalProduct.objects.filter(code__in=folfox.aic):
        StockLot.objects.create(
            product=product, lot="L1", expiry=expiry, location=ufa, quantity=10, unit_cost=1
        )
    # when every day-1 preparation is prepared, weighed and released
    preps = _prepare_all(folfox, pharmacist, technician, timezone.localdate())
    oxali = _oxaliplatin(preps)
    services.preparation_release(actor=pharmacist, workstation=None, preparation_id=oxali.pk)
    # then each new vial of the oxaliplatin preparation left the stock, charged to the ward
    used = oxali.vials.filter(source="new").count()
    assert used >= 1
    moves = StockMovement.objects.filter(reference=f"preparation:{oxali.label_code}")
    assert moves.count() == used
    assert {m.cost_center_id for m in moves} == {centre.pk}
    held = StockLot.objects.get(product=oxali.vials.first().product, lot="L1")  # type: ignore[union-attr]  # a vial exists (asserted above)
    assert held.quantity == 10 - used
