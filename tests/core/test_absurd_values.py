"""Issue 26: absurd values accepted — orders starting in 1960, measures dated year 0001,
``true`` read as patient id 1 and ``" 5 "`` as 5, non-object JSON bodies, blind edits without
``expected_version``. docs/security.md, section 10."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.audit.models import AuditEvent
from corsia.core.domain.clinical_time import (
    MEASUREMENT,
    THERAPY_START,
    check_clinical_date,
    check_clinical_time,
)
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing.models import Measurement
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


def _api(make_user: MakeUser, role: Role) -> Client:
    key, _ = token_issue(user=make_user(role))
    return Client(headers={"Authorization": f"Bearer {key}"})


def _patient(make_user: MakeUser, born: date = date(1985, 12, 10)) -> Patient:
    # a foreigner's STP code: the birth date is free (a codice fiscale encodes it)
    return patient_registered(
        make_user(Role.COORDINATOR),
        date_of_birth=born,
        codice_fiscale="",
        stp_eni_code="STP0300000012345",
    )


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


# --- the clinical windows (pure) -------------------------------------------------------------


def test_therapy_start_within_a_year_either_way() -> None:
    for ok in (TODAY, TODAY - timedelta(days=366), TODAY + timedelta(days=366)):
        check_clinical_date(ok, today=TODAY, window=THERAPY_START, field="start_date")
    with pytest.raises(ValidationFailed) as old:
        check_clinical_date(date(1960, 1, 1), today=TODAY, window=THERAPY_START, field="start_date")
    assert (old.value.code, old.value.field) == ("date_too_far_in_past", "start_date")
    with pytest.raises(ValidationFailed) as far:
        check_clinical_date(
            TODAY + timedelta(days=367), today=TODAY, window=THERAPY_START, field="start_date"
        )
    assert far.value.code == "date_too_far_in_future"
    assert "dell'inizio della terapia" in far.value.message


def test_a_measure_is_never_in_the_future_beyond_clock_skew_nor_before_birth() -> None:
    check_clinical_time(NOW + timedelta(minutes=4), now=NOW, window=MEASUREMENT, field="m")
    with pytest.raises(ValidationFailed) as future:
        check_clinical_time(NOW + timedelta(minutes=6), now=NOW, window=MEASUREMENT, field="m")
    assert future.value.code == "date_too_far_in_future"
    with pytest.raises(ValidationFailed) as year_one:
        check_clinical_time(
            datetime(1, 1, 1, tzinfo=UTC), now=NOW, window=MEASUREMENT, field="measured_at"
        )
    assert year_one.value.code == "date_too_far_in_past"
    with pytest.raises(ValidationFailed) as unborn:
        check_clinical_time(
            NOW - timedelta(days=40),
            now=NOW,
            window=MEASUREMENT,
            field="measured_at",
            born=TODAY - timedelta(days=30),
        )
    assert (unborn.value.code, unborn.value.field) == ("date_before_birth", "measured_at")
    assert "della misura" in unborn.value.message


# --- dates through the API -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "code"),
    [("1960-01-01", "date_too_far_in_past"), ("2090-06-01", "date_too_far_in_future")],
)
def test_order_starting_in_1960_or_2090_is_refused(
    make_user: MakeUser, start: str, code: str
) -> None:
    patient = _patient(make_user)
    client = _api(make_user, Role.PHYSICIAN)
    written = AuditEvent.objects.count()
    response = _post(
        client,
        "/api/v1/orders",
        {"patient_id": patient.pk, "regimen_version_id": 1, "start_date": start},
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["field"]) == (code, "start_date")
    assert AuditEvent.objects.count() == written


@pytest.mark.parametrize(
    ("measured_at", "code"),
    [
        ("0001-01-01T00:00:00+00:00", "date_too_far_in_past"),
        ("2999-01-01T00:00:00+00:00", "date_too_far_in_future"),
    ],
)
def test_measure_dated_year_0001_or_in_the_future_is_refused(
    make_user: MakeUser, measured_at: str, code: str
) -> None:
    patient = _patient(make_user)
    response = _post(
        _api(make_user, Role.PHYSICIAN),
        "/api/v1/measurements",
        {"patient_id": patient.pk, "kind": "weight_kg", "value": "70", "measured_at": measured_at},
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, "measured_at")
    assert not Measurement.objects.exists()


def test_measure_before_the_patients_birth_is_refused(make_user: MakeUser) -> None:
    newborn = _patient(make_user, born=timezone.localdate() - timedelta(days=10))
    response = _post(
        _api(make_user, Role.PHYSICIAN),
        "/api/v1/measurements",
        {
            "patient_id": newborn.pk,
            "kind": "weight_kg",
            "value": "3.2",
            "measured_at": (timezone.now() - timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "date_before_birth"
    assert not Measurement.objects.exists()


# --- strict whole numbers --------------------------------------------------------------------


@pytest.mark.parametrize("patient_id", [True, " {id} ", "+{id}", "{id}.0", 1.0, "0{id}"])
def test_true_or_a_padded_string_is_not_a_patient_id(make_user: MakeUser, patient_id: Any) -> None:
    patient = _patient(make_user)
    value = patient_id.format(id=patient.pk) if isinstance(patient_id, str) else patient_id
    response = _post(
        _api(make_user, Role.PHYSICIAN),
        "/api/v1/measurements",
        {"patient_id": value, "kind": "weight_kg", "value": "70"},
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "validation_failed",
        "patient_id",
    )
    assert not Measurement.objects.exists()


def test_a_plain_whole_number_as_a_string_still_reads(make_user: MakeUser) -> None:
    patient = _patient(make_user)
    response = _post(
        _api(make_user, Role.PHYSICIAN),
        "/api/v1/measurements",
        {"patient_id": str(patient.pk), "kind": "weight_kg", "value": "70"},
    )
    assert response.status_code == 201, response.content


def test_a_boolean_or_padded_query_integer_is_refused(make_user: MakeUser) -> None:
    client = _api(make_user, Role.PHARMACIST)
    for days in ("true", " 5 ", "5.0"):
        response = client.get("/api/v1/inventory/lots/expiring", {"days": days})
        assert response.status_code == 422, (days, response.content)
        assert response.json()["field"] == "days"


# --- every body is a JSON object ---------------------------------------------------------------


@pytest.mark.parametrize("body", [[], [1, 2], 5, "x", None, True])
@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.PHARMACIST, "/api/v1/compounding/preparations/1/complete"),
        (Role.PHARMACIST, "/api/v1/compounding/vials/plan"),
        (Role.PHYSICIAN, "/api/v1/orders/1/transitions"),
        (Role.PHYSICIAN, "/api/v1/measurements"),
    ],
)
def test_non_object_json_body_is_refused(
    make_user: MakeUser, role: Role, path: str, body: Any
) -> None:
    client = _api(make_user, role)
    written = AuditEvent.objects.count()
    response = _post(client, path, body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "body_not_object"
    assert AuditEvent.objects.count() == written


# --- expected_version is required on every edit ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "path", "body"),
    [
        (Role.PHYSICIAN, "/api/v1/orders/1/transitions", {"event": "confirm"}),
        (Role.PHYSICIAN, "/api/v1/orders/1/items/1/adjust", {"reduction_percent": "10", "reason": "x"}),
        (Role.PHYSICIAN, "/api/v1/orders/1/recalculate", {}),
        (Role.NURSE, "/api/v1/administration/administrations/1/end", {}),
        (Role.NURSE, "/api/v1/administration/administrations/1/interrupt", {"volume_given_ml": "1", "reason": "x"}),
        (Role.COORDINATOR, "/api/v1/patients/encounters/1/discharge", {}),
    ],
)  # fmt: skip
def test_blind_edit_without_expected_version_is_refused(
    make_user: MakeUser, role: Role, path: str, body: dict[str, Any]
) -> None:
    client = _api(make_user, role)
    written = AuditEvent.objects.count()
    response = _post(client, path, body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "expected_version_required"
    assert AuditEvent.objects.count() == written


# --- inventory's bounded inputs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        {"quantity": True, "unit_cost": "1"},
        {"quantity": " 5 ", "unit_cost": "1"},
        {"quantity": 10**12, "unit_cost": "1"},
        {"quantity": 5, "unit_cost": 1e308},
        {"quantity": 5, "unit_cost": "NaN"},
    ],
)
def test_inventory_load_refuses_unbounded_numbers(
    make_user: MakeUser, line: dict[str, Any]
) -> None:
    client = _api(make_user, Role.PHARMACIST)
    written = AuditEvent.objects.count()
    response = _post(
        client,
        "/api/v1/inventory/loads",
        {
            "supplier": "Fornitore",
            "document_number": "DDT-1",
            "document_date": "2026-03-01",
            "location": "FARM",
            "lines": [{"product": "P1", "lot": "L1", "expiry": "2027-01-01", **line}],
        },
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_failed"
    assert AuditEvent.objects.count() == written


# --- dates as ISO text only (pydantic's lax mode reads numbers as Unix timestamps) ---------


@pytest.mark.parametrize("raw", [0, -0.0, "-0.0", 1_700_000_000, "1700000000", "0", True])
def test_a_number_is_not_a_date(raw: object) -> None:
    from pydantic import TypeAdapter, ValidationError

    from corsia.core.schemas import AwareDatetime, IsoDate, IsoDatetime, TherapyStartDate

    for kind in (IsoDate, IsoDatetime, AwareDatetime, TherapyStartDate):
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(raw)


def test_iso_text_still_reads_as_a_date_and_a_time() -> None:
    from pydantic import TypeAdapter

    from corsia.core.schemas import AwareDatetime, IsoDate

    assert TypeAdapter(IsoDate).validate_python("2026-12-03") == date(2026, 12, 3)
    assert TypeAdapter(AwareDatetime).validate_python("2026-03-01T10:00:00+00:00") == NOW


@pytest.mark.django_db
def test_home_therapy_started_on_minus_zero_is_refused_not_1970(make_user: MakeUser) -> None:
    # found by the bad-input corpus: "-0.0" was a home therapy started on 1970-01-01
    patient = _patient(make_user)
    client = _api(make_user, Role.PHYSICIAN)
    body = {"drug": "Capecitabina", "dose": "1000 mg", "frequency": "2 volte al giorno"}
    answer = _post(
        client, f"/api/v1/patients/{patient.pk}/home-therapy", {**body, "started_on": "-0.0"}
    )
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    assert "started_on" in answer.content.decode()
    assert client.get(f"/api/v1/patients/{patient.pk}/home-therapy").json() == []
