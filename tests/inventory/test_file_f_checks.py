"""The File F record checks, field by field (pure): a record failing one is named with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from corsia.inventory.domain.file_f import FileFRecord, record_errors, split_valid

GOOD = FileFRecord(
    hospital_code="190201", record_type="S", period=202610, sequence=1,
    patient_fiscal_code="RSSMRA85T10A562S", dispensation_date=date(2026, 10, 15),
    aic="990000010", atc="L01BC06", quantity=10, unit_cost=Decimal("1.5"),
    total=Decimal("15.00"), cost_center="CC-DD",
)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hospital_code": ""}, "hospital_code"),
        ({"hospital_code": "1902011"}, "hospital_code"),  # 7 characters in 6
        ({"patient_fiscal_code": "RSSMRA85T10A562"}, "patient_fiscal_code"),
        ({"patient_fiscal_code": "RSSMRA85T10A562SX"}, "patient_fiscal_code"),
        ({"aic": "99000001"}, "aic"),
        ({"aic": "99000001A"}, "aic"),
        ({"atc": "L01BC"}, "atc"),  # a group, not a substance
        ({"quantity": 0}, "quantity"),
        ({"quantity": 1_000_000}, "quantity"),  # 7 digits in 6
        ({"cost_center": "CENTRO-DI-COSTO"}, "cost_center"),
        ({"cost_center": "CC-Ä"}, "cost_center"),  # not ASCII
    ],
)
def test_a_bad_field_is_named(change: dict[str, object], field: str) -> None:
    assert record_errors(GOOD) == []
    assert [e.field for e in record_errors(replace(GOOD, **change))] == [field]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "code", ["STP1900000000001", "ENI1900000000001", "12345678901", "RSSMRALNTMLA562S"]
)
def test_foreign_provisional_and_omocodia_codes_pass(code: str) -> None:
    assert record_errors(replace(GOOD, patient_fiscal_code=code)) == []


def test_the_failing_records_leave_and_the_others_are_numbered_again() -> None:
    records = [GOOD, replace(GOOD, sequence=2, aic=""), replace(GOOD, sequence=3, quantity=2)]
    valid, invalid = split_valid(records)
    assert [(r.sequence, r.quantity) for r in valid] == [(1, 10), (2, 2)]
    assert [(r.sequence, [e.field for e in errors]) for r, errors in invalid] == [(2, ["aic"])]
