"""What the ward requests' operations share: the router, the request as JSON (its read
logged per patient named), the codes of cabinets, places and products resolved."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from corsia.audit.services import access_log_record_many
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.web import request_actor, request_workstation
from corsia.drugs import selectors as drugs
from corsia.drugs.services_pack_market import pack_market
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.models import LocationKind, StockMovement, StorageLocation, WardRequest

router = Router(tags=["ward requests"])


def person(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""


def summary_json(r: WardRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "version": r.version,
        "ward": r.ward.code,
        "cabinet": r.cabinet.code,
        "kind": r.kind,
        "urgency": r.urgency,
        "state": r.state,
        "requested_by": person(r.requested_by),
        "requested_at": r.requested_at,
        "delivery_number": r.delivery_number,
    }


def request_json(request: HttpRequest, request_id: int) -> dict[str, Any]:
    r = wsel.ward_request_get(request_id=request_id, user=request_actor(request))
    if r is None:
        raise NotFound("Richiesta di reparto non trovata.", code="ward_request_not_found")
    patients = wsel.request_patient_ids(r)
    if patients:
        access_log_record_many(
            user=request_actor(request),
            patient_ids=patients,
            what=f"richiesta di reparto {r.number}",
            workstation=request_workstation(request),
            channel="api",
        )
    lines = list(r.lines.all())
    return summary_json(r) | {
        "note": r.note,
        "picker": person(r.picker) if r.picker else None,
        "lines": [
            {
                "id": ln.pk,
                "position": ln.position,
                "product_code": ln.product.code,
                "product": ln.product.name,
                "patient": None
                if ln.patient is None
                else {
                    "id": ln.patient.pk,
                    "mrn": ln.patient.mrn,
                    "name": f"{ln.patient.surname} {ln.patient.given_names}",
                },
                "units_requested": ln.units_requested,
                "note": ln.note,
                "decision": ln.decision,
                "decision_reason": ln.decision_reason,
                "substitute_code": ln.substitute.code if ln.substitute else None,
                "units_approved": ln.units_approved,
                "units_picked": ln.units_picked,
                "units_received": ln.units_received,
            }
            for ln in lines
        ],
        "steps": [
            {
                "action": st.action,
                "state": st.state,
                "reason": st.reason,
                "actor": person(st.actor),
                "workstation": st.workstation,
                "at": st.at,
            }
            for st in r.steps.all()
        ],
        "discrepancies": [
            {
                "line_id": ln.pk,
                "kind": d.kind,
                "units": d.units,
                "reason": d.reason,
                "actor": person(d.actor),
                "at": d.at,
            }
            for ln in lines
            for d in ln.discrepancies.all()
        ],
    }


def cabinet_unknown(code: str) -> ValidationFailed:
    return ValidationFailed(
        f"Armadio di reparto «{code}» sconosciuto.", code="cabinet_unknown", field="cabinet"
    )


def cabinet_of(code: str) -> StorageLocation:
    found = StorageLocation.objects.filter(code=code).first()
    if found is None or found.kind != LocationKind.WARD_CABINET:
        raise cabinet_unknown(code)
    return found


def location_of(code: str) -> StorageLocation:
    found = StorageLocation.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(
            f"Ubicazione «{code}» sconosciuta.", code="location_unknown", field="to_location"
        )
    return found


def products_of(codes: list[str]) -> dict[str, Any]:
    """The archive's products by code; an empty code or one not in the archive: 422."""
    if any(not code.strip() for code in codes):
        raise ValidationFailed(
            "Indicare il codice del medicinale.", code="product_required", field="product"
        )
    found = drugs.products_by_code(codes)
    unknown = sorted({c for c in codes if c and c not in found})
    if unknown:
        raise ValidationFailed(
            "Medicinali non presenti nell'archivio: " + ", ".join(unknown) + ".",
            code="product_unknown",
            field="product",
            details={"products": unknown},
        )
    return found


def movements_json(movements: list[StockMovement]) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "product_code": m.product.code,
            "lot": m.lot,
            "expiry": m.expiry,
            "quantity": m.quantity,
            "from_location": m.from_location.code if m.from_location else None,
            "to_location": m.to_location.code if m.to_location else None,
            "reference": m.reference,
            "reason": m.reason,
        }
        for m in movements
    ]


def scan_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "line_id": row.line_id,
        "act": row.act,
        "product_code": row.product.code,
        "lot": row.lot,
        "expiry": row.expiry,
        "units": row.units,
        "location": row.location.code if row.location else None,
        "units_picked": row.line.units_picked,
        "units_approved": row.line.units_approved,
        "market_warning": pack_market(row.pack).shortage_warning() if row.pack else "",
    }
