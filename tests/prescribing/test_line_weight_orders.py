"""An order of FLU-BU4 (library) for an obese man: the busulfan lines are dosed on the
SmPC adjusted weight IBW + 0.25 × (actual − IBW), the fludarabine lines per m² on the BSA
of the actual weight; each line stores and shows the weight it used.

Patient: M, born 1961-05-04 (65 years on 2026-12-01), 175 cm, 110 kg (BMI 35.92).
  Devine IBW = 50 + 0.9055 × (175 − 152.4) = 70.4643 kg
  AdjBW(0.25) = 70.4643 + 0.25 × (110 − 70.4643) = 80.348225 kg → shown 80.35 kg
  busulfan 3.2 mg/kg × 80.348225 = 257.11432 mg → 257.11 mg (2 decimals, half-up)
  Mosteller BSA = √(175 × 110 / 3600) = √5.347222 = 2.312406 m²
  fludarabine 40 mg/m² × 2.312406 = 92.49624 mg → 92.50 mg
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.therapy_sheet import sheet_context
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)


def _flu_bu4_order(make_user: MakeUser, physician: User, *, weight: str) -> TherapyOrder:
    version = library_version(
        "FLU-BU4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    patient = measured_patient(
        registrar=make_user(Role.COORDINATOR),
        physician=physician,
        height_cm="175",
        weight_kg=weight,
    )
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
    )


def test_busulfan_lines_use_the_adjusted_weight_and_say_so(
    make_user: MakeUser, physician: User
) -> None:
    order = _flu_bu4_order(make_user, physician, weight="110")
    # the order (hospital policy: actual weight) keeps the actual weight
    assert order.dosing_weight_kg == Decimal("110.00")
    assert order.weight_basis == "actual"
    busulfan = list(order.items.filter(ingredient__code="busulfan"))
    assert len(busulfan) == 4
    for item in busulfan:
        assert item.final_dose == Decimal("257.11")
        assert (item.weight_basis, item.dosing_weight_kg, item.adjusted_weight_factor) == (
            "adjusted",
            Decimal("80.35"),
            Decimal("0.250"),
        )
        assert "peso corretto (fattore 0.25)" in item.provenance
        assert "line_weight_basis_applied" in [w["code"] for w in item.warnings]
        assert item.weight_used_text == "peso corretto (fattore 0,25) 80,35 kg"
    for item in order.items.filter(ingredient__code="fludarabine"):
        assert item.final_dose == Decimal("92.50")
        assert (item.weight_basis, item.dosing_weight_kg) == ("", None)
    # the order page, the pharmacist and the printed order show the same weight
    page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/")
    assert page.status_code == 200
    item = busulfan[0]
    assert f'data-testid="weight-{item.pk}"'.encode() in page.content
    assert "peso corretto (fattore 0,25) 80,35 kg" in page.content.decode()
    sheet = sheet_context(order)
    rows = next(s for s in sheet["sections"] if s.get("heading") == "Farmaci")["table"]["rows"]
    assert any("peso corretto (fattore 0,25) 80,35 kg" in row[3] for row in rows)


def test_recalculation_keeps_the_line_basis(make_user: MakeUser, physician: User) -> None:
    order = _flu_bu4_order(make_user, physician, weight="110")
    order = services.order_recalculate(actor=physician, workstation=None, order_id=order.pk)
    for item in order.items.filter(ingredient__code="busulfan"):
        assert item.final_dose == Decimal("257.11")
        assert item.weight_basis == "adjusted"


def test_a_non_obese_patient_gets_the_actual_weight_on_the_busulfan_line(
    make_user: MakeUser, physician: User
) -> None:
    # 175 cm, 80 kg: BMI 26.12 < 30 → actual weight: 3.2 × 80 = 256 mg
    order = _flu_bu4_order(make_user, physician, weight="80")
    for item in order.items.filter(ingredient__code="busulfan"):
        assert item.final_dose == Decimal("256.00")
        assert (item.weight_basis, item.dosing_weight_kg, item.adjusted_weight_factor) == (
            "actual",
            Decimal("80.00"),
            None,
        )


PREVIEW = "/api/v1/dosing/preview"


def _preview_body(**busulfan: Any) -> dict[str, Any]:
    return {
        "patient": {"sex": "M", "age_years": 50, "height_cm": 175, "weight_kg": 110},
        "components": [
            {"drug": "fludarabina", "dose": 40, "unit": "mg/m2"},
            {"drug": "busulfano", "dose": "3.2", "unit": "mg/kg", **busulfan},
        ],
    }


def test_preview_api_takes_and_shows_the_line_weight(client_for: Any) -> None:
    client = client_for(Role.PHYSICIAN)
    response = client.post(
        PREVIEW,
        json.dumps(_preview_body(obese_weight_basis="adjusted", adjusted_weight_factor="0.25")),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    fludarabine, busulfan = response.json()["components"]
    # 3.2 × 80.348225 = 257.11432 mg (no rounding asked); AdjBW 80.348225 kg, factor 0.25
    assert round(busulfan["calculated_dose"], 4) == 257.1143
    assert busulfan["weight_basis"] == "adjusted"
    assert round(busulfan["dosing_weight_kg"], 4) == 80.3482
    assert busulfan["adjusted_weight_factor"] == 0.25
    assert fludarabine["weight_basis"] is None
    assert response.json()["weight_basis"] == "actual"


@pytest.mark.parametrize("factor", ["0", "1", "-0.25", "1e308", "NaN", "un quarto"])
def test_preview_api_refuses_a_bad_factor(client_for: Any, factor: str) -> None:
    client = client_for(Role.PHYSICIAN)
    response = client.post(
        PREVIEW,
        json.dumps(_preview_body(obese_weight_basis="adjusted", adjusted_weight_factor=factor)),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert "adjusted_weight_factor" in response.json().get("field", "") or any(
        "adjusted_weight_factor" in json.dumps(e) for e in response.json().get("errors", [])
    )
