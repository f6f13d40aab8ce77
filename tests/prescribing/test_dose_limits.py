"""Limits of the prescribed dose on real orders: regimen maxima read in their unit, typed
doses checked like computed ones, overrides per check and per value (service and API).

Hand values in the comments.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing import services
from corsia.prescribing.domain.errors import MaxSingleDoseExceeded
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)


def _order(make_user: MakeUser, physician: User, code: str, **patient: object) -> TherapyOrder:
    version = library_version(
        code, approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    person = measured_patient(
        registrar=make_user(Role.COORDINATOR),
        physician=physician,
        **patient,  # type: ignore[arg-type]  # test passthrough of patient fields
    )
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=person.pk,
        regimen_version_id=version.pk,
        start_date=START,
    )


def _line(order: TherapyOrder, code: str) -> OrderItem:
    item = order.items.select_related("ingredient").filter(ingredient__code=code).first()
    assert item is not None
    return item


def _typed(
    physician: User,
    order: TherapyOrder,
    item: OrderItem,
    dose: Decimal,
    reason: str,
    *,
    override_reason: str = "",
) -> None:
    """The physician types ``dose`` as the line's final dose, with ``reason`` (and an
    ``override_reason`` for a blocking check, when given)."""
    services.order_item_adjust(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        item_id=item.pk,
        reason=reason,
        final_dose=dose,
        override_reason=override_reason,
    )


def test_H_unit_va_wilms_dactinomycin_is_capped_at_2_mg_not_left_at_2_93_mg(
    make_user: MakeUser, physician: User
) -> None:
    # girl 15 y, 170 cm, 65 kg: 45 mcg/kg x 65 kg = 2,925 mcg = 2.925 mg (2.93 mg at two
    # decimals) > maximum 2,000 mcg = 2 mg -> 2.00 mg, capped, with the warning
    order = _order(
        make_user,
        physician,
        "VA-WILMS",
        sex="F",
        given_names="Giulia",
        date_of_birth=date(2011, 6, 1),
        height_cm="170",
        weight_kg="65",
    )
    dactinomycin = _line(order, "dactinomycin")
    assert dactinomycin.amount_unit == "mg"
    assert dactinomycin.final_dose == Decimal(2)
    assert dactinomycin.capped is True
    assert dactinomycin.uncapped_dose == Decimal("2.93")
    assert [w["code"] for w in dactinomycin.warnings] == ["max_dose_capped"]
    assert not dactinomycin.is_blocked


def test_H_unit_map_methotrexate_is_capped_at_20000_mg_not_20_mg(
    make_user: MakeUser, physician: User
) -> None:
    # 175 cm, 65 kg: BSA sqrt(175 x 65 / 3600) = 1.7776 m² (4 decimals, as the order keeps
    # it); 12 g/m² x 1.777561 = 21.33 g = 21,330.73 mg > 20 g -> 20,000 mg
    order = _order(
        make_user,
        physician,
        "MAP-OSTEO",
        given_names="Luca",
        date_of_birth=date(2010, 3, 1),
        height_cm="175",
        weight_kg="65",
    )
    methotrexate = _line(order, "methotrexate")
    assert order.bsa_m2 == Decimal("1.7776")
    assert (methotrexate.final_dose, methotrexate.amount_unit) == (Decimal(20000), "mg")
    assert methotrexate.capped is True
    assert methotrexate.uncapped_dose == Decimal("21330.73")


def test_H_unit_bleomycin_line_is_in_units_not_mg(make_user: MakeUser, physician: User) -> None:
    # ABVD, 180 cm, 80 kg: BSA sqrt(180 x 80 / 3600) = 2 m²; bleomycin 10 U/m² x 2 = 20 U
    order = _order(make_user, physician, "ABVD")
    bleomycin = _line(order, "bleomycin")
    assert (bleomycin.final_dose, bleomycin.amount_unit) == (Decimal(20), "U")
    assert " mg" not in bleomycin.provenance
    assert "= 20.00 U" in bleomycin.provenance.splitlines()[0]


def test_H_typed_final_dose_above_maximum_is_blocked_until_overridden_for_that_value(
    make_user: MakeUser, physician: User
) -> None:
    # R-CVP, 180 cm, 80 kg: BSA 2 m²; vincristine 1.4 mg/m² x 2 = 2.8 mg -> capped at 2 mg
    order = _order(make_user, physician, "R-CVP")
    vincristine = _line(order, "vincristine")
    assert vincristine.final_dose == Decimal(2)

    # typed 20 mg (+900 %) with a reason but no override: refused, nothing saved
    with pytest.raises(MaxSingleDoseExceeded) as refused:
        _typed(physician, order, vincristine, Decimal(20), "aggiustamento")
    assert refused.value.code == "max_dose_exceeded"
    assert refused.value.details["checks"] == ["max_dose_exceeded"]
    vincristine.refresh_from_db()
    assert (vincristine.final_dose, vincristine.overrides) == (Decimal(2), [])

    # with an override: recorded for this check, this value, this physician
    _typed(physician, order, vincristine, Decimal(20), "aggiustamento", override_reason="prova")
    vincristine.refresh_from_db()
    assert vincristine.final_dose == Decimal(20)
    assert [b["code"] for b in vincristine.blocks] == ["max_dose_exceeded"]
    [override] = vincristine.overrides
    assert (override["check"], override["value"], override["unit"]) == (
        "max_dose_exceeded",
        "20",
        "mg",
    )
    assert (override["by_id"], override["reason"], override["void"]) == (
        physician.pk,
        "prova",
        False,
    )
    assert not vincristine.is_blocked

    # a lower value still above the maximum: accepted, but the 20 mg override does not
    # cover 15 mg, and confirmation refuses
    _typed(physician, order, vincristine, Decimal(15), "aggiustamento")
    vincristine = OrderItem.objects.select_related("ingredient").get(pk=vincristine.pk)
    assert vincristine.is_blocked
    assert vincristine.overrides[0]["void"] is True
    with pytest.raises(ValidationFailed) as blocked:
        services.order_transition(
            actor=physician, workstation=None, order_id=order.pk, event="confirm"
        )
    assert blocked.value.code == "order_blocked_by_limit"
    assert blocked.value.details["checks"] == ["max_dose_exceeded"]

    # going back to 20 mg needs a new override: the old one was for the value before
    with pytest.raises(MaxSingleDoseExceeded):
        _typed(physician, order, vincristine, Decimal(20), "aggiustamento")

    # a value within the maximum clears the block itself: 1.8 mg <= 2 mg
    _typed(physician, order, vincristine, Decimal("1.8"), "neuropatia")
    vincristine.refresh_from_db()
    assert (vincristine.blocks, vincristine.block_code, vincristine.is_blocked) == ([], "", False)
    confirmed = services.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )
    assert confirmed.state == "confirmed"


def test_H_typed_final_dose_above_maximum_is_refused_through_the_api(
    make_user: MakeUser, physician: User
) -> None:
    order = _order(make_user, physician, "R-CVP")
    vincristine = _line(order, "vincristine")
    client = logged_in(physician)
    url = f"/api/v1/orders/{order.pk}/items/{vincristine.pk}/adjust"
    order.refresh_from_db()
    response = client.post(
        url,
        json.dumps(
            {"final_dose": "20", "reason": "aggiustamento", "expected_version": order.version}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "max_dose_exceeded"
    assert problem["field"] == "override_reason"
    vincristine.refresh_from_db()
    assert vincristine.final_dose == Decimal(2)

    response = client.post(
        url,
        json.dumps(
            {
                "final_dose": "20",
                "reason": "aggiustamento",
                "override_reason": "protocollo sperimentale",
                "override_checks": ["max_dose_exceeded"],
                "expected_version": order.version,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [line] = [i for i in response.json()["items"] if i["id"] == vincristine.pk]
    assert (line["final_dose"], line["amount_unit"], line["blocked"]) == ("20.0000", "mg", False)
    assert line["pending_blocks"] == []
    assert line["overrides"][0]["value"] == "20"
