"""The FHIR server's reads of the therapy: MedicationRequest (the order lines),
MedicationAdministration (what was given at the bedside) and RequestGroup (the orders)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils import timezone

from corsia.administration.given import administrations_of_patient
from corsia.core.actors import User, Workstation
from corsia.fhir.domain import orders as fhir_orders
from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain import ward_medication as ward_fhir
from corsia.fhir.domain.outcome import Resource
from corsia.fhir.domain.search import (
    Interval,
    interval_of,
    token_of,
)
from corsia.fhir.selectors_common import (
    _at_start_of,
    _log,
    _statuses,
    _within,
    hospital_zone,
)
from corsia.prescribing.selectors import patient_orders
from corsia.therapy import selectors as therapy
from corsia.therapy.permissions import VIEW as VIEW_WARD_THERAPY

if TYPE_CHECKING:
    from corsia.patients.models import Patient


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


def _ward_administrations(user: User, patient: Patient, interval: Interval) -> list[Resource]:
    """The doses recorded on the ward's round (``ward-<n>``), for who reads the ward
    therapy: a record superseded by its correction is ``entered-in-error``."""
    if not user.has_perm(VIEW_WARD_THERAPY):
        return []
    found = []
    for d in therapy.patient_dose_records(user=user, patient_id=patient.pk):
        p = d.prescription
        if not _within(d.at, interval):
            continue
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
        found.append(fhir.with_last_updated(resource, moment))
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
    found += _ward_administrations(user, patient, interval)
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
