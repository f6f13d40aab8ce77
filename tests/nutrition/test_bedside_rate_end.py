"""The bedside beyond the scans: the pump's rate against the label's, the scans of a
refused start kept, and the end of the infusion.

Hand figures (the adult example, ADULT_EXAMPLE): 1895 mL over 24 h, the label's rate
1895 / 24 = 78.958… → 79.0 mL/h. With CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT = 5
the allowance is 79.0 × 5 / 100 = 3.95 mL/h: 75.1 and 82.9 mL/h pass (|−3.9|, |3.9| ≤
3.95), 75.0 and 83.0 are refused (4.0 > 3.95).
The end: the bag's volume 1895 mL, 5 % of it 94.75 mL: below 1895 − 94.75 = 1800.25 mL the
bag was stopped early (a reason is required; 1800.2 needs one, 1800.3 does not); above
1895 + 94.75 = 1989.75 mL (1989.8) it is refused, 1989.7 is accepted."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client, override_settings
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.nutrition import services
from corsia.nutrition.domain.bedside import end_verdict, rate_matches
from corsia.nutrition.models import BedsideScan, NutritionOrder
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in
from corsia.testing.nutrition import prepared, ready_at_bedside, validated

pytestmark = pytest.mark.django_db
BASE = "/api/v1/nutrition"


def _start(nurse: User, patient: Patient, order: NutritionOrder, **fields: Any) -> NutritionOrder:
    data: dict[str, Any] = {
        "wristband": wristband_payload(patient.mrn), "label": order.bag_id,
        "rate_ml_h": Decimal("79"), **fields,
    }  # fmt: skip
    return services.order_administer(
        actor=nurse, workstation="letto 4", patient_id=patient.pk, **data
    )


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(BASE + url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("pump", "passes"),
    [("75.0", False), ("75.1", True), ("79.0", True), ("82.9", True), ("83.0", False)],
)
def test_the_rate_window_by_hand(pump: str, passes: bool) -> None:
    verdict = rate_matches(
        pump_ml_h=Decimal(pump), label_rate_ml_h=Decimal("79.0"), tolerance_percent=Decimal(5)
    )
    assert verdict is passes


def test_the_end_window_by_hand() -> None:
    def verdict(ml: str) -> tuple[bool, bool]:
        v = end_verdict(
            infused_ml=Decimal(ml), bag_volume_ml=Decimal(1895), tolerance_percent=Decimal(5)
        )
        return v.early, v.too_much

    assert verdict("1800.2") == (True, False)
    assert verdict("1800.3") == (False, False)
    assert verdict("1989.7") == (False, False)
    assert verdict("1989.8") == (False, True)


def test_a_pump_rate_off_the_label_is_refused_and_its_scans_kept(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    assert services.bag_label_rate(order) == Decimal("79.0")
    with pytest.raises(CorsiaError) as refused:
        _start(nurse, adult, order, rate_ml_h=Decimal("83.0"))
    assert (refused.value.code, refused.value.status) == ("pump_rate_mismatch", 422)
    assert refused.value.details["label_rate_ml_h"] == "79.0"
    assert Decimal(refused.value.details["allowed_ml_h"]) == Decimal("3.95")  # 79.0 × 5 / 100
    assert "(79,0 mL/h, tolleranza ±5 %)" in refused.value.message  # Italian decimals
    order.refresh_from_db()
    assert order.state == "prepared" and order.rate_ml_h is None
    scans = list(BedsideScan.objects.filter(patient=adult).order_by("id"))
    assert [(s.kind, s.outcome, s.code) for s in scans] == [
        ("wristband", "refused", "pump_rate_mismatch"),
        ("label", "refused", "pump_rate_mismatch"),
    ]
    assert scans[1].raw == order.bag_id and scans[1].order_id == order.pk
    assert scans[0].rate_ml_h == Decimal("83.0") and scans[0].nurse_id == nurse.pk
    assert scans[0].workstation == "letto 4"
    event = AuditEvent.objects.get(event_type="nutrition.bedside_refused")
    assert event.patient_id == adult.pk and event.after is not None
    assert event.after["code"] == "pump_rate_mismatch"
    started = _start(nurse, adult, order, rate_ml_h=Decimal("82.9"))
    assert started.state == "administered" and started.rate_ml_h == Decimal("82.9")
    accepted = BedsideScan.objects.filter(patient=adult, outcome="accepted")
    assert sorted(accepted.values_list("kind", flat=True)) == ["label", "wristband"]


@override_settings(CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT="10")
def test_the_tolerance_is_a_setting(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    # 79.0 × 10 / 100 = 7.9: 86.9 passes
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    assert _start(nurse, adult, order, rate_ml_h=Decimal("86.9")).state == "administered"


def test_scans_are_kept_written_once_and_a_nul_byte_is_kept_readable(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    with pytest.raises(CorsiaError) as refused:
        _start(nurse, adult, order, label="NPT-1\x00", rate_ml_h=Decimal("1e308"))
    assert refused.value.code == "scan_malformed"
    label = BedsideScan.objects.get(kind="label")
    assert (label.raw, label.rate_ml_h, label.order_id) == ("NPT-1?", None, None)
    with pytest.raises(DatabaseError), transaction.atomic():
        BedsideScan.objects.filter(pk=label.pk).update(code="")
    with pytest.raises(DatabaseError), transaction.atomic():
        BedsideScan.objects.filter(pk=label.pk).delete()


def test_no_patient_no_scan(nurse: User, physician: User) -> None:
    with pytest.raises(CorsiaError) as refused:
        services.order_administer(
            actor=nurse, workstation=None, patient_id=999999, wristband="PZ1", label="NPT-1",
            rate_ml_h=Decimal(79),
        )  # fmt: skip
    assert refused.value.status == 404
    assert not BedsideScan.objects.exists()
    with pytest.raises(CorsiaError):
        services.order_administer(
            actor=physician, workstation=None, patient_id=999999, wristband="PZ1",
            label="NPT-1", rate_ml_h=Decimal(79),
        )  # fmt: skip
    assert not BedsideScan.objects.exists()


def _end(nurse: User, order: NutritionOrder, **fields: Any) -> NutritionOrder:
    data: dict[str, Any] = {"ended_at": None, "infused_ml": Decimal(1895), **fields}
    return services.order_end(actor=nurse, workstation="letto 4", order_id=order.pk, **data)


@pytest.fixture
def running(physician: User, pharmacist: User, nurse: User, adult: Patient) -> NutritionOrder:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    return _start(nurse, adult, order)


def test_the_end_is_recorded_once(nurse: User, running: NutritionOrder) -> None:
    ended = _end(nurse, running, infused_ml=Decimal("1800.3"))
    assert (ended.infused_ml, ended.ended_by_id, ended.end_reason) == (
        Decimal("1800.3"), nurse.pk, ""
    )  # fmt: skip
    assert ended.ended_at is not None and ended.state == "administered"
    event = AuditEvent.objects.get(event_type="nutrition.infusion_ended")
    assert event.after is not None and event.after["early"] is False
    assert Decimal(event.after["bag_volume_ml"]) == Decimal(1895)
    with pytest.raises(CorsiaError) as twice:
        _end(nurse, running)
    assert (twice.value.code, twice.value.status) == ("infusion_already_ended", 409)
    with pytest.raises(DatabaseError), transaction.atomic():
        NutritionOrder.objects.filter(pk=running.pk).update(infused_ml=Decimal(1))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"infused_ml": Decimal("1800.2")}, "end_reason_required"),
        ({"infused_ml": Decimal("1989.8")}, "infused_volume_above_bag"),
        ({"infused_ml": Decimal("-1")}, "infused_volume_out_of_range"),
        ({"infused_ml": Decimal("1e308")}, "infused_volume_out_of_range"),
        ({"infused_ml": None}, "infused_volume_out_of_range"),
        ({"reason": "occluso\x00"}, "reason_invalid"),
    ],
)
def test_bad_ends_write_nothing(
    nurse: User, running: NutritionOrder, fields: dict[str, Any], code: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(CorsiaError) as refused:
        _end(nurse, running, **fields)
    assert (refused.value.code, refused.value.status) == (code, 422)
    running.refresh_from_db()
    assert running.ended_at is None and AuditEvent.objects.count() == before


def test_an_early_stop_with_its_reason(nurse: User, running: NutritionOrder) -> None:
    ended = _end(nurse, running, infused_ml=Decimal("1200"), reason="CVC occluso")
    assert (ended.infused_ml, ended.end_reason) == (Decimal("1200.0"), "CVC occluso")
    assert AuditEvent.objects.get(event_type="nutrition.infusion_ended").reason == "CVC occluso"


def test_no_end_before_the_start_nor_in_the_future_nor_unstarted(
    physician: User, pharmacist: User, nurse: User, adult: Patient, running: NutritionOrder
) -> None:
    assert running.administered_at is not None
    with pytest.raises(CorsiaError) as early:
        _end(nurse, running, ended_at=running.administered_at - timedelta(minutes=1))
    assert early.value.code == "end_before_start"
    with pytest.raises(CorsiaError) as future:
        _end(nurse, running, ended_at=timezone.now() + timedelta(hours=1))
    assert future.value.code == "end_in_future"
    waiting = prepared(pharmacist, validated(physician, pharmacist, adult.pk))
    with pytest.raises(CorsiaError) as unstarted:
        _end(nurse, waiting)
    assert (unstarted.value.code, unstarted.value.status) == ("nutrition_order_wrong_state", 409)
    with pytest.raises(CorsiaError) as pharmacy:
        _end(pharmacist, running)
    assert pharmacy.value.status == 403


def test_the_end_through_the_api_and_the_page(
    physician: User, pharmacist: User, nurse: User, adult: Patient, running: NutritionOrder
) -> None:
    ward = logged_in(nurse)
    bad = _post(ward, f"/orders/{running.pk}/end", {"infused_ml": 1e308})
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    nul = _post(ward, f"/orders/{running.pk}/end", {"infused_ml": 100, "reason": "x\u0000"})
    assert nul.status_code in (400, 422)
    short = _post(ward, f"/orders/{running.pk}/end", {"infused_ml": 1000})
    assert (short.status_code, short.json()["code"]) == (422, "end_reason_required")
    assert (
        _post(logged_in(pharmacist), f"/orders/{running.pk}/end", {"infused_ml": 1895}).status_code
        == 403
    )
    done = _post(ward, f"/orders/{running.pk}/end", {"infused_ml": 1000, "reason": "febbre"})
    assert done.status_code == 200, done.content
    assert (done.json()["infused_ml"], done.json()["end_reason"]) == ("1000.0", "febbre")
    again = _post(ward, f"/orders/{running.pk}/end", {"infused_ml": 1000, "reason": "febbre"})
    assert (again.status_code, again.json()["code"]) == (409, "infusion_already_ended")
    # the page: a second running bag
    other = _start(nurse, adult, ready_at_bedside(physician, pharmacist, adult.pk))
    page = ward.get(f"/nutrition/patients/{adult.pk}/bedside/")
    assert f'data-testid="running-{other.pk}"'.encode() in page.content
    assert f'data-testid="running-{running.pk}"'.encode() not in page.content
    url = f"/nutrition/patients/{adult.pk}/bedside/end/{other.pk}/"
    refused = ward.post(url, {"infused_ml": "2500"})
    assert refused.status_code == 422 and b"infused_volume_above_bag" in refused.content
    ended = ward.post(url, {"infused_ml": "1895", "ended_at": ""})
    assert ended.status_code == 302
    other.refresh_from_db()
    assert other.infused_ml == Decimal("1895.0")
    assert b'data-testid="ended"' in ward.get(f"/nutrition/orders/{other.pk}/").content
    assert ward.post(f"/nutrition/patients/{adult.pk}/bedside/end/999999/", {}).status_code == 404
