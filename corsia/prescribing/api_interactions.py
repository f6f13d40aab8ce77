"""Interactions across everything the patient takes (H59): the patient's list for a period
and the order's acknowledgement. No ``from __future__ import annotations`` (ninja resolves
annotations at runtime)."""

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, RecordId
from corsia.core.web import acting, reading
from corsia.prescribing import interactions_check as check
from corsia.prescribing.current_drugs import CurrentDrug
from corsia.prescribing.services.orders import VIEW

patients_router = Router(tags=["interactions"])
orders_router = Router(tags=["interactions"])


class DrugOut(Schema):
    code: str
    name: str
    source: str = Field(description="chemotherapy | ward | home")
    source_label: str
    detail: str


class InteractionOut(Schema):
    severity: str = Field(description="contraindicated | major | moderate | minor")
    a: DrugOut
    b: DrugOut
    effect: str
    management: str
    source: str
    message: str


class PatientInteractionsOut(Schema):
    patient_id: int
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    drugs: list[DrugOut]
    interactions: list[InteractionOut]


class PeriodFilters(Schema):
    date_from: IsoDate | None = Field(default=None, alias="from")
    date_to: IsoDate | None = Field(default=None, alias="to")


class AcknowledgeIn(Schema):
    override_reason: str = Field(
        default="",
        max_length=1000,
        description="the physician's reason to go past a contraindicated interaction",
    )
    acknowledged: bool = Field(default=False, description="a major interaction seen")


class AcknowledgedOut(Schema):
    order_id: int
    acknowledged: list[InteractionOut]


def _drug(d: CurrentDrug) -> DrugOut:
    return DrugOut(
        code=d.code, name=d.name, source=d.source, source_label=d.source_label, detail=d.detail
    )


def _interaction(f: check.FoundInteraction) -> InteractionOut:
    return InteractionOut(
        severity=f.severity.value,
        a=_drug(f.first),
        b=_drug(f.second),
        effect=f.effect,
        management=f.management,
        source=f.source,
        message=f.message,
    )


@patients_router.get("/{patient_id}/interactions", response=PatientInteractionsOut, by_alias=True)
@api_perm(VIEW)
def patient_interactions(
    request: HttpRequest, patient_id: RecordId, filters: Query[PeriodFilters]
) -> PatientInteractionsOut:
    """Every drug the patient takes from ``from`` to ``to`` (today and four weeks ahead by
    default; at most a year) — chemotherapy, ward, home therapy — and the interactions
    among them, most serious first."""
    view = check.patient_interactions_view(
        **reading(request),
        patient_id=patient_id,
        first_day=filters.date_from,
        last_day=filters.date_to,
    )
    return PatientInteractionsOut.model_validate(
        {
            "patient_id": patient_id,
            "from": view.first_day,
            "to": view.last_day,
            "drugs": [_drug(d) for d in view.drugs],
            "interactions": [_interaction(f) for f in view.interactions],
        }
    )


@orders_router.post("/{order_id}/interactions/acknowledge", response=AcknowledgedOut)
@api_perm(VIEW)
def order_interactions_acknowledge(
    request: HttpRequest, order_id: RecordId, payload: AcknowledgeIn
) -> AcknowledgedOut:
    """Go past the order's serious interactions with the patient's other therapies: a
    contraindicated one with the physician's reason, a major one acknowledged (physician or
    validating pharmacist). Signing and validation refuse until then
    (``interaction_contraindicated`` / ``interaction_unacknowledged``)."""
    done = check.order_interactions_acknowledge(
        **acting(request),
        order_id=order_id,
        override_reason=payload.override_reason,
        acknowledged=payload.acknowledged,
    )
    return AcknowledgedOut(order_id=order_id, acknowledged=[_interaction(f) for f in done])
