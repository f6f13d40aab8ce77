"""What the FHIR server's reads share: the permissions they check, the access log on the
``fhir`` channel, the page of results, and the subject and the date filters of a search
of one patient's data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import NotFound
from corsia.fhir.domain.outcome import InvalidSearch, Resource
from corsia.fhir.domain.search import (
    Interval,
    Page,
    reference_id,
    values_of,
)
from corsia.patients.selectors import patient_get

if TYPE_CHECKING:
    from corsia.patients.models import Patient


CHANNEL = "fhir"
VIEW_PATIENT = "patients.view_patient"
VIEW_CHART = "records.view_chart"
VIEW_ORDER = "prescribing.view_order"
VIEW_ADMINISTRATIONS = "administration.view_worklist"
VIEW_DOCUMENTS = "documents.view_document"


@dataclass(frozen=True)
class Found:
    total: int
    resources: list[Resource]


def hospital_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def paged(resources: Sequence[Resource], page: Page) -> Found:
    return Found(
        total=len(resources), resources=list(resources[page.offset : page.offset + page.count])
    )


def _log(user: User, patient_id: int, what: str, workstation: Workstation) -> None:
    access_log_record(
        user=user,
        patient_id=patient_id,
        what=f"FHIR {what}",
        workstation=workstation,
        channel=CHANNEL,
    )


# --- the searches of one patient's data ---------------------------------------------------------


def _subject(user: User, params: Mapping[str, list[str]], resource_type: str) -> Patient | None:
    """The patient a search is about (``patient=``, required); ``None`` when there is no such
    patient for this user (unknown or out of scope: the search matches nothing)."""
    if "patient" not in params:
        raise InvalidSearch(f"A {resource_type} search needs the patient parameter")
    patient_id = reference_id(params["patient"][0], "Patient")
    if patient_id is None:
        return None
    try:
        return patient_get(user=user, patient_id=patient_id)
    except NotFound:
        return None


def _statuses(params: Mapping[str, list[str]]) -> set[str] | None:
    return _values(params, "status")


def _values(params: Mapping[str, list[str]], name: str) -> set[str] | None:
    return set(values_of(params[name][0])) if name in params else None


def _within(moment: datetime | None, interval: Interval, *, whole_day: bool = False) -> bool:
    """Whether ``moment`` lies in the interval (``whole_day``: the day starting at
    ``moment`` overlaps it, for an element that is a date). A record without the moment
    matches only an open interval."""
    if moment is None:
        return interval.start is None and interval.end is None
    if whole_day:
        return _overlaps(moment, moment + timedelta(days=1), interval)
    return (interval.start is None or moment >= interval.start) and (
        interval.end is None or moment < interval.end
    )


def _overlaps(start: datetime, end: datetime | None, interval: Interval) -> bool:
    """Whether ``[start, end)`` (``end`` None: still going) overlaps the interval."""
    return (interval.end is None or start < interval.end) and (
        interval.start is None or end is None or end > interval.start
    )


def _at_start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=hospital_zone())


def _clinical_status(resource: Resource) -> str:
    return str(resource["clinicalStatus"]["coding"][0]["code"])
