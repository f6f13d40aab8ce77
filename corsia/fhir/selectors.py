"""The FHIR server's reads: each through the owning module's public selectors, with the same
permission as the page that shows the same data, the patient's scope (a trial monitor's
patients only: anyone else's is ``not-found``), masking, and one access-log row per patient
whose data is answered (channel ``fhir``). A refused request writes nothing.

Each search takes its checked parameters (``domain.search.checked_params``) and returns the
total and the page of resources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from corsia.administration.given import administration_patient_id, administrations_of_patient
from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.documents.selectors import (
    document_content,
    document_get,
    document_patient_id,
    patient_documents,
    superseded_ids,
)
from corsia.fhir.domain import orders as fhir_orders
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain.outcome import InvalidSearch, Resource, ResourceNotFound
from corsia.fhir.domain.search import (
    Interval,
    Page,
    date_bounds,
    interval_of,
    reference_id,
    resource_id,
    token_of,
    values_of,
)
from corsia.patients.selectors import (
    PatientCriteria,
    allergy_overview,
    allergy_patient_id,
    encounter_record,
    patient_find,
    patient_get,
    visible_encounters,
)
from corsia.prescribing.selectors import line_find, order_find, patient_orders
from corsia.records.selectors import (
    chart_record_patient_id,
    diagnosis_view,
    lab_view,
    patient_vitals,
)

if TYPE_CHECKING:
    from corsia.patients.models import Patient

CHANNEL = "fhir"
VIEW_PATIENT = "patients.view_patient"
VIEW_CHART = "records.view_chart"
VIEW_ORDER = "prescribing.view_order"
VIEW_ADMINISTRATIONS = "administration.view_worklist"
VIEW_DOCUMENTS = "documents.view_document"


@dataclass(frozen=True)
class Found:
    total: int
    resources: list[Resource]


def hospital_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def paged(resources: Sequence[Resource], page: Page) -> Found:
    return Found(
        total=len(resources), resources=list(resources[page.offset : page.offset + page.count])
    )


def _log(user: User, patient_id: int, what: str, workstation: Workstation) -> None:
    access_log_record(
        user=user,
        patient_id=patient_id,
        what=f"FHIR {what}",
        workstation=workstation,
        channel=CHANNEL,
    )


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


# --- the searches of one patient's data ---------------------------------------------------------


def _subject(user: User, params: Mapping[str, list[str]], resource_type: str) -> Patient | None:
    """The patient a search is about (``patient=``, required); ``None`` when there is no such
    patient for this user (unknown or out of scope: the search matches nothing)."""
    if "patient" not in params:
        raise InvalidSearch(f"A {resource_type} search needs the patient parameter")
    patient_id = reference_id(params["patient"][0], "Patient")
    if patient_id is None:
        return None
    try:
        return patient_get(user=user, patient_id=patient_id)
    except NotFound:
        return None


def _statuses(params: Mapping[str, list[str]]) -> set[str] | None:
    return _values(params, "status")


def _values(params: Mapping[str, list[str]], name: str) -> set[str] | None:
    return set(values_of(params[name][0])) if name in params else None


def _within(moment: datetime | None, interval: Interval, *, whole_day: bool = False) -> bool:
    """Whether ``moment`` lies in the interval (``whole_day``: the day starting at
    ``moment`` overlaps it, for an element that is a date). A record without the moment
    matches only an open interval."""
    if moment is None:
        return interval.start is None and interval.end is None
    if whole_day:
        return _overlaps(moment, moment + timedelta(days=1), interval)
    return (interval.start is None or moment >= interval.start) and (
        interval.end is None or moment < interval.end
    )


def _overlaps(start: datetime, end: datetime | None, interval: Interval) -> bool:
    """Whether ``[start, end)`` (``end`` None: still going) overlaps the interval."""
    return (interval.end is None or start < interval.end) and (
        interval.start is None or end is None or end > interval.start
    )


def _at_start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=hospital_zone())


def _clinical_status(resource: Resource) -> str:
    return str(resource["clinicalStatus"]["coding"][0]["code"])


def _encounters(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """The patient's encounters, masked ones (oscurati) left out; ``date``: those whose
    period overlaps the interval asked."""
    statuses = _statuses(params)
    period = interval_of(params.get("date", []), hospital_zone())
    found = []
    for encounter in visible_encounters(patient).order_by("-admitted_at", "-pk"):
        resource = fhir.encounter_resource(
            fhir.EncounterFacts(
                id=encounter.pk,
                patient_id=patient.pk,
                kind=encounter.kind,
                state=encounter.state,
                ward_name=encounter.ward.name,
                admitted_at=encounter.admitted_at,
                discharged_at=encounter.discharged_at,
            )
        )
        if statuses is not None and resource["status"] not in statuses:
            continue
        if _overlaps(encounter.admitted_at, encounter.discharged_at, period):
            found.append(fhir.with_last_updated(resource, encounter.updated_at))
    _log(user, patient.pk, "Encounter", workstation)
    return found


def _allergies(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """Every allergy recorded (refuted and inactive ones with their status) and the "no
    known allergies" statements."""
    overview = allergy_overview(
        user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL
    )
    clinical = _values(params, "clinical-status")
    when = interval_of(params.get("date", []), hospital_zone())
    found = [
        fhir.with_last_updated(
            fhir.allergy_resource(
                fhir.AllergyEntry(
                    id=a.pk,
                    patient_id=patient.pk,
                    substance_kind=a.substance_kind,
                    substance=a.substance,
                    reaction=a.reaction,
                    reaction_text=a.reaction_text,
                    severity=a.severity,
                    certainty=a.certainty,
                    status=a.status,
                    onset_date=a.onset_date,
                    recorded_at=a.created_at,
                )
            ),
            a.updated_at,
        )
        for a in overview.allergies
        if _within(a.created_at, when)
    ]
    found += [
        fhir.with_last_updated(
            fhir.no_known_allergies_resource(
                fhir.NoKnownAllergiesFacts(
                    id=s.pk,
                    patient_id=patient.pk,
                    stated_on=s.stated_on,
                    ended=s.ended_at is not None,
                )
            ),
            s.updated_at,
        )
        for s in overview.statements
        if _within(_at_start_of(s.stated_on), when, whole_day=True)
    ]
    return [r for r in found if clinical is None or _clinical_status(r) in clinical]


def _conditions(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    view = diagnosis_view(
        user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL
    )
    found = [
        fhir.with_last_updated(
            fhir.condition_resource(
                fhir.ConditionFacts(
                    id=d.pk,
                    patient_id=patient.pk,
                    icd9_code=d.primary_site.code,
                    icd9_display=d.primary_site.description_it,
                    histotype=d.histotype,
                    stage=d.stage,
                    staging_system=d.staging_system,
                    diagnosed_on=d.diagnosed_on,
                )
            ),
            d.updated_at,
        )
        for d in view.diagnoses
    ]
    return found


OBSERVATION_CATEGORIES = frozenset({"vital-signs", "laboratory"})


def _observation_codes(params: Mapping[str, list[str]]) -> set[str] | None:
    if "code" not in params:
        return None
    codes = set()
    for raw in values_of(params["code"][0]):
        token = token_of(raw)
        if token.system not in (None, fhir.LOINC):
            continue  # no code of another system is served
        codes.add(token.code)
    return codes


def _observation_filters(
    params: Mapping[str, list[str]],
) -> tuple[set[str], Interval, set[str] | None]:
    categories = set(OBSERVATION_CATEGORIES)
    if "category" in params:
        categories = set()
        for raw in values_of(params["category"][0]):
            token = token_of(raw)
            if token.system not in (None, fhir.OBSERVATION_CATEGORY):
                continue
            if token.code not in OBSERVATION_CATEGORIES:
                raise InvalidSearch(f"Observation category not served: {token.code}")
            categories.add(token.code)
    return (
        categories,
        interval_of(params.get("date", []), hospital_zone()),
        _observation_codes(params),
    )


def _observations(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """Vital signs and laboratory results, newest first, by category, date and code (a
    vital sign's LOINC code: laboratory results have none yet, a code search leaves them
    out)."""
    categories, interval, codes = _observation_filters(params)
    statuses = _statuses(params)
    if statuses is not None and "final" not in statuses:
        return []  # every vital sign and result served is final
    dated: list[tuple[datetime, Resource]] = []
    if "vital-signs" in categories:
        view = patient_vitals(
            user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL
        )
        for row in view.rows:
            signs = row.signs
            if not _within(signs.measured_at, interval):
                continue
            facts = fhir.VitalsFacts(
                id=signs.pk,
                patient_id=patient.pk,
                measured_at=signs.measured_at,
                systolic_bp=signs.systolic_bp,
                diastolic_bp=signs.diastolic_bp,
                heart_rate=signs.heart_rate,
                temperature_c=signs.temperature_c,
                respiratory_rate=signs.respiratory_rate,
                spo2=signs.spo2,
                pain_nrs=signs.pain_nrs,
            )
            for resource in fhir.vitals_resources(facts):
                if codes is None or fhir.vitals_codes(resource) & codes:
                    dated.append(
                        (signs.measured_at, fhir.with_last_updated(resource, signs.recorded_at))
                    )
    if "laboratory" in categories and codes is None:
        labs = lab_view(user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL)
        for result in labs.results:
            if _within(result.collected_at, interval):
                dated.append(
                    (
                        result.collected_at,
                        fhir.with_last_updated(
                            fhir.lab_resource(
                                fhir.LabFacts(
                                    id=result.pk,
                                    patient_id=patient.pk,
                                    analyte=result.analyte,
                                    value=result.value,
                                    unit=result.unit,
                                    reference_low=result.reference_low,
                                    reference_high=result.reference_high,
                                    flag=result.flag,
                                    collected_at=result.collected_at,
                                )
                            ),
                            result.recorded_at,
                        ),
                    )
                )
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [resource for _, resource in dated]


def _medication_requests(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """Every line of the patient's therapy orders (newest cycle first, in the order of
    administration), the order as ``groupIdentifier``; ``date``: the lines scheduled on the
    days asked (``dosageInstruction.timing.event``, as R4 defines the parameter)."""
    statuses = _statuses(params)
    scheduled = interval_of(params.get("date", []), hospital_zone())
    orders = patient_orders(user=user, patient_id=patient.pk).select_related("prescriber")
    found = []
    for order in orders.prefetch_related("items__ingredient"):
        regimen = order.regimen_version.name
        for item in sorted(order.items.all(), key=lambda i: (i.day_of_cycle, i.sequence)):
            resource = fhir.medication_request_resource(
                fhir.OrderLineFacts(
                    id=item.pk,
                    patient_id=patient.pk,
                    order_id=order.pk,
                    order_state=order.state,
                    line_status=item.status,
                    cycle_number=order.cycle_number,
                    regimen_name=regimen,
                    ingredient_code=item.ingredient.code,
                    ingredient_name=item.ingredient.name_it,
                    route=item.route,
                    sequence=item.sequence,
                    day_of_cycle=item.day_of_cycle,
                    scheduled_date=item.scheduled_date,
                    dose=item.dose,
                    dose_unit=item.dose_unit,
                    final_dose=item.final_dose,
                    amount_unit=item.amount_unit,
                    duration_minutes=item.duration_minutes,
                    bsa_m2=order.bsa_m2,
                    bsa_formula=order.bsa_formula,
                    dosing_weight_kg=order.dosing_weight_kg,
                    prescriber_name=order.prescriber.get_full_name() or order.prescriber.username,
                    authored_at=order.created_at,
                )
            )
            if statuses is not None and resource["status"] not in statuses:
                continue
            if _within(_at_start_of(item.scheduled_date), scheduled, whole_day=True):
                found.append(fhir.with_last_updated(resource, order.updated_at))
    _log(user, patient.pk, "MedicationRequest", workstation)
    return found


def _started(params: Mapping[str, list[str]]) -> Interval:
    return interval_of(params.get("date", []), hospital_zone())


def _medication_administrations(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """What was given to the patient (newest first), by when it started."""
    interval = _started(params)
    statuses = _statuses(params)
    records = administrations_of_patient(
        user=user, patient_id=patient.pk, started_from=interval.start, started_before=interval.end
    )
    found = [
        fhir.with_last_updated(
            fhir.medication_administration_resource(
                fhir.AdministrationFacts(
                    id=r.given.administration_id,
                    patient_id=patient.pk,
                    order_item_id=r.given.order_item_id,
                    ingredient_code=r.given.ingredient_code,
                    ingredient_name=r.ingredient_name,
                    amount_given=r.given.amount_given,
                    dose_unit=r.given.dose_unit,
                    route=r.route,
                    state=r.given.state,
                    started_at=r.given.started_at,
                    ended_at=r.ended_at,
                    nurse_name=r.nurse_name,
                    reason=r.reason,
                )
            ),
            r.updated_at,
        )
        for r in records
    ]
    found = [r for r in found if statuses is None or r["status"] in statuses]
    _log(user, patient.pk, "MedicationAdministration", workstation)
    return found


def _request_groups(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """Each therapy order of the patient as a whole (newest cycle first): its lines, in the
    order of administration, as the MedicationRequests it groups."""
    statuses = _statuses(params)
    wanted = params["identifier"][0] if "identifier" in params else None
    found = []
    for order in (
        patient_orders(user=user, patient_id=patient.pk)
        .select_related("prescriber")
        .prefetch_related("items")
    ):
        if wanted is not None:
            token = token_of(wanted)
            if token.system not in (None, fhir.THERAPY_ORDER) or token.code != str(order.pk):
                continue
        resource = fhir_orders.request_group_resource(
            fhir_orders.OrderFacts(
                id=order.pk,
                patient_id=patient.pk,
                state=order.state,
                regimen_name=order.regimen_version.name,
                cycle_number=order.cycle_number,
                start_date=order.start_date.isoformat(),
                prescriber_name=order.prescriber.get_full_name() or order.prescriber.username,
                authored_at=order.created_at,
                line_ids=tuple(
                    i.pk
                    for i in sorted(order.items.all(), key=lambda i: (i.day_of_cycle, i.sequence))
                ),
            )
        )
        if statuses is None or resource["status"] in statuses:
            found.append(fhir.with_last_updated(resource, order.updated_at))
    _log(user, patient.pk, "RequestGroup", workstation)
    return found


def _document_references(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """The patient's signed documents (every version; the superseded ones ``superseded``),
    newest first; none about a masked stay (``documents.hidden``). Logged by the archive's
    own selector ("elenco documenti archiviati")."""
    statuses = _statuses(params)
    when = interval_of(params.get("date", []), hospital_zone())
    documents = [
        d
        for d in patient_documents(
            user=user, patient_id=patient.pk, workstation=workstation, channel=CHANNEL
        )
        if d.signed and d.signed_at is not None
    ]
    replaced = superseded_ids(documents)
    found = []
    for d in documents:
        assert d.signed_at is not None  # filtered above
        resource = fhir_orders.document_reference_resource(
            fhir_orders.DocumentFacts(
                id=d.pk,
                patient_id=patient.pk,
                kind=d.kind,
                title=d.title,
                mime_type=d.mime_type,
                size=d.size,
                signed_at=d.signed_at,
                signer_name=(d.signer.get_full_name() or d.signer.username) if d.signer else "",
                version=d.version,
                supersedes_id=d.supersedes_id,
                superseded=d.pk in replaced,
            )
        )
        if statuses is not None and resource["status"] not in statuses:
            continue
        if _within(d.signed_at, when):
            found.append(fhir.with_last_updated(resource, d.signed_at))
    return found


def document_pdf(*, user: User, raw_id: str, workstation: Workstation) -> tuple[str, bytes]:
    """A signed document's bytes (``Binary/<id>``): the archive's download, with its
    permission, scope, masking and access log; an unsigned one is not served."""
    require_permission(user, VIEW_DOCUMENTS)
    document_id = resource_id(raw_id)
    try:
        if document_id is None or not document_get(user=user, document_id=document_id).signed:
            raise NotFound("not found")
        document, content = document_content(
            user=user, document_id=document_id, workstation=workstation, channel=CHANNEL
        )
    except NotFound as error:
        raise ResourceNotFound(f"Binary/{raw_id[:64]} not found") from error
    return document.mime_type, content


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
    "MedicationAdministration": _one_patient_search(
        "MedicationAdministration", VIEW_ADMINISTRATIONS, _medication_administrations, _started
    ),
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
    found = resource_id(raw)
    line = line_find(found) if found is not None else None
    return line.order.patient_id if line is not None else None


def _administration_owner(raw: str) -> int | None:
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
    for resource in how.read(user, patient, {}, workstation):
        if resource["id"] == raw_id:
            return resource
    raise missing
