"""UFA safety through the services and the API: formulation, independent release,
doses in units, the hood's balance. Reference values by hand in the comments.

Reference patient (prescribing's factory): 180 cm, 80 kg, Mosteller BSA 2.00 m².
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services
from corsia.compounding.demo_data import ensure_demo_packs, load_products
from corsia.compounding.models import Hood, Preparation, PreparationVial, Weighing
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.compounding import Folfox, PtyBalance
from corsia.testing.prescribing import library_order

pytestmark = pytest.mark.django_db

OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
CARBO_PLD = ("doxorubicin", "carboplatin", "ondansetron", "dexamethasone")
ABVD = ("doxorubicin", "bleomycin", "vinblastine", "dacarbazine", "ondansetron", "dexamethasone")


def _order(
    code: str, ingredients: tuple[str, ...], make_user: MakeUser, physician: User
) -> tuple[TherapyOrder, dict[str, str]]:
    load_products(ingredients)
    aic = ensure_demo_packs(ingredients)
    order = library_order(
        code,
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=timezone.localdate(),
        events=("confirm", "send"),
    )
    return order, aic


def _take(order: TherapyOrder, pharmacist: User) -> list[Preparation]:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=order.pk)
    return services.order_take_charge(actor=pharmacist, workstation=None, order_id=order.pk)


def test_H_formulation_pegylated_liposomal_doxorubicin_travels_to_the_preparation(
    make_user: MakeUser, physician: User, pharmacist: User, technician: User
) -> None:
    # given CARBO-PLD: pegylated liposomal doxorubicin 30 mg/m² x 2.00 m² = 60 mg
    order, aic = _order("CARBO-PLD", CARBO_PLD, make_user, physician)
    preps = _take(order, pharmacist)
    pld = next(p for p in preps if p.order_item.ingredient.code == "doxorubicin")
    # then the preparation is of that formulation and its product is Caelyx (50 mg, the
    # largest strength not above 60 mg), never Adriblastina
    assert pld.formulation == "pegylated_liposomal"
    assert pld.product is not None and pld.product.code == "doxorubicin_50mg_25ml_caelyx"
    assert pld.state == "validated"
    # when the technician reads a conventional doxorubicin pack
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=pld.pk,
            barcode=aic["doxorubicin_50mg_25ml_adriblastina"],
            lot="ADR1",
            expiry=timezone.localdate() + timedelta(days=200),
        )
    # then it is refused and nothing is recorded
    assert refused.value.code == "wrong_formulation"
    assert (PreparationVial.objects.count(), AuditEvent.objects.count()) == (0, events)
    # nor can the pharmacist switch the preparation to a conventional product
    adriblastina = pld.product.__class__.objects.get(code="doxorubicin_50mg_25ml_adriblastina")
    with pytest.raises(ValidationFailed) as switched:
        services.preparation_complete(
            actor=pharmacist, workstation=None, preparation_id=pld.pk, product_id=adriblastina.pk
        )
    assert switched.value.code == "wrong_formulation"
    # the Caelyx pack is accepted: 50 mg from a 50 mg vial (25 mL)
    vial = services.preparation_scan(
        actor=technician,
        workstation=None,
        preparation_id=pld.pk,
        barcode=aic["doxorubicin_50mg_25ml_caelyx"],
        lot="CAE1",
        expiry=timezone.localdate() + timedelta(days=200),
    )
    assert (vial.mg_drawn, vial.ml_drawn) == (Decimal("50.0000"), Decimal("25.00"))


def _oxaliplatin_weighed(folfox: Folfox, pharmacist: User, preparer: User) -> Preparation:
    preps = _take(folfox.order, pharmacist)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    services.preparation_scan(
        actor=preparer,
        workstation=None,
        preparation_id=oxali.pk,
        barcode=folfox.aic[OXALI_200],
        lot="OX1",
        expiry=timezone.localdate() + timedelta(days=200),
    )
    # 170 mg = 34.00 mL x 1.000 g/mL = 34.00 g: 280.00 -> 314.00 g
    services.preparation_weigh_before(
        actor=preparer,
        workstation=None,
        preparation_id=oxali.pk,
        scale=services.SimulatedScale(Decimal("280.00")),
    )
    weighing = services.preparation_weigh(
        actor=preparer,
        workstation=None,
        preparation_id=oxali.pk,
        scale=services.SimulatedScale(Decimal("314.00")),
    )
    assert weighing.passed
    return oxali


def test_H_release_the_pharmacist_who_prepared_cannot_release(
    folfox: Folfox, pharmacist: User, make_user: MakeUser
) -> None:
    # given a pharmacist who scanned and weighed the preparation herself
    oxali = _oxaliplatin_weighed(folfox, pharmacist, pharmacist)
    # when she releases it: refused, nothing changes
    with pytest.raises(PermissionRefused) as refused:
        services.preparation_release(actor=pharmacist, workstation=None, preparation_id=oxali.pk)
    assert refused.value.code == "release_by_preparer"
    oxali.refresh_from_db()
    assert (oxali.state, oxali.released_by) == ("weighed", None)
    # and through the API the same refusal as problem+json
    client = logged_in(pharmacist)
    response = client.post(f"/api/v1/compounding/preparations/{oxali.pk}/release")
    assert (response.status_code, response.json()["code"]) == (403, "release_by_preparer")
    # then another pharmacist releases it
    other = make_user(Role.PHARMACIST, username="farm_due")
    released = services.preparation_release(actor=other, workstation=None, preparation_id=oxali.pk)
    assert (released.state, released.released_by) == ("released", other)


def test_H_scale_weight_is_read_from_the_hoods_balance_and_marked(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    preps = _take(folfox.order, pharmacist)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    balance = PtyBalance([b"S S     280.00 g\r\n", b"S S     313.95 g\r\n"])
    try:
        hood = Hood.objects.create(
            code="C1",
            name="Cappa 1",
            kind="bsc",
            scale_url=balance.path,
            scale_protocol="mt_sics",
            scale_id="MT-XS205-01",
        )
        Preparation.objects.filter(pk=oxali.pk).update(hood=hood)
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=oxali.pk,
            barcode=folfox.aic[OXALI_200],
            lot="OX1",
            expiry=timezone.localdate() + timedelta(days=200),
        )
        prep = services.preparation_weigh_before(
            actor=technician, workstation=None, preparation_id=oxali.pk, read_scale=True
        )
        assert (prep.bag_before_g, prep.bag_before_source, prep.bag_before_scale_id) == (
            Decimal("280.00"),
            "scale",
            "MT-XS205-01",
        )
        # 33.95 g added against 34.00 g: -0.15 %
        weighing = services.preparation_weigh(
            actor=technician, workstation=None, preparation_id=oxali.pk, read_scale=True
        )
    finally:
        balance.close()
    assert (weighing.passed, weighing.typed, weighing.source_text) == (
        True,
        False,
        "letto dalla bilancia MT-XS205-01",
    )
    assert weighing.deviation_percent == Decimal("-0.15")


def test_H_scale_typed_weight_needs_a_reason_and_is_marked(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    preps = _take(folfox.order, pharmacist)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    with pytest.raises(ValidationFailed) as refused:
        services.preparation_weigh_before(
            actor=technician, workstation=None, preparation_id=oxali.pk, measured_g=Decimal(280)
        )
    assert refused.value.code == "typed_weight_reason_required"
    prep = services.preparation_weigh_before(
        actor=technician,
        workstation=None,
        preparation_id=oxali.pk,
        measured_g=Decimal(280),
        typed_reason="bilancia in taratura",
    )
    assert (prep.bag_before_source, prep.bag_before_reason) == ("typed", "bilancia in taratura")
    event = AuditEvent.objects.filter(event_type="compounding.bag_weighed_before").get()
    assert event.reason == "bilancia in taratura"
    assert event.after is not None and event.after["typed"] is True


@override_settings(CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY=True)
def test_H_units_bleomycin_is_compounded_in_units_end_to_end(
    make_user: MakeUser, physician: User, pharmacist: User, technician: User
) -> None:
    # given ABVD: bleomycin 10 U/m² x 2.00 m² = 20 U (USP) = 20,000 IU (1 U = 1,000 IU)
    order, aic = _order("ABVD", ABVD, make_user, physician)
    preps = _take(order, pharmacist)
    bleo = next(p for p in preps if p.order_item.ingredient.code == "bleomycin")
    assert (bleo.dose_mg, bleo.dose_unit, bleo.state) == (Decimal("20.0000"), "U", "validated")
    # volume to draw: 20,000 IU / 3,000 IU/mL = 6.67 mL (never mg)
    assert bleo.volume_to_draw_ml == Decimal("6.67")
    assert "Dose prescritta 20 U = 20000 IU (Bleomicina generico 15000 IU polvere)" in bleo.warnings
    # two 15,000 IU vials: 15,000 + 5,000 IU
    scans = [
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=bleo.pk,
            barcode=aic["bleomycin_15000iu_powder_bleomicina"],
            lot="BL1",
            expiry=timezone.localdate() + timedelta(days=100),
        )
        for _ in range(2)
    ]
    assert [(v.mg_drawn, v.ml_drawn) for v in scans] == [
        (Decimal("15000.0000"), Decimal("5.00")),
        (Decimal("5000.0000"), Decimal("1.67")),
    ]
    # weighed: 6.67 mL x 1 g/mL (no density in the archive: assumed by the setting)
    services.preparation_weigh_before(
        actor=technician,
        workstation=None,
        preparation_id=bleo.pk,
        scale=services.SimulatedScale(Decimal("110.00")),
    )
    weighing = services.preparation_weigh(
        actor=technician,
        workstation=None,
        preparation_id=bleo.pk,
        scale=services.SimulatedScale(Decimal("116.70")),
    )
    assert (weighing.expected_added_g, weighing.passed, weighing.density_assumed) == (
        Decimal("6.670"),
        True,
        True,
    )
    released = services.preparation_release(
        actor=pharmacist, workstation=None, preparation_id=bleo.pk
    )
    assert released.state == "released"
    assert Weighing.objects.filter(preparation=bleo).count() == 1
