"""The FHIR server's reads: each through the owning module's public selectors, with the same
permission as the page that shows the same data, the patient's scope (a trial monitor's
patients only: anyone else's is ``not-found``), masking, and one access-log row per patient
whose data is answered (channel ``fhir``). A refused request writes nothing.

Each search takes its checked parameters (``domain.search.checked_params``) and returns the
total and the page of resources. Here: Patient, the table of searches and the read by id;
the reads of each resource family beside it (``selectors_clinical``, ``selectors_medication``,
``selectors_documents``) on what they share (``selectors_common``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from corsia.administration.given import administration_patient_id
from corsia.audit.services import access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.documents.selectors import document_patient_id
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain.outcome import InvalidSearch, Resource, ResourceNotFound
from corsia.fhir.domain.search import (
    Page,
    date_bounds,
    interval_of,
    resource_id,
    token_of,
)
from corsia.fhir.domain.ward_medication import ward_pk
from corsia.fhir.selectors_clinical import (
    OBSERVATION_CATEGORIES,
    _allergies,
    _conditions,
    _encounters,
    _observation_filters,
    _observations,
)
from corsia.fhir.selectors_common import (
    CHANNEL,
    VIEW_ADMINISTRATIONS,
    VIEW_CHART,
    VIEW_DOCUMENTS,
    VIEW_ORDER,
    VIEW_PATIENT,
    Found,
    _log,
    _subject,
    _within,
    hospital_zone,
    paged,
)
from corsia.fhir.selectors_documents import (
    _document_references,
    document_pdf,
)
from corsia.fhir.selectors_medication import (
    _medication_administrations,
    _medication_requests,
    _request_groups,
    medication_administration_search,
)
from corsia.patients.selectors import (
    PatientCriteria,
    allergy_patient_id,
    encounter_record,
    patient_find,
    patient_get,
)
from corsia.prescribing.selectors import line_find, order_find
from corsia.records.selectors import chart_record_patient_id
from corsia.therapy.selectors import dose_patient_id, prescription_patient_id

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "CHANNEL",
    "OBSERVATION_CATEGORIES",
    "VIEW_ADMINISTRATIONS",
    "VIEW_CHART",
    "VIEW_DOCUMENTS",
    "VIEW_ORDER",
    "VIEW_PATIENT",
    "Found",
    "document_pdf",
    "hospital_zone",
    "paged",
]

if TYPE_CHECKING:
    from corsia.patients.models import Patient


# --- Patient ------------------------------------------------------------------------------------


def _patient_facts(patient: Patient) -> fhir.PatientFacts:
    return fhir.PatientFacts(
        id=patient.pk,
        mrn=patient.mrn,
        codice_fiscale=patient.codice_fiscale,
        surname=patient.surname,
        given_names=patient.given_names,
        sex=patient.sex,
        birth_date=patient.date_of_birth,
        active=patient.is_active,
    )


def _patient_resource(patient: Patient) -> Resource:
    return fhir.with_last_updated(
        fhir.patient_resource(_patient_facts(patient), mrn_system=settings.CORSIA_FHIR_MRN_SYSTEM),
        patient.updated_at,
    )


def patient_read(*, user: User, raw_id: str, workstation: Workstation) -> Resource:
    """One patient (a merged duplicate's id answers its survivor); out of scope or unknown:
    ``not-found``."""
    require_permission(user, VIEW_PATIENT)
    patient_id = resource_id(raw_id)
    if patient_id is None:
        raise ResourceNotFound(f"Patient/{raw_id[:64]} not found")
    try:
        patient = patient_get(user=user, patient_id=patient_id)
    except NotFound as error:
        raise ResourceNotFound(f"Patient/{patient_id} not found") from error
    _log(user, patient.pk, "Patient", workstation)
    return _patient_resource(patient)


def _patient_criteria(params: Mapping[str, list[str]]) -> PatientCriteria | None:
    """The criteria of a Patient search; ``None`` when they cannot match anyone."""
    ids = codice_fiscale = mrn = family = None
    born_from = born_before = None
    if "_id" in params:
        found = resource_id(params["_id"][0])
        if found is None:
            return None
        ids = (found,)
    if "identifier" in params:
        token = token_of(params["identifier"][0])
        if token.system == fhir.CODICE_FISCALE:
            codice_fiscale = token.code
        elif token.system == settings.CORSIA_FHIR_MRN_SYSTEM:
            mrn = token.code
        elif token.system is None:
            # no system: the codice fiscale (16 characters) or else the MRN
            if len(token.code) == 16 and not token.code.isdigit():
                codice_fiscale = token.code
            else:
                mrn = token.code
        else:
            return None  # an identifier system this hospital does not issue
    if "family" in params:
        family = params["family"][0]
    if "birthdate" in params:
        born_from, born_before = date_bounds(
            interval_of(params["birthdate"], hospital_zone()), hospital_zone()
        )
    updated = interval_of(params.get("_lastUpdated", []), hospital_zone())
    return PatientCriteria(
        updated_from=updated.start,
        updated_before=updated.end,
        ids=ids,
        codice_fiscale=codice_fiscale,
        mrn=mrn,
        family=family,
        born_from=born_from,
        born_before=born_before,
    )


def patient_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """Patients by codice fiscale, MRN, id, surname or birth date; at least one is needed
    (the server gives no list of all patients). Each patient on the page is logged."""
    require_permission(user, VIEW_PATIENT)
    if not {"_id", "identifier", "family", "birthdate"} & set(params):
        raise InvalidSearch("A Patient search needs _id, identifier, family or birthdate")
    criteria = _patient_criteria(params)
    if criteria is None:
        return Found(total=0, resources=[])
    rows = patient_find(user=user, criteria=criteria)
    total = rows.count()
    patients = list(rows[page.offset : page.offset + page.count])
    access_log_record_many(
        user=user,
        patient_ids=[p.pk for p in patients],
        what="FHIR ricerca Patient",
        workstation=workstation,
        channel=CHANNEL,
    )
    return Found(total=total, resources=[_patient_resource(p) for p in patients])


Search = Callable[..., Found]
PatientRead = Callable[[User, "Patient", Mapping[str, list[str]], Workstation], list[Resource]]


def _one_patient_search(
    resource_type: str,
    permission: str,
    read: PatientRead,
    check: Callable[[Mapping[str, list[str]]], object] | None = None,
) -> Search:
    """A search of one patient's data (``patient=`` required): the permission first (a
    refusal reads and logs nothing), the values checked, then the patient (unknown or out
    of the user's scope: nothing found), then the read, paged."""

    def search(
        *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
    ) -> Found:
        require_permission(user, permission)
        if check is not None:
            check(params)
        updated = interval_of(params.get("_lastUpdated", []), hospital_zone())
        patient = _subject(user, params, resource_type)
        if patient is None:
            return Found(total=0, resources=[])
        found = read(user, patient, params, workstation)
        if "_lastUpdated" in params:
            found = [r for r in found if _within(fhir.last_updated(r), updated)]
        return paged(found, page)

    return search


SEARCHES: dict[str, Search] = {
    "Patient": patient_search,
    "Encounter": _one_patient_search("Encounter", VIEW_PATIENT, _encounters),
    "AllergyIntolerance": _one_patient_search("AllergyIntolerance", VIEW_PATIENT, _allergies),
    "Condition": _one_patient_search("Condition", VIEW_CHART, _conditions),
    "Observation": _one_patient_search(
        "Observation", VIEW_CHART, _observations, _observation_filters
    ),
    "MedicationRequest": _one_patient_search("MedicationRequest", VIEW_ORDER, _medication_requests),
    "MedicationAdministration": medication_administration_search,
    "RequestGroup": _one_patient_search("RequestGroup", VIEW_ORDER, _request_groups),
    "DocumentReference": _one_patient_search(
        "DocumentReference", VIEW_DOCUMENTS, _document_references
    ),
}


# --- read by id ---------------------------------------------------------------------------------


def _numeric_suffix(raw: str, prefix: str) -> int | None:
    return resource_id(raw[len(prefix) :]) if raw.startswith(prefix) else None


def _encounter_owner(raw: str) -> int | None:
    found = resource_id(raw)
    encounter = encounter_record(encounter_id=found) if found is not None else None
    return encounter.patient_id if encounter is not None else None


def _allergy_owner(raw: str) -> int | None:
    if (found := _numeric_suffix(raw, "allergy-")) is not None:
        return allergy_patient_id(allergy_id=found)
    if (found := _numeric_suffix(raw, "nka-")) is not None:
        return allergy_patient_id(allergy_id=found, no_known_allergies=True)
    return None


def _condition_owner(raw: str) -> int | None:
    found = resource_id(raw)
    return chart_record_patient_id(kind="diagnosis", record_id=found) if found else None


def _observation_owner(raw: str) -> int | None:
    if (found := _numeric_suffix(raw, "lab-")) is not None:
        return chart_record_patient_id(kind="lab", record_id=found)
    if raw.startswith("vs-"):
        row, _, sign = raw[3:].partition("-")
        found = resource_id(row)
        if found is not None and sign:
            return chart_record_patient_id(kind="vitals", record_id=found)
    return None


def _order_line_owner(raw: str) -> int | None:
    if (ward := ward_pk(raw)) is not None:
        return prescription_patient_id(prescription_id=ward)
    found = resource_id(raw)
    line = line_find(found) if found is not None else None
    return line.order.patient_id if line is not None else None


def _administration_owner(raw: str) -> int | None:
    if (ward := ward_pk(raw)) is not None:
        return dose_patient_id(record_id=ward)
    found = resource_id(raw)
    return administration_patient_id(administration_id=found) if found is not None else None


def _order_owner(raw: str) -> int | None:
    found = resource_id(raw)
    order = order_find(found) if found is not None else None
    return order.patient_id if order is not None else None


def _document_owner(raw: str) -> int | None:
    """Whose document it is; the archive's selector needs a reader, so the search's
    permission check (``documents.view_document``) has run: this reads no data."""
    found = resource_id(raw)
    return document_patient_id(document_id=found) if found is not None else None


@dataclass(frozen=True)
class ByPatient:
    """How a resource of one patient's data is read by id: the permission, whose it is
    (``owner``: the patient's id or ``None``), and the read of that patient's resources of
    this type (the search's, so masking and the access log are the same)."""

    permission: str
    owner: Callable[[str], int | None]
    read: PatientRead


BY_PATIENT: dict[str, ByPatient] = {
    "Encounter": ByPatient(VIEW_PATIENT, _encounter_owner, _encounters),
    "AllergyIntolerance": ByPatient(VIEW_PATIENT, _allergy_owner, _allergies),
    "Condition": ByPatient(VIEW_CHART, _condition_owner, _conditions),
    "Observation": ByPatient(VIEW_CHART, _observation_owner, _observations),
    "MedicationRequest": ByPatient(VIEW_ORDER, _order_line_owner, _medication_requests),
    "MedicationAdministration": ByPatient(
        VIEW_ADMINISTRATIONS, _administration_owner, _medication_administrations
    ),
    "RequestGroup": ByPatient(VIEW_ORDER, _order_owner, _request_groups),
    "DocumentReference": ByPatient(VIEW_DOCUMENTS, _document_owner, _document_references),
}


def resource_read(
    *, user: User, resource_type: str, raw_id: str, workstation: Workstation
) -> Resource:
    """One resource of a patient's data by its id: the permission first, then whose it is,
    then that patient's resources read as a search reads them (the patient's scope, masking,
    the access log) and the one with this id picked. Unknown, out of scope or hidden by
    masking: ``not-found``, the same answer for each (no leak of what exists)."""
    if resource_type == "Patient":
        return patient_read(user=user, raw_id=raw_id, workstation=workstation)
    how = BY_PATIENT[resource_type]
    require_permission(user, how.permission)
    missing = ResourceNotFound(f"{resource_type}/{raw_id[:64]} not found")
    patient_id = how.owner(raw_id) if raw_id.isascii() and len(raw_id) <= 64 else None
    if patient_id is None:
        raise missing
    try:
        patient = patient_get(user=user, patient_id=patient_id)
    except NotFound as error:
        raise missing from error
    # ``_id``: a read that can, reads that resource only (MedicationAdministration: issue 27)
    for resource in how.read(user, patient, {"_id": [raw_id]}, workstation):
        if resource["id"] == raw_id:
            return resource
    raise missing
