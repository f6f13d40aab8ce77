"""Reading it: the patient's lifetime totals and doses given elsewhere (a logged clinical
read)."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_record
from corsia.prescribing.cumulative.counting import patient_cumulative
from corsia.prescribing.cumulative.limits import VIEW
from corsia.prescribing.domain.cumulative import (
    Tally,
)
from corsia.prescribing.models import PriorDose


@dataclass(frozen=True)
class PatientCumulativeView:
    tallies: list[Tally]
    prior_doses: list[PriorDose]  # every record, corrections included, oldest first


def cumulative_read_allowed(
    *, user: User, patient_id: int, workstation: Workstation, channel: str, patient_read: bool
) -> None:
    """The checks of a read of the patient's cumulative doses, then its access-log row: the
    permission, the patient in the user's scope (a trial monitor's patients only) and,
    unless the page has already read it (``patient_read``), there (NotFound)."""
    require_permission(user, VIEW, "Non hai accesso alle prescrizioni.")
    ensure_patient_in_scope(user, patient_id)
    if not patient_read:
        patient_record(patient_id=patient_id)  # NotFound when there is none
    access_log_record(
        user=user,
        patient_id=patient_id,
        what="dosi cumulative",
        workstation=workstation,
        channel=channel,
    )


def patient_cumulative_view(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> PatientCumulativeView:
    """The patient's lifetime totals and doses given elsewhere (a logged clinical read)."""
    cumulative_read_allowed(
        user=user, patient_id=patient_id, workstation=workstation, channel=channel,
        patient_read=False,
    )  # fmt: skip
    return PatientCumulativeView(
        tallies=patient_cumulative(patient_id=patient_id),
        prior_doses=list(
            PriorDose.objects.filter(patient_id=patient_id)
            .select_related("ingredient", "recorded_by", "corrects")
            .order_by("given_from", "id")
        ),
    )
