"""UFA pages and API: every page renders with a FOLFOX-4 order in flight, the label
carries what safety rule 10 asks, and a hood-robot client reads the preparation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.compounding import documents, services
from corsia.compounding.models import Hood, Preparation
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.compounding import Folfox

pytestmark = pytest.mark.django_db
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_pagine")


def test_the_pharmacist_validates_and_takes_charge_from_the_pages(
    folfox: Folfox, pharmacist: User
) -> None:
    client = logged_in(pharmacist)
    # the work plan shows the day's drugs of the sent order
    page = client.get("/compounding/")
    assert page.status_code == 200
    assert "Oxaliplatino" in page.content.decode()
    assert "Inviata in farmacia" in page.content.decode()
    # validate all, take in charge
    url = f"/compounding/orders/{folfox.order.pk}/action/"
    assert client.post(url, {"action": "validate_all"}).status_code == 302
    assert client.post(url, {"action": "take_charge"}).status_code == 302
    assert Preparation.objects.filter(order=folfox.order).count() == 7
    page = client.get(f"/compounding/orders/{folfox.order.pk}/")
    assert "Presa in carico" in page.content.decode()
    # the hood page of the oxaliplatin preparation, logged as a read of patient data
    oxali = Preparation.objects.get(order=folfox.order, order_item__ingredient__code="oxaliplatin")
    page = client.get(f"/compounding/preparations/{oxali.pk}/")
    assert page.status_code == 200
    assert "34,00" in page.content.decode()  # mL to draw: 170 mg / 5 mg/mL
    assert AccessLogEntry.objects.filter(
        username="farm_pagine", patient_id=folfox.patient.pk
    ).exists()
    # a wrong-drug scan answers with the refusal in Italian and records nothing
    fu = folfox.aic["fluorouracil_1000mg_20ml_fluorouracile"]
    page = client.post(
        f"/compounding/preparations/{oxali.pk}/action/",
        {"action": "scan", "barcode": f"A{fu}", "lot": "X", "expiry": "2099-01-01"},
        follow=True,
    )
    assert "Flacone di un altro principio attivo" in page.content.decode()
    assert oxali.vials.count() == 0
    # the other pages render
    for path in (
        "/compounding/vials/",
        "/compounding/leftovers/",
        "/compounding/exposures/",
        f"/compounding/orders/{folfox.order.pk}/checkout/?day={timezone.localdate():%Y-%m-%d}",
        "/compounding/rows/",
    ):
        assert client.get(path).status_code == 200, path
    assert (
        client.post("/compounding/vials/", {"day": f"{timezone.localdate():%Y-%m-%d}"}).status_code
        == 200
    )
    label = client.get(f"/compounding/preparations/{oxali.pk}/label.pdf")
    assert label["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    assert client.get(f"/compounding/preparations/{oxali.pk}/worksheet.pdf").content.startswith(
        b"%PDF"
    )


class HoodRobotSimulator:
    """What a compounding robot does: fetch the preparation document over the API with
    its bearer token and check it can make it (schema, drug, volumes)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def fetch(self, preparation_id: int) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/compounding/preparations/{preparation_id}/robot")
        assert response.status_code == 200, response.content
        document: dict[str, Any] = response.json()
        return document

    def can_make(self, document: dict[str, Any]) -> bool:
        return (
            document["schema"] == "corsia.compounding.robot/1"
            and document["drug"]["volume_to_draw_ml"] is not None
            and document["container"]["diluent"] != ""
        )


def test_a_hood_robot_reads_the_preparation_document(
    folfox: Folfox, pharmacist: User, make_user: MakeUser
) -> None:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    robot = HoodRobotSimulator(logged_in(make_user(Role.TECHNICIAN)))
    document = robot.fetch(oxali.pk)
    assert robot.can_make(document)
    assert document["preparation"]["label_code"] == f"PRP{oxali.pk:09d}"
    assert document["drug"] == {
        "ingredient_code": "oxaliplatin",
        "ingredient_name": "Oxaliplatino",
        "dose_mg": "170",
        "product_code": "oxaliplatin_100mg_20ml_oxaliplatino",
        "product_name": "Oxaliplatino generico 5 mg/mL 100 mg/20 mL",
        "concentration_mg_ml": "5",
        "volume_to_draw_ml": "34",
    }
    assert document["container"]["diluent"] == "glucosio 5%"
    assert document["container"]["final_volume_ml"] == "284"
    assert document["patient"]["mrn"] == folfox.patient.mrn
    # a nurse may not read it
    nurse = logged_in(make_user(Role.NURSE))
    assert nurse.get(f"/api/v1/compounding/preparations/{oxali.pk}/robot").status_code == 403


def test_the_zpl_label_carries_patient_drug_dose_expiry_storage_and_barcode(
    folfox: Folfox, pharmacist: User
) -> None:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    oxali = Preparation.objects.select_related(
        "order__patient", "order__ward", "order_item__ingredient"
    ).get(pk=oxali.pk)
    zpl = documents.label_zpl(oxali)
    patient = folfox.patient
    assert f"^FD{patient.surname.upper()} {patient.given_names}^FS" in zpl
    assert "^FDOxaliplatino 170 mg^FS" in zpl
    assert "in glucosio 5% 250 mL - volume finale 284 mL" in zpl
    assert oxali.expiry_at is not None
    assert f"SCADENZA {timezone.localtime(oxali.expiry_at):%d/%m/%Y %H:%M}" in zpl
    assert "Conservare in frigorifero (2-8 °C)" in zpl
    assert f"^BCN,120,Y,N,N^FD{oxali.label_code}^FS" in zpl


def test_hood_demo_data_and_session(pharmacist: User, make_user: MakeUser) -> None:
    Hood.objects.create(code="C1", name="Cappa 1", kind="bsc")
    technician = make_user(Role.TECHNICIAN)
    client = logged_in(pharmacist)
    response = client.post(
        "/compounding/sessions/",
        {
            "hood": Hood.objects.get().pk,
            "technician": technician.pk,
            "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Decimal(1) == Decimal(Hood.objects.get().sessions.count())
