"""The FHIR server's reads of the therapy: MedicationRequest (the order lines),
MedicationAdministration (what was given at the bedside) and RequestGroup (the orders)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils import timezone

from corsia.administration.given import ADMINISTRATION_KIND as BEDSIDE
from corsia.administration.given import (
    AdministrationRecord,
    administration_keys,
    administrations_of_patient,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.fhir.domain import orders as fhir_orders
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain import ward_medication as ward_fhir
from corsia.fhir.domain.outcome import Resource
from corsia.fhir.domain.search import (
    Interval,
    Page,
    interval_of,
    resource_id,
    token_of,
)
from corsia.fhir.domain.ward_medication import ward_pk
from corsia.fhir.selectors_common import (
    VIEW_ADMINISTRATIONS,
    Found,
    _at_start_of,
    _log,
    _statuses,
    _subject,
    _within,
    hospital_zone,
)
from corsia.prescribing.selectors import patient_orders
from corsia.therapy import selectors as therapy
from corsia.therapy.permissions import VIEW as VIEW_WARD_THERAPY
from corsia.therapy.selectors import DOSE_KIND as WARD

if TYPE_CHECKING:
    from corsia.patients.models import Patient
    from corsia.therapy.models import DoseRecord


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
    found += _ward_requests(user, patient, statuses, scheduled)
    _log(user, patient.pk, "MedicationRequest", workstation)
    return found


# the ward prescription's columns its FHIR facts take as they are
_AS_WRITTEN = (
    "dose", "dose_unit", "route", "frequency", "start_date", "days", "single_at",
    "prn_indication", "prn_min_interval_hours", "prn_max_per_day", "status", "status_reason",
    "replaces_id", "signed_at",
)  # fmt: skip


def _ward_requests(
    user: User,
    patient: Patient,
    statuses: set[str] | None,
    scheduled: Interval,
) -> list[Resource]:
    """The ward's prescriptions (``ward-<n>``), for who reads the ward therapy; ``date``:
    the day it starts (R4's ``timing.event``, the first of its timing)."""
    if not user.has_perm(VIEW_WARD_THERAPY):
        return []
    today = timezone.localdate()
    found = []
    for p in therapy.readable_prescriptions(user=user, patient_id=patient.pk):
        resource = ward_fhir.ward_medication_request(
            ward_fhir.WardPrescriptionFacts(
                **{name: getattr(p, name) for name in _AS_WRITTEN},
                id=p.pk,
                patient_id=patient.pk,
                ingredient_code=p.ingredient.code,
                ingredient_name=p.ingredient.name_it,
                route_label=p.get_route_display(),
                times=tuple(p.times),
                prescriber_name=p.prescriber.get_full_name() or p.prescriber.username,
                today=today,
            )
        )
        start = timezone.localdate(p.single_at) if p.single_at else p.start_date
        if statuses is not None and resource["status"] not in statuses:
            continue
        if _within(_at_start_of(start), scheduled, whole_day=True):
            found.append(fhir.with_last_updated(resource, p.updated_at))
    return found


def _ward_dose_resource(d: DoseRecord, patient: Patient) -> Resource:
    """A dose recorded on the ward's round (``ward-<n>``): a record superseded by its
    correction is ``entered-in-error``."""
    p = d.prescription
    resource = ward_fhir.ward_medication_administration(
        ward_fhir.WardDoseFacts(
            id=d.pk,
            patient_id=patient.pk,
            prescription_id=p.pk,
            ingredient_code=p.ingredient.code,
            ingredient_name=p.ingredient.name_it,
            outcome=d.outcome,
            reason_label=d.get_reason_display() if d.reason else "",
            superseded=d.superseded,
            correction_reason=d.correction_reason,
            at=d.at,
            amount=d.amount if d.amount is not None else p.dose,
            dose_unit=p.dose_unit,
            route=p.route,
            route_label=p.get_route_display(),
            nurse_name=d.nurse.get_full_name() or d.nurse.username,
            lot=d.lot,
        )
    )
    moment = d.corrected_by.recorded_at if d.superseded else d.recorded_at
    return fhir.with_last_updated(resource, moment)


def _ward_administrations(
    user: User, patient: Patient, interval: Interval, ids: list[int] | None = None
) -> list[Resource]:
    """The doses recorded on the ward's round, for who reads the ward therapy (``ids``:
    those records only)."""
    if not user.has_perm(VIEW_WARD_THERAPY):
        return []
    return [
        _ward_dose_resource(d, patient)
        for d in therapy.patient_dose_records(user=user, patient_id=patient.pk, ids=ids)
        if _within(d.at, interval)
    ]


def _started(params: Mapping[str, list[str]]) -> Interval:
    return interval_of(params.get("date", []), hospital_zone())


def _bedside_resource(r: AdministrationRecord, patient: Patient) -> Resource:
    return fhir.with_last_updated(
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


def _medication_administrations(
    user: User, patient: Patient, params: Mapping[str, list[str]], workstation: Workstation
) -> list[Resource]:
    """What was given to the patient (newest first), by when it started, for the read by
    id: ``_id`` (the resource's id) reads that record only (the search pages in the
    database, ``medication_administration_search``)."""
    interval = _started(params)
    statuses = _statuses(params)
    bedside_ids = ward_ids = None
    if "_id" in params:
        ward = ward_pk(params["_id"][0])
        bedside = resource_id(params["_id"][0]) if ward is None else None
        bedside_ids, ward_ids = ([bedside] if bedside else []), ([ward] if ward else [])
    records = administrations_of_patient(
        user=user, patient_id=patient.pk, started_from=interval.start,
        started_before=interval.end, ids=bedside_ids,
    )  # fmt: skip
    found = [_bedside_resource(r, patient) for r in records]
    found += _ward_administrations(user, patient, interval, ward_ids)
    found = [r for r in found if statuses is None or r["status"] in statuses]
    _log(user, patient.pk, "MedicationAdministration", workstation)
    return found


# FHIR's MedicationAdministration status of a ward dose record, by what the record is
_WARD_STATUS = {
    "completed": therapy.DOSE_GIVEN,
    "not-done": therapy.DOSE_NOT_GIVEN,
    "entered-in-error": therapy.DOSE_CORRECTED,
}


def medication_administration_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """What was given to the patient, the latest first, paged in the database (issue 27:
    before, every administration and ward dose of the patient was read, turned into a
    resource and filtered to give one page): the keys of the bedside's administrations
    and of the ward's doses, narrowed by ``date``, ``status`` and ``_lastUpdated`` in the
    database, counted, one page of them in one statement (a UNION of the two modules'
    keys, the latest first), then that page's records read by id. ``total`` is exact."""
    require_permission(user, VIEW_ADMINISTRATIONS)
    started = _started(params)
    updated = interval_of(params.get("_lastUpdated", []), hospital_zone())
    patient = _subject(user, params, "MedicationAdministration")
    if patient is None:
        return Found(total=0, resources=[])
    statuses = _statuses(params)
    keys = [
        administration_keys(
            user=user, patient_id=patient.pk,
            started_from=started.start, started_before=started.end,
            states=None if statuses is None else
            {state for state, status in fhir.ADMINISTRATION_STATUS.items() if status in statuses},
            updated_from=updated.start, updated_before=updated.end,
        )
    ]  # fmt: skip
    if user.has_perm(VIEW_WARD_THERAPY):
        keys.append(
            therapy.patient_dose_keys(
                user=user, patient_id=patient.pk, at_from=started.start, at_before=started.end,
                kinds=None if statuses is None else
                {kind for status, kind in _WARD_STATUS.items() if status in statuses},
                changed_from=updated.start, changed_before=updated.end,
            )
        )  # fmt: skip
    total = sum(k.count() for k in keys)
    both = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    shown = list(both.order_by("-moment", "-id", "kind")[page.offset : page.offset + page.count])
    wanted = {kind: [pk for k, pk, _ in shown if k == kind] for kind in (BEDSIDE, WARD)}
    found: dict[tuple[str, int], Resource] = {}
    if wanted[BEDSIDE]:
        for r in administrations_of_patient(user=user, patient_id=patient.pk, ids=wanted[BEDSIDE]):
            found[(BEDSIDE, r.given.administration_id)] = _bedside_resource(r, patient)
    if wanted[WARD]:
        for d in therapy.patient_dose_records(user=user, patient_id=patient.pk, ids=wanted[WARD]):
            found[(WARD, d.pk)] = _ward_dose_resource(d, patient)
    _log(user, patient.pk, "MedicationAdministration", workstation)
    return Found(total=total, resources=[found[(k, pk)] for k, pk, _ in shown if (k, pk) in found])


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
