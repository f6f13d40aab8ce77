"""The FHIR server's reads of the chart: Encounter, AllergyIntolerance, Condition (the
oncological diagnosis) and Observation (vital signs and laboratory results)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from corsia.core.actors import User, Workstation
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain.outcome import InvalidSearch, Resource
from corsia.fhir.domain.search import (
    Interval,
    interval_of,
    token_of,
    values_of,
)
from corsia.fhir.selectors_common import (
    CHANNEL,
    _at_start_of,
    _clinical_status,
    _log,
    _overlaps,
    _statuses,
    _values,
    _within,
    hospital_zone,
)
from corsia.patients.selectors import (
    allergy_overview,
    visible_encounters,
)
from corsia.records.selectors import (
    diagnosis_view,
    lab_view,
    patient_vitals,
)

if TYPE_CHECKING:
    from corsia.patients.models import Patient


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
