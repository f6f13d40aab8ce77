"""The ward cabinet unloaded dose by dose: the units of a dose worked out by hand, the
inventory's ledger of the cabinet moved, a correction giving the units back, and the
dose recorded all the same when the stock cannot follow (flagged for the pharmacy)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.inventory.selectors import stock_levels
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.therapy import (
    Ward12,
    cabinet_stocked,
    enoxaparin_4000iu_syringes,
    paracetamol_500mg_tablets,
    prescribed,
    ward_cabinet,
)
from corsia.therapy import services
from corsia.therapy.domain.cabinet import units_for_dose
from corsia.therapy.models import CabinetLevel, CabinetMove, DoseRecord, WardPrescription
from corsia.therapy.selectors_cabinet import ward_cabinet_stock

ROME = ZoneInfo("Europe/Rome")
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)
EIGHT = datetime(2026, 3, 10, 8, 0, tzinfo=ROME)


# --- the arithmetic, by hand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "strength", "iu_per_mg", "units"),
    [
        # 1 g = 1000 mg; 1000 mg / 500 mg per tablet = 2 tablets
        ("1 g", "500 mg", None, 2),
        # 40 mg × 100 UI/mg = 4000 UI; 4000 UI / 4000 UI per syringe = 1 syringe
        ("40 mg", "4000 IU", "100", 1),
        # 60 mg × 100 = 6000 UI; 6000 / 4000 = 1.5 → 2 syringes (a partial one is opened)
        ("60 mg", "4000 IU", "100", 2),
        # 4 mg from an 8 mg vial: half a vial, counted as the one vial opened
        ("4 mg", "8 mg", None, 1),
        # 500 mcg = 0.5 mg; 0.5 mg / 0.25 mg = 2
        ("500 mcg", "0.25 mg", None, 2),
        # 4000 UI against a product in mg without the ingredient's equivalence: no count
        ("4000 IU", "40 mg", None, None),
        # a volume does not convert to a mass
        ("10 mL", "500 mg", None, None),
        # a product with no strength, a zero dose, a negative dose, an absurd dose
        ("1 g", None, None, None),
        ("0 mg", "500 mg", None, None),
        ("-1 mg", "500 mg", None, None),
        ("1e308 mg", "500 mg", None, None),
    ],
)
def test_units_of_a_dose_worked_out_by_hand(
    dose: str, strength: str | None, iu_per_mg: str | None, units: int | None
) -> None:
    amount, unit = dose.split()
    per_unit, strength_unit = strength.split() if strength else (None, "mg")
    assert (
        units_for_dose(
            dose=Decimal(amount),
            dose_unit=unit,
            strength=Decimal(per_unit) if per_unit else None,
            strength_unit=strength_unit,
            iu_per_mg=Decimal(iu_per_mg) if iu_per_mg else None,
        )
        == units
    )


@given(
    dose=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2),
    strength=st.decimals(min_value=Decimal(5), max_value=Decimal(1000), places=1),
)
def test_the_units_cover_the_dose_and_not_one_more(dose: Decimal, strength: Decimal) -> None:
    units = units_for_dose(dose=dose, dose_unit="mg", strength=strength, strength_unit="mg")
    assert units is not None
    assert units * strength >= dose
    assert (units - 1) * strength < dose


# --- the services --------------------------------------------------------------------------------


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST)


def _given(ward: Ward12, p: WardPrescription, scan: str = "") -> DoseRecord:
    return services.dose_record(
        actor=ward.nurse,
        workstation="tablet-12",
        prescription_id=p.pk,
        data=services.DoseInput(outcome="given", due_at=EIGHT, barcode=scan),
    )


def _on_hand(code: str) -> int:
    return sum(lot.quantity for lot in stock_levels(location_code=code))


@time_machine.travel(MORNING, tick=False)
def test_a_dose_given_unloads_its_tablets_and_its_correction_gives_them_back(
    ward: Ward12, pharmacist: User
) -> None:
    drug = paracetamol_500mg_tablets()
    cabinet = ward_cabinet(pharmacist, ward.ward)
    cabinet_stocked(pharmacist, cabinet, drug.product, 10)
    p = prescribed(ward.physician, ward.patient, drug)
    record = _given(ward, p, scan=drug.scan)
    assert _on_hand(cabinet.code) == 8  # 1 g as 500 mg tablets: 2
    move = CabinetMove.objects.get(dose=record)
    assert (move.kind, move.quantity, move.flagged, move.lots) == (
        "unload",
        2,
        False,
        [{"lot": "L1", "quantity": 2}],
    )
    stock = ward_cabinet_stock(user=ward.nurse, ward_code="MED2")
    (line,) = stock.lines
    assert (line.on_hand, line.unloaded_today, line.below) == (8, 2, False)

    services.dose_correct(
        actor=ward.nurse,
        workstation="tablet-12",
        record_id=record.pk,
        data=services.CorrectionInput(ward_code="MED2", kind="in_error", reason="letto sbagliato"),
    )
    assert _on_hand(cabinet.code) == 10
    assert ward_cabinet_stock(user=ward.nurse, ward_code="MED2").lines[0].unloaded_today == 0
    assert CabinetMove.objects.filter(kind="reversal", flagged=False).count() == 1


@time_machine.travel(MORNING, tick=False)
def test_an_enoxaparin_dose_in_mg_unloads_one_4000_iu_syringe_from_the_prescribed_product(
    ward: Ward12, pharmacist: User
) -> None:
    drug = enoxaparin_4000iu_syringes()
    cabinet = ward_cabinet(pharmacist, ward.ward)
    cabinet_stocked(pharmacist, cabinet, drug.product, 5)
    p = prescribed(
        ward.physician,
        ward.patient,
        drug,
        dose=Decimal(40),
        dose_unit="mg",
        route="sc",
        times=("08:00",),
        product_id=drug.product.pk,
    )
    _given(ward, p)  # no scan: the prescription's product
    assert _on_hand(cabinet.code) == 4


@time_machine.travel(MORNING, tick=False)
def test_no_stock_records_the_dose_and_flags_the_unload_for_the_pharmacy(
    ward: Ward12, pharmacist: User, client: Client
) -> None:
    drug = paracetamol_500mg_tablets()
    cabinet = ward_cabinet(pharmacist, ward.ward)
    cabinet_stocked(pharmacist, cabinet, drug.product, 1)  # 2 needed
    services.cabinet_level_set(
        actor=pharmacist,
        workstation=None,
        ward_code="MED2",
        product_id=drug.product.pk,
        level=4,
    )
    record = _given(ward, prescribed(ward.physician, ward.patient, drug), scan=drug.scan)
    assert record.outcome == "given"
    move = CabinetMove.objects.get(dose=record)
    assert (move.flagged, move.problem, move.quantity) == (True, "cabinet_stock_insufficient", 2)
    assert _on_hand(cabinet.code) == 1  # nothing taken
    page = logged_in(pharmacist).get("/therapy/ward/MED2/cabinet/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sotto scorta: da riordinare" in html  # 1 < 4
    assert move.message in html


@time_machine.travel(MORNING, tick=False)
def test_a_ward_without_a_cabinet_flags_the_unload(ward: Ward12) -> None:
    drug = paracetamol_500mg_tablets()
    record = _given(ward, prescribed(ward.physician, ward.patient, drug), scan=drug.scan)
    assert CabinetMove.objects.get(dose=record).problem == "cabinet_missing"


@time_machine.travel(MORNING, tick=False)
@pytest.mark.parametrize("level", [-1, 100_001, 1e308, "dieci"])
def test_a_bad_reorder_level_is_refused_by_the_api(
    ward: Ward12, pharmacist: User, level: object
) -> None:
    drug = paracetamol_500mg_tablets()
    response = logged_in(pharmacist).put(
        f"/api/v1/therapy/wards/MED2/cabinet/levels/{drug.product.pk}",
        {"reorder_level": level},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"reorder_level_invalid", "validation_failed"}


def _three_tablets(ward: Ward12, pharmacist: User) -> Any:
    """Paracetamol 500 mg tablets, three in the ward's cabinet."""
    drug = paracetamol_500mg_tablets()
    cabinet_stocked(pharmacist, ward_cabinet(pharmacist, ward.ward), drug.product, 3)
    return drug


@time_machine.travel(MORNING, tick=False)
def test_the_cabinet_api_and_the_reorder_level(ward: Ward12, pharmacist: User) -> None:
    drug = _three_tablets(ward, pharmacist)
    client = logged_in(pharmacist)
    url = f"/api/v1/therapy/wards/MED2/cabinet/levels/{drug.product.pk}"
    put = client.put(url, {"reorder_level": 5}, content_type="application/json")
    assert put.status_code == 200
    assert put.json()["below_reorder_level"] is True
    got = client.get("/api/v1/therapy/wards/MED2/cabinet").json()
    assert got["location"] == "ARM-MED2"
    assert [(x["on_hand"], x["reorder_level"]) for x in got["lines"]] == [(3, 5)]
    nurse = logged_in(ward.nurse).put(url, {"reorder_level": 1}, content_type="application/json")
    assert nurse.status_code == 403


@time_machine.travel(MORNING, tick=False)
def test_the_reorder_level_set_on_the_cabinet_page(ward: Ward12, pharmacist: User) -> None:
    drug = _three_tablets(ward, pharmacist)
    page = logged_in(pharmacist)
    listing = page.get("/therapy/ward/MED2/cabinet/").content.decode()
    assert f'data-testid="level-form-{drug.product.pk}"' in listing
    url = f"/therapy/ward/MED2/cabinet/levels/{drug.product.pk}/"
    for bad in ["-1", "1e308", "dieci", "100001", ""]:
        refused = page.post(url, {"reorder_level": bad}, follow=True)
        assert "La scorta minima è un numero intero di unità da 0 a 100.000." in (
            refused.content.decode()
        )
    nul = page.post(url, {"reorder_level": "4\x00"})
    assert nul.status_code == 400  # the bad-input middleware's Italian page
    assert not CabinetLevel.objects.exists()
    assert page.post(url, {"reorder_level": "4"}).status_code == 302
    assert CabinetLevel.objects.get().reorder_level == 4
    assert AuditEvent.objects.filter(event_type="therapy.cabinet_level_set").count() == 1
    assert "Sotto scorta: da riordinare" in page.get("/therapy/ward/MED2/cabinet/").content.decode()
    nurse = logged_in(ward.nurse)
    assert (
        f'data-testid="level-form-{drug.product.pk}"'
        not in nurse.get("/therapy/ward/MED2/cabinet/").content.decode()
    )
    assert nurse.post(url, {"reorder_level": "1"}).status_code == 403
    assert CabinetLevel.objects.get().reorder_level == 4
