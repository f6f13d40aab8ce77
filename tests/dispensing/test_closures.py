"""A therapy plan closed early and a delegation revoked: a reason, an audit event, nothing
changed nor deleted; from then on nothing is dispensed under the plan and the delegate no
longer collects (API and pages, the same permission)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from corsia.audit.models import AuditEvent
from corsia.dispensing import services
from corsia.dispensing.models import Delegation, Dispensing, PlanClosure, TherapyPlan
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.dispensing import Desk, held, pack_code
from corsia.testing.inventory import assert_stock_matches_movements

pytestmark = pytest.mark.django_db
API = "/api/v1/dispensing"


@pytest.fixture
def planned(desk: Desk) -> tuple[Desk, TherapyPlan, Delegation]:
    today = timezone.localdate()
    desk.load(desk.capecitabine, "L-A", today + timedelta(days=400), 240)
    plan = services.plan_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=services.PlanInput(
            prescriber_id=desk.physician.pk, product_code=desk.capecitabine.code,
            daily_units=Decimal(4), valid_from=today, valid_to=today + timedelta(days=59),
        ),
        now=timezone.now(),
    )  # fmt: skip
    delegation = services.delegation_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=services.DelegationInput(
            delegate_name="Lucia Rossi", delegate_fiscal_code="RSSLCU60A41A562Q",
            identity_document="CI CA12345AB", valid_from=today,
            valid_to=today + timedelta(days=90),
        ),
        now=timezone.now(),
    )  # fmt: skip
    return desk, plan, delegation


def _dispense(desk: Desk, **fields: object) -> tuple[int, Any]:
    body = {
        "patient_code": desk.patient.codice_fiscale, "prescriber_id": desk.physician.pk,
        "scans": [pack_code(desk.packs["cape"])], "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code, **fields,
    }  # fmt: skip
    return post_json(
        api_client(desk.pharmacist), f"{API}/patients/{desk.patient.pk}/dispensings", body
    )


def test_a_closed_plan_dispenses_nothing_more(
    planned: tuple[Desk, TherapyPlan, Delegation],
) -> None:
    desk, plan, _ = planned
    client = api_client(desk.pharmacist)
    # without a reason: refused, nothing written
    status, body = post_json(client, f"{API}/plans/{plan.pk}/close", {"reason": "  "})
    assert (status, body["code"]) == (422, "reason_required")
    status, body = post_json(
        client, f"{API}/plans/{plan.pk}/close", {"reason": "Progressione: terapia sospesa"}
    )
    assert status == 200, body
    assert (body["closed_on"], body["close_reason"]) == (
        timezone.localdate().isoformat(), "Progressione: terapia sospesa",
    )  # fmt: skip
    assert (body["valid_today"], body["remaining_units"]) == (False, 0)
    event = AuditEvent.objects.get(event_type="dispensing.plan_closed")
    assert event.reason == "Progressione: terapia sospesa"
    # the plan itself is unchanged
    plan.refresh_from_db()
    assert plan.valid_to == timezone.localdate() + timedelta(days=59)
    status, body = post_json(client, f"{API}/plans/{plan.pk}/close", {"reason": "di nuovo"})
    assert (status, body["code"]) == (409, "plan_already_closed")
    status, body = _dispense(desk, kind="plan", plan_id=plan.pk)
    assert (status, body["code"]) == (409, "plan_closed")
    assert "è stato chiuso il" in body["detail"]
    assert Dispensing.objects.count() == 0
    assert held(desk.capecitabine) == 240
    assert_stock_matches_movements()


def test_a_revoked_delegation_no_longer_collects(
    planned: tuple[Desk, TherapyPlan, Delegation],
) -> None:
    desk, _, delegation = planned
    client = api_client(desk.pharmacist)
    status, body = post_json(
        client, f"{API}/delegations/{delegation.pk}/revoke", {"reason": "Revocata dal paziente"}
    )
    assert status == 200, body
    assert body["revoked_on"] == timezone.localdate().isoformat()
    assert AuditEvent.objects.filter(event_type="dispensing.delegation_revoked").count() == 1
    status, body = post_json(client, f"{API}/delegations/{delegation.pk}/revoke", {"reason": "x"})
    assert (status, body["code"]) == (409, "delegation_already_revoked")
    status, body = _dispense(
        desk, kind="discharge", product_code=desk.capecitabine.code, daily_units="4",
        collected_by="delegate", delegation_id=delegation.pk,
    )  # fmt: skip
    assert (status, body["code"]) == (422, "delegation_invalid")
    assert held(desk.capecitabine) == 240
    assert Delegation.objects.get().valid_to == timezone.localdate() + timedelta(days=90)
    assert_stock_matches_movements()


def test_the_patient_page_closes_and_revokes_with_a_reason(
    planned: tuple[Desk, TherapyPlan, Delegation],
) -> None:
    desk, plan, delegation = planned
    client = logged_in(desk.pharmacist)
    base = f"/dispensing/patients/{desk.patient.pk}/"
    page = client.get(base).content.decode()
    assert f'action="/dispensing/plans/{plan.pk}/close/"' in page
    # no reason: the Italian refusal comes back as a message, nothing closed
    response = client.post(
        f"/dispensing/plans/{plan.pk}/close/", {"patient": desk.patient.pk, "reason": ""},
        follow=True,
    )  # fmt: skip
    assert "Indica il motivo." in response.content.decode()
    assert not PlanClosure.objects.exists()
    response = client.post(
        f"/dispensing/plans/{plan.pk}/close/",
        {"patient": desk.patient.pk, "reason": "Cambio di terapia"},
    )
    assert response.status_code == 302 and response["Location"] == base
    response = client.post(
        f"/dispensing/delegations/{delegation.pk}/revoke/",
        {"patient": desk.patient.pk, "reason": "Il paziente ritira da sé"},
    )
    assert response.status_code == 302
    page = client.get(base).content.decode()
    assert "Cambio di terapia" in page and "Il paziente ritira da sé" in page
    assert f'data-testid="plan-remaining-{plan.pk}"><strong>0</strong>' in page
    # the physician reads the page but may not close nor revoke
    physician = logged_in(desk.physician)
    assert physician.post(f"/dispensing/plans/{plan.pk}/close/", {"reason": "x"}).status_code == 403
