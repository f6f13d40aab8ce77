"""CPIC's three days a week for a TPMT poor metaboliser on mercaptopurine through the API
(``POST /api/v1/orders/{id}/pgx/thrice-weekly``): the page's service, permission and codes —
the proposal without confirmation (nothing written), applied on confirmation, refused to
whoever may not prescribe, bad input, a second apply, and not on a signed order.

AIEOP-BFM protocol M from Monday 7 December 2026: mercaptopurine days 1–56, eight whole
weeks: Monday, Wednesday, Friday kept (8 × 3 = 24), the other 32 skipped."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, api_client, post_json
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import THIOPURINE_TEXTS, pgx_marker
from corsia.testing.prescribing import library_version

pytestmark = pytest.mark.django_db
START = date(2026, 12, 7)  # a Monday
REASON = "Protocollo M: dose e frequenza decise con l'ematologo"


def _protocol_m(physician: User, patient: Patient, make_user: MakeUser) -> TherapyOrder:
    """A TPMT poor, NUDT15 normal patient on protocol M (created with the override reason)."""
    pgx_marker(
        "mercaptopurine",
        gene="TPMT",
        phenotype="NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer",
        text=THIOPURINE_TEXTS["mercaptopurine TPMT PM"],
    )
    for gene, phenotype in (("TPMT", "poor_metabolizer"), ("NUDT15", "normal_metabolizer")):
        pgx_recorded(physician, patient.pk, gene=gene, phenotype=phenotype, activity_score=None)
    version = library_version(
        "AIEOP-BFM-M", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
        pgx_override_reason=REASON,
    )


def _url(order: TherapyOrder) -> str:
    return f"/api/v1/orders/{order.pk}/pgx/thrice-weekly"


def _skipped(order: TherapyOrder) -> int:
    return order.items.filter(ingredient__code="mercaptopurine", status="skipped").count()


def _body(order: TherapyOrder, **fields: Any) -> dict[str, Any]:
    order.refresh_from_db()
    ingredient_id = order.items.filter(ingredient__code="mercaptopurine")[0].ingredient_id
    return {"ingredient_id": ingredient_id, "expected_version": order.version, **fields}


def test_the_proposal_then_the_confirmed_apply_then_a_second_apply(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    order = _protocol_m(physician, patient, make_user)
    client = api_client(physician)

    # without confirmation: 422 with the proposal, nothing written
    status, body = post_json(client, _url(order), _body(order))
    assert (status, body["code"]) == (422, "pgx_thrice_weekly_confirm")
    assert body["detail"].startswith("Proposta: 24 giorni mantenuti (lunedì, mercoledì, ")
    assert len(body["details"]["keep"]) == 24
    assert body["details"]["skip"][:2] == ["2026-12-08", "2026-12-10"]
    assert _skipped(order) == 0

    # confirmed: 32 lines skipped, the kept days all Monday, Wednesday or Friday
    status, body = post_json(client, _url(order), _body(order, confirmed=True))
    assert status == 200, body
    order.refresh_from_db()
    assert (body["order_id"], body["version"]) == (order.pk, order.version)
    assert (len(body["kept"]), len(body["skipped"])) == (24, 32)
    assert body["kept"][0]["date"] == "2026-12-07"
    assert {date.fromisoformat(d["date"]).weekday() for d in body["kept"]} == {0, 2, 4}
    assert body["summary"].endswith("32 giorni saltati")
    assert _skipped(order) == 32
    event = AuditEvent.objects.filter(
        event_type="prescribing.item_status", target_id=str(order.pk)
    ).latest("pk")
    assert event.actor_id == physician.pk and event.after is not None
    assert len(event.after["items"]) == 32

    # a second apply: already three days a week, nothing more
    status, body = post_json(client, _url(order), _body(order, confirmed=True))
    assert (status, body["code"]) == (422, "pgx_thrice_weekly_already")
    assert _skipped(order) == 32


def test_refused_to_whoever_may_not_prescribe_and_nothing_written(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    order = _protocol_m(physician, patient, make_user)
    for role in (Role.PHARMACIST, Role.NURSE):
        status, body = post_json(
            api_client(make_user(role)), _url(order), _body(order, confirmed=True)
        )
        assert status == 403, (role, body)
    assert _skipped(order) == 0


def test_bad_input_is_a_problem_and_changes_nothing(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    order = _protocol_m(physician, patient, make_user)
    client = api_client(physician)
    good = _body(order, confirmed=True)
    other_drug = order.items.exclude(ingredient__code="mercaptopurine")[0].ingredient_id
    cases: list[tuple[dict[str, Any], int, str | None]] = [
        ({**good, "ingredient_id": "abc"}, 422, None),
        ({**good, "ingredient_id": 0}, 422, None),
        ({k: v for k, v in good.items() if k != "expected_version"}, 422, None),
        ({**good, "expected_version": 10**12}, 422, None),
        ({**good, "ingredient_id": other_drug}, 422, "pgx_no_thrice_weekly"),
        ({**good, "expected_version": good["expected_version"] - 1}, 409, "stale_version"),
    ]
    for payload, expected, code in cases:
        status, body = post_json(client, _url(order), payload)
        assert status == expected, (payload, body)
        assert body["type"] or body["code"]
        if code is not None:
            assert body["code"] == code, body
    status, body = post_json(client, "/api/v1/orders/999999999/pgx/thrice-weekly", good)
    assert status == 404, body
    assert _skipped(order) == 0


def test_a_confirmed_order_is_not_edited_in_place(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # the proposal edits the order's lines: once confirmed (signed), the order is frozen
    order = _protocol_m(physician, patient, make_user)
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="confirm")
    status, body = post_json(api_client(physician), _url(order), _body(order, confirmed=True))
    assert (status, body["code"]) == (409, "order_frozen"), body
    assert _skipped(order) == 0


def test_the_operation_is_in_the_openapi_document(physician: User) -> None:
    schema = api_client(physician).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/orders/{order_id}/pgx/thrice-weekly"]["post"]
    assert "pgx_thrice_weekly_confirm" in operation["description"]
    assert {"200", "403", "409", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ThriceWeeklyIn")
