"""Reads of telemedicine: the clinician's televisits and teleconsultations, one televisit.
Every read of a patient's televisit writes the access log."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.telemedicine.models import SignalMessage, Televisit, TelevisitReport
from corsia.telemedicine.permissions import VIEW


def my_televisits(
    *, user: User, workstation: Workstation, channel: str = "web", days_back: int = 7
) -> list[Televisit]:
    """The televisits and teleconsultations the user holds or was asked, from a week back."""
    require_permission(user, VIEW)
    since = timezone.now() - timedelta(days=days_back)
    rows = list(
        Televisit.objects.filter(Q(clinician=user) | Q(consultant=user))
        .filter(scheduled_end__gte=since)
        .select_related("patient", "clinician", "consultant")
        .order_by("scheduled_start", "pk")[:200]
    )
    if rows:
        access_log_record_many(
            user=user,
            patient_ids=sorted({r.patient_id for r in rows}),
            what="televisite",
            workstation=workstation,
            channel=channel,
        )
    return rows


def televisit_get(
    *, user: User, workstation: Workstation, televisit_id: int, channel: str = "web"
) -> Televisit:
    """One televisit, for its clinician or consultant; anyone else: not found."""
    require_permission(user, VIEW)
    visit = (
        Televisit.objects.filter(pk=televisit_id)
        .filter(Q(clinician=user) | Q(consultant=user))
        .select_related("patient", "clinician", "consultant", "consent_recorded_by")
        .first()
    )
    if visit is None:
        raise NotFound("Televisita inesistente.", code="televisit_not_found")
    access_log_record(
        user=user, patient_id=visit.patient_id, what="televisita", workstation=workstation,
        channel=channel,
    )  # fmt: skip
    return visit


def report_of(visit: Televisit) -> TelevisitReport | None:
    return TelevisitReport.objects.filter(televisit=visit).first()


def last_signal_id(visit: Televisit) -> int:
    last = SignalMessage.objects.filter(televisit=visit).order_by("-pk").values("pk").first()
    return int(last["pk"]) if last else 0
