"""JSON API of the patient registry: /api/v1/patients/…"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.patients import selectors, services
from corsia.patients.models import Patient

router = Router(tags=["patients"])
VIEW = "patients.view_patient"
CHANGE = "patients.change_patient"


class PatientIn(Schema):
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    codice_fiscale: str = ""
    stp_eni_code: str = ""
    place_of_birth: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    external_ids: dict[str, str] = {}


class PatientUpdateIn(PatientIn):
    version: int


class PatientOut(Schema):
    id: int
    mrn: str
    codice_fiscale: str
    stp_eni_code: str
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    place_of_birth: str
    is_active: bool
    version: int


class IdentifierOut(Schema):
    system: str
    value: str


class EncounterOut(Schema):
    id: int
    kind: str
    ward: str
    place: str | None
    state: str
    admitted_at: datetime
    discharged_at: datetime | None


class ConsentOut(Schema):
    id: int
    kind: str
    granted: bool
    given_on: date
    revoked_at: datetime | None


class PatientDetailOut(PatientOut):
    address: str
    phone: str
    email: str
    requested_id: int
    identifiers: list[IdentifierOut]
    encounters: list[EncounterOut]
    consents: list[ConsentOut]
    masked_count: int | None


def _out(patient: Patient) -> PatientOut:
    return PatientOut.model_validate(patient, from_attributes=True)


def _input(payload: PatientIn) -> services.PatientInput:
    data: dict[str, Any] = payload.model_dump(exclude={"version"})
    return services.PatientInput(**data)


@router.get("/search", response=list[PatientOut])
@api_perm(VIEW)
def search(request: HttpRequest, q: str = "") -> list[PatientOut]:
    """By name (any word order), codice fiscale, STP/ENI, MRN or wristband payload."""
    return [_out(p) for p in selectors.patient_search(user=request.user, text=q)]


@router.get("/{patient_id}", response=PatientDetailOut)
@api_perm(VIEW)
def detail(request: HttpRequest, patient_id: int) -> PatientDetailOut:
    view = selectors.patient_view(
        user=request.user,
        patient_id=patient_id,
        what="scheda paziente (API)",
        workstation=getattr(request, "workstation", None),
        channel="api",
    )
    base = _out(view.patient).model_dump()
    return PatientDetailOut(
        **base,
        address=view.patient.address,
        phone=view.patient.phone,
        email=view.patient.email,
        requested_id=view.requested_id,
        identifiers=[IdentifierOut(system=i.system, value=i.value) for i in view.identifiers],
        encounters=[
            EncounterOut(
                id=e.pk,
                kind=e.kind,
                ward=e.ward.code,
                place=e.place.code if e.place else None,
                state=e.state,
                admitted_at=e.admitted_at,
                discharged_at=e.discharged_at,
            )
            for e in view.encounters
        ],
        consents=[ConsentOut.model_validate(c, from_attributes=True) for c in view.consents],
        masked_count=view.masked_count,
    )


@router.post("", response={201: PatientOut})
@api_perm(CHANGE)
def create(request: HttpRequest, payload: PatientIn) -> Status[PatientOut]:
    patient = services.patient_create(
        actor=request.user,
        workstation=getattr(request, "workstation", None),
        data=_input(payload),
    )
    return Status(201, _out(patient))


@router.put("/{patient_id}", response=PatientOut)
@api_perm(CHANGE)
def update(request: HttpRequest, patient_id: int, payload: PatientUpdateIn) -> PatientOut:
    patient = services.patient_update(
        actor=request.user,
        workstation=getattr(request, "workstation", None),
        patient_id=patient_id,
        expected_version=payload.version,
        data=_input(payload),
    )
    return _out(patient)
