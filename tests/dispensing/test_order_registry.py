"""The dispensing desk shows the AIFA registry request of the oral order it dispenses for
(prescribing's regulatory documentation): the drug and the request's number and date, or
that the request is pending; an order without one shows none."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.dispensing.desk import oral_orders
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.dispensing import OralOrderDesk, oral_order_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def oral(make_user: MakeUser, drugs_reference: None) -> OralOrderDesk:
    return oral_order_ready(make_user)


def test_the_desk_shows_the_order_registry_request(oral: OralOrderDesk) -> None:
    # given no registry requirement: nothing shown
    [order] = oral_orders(user=oral.pharmacist, workstation="banco-1", patient_id=oral.patient.pk)
    assert order.registry_requests == ()
    # given the order's capecitabine under a (hand-made) registry with its request
    OrderRegulatoryRequirement.objects.create(
        order_id=oral.order.pk, ingredient_id=oral.product.ingredient_id, kind="aifa_registry",
        registry_name="Registro di prova", indication_code="174.9",
        request_number="RA-2026-0007", request_date=date(2026, 11, 30),
    )  # fmt: skip
    [order] = oral_orders(user=oral.pharmacist, workstation="banco-1", patient_id=oral.patient.pk)
    [request] = order.registry_requests
    assert (request.registry, request.request_number, request.request_date) == (
        "Registro di prova",
        "RA-2026-0007",
        date(2026, 11, 30),
    )
    page = logged_in(oral.pharmacist).get(f"/dispensing/patients/{oral.patient.pk}/")
    assert page.status_code == 200
    assert "scheda di richiesta RA-2026-0007 30/11/2026" in page.content.decode()
