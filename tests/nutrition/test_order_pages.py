"""The orders' pages: a draft posted from the patient's page, signed with a reason for the
warning, validated by a pharmacist, on the work plan with its sheet and its label; a
refusal re-renders the page with its status; a nurse sees no prescribing form."""

from __future__ import annotations

import pytest

from corsia.accounts.models import User
from corsia.nutrition.models import NutritionOrder
from corsia.nutrition.schemas import ADULT_EXAMPLE
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in

pytestmark = pytest.mark.django_db


def _form() -> dict[str, list[str]]:
    components = ADULT_EXAMPLE["components"]
    return {
        "route": ["central"],
        "infusion_hours": ["24"],
        "code": [c["code"] for c in components],
        "amount": [str(c["amount"]) for c in components],
        "unit": [c["unit"] for c in components],
    }


def test_draft_sign_validate_and_the_work_plan(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    doctor = logged_in(physician)
    page = doctor.get(f"/nutrition/patients/{adult.pk}/")
    assert page.status_code == 200
    assert b'data-testid="order-form"' in page.content
    created = doctor.post(f"/nutrition/patients/{adult.pk}/new/", _form())
    order = NutritionOrder.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/nutrition/orders/{order.pk}/"
    refused = doctor.post(f"/nutrition/orders/{order.pk}/sign/", {"version": "1"})
    assert refused.status_code == 422
    assert b"warning_reason_required" in refused.content
    doctor.post(
        f"/nutrition/orders/{order.pk}/sign/",
        {"version": "1", "warning_reason": "Osmolarità del Soluvit non dichiarata"},
    )
    pharmacy = logged_in(pharmacist)
    assert b'data-testid="validate-form"' in pharmacy.get(f"/nutrition/orders/{order.pk}/").content
    pharmacy.post(f"/nutrition/orders/{order.pk}/validate/", {"version": "2"})
    order.refresh_from_db()
    assert order.state == "validated"
    plan = pharmacy.get(f"/nutrition/work-plan/?day={order.for_date:%Y-%m-%d}")
    text = plan.content.decode()
    assert plan.status_code == 200
    assert f"NPT-{order.pk}" in text
    # the label: 1895 mL over 24 h = 78.958… → 79,0 mL/h (Italian decimal comma)
    assert "79,0 mL/h" in text
    sheet = text[text.index('data-testid="sequence-') :]
    assert sheet.index("Glycophos") < sheet.index("Calcio gluconato") < sheet.index("SMOFlipid")


def test_a_blocked_draft_is_refused_at_signature_on_the_page(
    physician: User, adult: Patient
) -> None:
    doctor = logged_in(physician)
    form = _form() | {"route": ["peripheral"]}
    doctor.post(f"/nutrition/patients/{adult.pk}/new/", form)
    order = NutritionOrder.objects.get()
    page = doctor.post(
        f"/nutrition/orders/{order.pk}/sign/", {"version": "1", "warning_reason": "x"}
    )
    assert page.status_code == 422
    assert b"nutrition_order_blocked" in page.content
    order.refresh_from_db()
    assert order.state == "draft"


def test_a_nurse_reads_without_the_prescribing_form(nurse: User, adult: Patient) -> None:
    page = logged_in(nurse).get(f"/nutrition/patients/{adult.pk}/")
    assert page.status_code == 200
    assert b'data-testid="order-form"' not in page.content
    assert logged_in(nurse).post(f"/nutrition/patients/{adult.pk}/new/", _form()).status_code == 403


def test_amounts_show_without_trailing_zeros(physician: User, adult: Patient) -> None:
    # a trailing zero is a known cause of tenfold errors (4,500 read as 4500): calcium
    # gluconate 4.5 mmol reads "4,5 mmol", sodium chloride 80 mmol "80 mmol"
    logged_in(physician).post(f"/nutrition/patients/{adult.pk}/new/", _form())
    order = NutritionOrder.objects.get()
    text = logged_in(physician).get(f"/nutrition/orders/{order.pk}/").content.decode()
    assert "<td>4,5 mmol</td>" in text and "<td>80 mmol</td>" in text
    assert "4,500" not in text and "80,000" not in text
