"""JSON API of the patient registry: /api/v1/patients/…"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import BoundedInt, EncounterTime, IsoDate, IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading
from corsia.patients import selectors, services
from corsia.patients.models import Allergy, Encounter, Patient

router = Router(tags=["patients"])

VIEW = "patients.view_patient"
CHANGE = "patients.change_patient"


class PatientIn(Schema):
    surname: str
    given_names: str
    sex: str
    date_of_birth: IsoDate
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
    date_of_birth: IsoDate
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
    admitted_at: IsoDatetime
    discharged_at: IsoDatetime | None


class ConsentOut(Schema):
    id: int
    kind: str
    granted: bool
    given_on: IsoDate
    revoked_at: IsoDatetime | None


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
    found = selectors.patient_search(**reading(request), text=q)
    return [_out(p) for p in found]


class PlaceOut(Schema):
    id: int
    code: str
    kind: str


class WardOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    places: list[PlaceOut]


@router.get("/wards", response=list[WardOut])
@api_perm(VIEW)
def wards(request: HttpRequest) -> list[WardOut]:
    return [
        WardOut(
            id=w.pk,
            code=w.code,
            name=w.name,
            kind=w.kind,
            places=[PlaceOut(id=p.pk, code=p.code, kind=p.kind) for p in w.places.all()],
        )
        for w in selectors.wards_with_places()
    ]


@router.get("/{patient_id}", response=PatientDetailOut)
@api_perm(VIEW)
def detail(request: HttpRequest, patient_id: int) -> PatientDetailOut:
    view = selectors.patient_view(
        **reading(request),
        patient_id=patient_id,
        what="scheda paziente (API)",
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
    patient = services.patient_create(**acting(request), data=_input(payload))
    return Status(201, _out(patient))


@router.put("/{patient_id}", response=PatientOut)
@api_perm(CHANGE)
def update(request: HttpRequest, patient_id: int, payload: PatientUpdateIn) -> PatientOut:
    patient = services.patient_update(
        **acting(request),
        patient_id=patient_id,
        expected_version=payload.version,
        data=_input(payload),
    )
    return _out(patient)


class MergeIn(Schema):
    duplicate_id: int
    reason: Reason


@router.post("/{patient_id}/merge", response=PatientOut)
@api_perm("patients.merge_patient")
def merge(request: HttpRequest, patient_id: int, payload: MergeIn) -> PatientOut:
    """Merge the duplicate into this patient (the survivor); nothing is deleted."""
    survivor = services.patient_merge(
        **acting(request),
        survivor_id=patient_id,
        duplicate_id=payload.duplicate_id,
        reason=payload.reason,
    )
    return _out(survivor)


class MaskIn(Schema):
    document_type: str
    document_id: int
    reason: Reason = ""


class MaskingOut(Schema):
    id: int
    document_type: str
    document_id: int
    requested_at: IsoDatetime
    revoked_at: IsoDatetime | None


class ReasonIn(Schema):
    reason: Reason


@router.post("/{patient_id}/maskings", response={201: MaskingOut})
@api_perm("patients.mask_document")
def mask(request: HttpRequest, patient_id: int, payload: MaskIn) -> Status[MaskingOut]:
    masking = services.document_mask(
        **acting(request),
        patient_id=patient_id,
        document_type=payload.document_type,
        document_id=payload.document_id,
        reason=payload.reason,
    )
    return Status(201, MaskingOut.model_validate(masking, from_attributes=True))


@router.post("/maskings/{masking_id}/unmask", response=MaskingOut)
@api_perm("patients.mask_document")
def unmask(request: HttpRequest, masking_id: int, payload: ReasonIn) -> MaskingOut:
    masking = services.document_unmask(
        **acting(request),
        masking_id=masking_id,
        reason=payload.reason,
    )
    return MaskingOut.model_validate(masking, from_attributes=True)


class AdmitIn(Schema):
    kind: str
    ward_id: int
    place_id: int | None = None
    admitted_at: EncounterTime | None = None


class EncounterVersionIn(Schema):
    version: int


class DischargeIn(EncounterVersionIn):
    discharged_at: EncounterTime | None = None


class TransferIn(EncounterVersionIn):
    ward_id: int
    place_id: int | None = None


class CancelIn(EncounterVersionIn):
    reason: Reason


def _encounter(encounter: Encounter) -> EncounterOut:
    return EncounterOut(
        id=encounter.pk,
        kind=encounter.kind,
        ward=encounter.ward.code,
        place=encounter.place.code if encounter.place else None,
        state=encounter.state,
        admitted_at=encounter.admitted_at,
        discharged_at=encounter.discharged_at,
    )


ENCOUNTER = "patients.manage_encounter"


@router.post("/{patient_id}/encounters", response={201: EncounterOut})
@api_perm(ENCOUNTER)
def admit(request: HttpRequest, patient_id: int, payload: AdmitIn) -> Status[EncounterOut]:
    encounter = services.encounter_admit(
        **acting(request),
        patient_id=patient_id,
        kind=payload.kind,
        ward_id=payload.ward_id,
        place_id=payload.place_id,
        admitted_at=payload.admitted_at,
    )
    return Status(201, _encounter(encounter))


@router.post("/encounters/{encounter_id}/discharge", response=EncounterOut)
@api_perm(ENCOUNTER)
def discharge(request: HttpRequest, encounter_id: int, payload: DischargeIn) -> EncounterOut:
    return _encounter(
        services.encounter_discharge(
            **acting(request),
            encounter_id=encounter_id,
            expected_version=payload.version,
            discharged_at=payload.discharged_at,
        )
    )


@router.post("/encounters/{encounter_id}/transfer", response=EncounterOut)
@api_perm(ENCOUNTER)
def transfer(request: HttpRequest, encounter_id: int, payload: TransferIn) -> EncounterOut:
    return _encounter(
        services.encounter_transfer(
            **acting(request),
            encounter_id=encounter_id,
            expected_version=payload.version,
            ward_id=payload.ward_id,
            place_id=payload.place_id,
        )
    )


@router.post("/encounters/{encounter_id}/cancel", response=EncounterOut)
@api_perm(ENCOUNTER)
def cancel(request: HttpRequest, encounter_id: int, payload: CancelIn) -> EncounterOut:
    return _encounter(
        services.encounter_cancel(
            **acting(request),
            encounter_id=encounter_id,
            expected_version=payload.version,
            reason=payload.reason,
        )
    )


class ConsentIn(Schema):
    kind: str
    granted: bool
    given_on: IsoDate | None = None


CONSENT = "patients.record_consent"


@router.post("/{patient_id}/consents", response={201: ConsentOut})
@api_perm(CONSENT)
def consent_record(request: HttpRequest, patient_id: int, payload: ConsentIn) -> Status[ConsentOut]:
    consent = services.consent_record(
        **acting(request),
        patient_id=patient_id,
        kind=payload.kind,
        granted=payload.granted,
        given_on=payload.given_on,
    )
    return Status(201, ConsentOut.model_validate(consent, from_attributes=True))


@router.post("/consents/{consent_id}/revoke", response=ConsentOut)
@api_perm(CONSENT)
def consent_revoke(request: HttpRequest, consent_id: int, payload: ReasonIn) -> ConsentOut:
    """Revoke a consent, with the reason (a masked consent is not found)."""
    consent = services.consent_revoke(
        **acting(request),
        consent_id=consent_id,
        reason=payload.reason,
    )
    return ConsentOut.model_validate(consent, from_attributes=True)


# --- allergies ----------------------------------------------------------------------------------

RECORD_ALLERGY = "patients.record_allergy"


class AllergyIn(Schema):
    substance_kind: Literal["ingredient", "drug_class", "other"]
    ingredient_id: RecordId | None = None
    atc_prefix: str = Field("", max_length=7)
    substance_text: str = Field("", max_length=200)
    reaction: str = Field(max_length=20)
    reaction_text: str = Field("", max_length=200)
    severity: str = Field(max_length=20)
    certainty: str = Field(max_length=12)
    onset_date: IsoDate | None = None
    source: str = Field("", max_length=200)
    notes: Reason = ""


class AllergyOut(Schema):
    id: int
    substance_kind: str
    ingredient_id: int | None
    atc_prefix: str
    substance: str
    reaction: str
    reaction_text: str
    severity: str
    certainty: str
    onset_date: IsoDate | None
    source: str
    notes: str
    status: str
    status_reason: str
    created_at: IsoDatetime
    version: int


class AllergyListOut(Schema):
    patient_id: int
    state: str  # "listed" | "none_known" | "not_asked"
    summary: str
    no_known_allergies_since: IsoDate | None
    allergies: list[AllergyOut]


class AllergyCloseIn(Schema):
    version: BoundedInt
    reason: Reason


class NoKnownAllergiesIn(Schema):
    stated_on: IsoDate | None = None


class NoKnownAllergiesOut(Schema):
    id: int
    stated_on: IsoDate


def _allergy(allergy: Allergy) -> AllergyOut:
    return AllergyOut.model_validate(allergy, from_attributes=True)


@router.get("/{patient_id}/allergies", response=AllergyListOut)
@api_perm(VIEW)
def allergy_list(request: HttpRequest, patient_id: int) -> AllergyListOut:
    """Every allergy of the patient (refuted and inactive ones too, with their reason) and
    whether the patient was asked: ``listed``, ``none_known`` (dated) or ``not_asked``."""
    overview = selectors.allergy_overview(**reading(request), patient_id=patient_id)
    return AllergyListOut(
        patient_id=overview.patient.pk,
        state=overview.summary.state.value,
        summary=overview.summary.text,
        no_known_allergies_since=overview.summary.none_known_since,
        allergies=[_allergy(a) for a in overview.allergies],
    )


@router.post("/{patient_id}/allergies", response={201: AllergyOut})
@api_perm(RECORD_ALLERGY)
def allergy_record(request: HttpRequest, patient_id: int, payload: AllergyIn) -> Status[AllergyOut]:
    allergy = services.allergy_record(
        **acting(request),
        patient_id=patient_id,
        data=services.AllergyInput(**payload.model_dump()),
    )
    return Status(201, _allergy(allergy))


def _close(
    request: HttpRequest, patient_id: int, allergy_id: int, payload: AllergyCloseIn, status: str
) -> AllergyOut:
    allergy = services.allergy_close(
        **acting(request),
        patient_id=patient_id,
        allergy_id=allergy_id,
        expected_version=payload.version,
        status=status,
        reason=payload.reason,
    )
    return _allergy(allergy)


@router.post("/{patient_id}/allergies/{allergy_id}/refute", response=AllergyOut)
@api_perm(RECORD_ALLERGY)
def allergy_refute(
    request: HttpRequest, patient_id: int, allergy_id: int, payload: AllergyCloseIn
) -> AllergyOut:
    """It was not an allergy: kept, refuted, with the reason (never deleted)."""
    return _close(request, patient_id, allergy_id, payload, "refuted")


@router.post("/{patient_id}/allergies/{allergy_id}/inactivate", response=AllergyOut)
@api_perm(RECORD_ALLERGY)
def allergy_inactivate(
    request: HttpRequest, patient_id: int, allergy_id: int, payload: AllergyCloseIn
) -> AllergyOut:
    """No longer an allergy: kept, inactive, with the reason."""
    return _close(request, patient_id, allergy_id, payload, "inactive")


@router.post("/{patient_id}/allergies/none-known", response={201: NoKnownAllergiesOut})
@api_perm(RECORD_ALLERGY)
def no_known_allergies(
    request: HttpRequest, patient_id: int, payload: NoKnownAllergiesIn
) -> Status[NoKnownAllergiesOut]:
    """The patient was asked: no known allergies (refused while an allergy is active)."""
    statement = services.no_known_allergies_state(
        **acting(request),
        patient_id=patient_id,
        stated_on=payload.stated_on,
    )
    return Status(201, NoKnownAllergiesOut(id=statement.pk, stated_on=statement.stated_on))
