"""The bag's closed loop against the database: weighed at compounding (a failed weighing
kept, the bag not compounded), checked out by its label, started at the bedside after the
wristband and label scans — a refused start keeps its two scans (``BedsideScan``) and its
audit event, every other refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, CorsiaError, PermissionRefused
from corsia.nutrition import services
from corsia.nutrition.models import BagWeighing, BedsideScan, NutritionOrder
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.models import Patient
from corsia.testing.nutrition import (
    NEONATE_LINES,
    TARE_G,
    checked_out,
    exact_gross_g,
    prepared,
    ready_at_bedside,
    validated,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bag(physician: User, pharmacist: User, adult: Patient) -> NutritionOrder:
    """The adult's bag compounded and checked out to the ward."""
    return ready_at_bedside(physician, pharmacist, adult.pk)


def _events() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))


def _start(nurse: User, patient: Patient, order: NutritionOrder, **fields: Any) -> NutritionOrder:
    data: dict[str, Any] = {
        "wristband": wristband_payload(patient.mrn), "label": order.bag_id,
        "rate_ml_h": Decimal("79"), **fields,
    }  # fmt: skip
    return services.order_administer(
        actor=nurse,
        workstation="letto 4",
        patient_id=patient.pk,
        **data,
    )


def test_the_bag_volumes_are_those_of_the_prescription(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    volumes = {p.code: p.volume_ml for p in services.bag_parts(order)}
    assert volumes == {
        "AA_AMINOVEN_10": 1000, "GLU_50": 500, "LIP_SMOFLIPID_20": 250, "NA_CL_2": 40,
        "K_CL_2": 30, "P_GLYCOPHOS": 15, "CA_GLUC_10": 20, "MG_SO4_10": 20, "TE_ADDAVEN": 10,
        "VIT_SOLUVIT_N": 10,
    }  # fmt: skip


def test_a_bag_within_tolerance_is_compounded_with_its_weighing(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = prepared(pharmacist, validated(physician, pharmacist, adult.pk))
    assert order.state == "prepared" and order.prepared_by_id == pharmacist.pk
    weighing = BagWeighing.objects.get(order=order)
    assert weighing.passed and weighing.deviation_g == 0 and weighing.tare_g == TARE_G
    assert (weighing.weighed_by_id, weighing.workstation) == (pharmacist.pk, "farmacia")
    assert "GLU_50" in weighing.densities_to_verify
    event = AuditEvent.objects.filter(event_type="nutrition.order_prepared").get()
    assert event.after is not None and event.after["weighing"]["passed"] is True


def test_a_bag_out_of_tolerance_is_refused_and_its_weighing_kept(
    physician: User, pharmacist: User, neonate: Patient
) -> None:
    order = validated(
        physician, pharmacist, neonate.pk, NEONATE_LINES, route="central", preterm=True
    )
    light = exact_gross_g(order) - Decimal(30)  # a syringe of glucose forgotten
    with pytest.raises(CorsiaError) as refused:
        services.order_prepare(
            actor=pharmacist, workstation="farmacia", order_id=order.pk, expected_version=None,
            gross_g=light, tare_g=TARE_G,
        )  # fmt: skip
    assert (refused.value.code, refused.value.status) == ("gravimetric_out_of_tolerance", 422)
    assert refused.value.details["passed"] is False
    order.refresh_from_db()
    assert (order.state, order.prepared_at) == ("validated", None)
    failed = BagWeighing.objects.get(order=order)
    assert (failed.passed, failed.gross_g, failed.weighed_by_id) == (False, light, pharmacist.pk)
    assert failed.measured_net_g == light - TARE_G
    assert failed.deviation_g == failed.measured_net_g - failed.expected_net_g
    assert _events()[-1] == "nutrition.bag_weighing_failed"
    # weighed again, right: compounded; both weighings stay
    prepared(pharmacist, order)
    assert BagWeighing.objects.filter(order=order).count() == 2


def test_impossible_weights_write_nothing(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    before = _events()
    with pytest.raises(CorsiaError) as refused:
        services.order_prepare(
            actor=pharmacist, workstation=None, order_id=order.pk, expected_version=None,
            gross_g=Decimal(30), tare_g=TARE_G,
        )  # fmt: skip
    assert refused.value.code == "tare_not_below_gross"
    assert not BagWeighing.objects.exists() and _events() == before


def test_only_the_pharmacy_weighs_and_weighings_are_written_once(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    with pytest.raises(PermissionRefused):
        services.order_prepare(
            actor=nurse, workstation=None, order_id=order.pk, expected_version=None,
            gross_g=exact_gross_g(order), tare_g=TARE_G,
        )  # fmt: skip
    prepared(pharmacist, order)
    with pytest.raises(DatabaseError), transaction.atomic():
        BagWeighing.objects.filter(order=order).update(passed=False)


def test_the_check_out_scans_the_label(physician: User, pharmacist: User, adult: Patient) -> None:
    order = validated(physician, pharmacist, adult.pk)
    with pytest.raises(CorsiaError) as refused:
        checked_out(pharmacist, order)
    assert refused.value.code == "bag_not_prepared"
    order = checked_out(pharmacist, prepared(pharmacist, order))
    assert order.checked_out_by_id == pharmacist.pk and order.checked_out_at is not None
    assert _events()[-1] == "nutrition.bag_checked_out"
    with pytest.raises(ConflictError) as again:
        checked_out(pharmacist, order)
    assert again.value.code == "bag_already_checked_out"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("PZ00001234", "label_unreadable"),
        ("NPT-999999999", "bag_unknown"),
        ("NPT-1\x00", "scan_malformed"),
        ("", "scan_malformed"),
        ("N" * 65, "scan_malformed"),
    ],
)
def test_a_check_out_of_no_bag_is_refused(pharmacist: User, label: str, code: str) -> None:
    with pytest.raises(CorsiaError) as refused:
        services.order_check_out(actor=pharmacist, workstation=None, label=label)
    assert refused.value.code == code


def test_an_expired_bag_does_not_leave_the_pharmacy(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = prepared(pharmacist, validated(physician, pharmacist, adult.pk))
    NutritionOrder.objects.filter(pk=order.pk).update(
        prepared_at=timezone.now() - timedelta(hours=25)
    )
    with pytest.raises(CorsiaError) as refused:
        checked_out(pharmacist, order)
    assert refused.value.code == "bag_expired"


def test_the_bag_is_started_after_the_two_scans(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    order = _start(nurse, adult, order, label=f" {order.bag_id.lower()} ")
    assert (order.state, order.administered_by_id, order.rate_ml_h) == (
        "administered", nurse.pk, Decimal("79.0"),
    )  # fmt: skip
    assert (order.wristband_scan, order.label_scan) == (f"PZ{adult.mrn}", order.bag_id)
    event = AuditEvent.objects.filter(event_type="nutrition.order_administered").get()
    assert event.after is not None and event.after["rate_ml_h"] == "79.0"
    assert event.workstation == "letto 4"
    with pytest.raises(CorsiaError) as again:
        _start(nurse, adult, order)
    assert again.value.code == "bag_not_prepared"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"wristband": "PZ\x001234"}, "scan_malformed"),
        ({"wristband": "NPT-1"}, "wristband_unreadable"),
        ({"label": "PRP000000001"}, "label_unreadable"),
        ({"label": "NPT-1\x00"}, "scan_malformed"),
        ({"label": "NPT-999999999"}, "bag_unknown"),
        ({"rate_ml_h": Decimal(0)}, "rate_out_of_range"),
        ({"rate_ml_h": Decimal("1e308")}, "rate_out_of_range"),
        ({"rate_ml_h": None}, "rate_out_of_range"),
    ],
)
def test_a_bad_scan_starts_nothing(
    nurse: User, adult: Patient, bag: NutritionOrder, fields: dict[str, object], code: str
) -> None:
    order = bag
    before = _events()
    with pytest.raises(CorsiaError) as refused:
        _start(nurse, adult, order, **fields)
    assert (refused.value.code, refused.value.status) == (code, 422)
    order.refresh_from_db()
    assert order.state == "prepared" and order.rate_ml_h is None
    # the refused start: its two scans kept with the code, and one audit event
    assert _events() == [*before, "nutrition.bedside_refused"]
    kept = BedsideScan.objects.filter(patient=adult).order_by("kind")
    assert [(s.kind, s.outcome, s.code) for s in kept] == [
        ("label", "refused", code), ("wristband", "refused", code),
    ]  # fmt: skip


def test_another_patients_wristband_or_bag_starts_nothing(
    physician: User, pharmacist: User, nurse: User, adult: Patient, neonate: Patient
) -> None:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    with pytest.raises(CorsiaError) as wristband:
        _start(nurse, adult, order, wristband=wristband_payload(neonate.mrn))
    assert wristband.value.code == "wristband_wrong_patient"
    with pytest.raises(CorsiaError) as bag:
        # at the neonate's bedside, the neonate's wristband, the adult's bag
        _start(nurse, neonate, order)
    assert bag.value.code == "bag_wrong_patient"
    order.refresh_from_db()
    assert order.state == "prepared"


def test_a_bag_not_checked_out_or_expired_starts_nothing(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = prepared(pharmacist, validated(physician, pharmacist, adult.pk))
    with pytest.raises(CorsiaError) as refused:
        _start(nurse, adult, order)
    assert refused.value.code == "bag_not_checked_out"
    checked_out(pharmacist, order)
    NutritionOrder.objects.filter(pk=order.pk).update(
        prepared_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    with pytest.raises(CorsiaError) as expired:
        _start(nurse, adult, order)
    assert expired.value.code == "bag_expired"


def test_only_nurses_start_the_bag(physician: User, pharmacist: User, adult: Patient) -> None:
    order = ready_at_bedside(physician, pharmacist, adult.pk)
    for actor in (physician, pharmacist):
        with pytest.raises(PermissionRefused):
            _start(actor, adult, order)
    order.refresh_from_db()
    assert order.state == "prepared"
