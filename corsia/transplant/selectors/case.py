"""Reads of the transplant cases. Every read of a patient's case writes the access log; a
patient out of the reader's scope is as if absent (a detail is 404)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import ensure_patient_in_scope, scoped_to_patients
from corsia.patients.selectors import patient_get
from corsia.transplant.domain import codes
from corsia.transplant.models import Transplant
from corsia.transplant.permissions import VIEW


def _cases() -> QuerySet[Transplant]:
    return Transplant.objects.select_related("patient", "coordinator", "taken_in_charge_by")


def unit_transplants(*, user: User, open_only: bool = True) -> QuerySet[Transplant]:
    """The unit's cases the user may read: open ones (or every one), the most recently
    taken in charge first, as a query to page (issue 27: before, the newest 500); the
    page shown is logged with ``unit_transplants_shown``."""
    require_permission(user, VIEW)
    rows = scoped_to_patients(user, _cases())
    if open_only:
        rows = rows.filter(state__in=[s.value for s in codes.OPEN_STATES])
    return rows.order_by("-taken_in_charge_on", "-pk")


def unit_transplants_shown(
    *,
    user: User,
    cases: Iterable[Transplant],
    workstation: Workstation = None,
    channel: str = "web",
) -> list[Transplant]:
    """The page of the unit's list as shown: one access-log row per patient on it."""
    shown = list(cases)
    access_log_record_many(
        user=user,
        patient_ids=sorted({c.patient_id for c in shown}),
        what="trapianti (elenco dell'unità)",
        workstation=workstation,
        channel=channel,
    )
    return shown


def patient_transplants(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[Transplant]:
    """The patient's cases, newest first (logged)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    ensure_patient_in_scope(user, patient.pk)
    cases = list(_cases().filter(patient_id=patient.pk).order_by("-taken_in_charge_on", "-pk"))
    access_log_record(
        user=user, patient_id=patient.pk, what="trapianti", workstation=workstation,
        channel=channel,
    )  # fmt: skip
    return cases


def transplant_get(
    *, user: User, transplant_id: int, workstation: Workstation = None, channel: str = "web"
) -> Transplant:
    """One case (logged)."""
    require_permission(user, VIEW)
    case = _cases().filter(pk=transplant_id).first()
    if case is None:
        raise NotFound("Trapianto non trovato.", code="transplant_not_found")
    patient_get(user=user, patient_id=case.patient_id)
    ensure_patient_in_scope(user, case.patient_id)
    access_log_record(
        user=user, patient_id=case.patient_id, what="trapianto (dettaglio)",
        workstation=workstation, channel=channel,
    )  # fmt: skip
    return case
