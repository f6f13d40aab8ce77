"""Stays and demographics for the clinical statistics (capitolato §21), as frozen rows. The
report that reads them checks its permission and writes the access log for its run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from corsia.patients.domain.states import EncounterState
from corsia.patients.models import Encounter, Patient, Ward


@dataclass(frozen=True, slots=True)
class StayStat:
    encounter_id: int
    patient_id: int
    kind: str  # inpatient, day_hospital, outpatient
    kind_label: str
    ward_code: str
    ward_name: str
    admitted_on: date  # local day
    discharged_on: date | None  # None: still in


@dataclass(frozen=True, slots=True)
class PatientDemographic:
    patient_id: int
    sex: str  # F, M, X
    date_of_birth: date


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def stays_between(*, first: date, last: date) -> list[StayStat]:
    """Encounters (not cancelled) admitted or discharged within [first, last], or still
    open and admitted before its end, by admission."""
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last, datetime.max.time()))
    rows = (
        Encounter.objects.exclude(state=EncounterState.CANCELLED.value)
        .filter(
            Q(admitted_at__range=(start, end))
            | Q(discharged_at__range=(start, end))
            | Q(discharged_at__isnull=True, admitted_at__lte=end)
        )
        .select_related("ward")
        .order_by("admitted_at", "id")
    )
    return [
        StayStat(
            encounter_id=e.pk,
            patient_id=e.patient_id,
            kind=e.kind,
            kind_label=e.get_kind_display(),
            ward_code=e.ward.code,
            ward_name=e.ward.name,
            admitted_on=_day(e.admitted_at),
            discharged_on=_day(e.discharged_at) if e.discharged_at else None,
        )
        for e in rows
    ]


def demographics_of(*, patient_ids: Iterable[int]) -> list[PatientDemographic]:
    """Sex and date of birth of those patients, by id."""
    rows = Patient.objects.filter(pk__in=list(patient_ids)).order_by("pk")
    return [
        PatientDemographic(patient_id=p.pk, sex=p.sex, date_of_birth=p.date_of_birth)
        for p in rows.only("pk", "sex", "date_of_birth")
    ]


def mrns_of(*, patient_ids: Iterable[int]) -> dict[int, str]:
    """The MRN of each of those patients (a report's patient column)."""
    return dict(Patient.objects.filter(pk__in=list(patient_ids)).values_list("pk", "mrn"))


def ward_codes() -> dict[int, str]:
    """Every ward's code by id (a report's unit filter)."""
    return dict(Ward.objects.values_list("pk", "code"))
