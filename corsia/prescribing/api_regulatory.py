"""Regulatory documentation API: ``/api/v1/regulatory`` — an order's AIFA registry, Law
648/96 and off-label requirements, the physician's documentation, the pharmacist's
override and the pharmacy's list of prescriptions under AIFA monitoring with the "scheda di
dispensazione" entered in the registry. Same permissions as the pages.
No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt, IsoDate, Reason
from corsia.core.web import acting, reading, request_actor, request_workstation
from corsia.prescribing import selectors, services
from corsia.prescribing.selectors_regulatory import (
    MONITORING,
    RequirementRow,
    monitoring_rows,
    monitoring_shown,
    order_requirements,
)
from corsia.prescribing.services.regulatory import (
    PHARMACIST,
    regulatory_dispensing_record,
    regulatory_document,
    regulatory_pharmacy_override,
)

router = Router(tags=["regulatory"])

Short = Annotated[str, Field(max_length=60)]
Line = Annotated[str, Field(max_length=300)]
Ref = Annotated[str, Field(max_length=120)]
Code = Annotated[str, Field(max_length=40)]


class RequirementOut(Schema):
    id: int
    version: int
    order_id: int
    kind: str
    kind_label: str
    ingredient: str
    drug: str
    registry: str
    indication_code: str
    indication_label: str
    request_number: str
    request_date: date | None
    pending_reason: str
    pending_acknowledged: bool
    listing_reference: str
    clinical_rationale: str
    literature: str
    consent_reference: str
    consent_date: date | None
    authorisation_reference: str
    authorisation_date: date | None
    documented_by: str | None
    documented_at: datetime | None
    documented_workstation: str
    override_reason: str
    override_by: str | None
    dispensing_recorded_by: str | None
    dispensing_recorded_at: datetime | None
    # codes of what is still missing (aifa_registry_request_missing, off_label_consent_missing…)
    missing: list[str]


class MonitoringOut(RequirementOut):
    patient_id: int
    patient: str
    order_state: str
    order_state_label: str
    start_date: date


def _user(user: object | None) -> str | None:
    return getattr(user, "username", None) if user is not None else None


def _requirement(item: RequirementRow) -> dict[str, object]:
    r = item.requirement
    return {
        "id": r.pk, "version": r.version, "order_id": r.order_id, "kind": r.kind,
        "kind_label": r.kind_label, "ingredient": r.ingredient.code,
        "drug": r.ingredient.name_it, "registry": r.registry_name,
        "indication_code": r.indication_code, "indication_label": r.indication_label,
        "request_number": r.request_number, "request_date": r.request_date,
        "pending_reason": r.pending_reason, "pending_acknowledged": r.pending_acknowledged,
        "listing_reference": r.listing_reference, "clinical_rationale": r.clinical_rationale,
        "literature": r.literature, "consent_reference": r.consent_reference,
        "consent_date": r.consent_date, "authorisation_reference": r.authorisation_reference,
        "authorisation_date": r.authorisation_date, "documented_by": _user(r.documented_by),
        "documented_at": r.documented_at, "documented_workstation": r.documented_workstation,
        "override_reason": r.override_reason, "override_by": _user(r.override_by),
        "dispensing_recorded_by": _user(r.dispensing_recorded_by),
        "dispensing_recorded_at": r.dispensing_recorded_at, "missing": list(item.missing),
    }  # fmt: skip


class DocumentIn(Schema):
    expected_version: BoundedInt
    # AIFA registry: the "scheda di richiesta farmaco", or why not yet (acknowledged)
    request_number: Short | None = None
    request_date: IsoDate | None = None
    pending_reason: Line | None = None
    pending_acknowledged: bool | None = None
    # Law 648/96
    listing_reference: Line | None = None
    # off-label (Law 94/1998)
    clinical_rationale: Reason | None = None
    literature: Reason | None = None
    consent_reference: Ref | None = None
    consent_date: IsoDate | None = None
    authorisation_reference: Ref | None = None
    authorisation_date: IsoDate | None = None


class OverrideIn(Schema):
    reason: Reason


@router.get("/orders/{order_id}", response=list[RequirementOut])
@api_perm(services.VIEW)
def order_regulatory(request: HttpRequest, order_id: int) -> list[dict[str, object]]:
    """The order's regulatory requirements and what each still lacks."""
    order = selectors.order_view(**reading(request), order_id=order_id)
    return [_requirement(r) for r in order_requirements(order.pk)]


@router.post("/requirements/{requirement_id}", response=RequirementOut)
@api_perm(services.PRESCRIBE)
def requirement_document(
    request: HttpRequest, requirement_id: int, payload: DocumentIn
) -> dict[str, object]:
    """The physician records the documentation (only the fields sent change); refused
    once the order is signed (409 ``regulatory_order_signed``)."""
    values = payload.dict(exclude={"expected_version"}, exclude_none=True)
    row = regulatory_document(
        **acting(request),
        requirement_id=requirement_id,
        values=values,
        expected_version=payload.expected_version,
    )
    [item] = [r for r in order_requirements(row.order_id) if r.requirement.pk == row.pk] or [
        RequirementRow(row, (), ())
    ]
    return _requirement(item)


@router.post("/orders/{order_id}/override", response=list[RequirementOut])
@api_perm(PHARMACIST)
def requirement_override(
    request: HttpRequest, order_id: int, payload: OverrideIn
) -> list[dict[str, object]]:
    """The pharmacist validates without the missing documentation, with the reason."""
    regulatory_pharmacy_override(**acting(request), order_id=order_id, reason=payload.reason)
    return [_requirement(r) for r in order_requirements(order_id)]


class MonitoringPage(Schema):
    """A page of the monitoring list: ``count`` in all, ``limit`` from ``offset``."""

    count: int
    limit: int
    offset: int
    items: list[MonitoringOut]


@router.get("/monitoring", response=MonitoringPage)
@api_perm(MONITORING)
def monitoring(
    request: HttpRequest,
    *,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    drug: Code = "",
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> dict[str, object]:
    """The prescriptions under an AIFA monitoring registry (cycle start within the period,
    the drug's archive code), with the registry request and the dispensing recorded; the
    newest cycle first, ``limit`` (1–500) from ``offset`` and ``count`` in all."""
    user = request_actor(request)
    page = api_page(
        monitoring_rows(user=user, date_from=date_from, date_to=date_to, ingredient_code=drug),
        limit=limit,
        offset=offset,
    )
    rows = monitoring_shown(
        user=user, rows=page["items"], workstation=request_workstation(request), channel="api"
    )
    items = [
        {
            **_requirement(r),
            "patient_id": r.requirement.order.patient_id,
            "patient": str(r.requirement.order.patient),
            "order_state": r.requirement.order.state,
            "order_state_label": r.requirement.order.state_label,
            "start_date": r.requirement.order.start_date,
        }
        for r in rows
    ]
    return {**page, "items": items}


@router.post("/requirements/{requirement_id}/dispensing", response=RequirementOut)
@api_perm(PHARMACIST)
def dispensing_record(request: HttpRequest, requirement_id: int) -> dict[str, object]:
    """The pharmacy entered the "scheda di dispensazione" in the AIFA registry."""
    row = regulatory_dispensing_record(**acting(request), requirement_id=requirement_id)
    return _requirement(RequirementRow(row, (), ()))
