"""Right route, intrathecal physician, lot expiry, transport excursion, dose unit: pure.

Reference cases (ISMP; NHS England, intrathecal chemotherapy guidance HSC 2008/001 and
"Safer practice with vinca alkaloids"): methotrexate 12 mg intrathecal (the classic
paediatric ALL dose) given only with a physician identified by badge; vincristine 2 mg
intravenous only; a preparation labelled IV for an IT order line (or the reverse) never
given. Lot expiry: a lot expiring 30/11/2026 is usable through that day and refused on
01/12/2026. Transport: refrigerated (2-8 °C) bag with maximum 9.1 °C is an excursion;
room-temperature bag (≤ 25 °C) at 9.1 °C is not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from corsia.administration.domain.bedside import (
    OVERRIDABLE,
    TransportView,
    bedside_check,
    bedside_decide,
)
from corsia.testing.administration import (
    NOW,
    NURSE,
    OXALI,
    TODAY,
    codes,
    done,
    item,
    prep,
    scan,
)

PHYSICIAN = 200
MTX_IT = item(3, "methotrexate", route="it", dose=Decimal(12), duration_minutes=None)
VINCRISTINE = item(3, "vincristine", route="iv", dose=Decimal(2), vinca_alkaloid=True)
OXALI_IV = replace(OXALI, route="iv")

NEVER_OVERRIDABLE = {
    "wrong_route",
    "vinca_route_not_iv",
    "intrathecal_physician_required",
    "lot_expired",
    "transport_excursion",
    "wrong_dose_unit",
}


def it_scan(**kw: object):  # type: ignore[no-untyped-def]  # test factory
    target = MTX_IT
    values: dict[str, object] = {"preparation": prep(target, route="it")}
    values.update(kw)
    return scan(target, day_items=(done(item(1, "ondansetron")), target), **values)


def test_H26_none_of_the_route_expiry_transport_refusals_can_be_overridden() -> None:
    assert not NEVER_OVERRIDABLE & OVERRIDABLE


def test_H26_preparation_labelled_iv_for_an_intrathecal_order_line_is_wrong_route() -> None:
    s = it_scan(preparation=prep(MTX_IT, route="iv"), cosigner_raw="B-200", cosigner_id=PHYSICIAN)
    s = replace(s, cosigner_is_physician=True)
    assert codes(s) == ["wrong_route"]
    refusal = bedside_check(s)[0]
    assert "VIA SBAGLIATA" in refusal.message
    assert "endovenosa" in refusal.message and "intratecale" in refusal.message


def test_H26_preparation_labelled_it_for_an_intravenous_line_is_wrong_route_and_needs_a_physician() -> (
    None
):
    s = scan(OXALI_IV, preparation=prep(OXALI_IV, route="it"))
    assert codes(s) == ["wrong_route", "intrathecal_physician_required"]


def test_H26_matching_iv_route_passes() -> None:
    assert codes(scan(OXALI_IV, preparation=prep(OXALI_IV, route="iv"))) == []


def test_H26_intrathecal_refuses_a_nurse_alone() -> None:
    refusals = bedside_check(it_scan())
    assert [r.code for r in refusals] == ["intrathecal_physician_required"]
    assert "SOLO PER USO INTRATECALE" in refusals[0].message
    decision = bedside_decide(refusals, {})
    assert not decision.allowed


def test_H26_intrathecal_with_the_physicians_badge_as_cosigner_passes() -> None:
    s = it_scan(cosigner_raw="B-200", cosigner_id=PHYSICIAN, cosigner_is_physician=True)
    assert codes(s) == []


def test_H26_intrathecal_cosigner_must_be_a_known_physician_other_than_the_actor() -> None:
    unknown = it_scan(cosigner_raw="B-999", cosigner_id=None)
    another_nurse = it_scan(cosigner_raw="B-101", cosigner_id=101, cosigner_is_physician=False)
    self_signed = it_scan(cosigner_raw="B-100", cosigner_id=NURSE, cosigner_is_physician=True)
    for s, words in (
        (unknown, "non è riconosciuto"),
        (another_nurse, "non è di un medico"),
        (self_signed, "diverso dall'operatore"),
    ):
        refusals = bedside_check(s)
        assert [r.code for r in refusals] == ["intrathecal_physician_required"]
        assert words in refusals[0].message


def test_H26_a_physician_administering_with_their_own_badge_needs_no_cosigner() -> None:
    s = it_scan(actor_id=PHYSICIAN, badge_owner_id=PHYSICIAN, actor_is_physician=True)
    assert codes(s) == []
    # without their own badge (declared missing) the physician is not identified
    s = it_scan(actor_id=PHYSICIAN, badge_raw="", badge_owner_id=None, actor_is_physician=True)
    assert codes(s) == ["badge_missing", "intrathecal_physician_required"]


def test_H26_vinca_alkaloid_by_any_route_but_iv_is_refused_even_with_a_physician() -> None:
    vinca_it = replace(VINCRISTINE, route="it")
    s = scan(
        vinca_it,
        preparation=prep(vinca_it, route="it"),
        actor_is_physician=True,
        cosigner_raw="B-200",
        cosigner_id=PHYSICIAN,
        cosigner_is_physician=True,
    )
    refusals = bedside_check(s)
    assert [r.code for r in refusals] == ["vinca_route_not_iv"]
    assert "FATALE SE SOMMINISTRATO PER ALTRE VIE" in refusals[0].message
    assert codes(scan(VINCRISTINE, preparation=prep(VINCRISTINE, route="iv"))) == []


def test_H24_lot_expired_before_the_administration_day_blocks() -> None:
    # lot expiring 30/11/2026: usable through that day, refused on 01/12/2026 (TODAY)
    expired = prep(OXALI, lot="L-OLD", lot_expiry=date(2026, 11, 30))
    refusals = bedside_check(scan(OXALI, preparation=expired))
    assert [r.code for r in refusals] == ["lot_expired"]
    assert "L-OLD" in refusals[0].message and "30/11/2026" in refusals[0].message
    on_the_day = prep(OXALI, lot="L-DAY", lot_expiry=TODAY)
    assert codes(scan(OXALI, preparation=on_the_day)) == []


def test_H24_preparation_past_its_stability_still_blocks() -> None:
    stale = prep(OXALI, expiry=NOW, lot_expiry=TODAY + timedelta(days=300))
    assert codes(scan(OXALI, preparation=stale)) == ["preparation_expired"]


def test_CMP13_transport_excursion_blocks_until_the_pharmacist_releases() -> None:
    # refrigerated 2-8 °C, logger max 9.1 °C: outside range
    excursion = TransportView(
        storage="2-8 °C",
        minimum_c=Decimal("3.2"),
        maximum_c=Decimal("9.1"),
        outside_range=True,
    )
    refusals = bedside_check(scan(OXALI, preparation=prep(OXALI, transport=excursion)))
    assert [r.code for r in refusals] == ["transport_excursion"]
    assert "9.1" in refusals[0].message and "2-8 °C" in refusals[0].message
    released = replace(excursion, released=True)
    assert codes(scan(OXALI, preparation=prep(OXALI, transport=released))) == []
    in_range = replace(excursion, maximum_c=Decimal("8.0"), outside_range=False)
    assert codes(scan(OXALI, preparation=prep(OXALI, transport=in_range))) == []


def test_units_a_preparation_in_mg_for_a_line_in_ui_is_refused() -> None:
    # asparaginase 10 000 UI ordered; a preparation recorded in mg is another dose
    aspa = item(3, "asparaginase", dose=Decimal(10000), dose_unit="UI")
    refusals = bedside_check(scan(aspa, preparation=prep(aspa, dose_unit="mg")))
    assert [r.code for r in refusals] == ["wrong_dose_unit"]
    assert codes(scan(aspa, preparation=prep(aspa, dose_unit="UI"))) == []
