"""The JSON shapes of direct distribution (``/api/v1/dispensing/...``).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, IsoDate, RecordId
from corsia.dispensing.models import Delegation, Dispensing
from corsia.dispensing.selectors import AdherenceView, PlanView

PLAN_EXAMPLE: dict[str, Any] = {
    "prescriber_id": 12,
    "product_code": "lenalidomide_25mg_caps",
    "daily_units": "1",
    "valid_from": "2026-10-01",
    "valid_to": "2026-12-31",
    "max_units": 63,
    "aifa_registry": True,
    "plan_number": "PT-2026-0456",
}
DELEGATION_EXAMPLE: dict[str, Any] = {
    "delegate_name": "Lucia Rossi",
    "delegate_fiscal_code": "RSSLCU60A41A562Q",
    "identity_document": "Carta d'identità CA12345AB",
    "valid_from": "2026-10-01",
    "valid_to": "2027-03-31",
}
DISCHARGE_EXAMPLE: dict[str, Any] = {
    "patient_code": "RSSMRA85T10A562S",
    "kind": "discharge",
    "prescriber_id": 12,
    "product_code": "capecitabine_500mg_tab",
    "daily_units": "4",
    "scans": ["(716)012345676(17)271231(10)L2345(21)000001"],
    "location_code": "DD1",
    "cost_center_code": "CC-DD",
    "collected_by": "patient",
}
PLAN_DISPENSING_EXAMPLE: dict[str, Any] = {
    "patient_code": "RSSMRA85T10A562S",
    "kind": "plan",
    "prescriber_id": 12,
    "plan_id": 7,
    "scans": ["A012345676"],
    "location_code": "DD1",
    "cost_center_code": "CC-DD",
    "collected_by": "delegate",
    "delegation_id": 3,
    "registry_record": "REG-2026-000123",
}


class PlanIn(Schema):
    prescriber_id: RecordId
    product_code: str = Field(max_length=120)
    daily_units: Amount = Field(description="unità (compresse, capsule…) al giorno")
    valid_from: IsoDate
    valid_to: IsoDate
    max_units: int | None = Field(default=None, ge=1, le=100_000)
    aifa_registry: bool = False
    plan_number: str = Field(default="", max_length=60)

    model_config = {"json_schema_extra": {"examples": [PLAN_EXAMPLE]}}


class PlanOut(Schema):
    id: int
    patient_id: int
    prescriber_id: int
    product_code: str
    daily_units: Decimal
    valid_from: date
    valid_to: date
    max_units: int | None
    aifa_registry: bool
    plan_number: str
    ceiling_units: int
    dispensed_units: int
    remaining_units: int
    valid_today: bool
    closed_on: date | None = None
    close_reason: str = ""


def plan_out(view: PlanView) -> PlanOut:
    plan = view.plan
    return PlanOut(
        id=plan.pk,
        patient_id=plan.patient_id,
        prescriber_id=plan.prescriber_id,
        product_code=plan.product.code,
        daily_units=plan.daily_units,
        valid_from=plan.valid_from,
        valid_to=plan.valid_to,
        max_units=plan.max_units,
        aifa_registry=plan.aifa_registry,
        plan_number=plan.plan_number,
        ceiling_units=view.ceiling,
        dispensed_units=view.dispensed_units,
        remaining_units=view.remaining_units,
        valid_today=view.valid_today,
        closed_on=view.closure.closed_on if view.closure else None,
        close_reason=view.closure.reason if view.closure else "",
    )


class DelegationIn(Schema):
    delegate_name: str = Field(max_length=160)
    delegate_fiscal_code: str = Field(max_length=16)
    identity_document: str = Field(max_length=120)
    valid_from: IsoDate
    valid_to: IsoDate

    model_config = {"json_schema_extra": {"examples": [DELEGATION_EXAMPLE]}}


class DelegationOut(Schema):
    id: int
    patient_id: int
    delegate_name: str
    delegate_fiscal_code: str
    identity_document: str
    valid_from: date
    valid_to: date
    revoked_on: date | None = None
    revoke_reason: str = ""


def delegation_out(row: Delegation) -> DelegationOut:
    revocation = getattr(row, "revocation", None)
    return DelegationOut(
        revoked_on=revocation.revoked_on if revocation else None,
        revoke_reason=revocation.reason if revocation else "",
        id=row.pk,
        patient_id=row.patient_id,
        delegate_name=row.delegate_name,
        delegate_fiscal_code=row.delegate_fiscal_code,
        identity_document=row.identity_document,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


class ReasonIn(Schema):
    reason: str = Field(max_length=500, description="perché (obbligatorio)")


class DispensingIn(Schema):
    patient_code: str = Field(
        max_length=40, description="codice fiscale (o STP/ENI) letto dalla tessera sanitaria"
    )
    kind: Literal["discharge", "plan", "prescription"]
    prescriber_id: RecordId
    scans: list[str] = Field(
        max_length=60, description="il codice letto di ogni confezione consegnata (una per voce)"
    )
    location_code: str = Field(max_length=40)
    cost_center_code: str = Field(max_length=40)
    product_code: str = Field(default="", max_length=120)
    plan_id: RecordId | None = None
    daily_units: Amount | None = None
    collected_by: Literal["patient", "delegate"] = "patient"
    delegation_id: RecordId | None = None
    registry_record: str = Field(default="", max_length=60)
    order_id: RecordId | None = Field(
        default=None,
        description="an oral chemotherapy order (kind prescription): its cycle bounds the tablets",
    )
    interaction_override_reason: str = Field(
        default="",
        max_length=1000,
        description="why a contraindicated interaction with the other therapies is gone past",
    )
    interaction_acknowledged: bool = Field(
        default=False, description="a major interaction with the other therapies seen"
    )
    withdrawn_override_reason: str = Field(
        default="",
        max_length=1000,
        description="a pharmacist's reason to hand over a pack withdrawn from the market "
        "(else 422 pack_withdrawn)",
    )

    model_config = {"json_schema_extra": {"examples": [DISCHARGE_EXAMPLE, PLAN_DISPENSING_EXAMPLE]}}


class LineOut(Schema):
    aic: str
    lot: str
    expiry: date
    units: int
    cost_center: str


class DispensingOut(Schema):
    id: int
    patient_id: int
    prescriber_id: int
    kind: str
    plan_id: int | None
    product_code: str
    units: int
    daily_units: Decimal
    days_covered: int
    next_due_date: date
    collected_by: str
    delegation_id: int | None
    registry_record: str
    order_id: int | None
    cost_center: str
    dispensed_by: str
    dispensed_at: datetime
    workstation: str
    lines: list[LineOut]
    # the AIFA shortage warnings of the packs handed over (the desk's page messages), once
    # each; in the answer of the dispensing only, [] when none (never a block, H66)
    market_warnings: list[str] = []


def dispensing_out(row: Dispensing) -> DispensingOut:
    return DispensingOut(
        id=row.pk,
        patient_id=row.patient_id,
        prescriber_id=row.prescriber_id,
        kind=row.kind,
        plan_id=row.plan_id,
        product_code=row.product.code,
        units=row.units,
        daily_units=row.daily_units,
        days_covered=row.days_covered,
        next_due_date=row.next_due_date,
        collected_by=row.collected_by,
        delegation_id=row.delegation_id,
        registry_record=row.registry_record,
        order_id=row.therapy_order_id,
        cost_center=row.cost_center.code,
        dispensed_by=row.dispensed_by.username,
        dispensed_at=row.dispensed_at,
        workstation=row.workstation,
        lines=[
            LineOut(
                aic=line.aic, lot=line.lot, expiry=line.expiry, units=line.units,
                cost_center=row.cost_center.code,
            )
            for line in row.lines.all()
        ],
    )  # fmt: skip


class AdherenceOut(Schema):
    product_code: str
    since: date
    until: date
    covered_days: int
    window_days: int
    pdc: Decimal = Field(description="proportion of days covered, 0–1, 4 decimali")
    dispensings: int


def adherence_out(view: AdherenceView) -> AdherenceOut:
    return AdherenceOut(
        product_code=view.product_code,
        since=view.since,
        until=view.until,
        covered_days=view.adherence.covered_days,
        window_days=view.adherence.window_days,
        pdc=view.adherence.pdc,
        dispensings=view.dispensings,
    )


class LotOut(Schema):
    lot: str
    expiry: date
    units: int
    location: str


class SuggestionOut(Schema):
    lots: list[LotOut]
    short_units: int
