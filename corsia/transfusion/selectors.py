"""Reads of the transfusion module. Every read of a patient's data writes the access log;
lists leave out what was written during a masked stay hidden from the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, PermissionRefused
from corsia.patients.selectors import outside_hidden_stays, patient_get
from corsia.transfusion.domain.crossmatch import CrossmatchResult
from corsia.transfusion.domain.groups import GroupOnRecord, GroupStatus, group_on_record
from corsia.transfusion.domain.haemovigilance import Notification, UnitLine, initials
from corsia.transfusion.domain.products import Component
from corsia.transfusion.domain.reactions import (
    REPORT_AT_ONCE,
    Imputability,
    ReactionCategory,
    Severity,
)
from corsia.transfusion.domain.states import RequestState
from corsia.transfusion.models import (
    BloodGroupDetermination,
    Crossmatch,
    EmergencyRelease,
    IssuedBag,
    Transfusion,
    TransfusionReaction,
    TransfusionRequest,
)
from corsia.transfusion.services._common import VIEW
from corsia.transfusion.services.requests import determinations_of

if TYPE_CHECKING:
    from corsia.patients.models import Patient


def _requests() -> QuerySet[TransfusionRequest]:
    return TransfusionRequest.objects.select_related("requested_by", "patient").prefetch_related(
        Prefetch("bags", queryset=IssuedBag.objects.prefetch_related("crossmatches")),
        Prefetch(
            "transfusions",
            queryset=Transfusion.objects.select_related(
                "bag", "first_operator", "second_operator"
            ).prefetch_related("vitals", "reactions"),
        ),
    )


@dataclass(frozen=True)
class PatientTransfusions:
    patient: Patient
    group: GroupOnRecord
    determinations: list[BloodGroupDetermination]
    requests: list[TransfusionRequest]


def patient_transfusions(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> PatientTransfusions:
    """The patient's group on record with its determinations, and every request with its
    bags, transfusions, vital signs and reactions (newest first)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    requests = outside_hidden_stays(
        _requests().filter(patient_id=patient.pk),
        user=user,
        field="created_at",
        patient_id=patient.pk,
    )
    determinations = list(
        BloodGroupDetermination.objects.filter(patient_id=patient.pk)
        .select_related("recorded_by")
        .order_by("collected_at")
    )
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="trasfusioni e gruppo sanguigno",
        workstation=workstation,
        channel=channel,
    )
    return PatientTransfusions(
        patient=patient,
        group=group_on_record(determinations_of(patient.pk)),
        determinations=determinations,
        requests=list(requests.order_by("-planned_at")),
    )


@dataclass(frozen=True)
class BagLine:
    """A bag issued for the request with its latest crossmatch and whether its
    regularisation is pending (released in emergency, no compatible crossmatch yet)."""

    bag: IssuedBag
    crossmatch: Crossmatch | None
    pending: bool


@dataclass(frozen=True)
class RequestDetail:
    request: TransfusionRequest
    group: GroupOnRecord
    emergency: EmergencyRelease | None = None
    bags: tuple[BagLine, ...] = ()

    @property
    def pending(self) -> list[IssuedBag]:
        return [line.bag for line in self.bags if line.pending]


def request_extras(request: TransfusionRequest) -> RequestDetail:
    """A request's emergency declaration and bag lines, without the access log (for a
    request already read and logged by the caller's selector)."""
    return RequestDetail(
        request=request,
        group=GroupOnRecord(GroupStatus.NONE, None),
        emergency=EmergencyRelease.objects.filter(request_id=request.pk)
        .select_related("declared_by")
        .first(),
        bags=bag_lines(request),
    )


def bag_lines(request: TransfusionRequest) -> tuple[BagLine, ...]:
    lines = []
    for bag in request.bags.all():
        tests = sorted(bag.crossmatches.all(), key=lambda c: (c.recorded_at, c.pk))
        latest = tests[-1] if tests else None
        compatible = latest is not None and latest.result == CrossmatchResult.COMPATIBLE.value
        red_cells = request.component == Component.RED_CELLS.value
        lines.append(BagLine(bag, latest, bag.emergency and red_cells and not compatible))
    return tuple(lines)


def request_detail(
    *, user: User, request_id: int, workstation: Workstation, channel: str = "web"
) -> RequestDetail:
    require_permission(user, VIEW)
    request = _requests().filter(pk=request_id).first()
    if request is None:
        raise NotFound("Richiesta non trovata.", code="request_not_found")
    patient = patient_get(user=user, patient_id=request.patient_id)
    hidden = outside_hidden_stays(
        TransfusionRequest.objects.filter(pk=request.pk),
        user=user,
        field="created_at",
        patient_id=patient.pk,
    )
    if not hidden.exists():
        raise NotFound("Richiesta non trovata.", code="request_not_found")
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="richiesta di emocomponenti",
        workstation=workstation,
        channel=channel,
    )
    extras = request_extras(request)
    return RequestDetail(
        request=request,
        group=group_on_record(determinations_of(patient.pk)),
        emergency=extras.emergency,
        bags=extras.bags,
    )


def transfusion_detail(
    *, user: User, transfusion_id: int, workstation: Workstation, channel: str = "web"
) -> Transfusion:
    require_permission(user, VIEW)
    row = (
        Transfusion.objects.select_related("bag", "request", "first_operator", "second_operator")
        .prefetch_related("vitals", "reactions")
        .filter(pk=transfusion_id)
        .first()
    )
    if row is None:
        raise NotFound("Trasfusione non trovata.", code="transfusion_not_found")
    request_detail(user=user, request_id=row.request_id, workstation=workstation, channel=channel)
    return row


def open_requests(
    *, user: User, workstation: Workstation, channel: str = "web"
) -> list[TransfusionRequest]:
    """The worklist: open requests planned from yesterday to tomorrow, every patient in the
    user's scope, masked stays left out; one access-log row per patient shown."""
    require_permission(user, VIEW)
    now = timezone.now()
    rows = outside_hidden_stays(
        _requests().filter(
            state=RequestState.OPEN.value,
            planned_at__gte=now - timedelta(days=1),
            planned_at__lte=now + timedelta(days=1),
        ),
        user=user,
        field="created_at",
    )
    visible: list[TransfusionRequest] = []
    for row in rows.order_by("planned_at"):
        try:
            patient_get(user=user, patient_id=row.patient_id)
        except (NotFound, PermissionRefused):
            continue
        visible.append(row)
    if visible:
        access_log_record_many(
            user=user,
            patient_ids=sorted({r.patient_id for r in visible}),
            what="trasfusioni programmate",
            workstation=workstation,
            channel=channel,
        )
    return visible


def haemovigilance_notification(
    *, user: User, reaction_id: int, workstation: Workstation, channel: str = "web"
) -> Notification:
    """The SISTRA data set of one reaction: the reaction, the patient's minimum, and every
    unit of the request started before the reaction's onset (the one it occurred with
    first)."""
    require_permission(user, VIEW)
    reaction = (
        TransfusionReaction.objects.select_related("transfusion", "recorded_by")
        .filter(pk=reaction_id)
        .first()
    )
    if reaction is None:
        raise NotFound("Reazione non trovata.", code="reaction_not_found")
    detail = request_detail(
        user=user,
        request_id=reaction.transfusion.request_id,
        workstation=workstation,
        channel=channel,
    )
    request, patient = detail.request, detail.request.patient
    given = [t for t in request.transfusions.all() if t.pk != reaction.transfusion_id]
    given = [t for t in given if t.started_at is not None and t.started_at <= reaction.onset_at]
    involved = [next(t for t in request.transfusions.all() if t.pk == reaction.transfusion_id)]
    category = ReactionCategory(reaction.category)
    return Notification(
        reaction_id=reaction.pk,
        patient_initials=initials(patient.given_names, patient.surname),
        patient_sex=patient.sex,
        patient_birth_date=patient.date_of_birth,
        patient_mrn=patient.mrn,
        indication=request.indication,
        category=category.value,
        category_label=category.label_it,
        severity=reaction.severity,
        severity_label=Severity(reaction.severity).label_it,
        imputability=reaction.imputability,
        imputability_label=Imputability(reaction.imputability).label_it,
        onset_at=reaction.onset_at,
        description=reaction.description,
        report_at_once=category in REPORT_AT_ONCE,
        recorded_by=reaction.recorded_by.get_full_name() or reaction.recorded_by.username,
        recorded_at=reaction.recorded_at,
        units=tuple(_unit(t, request.get_component_display()) for t in involved + given),
    )


def _unit(row: Transfusion, component: str) -> UnitLine:
    return UnitLine(
        din=row.bag.din,
        product_code=row.bag.product_code,
        component=component,
        group=row.bag.group.short(),
        released_in_emergency=row.bag.emergency,
        started_at=row.started_at,
        ended_at=row.ended_at,
        volume_ml=row.volume_ml,
    )
