"""An oral chemotherapy order dispensed at the desk: the order's reference is recorded and
no more tablets than its cycle needs are handed over (CAPE-MBC: 5 × 500 mg twice a day on
days 1-14 = 5 × 2 × 14 = 140 tablets of 500 mg, ``prescribing.selectors.order_oral_supply``).
Every refusal leaves the stock as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.core.domain.errors import CorsiaError
from corsia.dispensing import services
from corsia.dispensing.models import Dispensing
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.dispensing import (
    NOW,
    OralOrderDesk,
    held,
    oral_order_ready,
)
from corsia.testing.inventory import assert_stock_matches_movements

pytestmark = pytest.mark.django_db


@pytest.fixture
def oral(make_user: MakeUser, drugs_reference: None) -> OralOrderDesk:
    return oral_order_ready(make_user)


def _input(desk: OralOrderDesk, packs: int = 1, **fields: Any) -> services.DispensingInput:
    data: dict[str, Any] = {
        "patient_code": desk.patient.codice_fiscale,
        "kind": "prescription",
        "prescriber_id": desk.physician.pk,
        "scans": [f"A{desk.pack.aic}"] * packs,
        "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code,
        "product_code": desk.product.code,
        "daily_units": Decimal(10),
        "order_id": desk.order.pk,
        **fields,
    }
    return services.DispensingInput(**data)


def _record(desk: OralOrderDesk, data: services.DispensingInput) -> Dispensing:
    return services.dispensing_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk, data=data,
        now=NOW,
    )  # fmt: skip


def test_the_order_is_recorded_and_its_cycle_bounds_the_tablets(oral: OralOrderDesk) -> None:
    # one pack of 120 of the 140 tablets: recorded with the order's reference
    row = _record(oral, _input(oral))
    assert (row.therapy_order_id, row.kind, row.units) == (oral.order.pk, "prescription", 120)
    assert row.days_covered == 12  # 120 ÷ 10 a day
    assert held(oral.product) == 240
    # another pack would make 240 > 140: refused, nothing unloaded
    with pytest.raises(CorsiaError) as refused:
        _record(oral, _input(oral))
    assert refused.value.code == "order_supply_exceeded"
    assert "richiede 140 unità" in refused.value.message
    assert "già dispensate 120, qui 120: al massimo 20" in refused.value.message
    assert Dispensing.objects.count() == 1
    assert held(oral.product) == 240
    assert_stock_matches_movements()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "discharge"}, "order_unexpected"),
        ({"product_code": "capecitabine_150_desk", "scans": ["A990000059"]},
         "order_product_unexpected"),
    ],
)  # fmt: skip
def test_an_order_is_dispensed_only_as_a_prescription_of_its_own_drugs(
    oral: OralOrderDesk, fields: dict[str, Any], code: str
) -> None:
    with pytest.raises(CorsiaError) as refused:
        _record(oral, _input(oral, **fields))
    assert refused.value.code == code
    assert Dispensing.objects.count() == 0
    assert (held(oral.product), held(oral.other_strength)) == (360, 360)
    assert_stock_matches_movements()


def test_an_order_not_validated_by_the_pharmacy_is_not_dispensed(
    make_user: MakeUser, drugs_reference: None
) -> None:
    oral = oral_order_ready(make_user, events=())  # sent to the pharmacy, not validated
    with pytest.raises(CorsiaError) as refused:
        _record(oral, _input(oral))
    assert refused.value.code == "order_not_validated"
    assert held(oral.product) == 360


def test_the_patient_page_lists_the_order_and_the_api_takes_its_reference(
    oral: OralOrderDesk,
) -> None:
    client = logged_in(oral.pharmacist)
    base = f"/dispensing/patients/{oral.patient.pk}"
    page = client.get(f"{base}/").content.decode()
    assert f'data-testid="order-remaining-{oral.order.pk}-1"><strong>140</strong>' in page
    link = f"{base}/dispense/?order={oral.order.pk}&amp;product={oral.product.code}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    # the form comes with the order, its prescriber and 10 tablets a day (5 × 2)
    assert f'<option value="{oral.order.pk}" selected>' in form
    assert f'<option value="{oral.physician.pk}" selected>' in form
    assert 'name="daily_units" maxlength="12" value="10"' in form
    status, body = post_json(
        api_client(oral.pharmacist),
        f"/api/v1/dispensing/patients/{oral.patient.pk}/dispensings",
        {"patient_code": oral.patient.codice_fiscale, "kind": "prescription",
         "prescriber_id": oral.physician.pk, "scans": [f"A{oral.pack.aic}"],
         "location_code": "DD1", "cost_center_code": "CC-DD", "product_code": oral.product.code,
         "daily_units": "10", "order_id": oral.order.pk},
    )  # fmt: skip
    assert status == 201, body
    assert (body["order_id"], body["units"]) == (oral.order.pk, 120)
    page = client.get(f"{base}/").content.decode()
    assert f'data-testid="order-remaining-{oral.order.pk}-1"><strong>20</strong>' in page
    assert_stock_matches_movements()
