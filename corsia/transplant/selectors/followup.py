"""Reads of the follow-up: a case's visits and records (current versions), the viral-load
trends with the hospital's thresholds, and the MED-A rows. Every read is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_get
from corsia.transplant.domain import days, meda, viral
from corsia.transplant.domain import followup_codes as codes
from corsia.transplant.domain.codes import DonorKind, DonorState
from corsia.transplant.domain.engraftment import Engraftment, Status
from corsia.transplant.models import Donor, Transplant
from corsia.transplant.models.followup import (
    AdverseEvent,
    AgvhdAssessment,
    CgvhdAssessment,
    Consent,
    FollowUpVisit,
    Outcome,
    ResponseAssessment,
    ViralLoad,
    ViralThreshold,
)
from corsia.transplant.permissions import VIEW
from corsia.transplant.selectors.engraftment import engraftment_until

_SOURCE = {"pb": meda.StemCellSource.PERIPHERAL_BLOOD, "bm": meda.StemCellSource.BONE_MARROW,
           "cb": meda.StemCellSource.CORD_BLOOD}  # fmt: skip
_BEST = [
    codes.Response.COMPLETE_REMISSION, codes.Response.PARTIAL_RESPONSE,
    codes.Response.STABLE_DISEASE, codes.Response.PROGRESSION, codes.Response.NOT_EVALUATED,
]  # fmt: skip
_SEVERITY = ["none", "mild", "moderate", "severe"]


def _current(model: type[Model], case: Transplant, order: str) -> list[Any]:
    """The rows not superseded by a correction."""
    rows: QuerySet[Any] = model.objects.filter(transplant=case, superseded_by__isnull=True)  # type: ignore[attr-defined]  # every follow-up model has both
    return list(rows.order_by(order, "pk"))


def _case(user: User, transplant_id: int) -> Transplant:
    require_permission(user, VIEW)
    case = Transplant.objects.select_related("patient").filter(pk=transplant_id).first()
    if case is None:
        raise NotFound("Trapianto non trovato.", code="transplant_not_found")
    patient_get(user=user, patient_id=case.patient_id)
    ensure_patient_in_scope(user, case.patient_id)
    return case


@dataclass(frozen=True)
class ViralSeries:
    virus: codes.Virus
    threshold: viral.Threshold | None
    rows: list[tuple[ViralLoad, viral.TrendRow]]


@dataclass(frozen=True)
class FollowUp:
    case: Transplant
    visits: list[FollowUpVisit]
    agvhd: list[AgvhdAssessment]
    cgvhd: list[CgvhdAssessment]
    viral: list[ViralSeries]
    responses: list[ResponseAssessment]
    outcomes: list[Outcome]
    consents: list[Consent]
    adverse_events: list[AdverseEvent]


def _load(row: ViralLoad) -> viral.Load:
    return viral.Load(
        virus=viral.Virus(row.virus), sampled_on=row.sampled_on, kind=viral.Kind(row.kind),
        unit=viral.Unit(row.unit), value=row.value, lloq=row.lloq, iu_per_copy=row.iu_per_copy,
    )  # fmt: skip


def viral_series(case: Transplant) -> list[ViralSeries]:
    thresholds = {t.virus: t for t in ViralThreshold.objects.all()}
    loads = [r for r in _current(ViralLoad, case, "sampled_on") if not r.entered_in_error]
    series = []
    for virus in codes.Virus:
        rows = [r for r in loads if r.virus == virus.value]
        t = thresholds.get(virus.value)
        threshold = (
            viral.Threshold(virus=viral.Virus(t.virus), value=t.value, unit=viral.Unit(t.unit),
                            label=t.label)
            if t is not None else None
        )  # fmt: skip
        trend = viral.trend([_load(r) for r in rows], threshold)
        # trend sorts by date, stably: rows are in the same order
        series.append(ViralSeries(virus, threshold, list(zip(rows, trend, strict=True))))
    return series


def followup_get(
    *, user: User, transplant_id: int, workstation: Workstation = None, channel: str = "web"
) -> FollowUp:
    """A case's follow-up (logged)."""
    case = _case(user, transplant_id)
    result = FollowUp(
        case=case,
        visits=list(reversed(_current(FollowUpVisit, case, "visit_on"))),
        agvhd=_current(AgvhdAssessment, case, "assessed_on"),
        cgvhd=_current(CgvhdAssessment, case, "assessed_on"),
        viral=viral_series(case),
        responses=_current(ResponseAssessment, case, "assessed_on"),
        outcomes=_current(Outcome, case, "assessed_on"),
        consents=_current(Consent, case, "given_on"),
        adverse_events=_current(AdverseEvent, case, "occurred_on"),
    )
    access_log_record(
        user=user, patient_id=case.patient_id, what="trapianto (follow-up)",
        workstation=workstation, channel=channel,
    )  # fmt: skip
    return result


def visit_get(
    *, user: User, visit_id: int, workstation: Workstation = None, channel: str = "web"
) -> FollowUpVisit:
    """One visit (logged)."""
    require_permission(user, VIEW)
    visit = FollowUpVisit.objects.filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("Visita non trovata.", code="visit_not_found")
    _case(user, visit.transplant_id)
    access_log_record(
        user=user, patient_id=visit.patient_id, what="visita di follow-up",
        workstation=workstation, channel=channel,
    )  # fmt: skip
    return visit


_DONOR = {
    DonorKind.SIBLING: meda.DonorType.HLA_IDENTICAL_SIBLING,
    DonorKind.HAPLO: meda.DonorType.HAPLOIDENTICAL_RELATIVE,
    DonorKind.UNRELATED: meda.DonorType.UNRELATED,
    DonorKind.CORD: meda.DonorType.UNRELATED,  # a banked unit: the source says cord blood
}
_RECOVERY = {
    Status.ENGRAFTED: meda.Recovery.YES,
    Status.NOT_YET: meda.Recovery.NO,
    Status.NEVER_BELOW: meda.Recovery.NEVER_BELOW,
}


def _donor_type(case: Transplant) -> meda.DonorType:
    """The chosen donor's relation (unknown until one is chosen); none when autologous."""
    if case.transplant_type != "allogeneic":
        return meda.DonorType.NONE
    chosen = Donor.objects.filter(transplant=case, state=DonorState.CHOSEN).first()
    return _DONOR[DonorKind(chosen.kind)] if chosen is not None else meda.DonorType.UNKNOWN


def _recovery(found: Engraftment | None, day_zero: date) -> tuple[meda.Recovery, date | None]:
    if found is None:
        return meda.Recovery.UNKNOWN, None
    on = days.date_of_day(day_zero, found.day) if found.day is not None else None
    return _RECOVERY[found.status], on


def _first(rows: list[Any], when: str) -> date | None:
    return getattr(rows[0], when) if rows else None


def meda_rows(
    *, user: User, transplant_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[meda.MedARecord]:
    """The MED-A rows of a case: one per outcome record (logged). Refused when the data
    are inconsistent (the MED-A rules' message and code)."""
    follow = followup_get(
        user=user, transplant_id=transplant_id, workstation=workstation, channel=channel
    )
    case = follow.case
    if case.day_zero is None or not follow.outcomes:
        return []
    earlier = Transplant.objects.filter(
        patient_id=case.patient_id, day_zero__isnull=False, day_zero__lt=case.day_zero
    ).exclude(state="cancelled")
    later = (
        Transplant.objects.filter(patient_id=case.patient_id, day_zero__gt=case.day_zero)
        .exclude(state="cancelled").order_by("day_zero").first()
    )  # fmt: skip
    allogeneic = case.transplant_type == "allogeneic"
    head = meda.MedATransplant(
        centre_code=settings.CORSIA_TRANSPLANT_EBMT_CIC or "N/D",
        patient_upn=str(case.patient_id),
        hsct_date=case.day_zero,
        hsct_type=meda.HsctType.ALLOGENEIC if allogeneic else meda.HsctType.AUTOLOGOUS,
        source=_SOURCE.get(case.source, meda.StemCellSource.OTHER),
        donor=_donor_type(case),
        hsct_number=earlier.count() + 1,
    )
    records = []
    for outcome in follow.outcomes:
        until = outcome.assessed_on
        agvhd = [a for a in follow.agvhd if a.assessed_on <= until]
        graded = [a for a in agvhd if a.grade > 0]
        cgvhd = [c for c in follow.cgvhd if c.assessed_on <= until]
        present = [c for c in cgvhd if c.severity != "none"]
        responses = [r for r in follow.responses if r.assessed_on <= until]
        relapses = [r for r in responses if r.response == codes.Response.PROGRESSION]
        best = min((_BEST.index(codes.Response(r.response)) for r in responses), default=None)
        second = later if later is not None and later.day_zero and later.day_zero <= until else None
        max_grade = max((a.grade for a in agvhd), default=None)
        counted = engraftment_until(case, until)
        neutrophils = _recovery(counted[0] if counted else None, case.day_zero)
        platelets = _recovery(counted[1] if counted else None, case.day_zero)
        records.append(meda.meda_record(head, meda.MedAFollowUp(
            time_point=meda.TimePoint(outcome.time_point),
            assessed_on=until,
            survival=meda.Survival(outcome.survival),
            neutrophil_recovery=neutrophils[0],
            neutrophil_date=neutrophils[1],
            platelet_recovery=platelets[0],
            platelet_date=platelets[1],
            agvhd_max_grade=(
                meda.AgvhdGrade.UNKNOWN if max_grade is None
                else list(meda.AgvhdGrade)[max_grade]
            ),
            agvhd_onset=_first(graded, "assessed_on"),
            cgvhd=(
                meda.CgvhdSeverity.UNKNOWN if not cgvhd
                else meda.CgvhdSeverity(max((c.severity for c in cgvhd), key=_SEVERITY.index))
            ),
            cgvhd_onset=_first(present, "assessed_on"),
            relapse_or_progression=bool(relapses) if responses else None,
            relapse_date=_first(relapses, "assessed_on"),
            best_response=meda.Response(_BEST[best].value) if best is not None else meda.Response.UNKNOWN,
            performance_scale=meda.PerformanceScale(outcome.performance_scale) if outcome.performance_scale else None,
            performance_score=outcome.performance_score,
            second_transplant=second is not None,
            second_transplant_date=second.day_zero if second is not None else None,
            death_date=outcome.death_date,
            death_cause=meda.DeathCause(outcome.death_cause) if outcome.death_cause else None,
            death_hsct_related_cause=(
                meda.HsctRelatedCause(outcome.hsct_related_cause) if outcome.hsct_related_cause else None
            ),
        )))  # fmt: skip
    return records
