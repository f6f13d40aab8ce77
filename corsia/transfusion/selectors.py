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
from corsia.transfusion.domain.groups import GroupOnRecord, group_on_record
from corsia.transfusion.domain.states import RequestState
from corsia.transfusion.models import (
    BloodGroupDetermination,
    Transfusion,
    TransfusionRequest,
)
from corsia.transfusion.services._common import VIEW
from corsia.transfusion.services.requests import determinations_of

if TYPE_CHECKING:
    from corsia.patients.models import Patient


def _requests() -> QuerySet[TransfusionRequest]:
    return TransfusionRequest.objects.select_related("requested_by", "patient").prefetch_related(
        "bags",
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
class RequestDetail:
    request: TransfusionRequest
    group: GroupOnRecord


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
    return RequestDetail(request=request, group=group_on_record(determinations_of(patient.pk)))


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
