"""Whose data a user may read.

The one rule every module's reads of a patient go through (patients' search and patient
page, the chart, the orders, the documents, the toxicities). Two narrowings:

- **Trial monitor** (always): a user who may see only the trials assigned to them
  (``regimens.view_trial`` without ``regimens.view_all_trials``) reads only the patients
  enrolled in those trials. The trials belong to ``corsia.regimens``, above patients in the
  module order: regimens registers the reader (``RegimensConfig.ready``). Without a
  registered reader a monitor sees no patient at all (fail closed).
- **Care scope** (the hospital setting ``CORSIA_PATIENT_SCOPE = "care"``; the default
  ``"hospital"`` narrows nobody else). A clinical user (physician, nurse, coordinator) reads
  a patient only when

  * the patient has an encounter — in progress, or closed within
    ``CORSIA_CARE_WINDOW_DAYS`` (default 30) — in a ward the user is assigned to
    (``WardAssignment``, not ended);
  * or the user has a care relationship with the patient: prescribed, confirmed, validated,
    took in charge, prepared or administered an order of theirs, or signed an entry of
    their diary, within the window. Orders, administrations and the diary live above
    patients: their modules register readers (``care_reader_register``), as regimens does
    for the monitor;
  * or the user holds an active break-the-glass grant (``BreakGlassGrant``, reason and
    category recorded, reviewed afterwards).

  Pharmacy roles (holders of ``compounding.prepare``: pharmacist, technician) validate,
  compound and dispense for every ward: they read, hospital-wide, the patients with a
  chemotherapy or parenteral-nutrition order, or a named galenic batch, still open or
  changed within the window (everything a work plan, a validation queue, a return or a
  cumulative-dose check can show; prescribing, nutrition and galenics each register their
  reader, ``pharmacy_reader_register``); any other patient through break-the-glass. The
  auditor (``audit.view_accesslog``, the privacy officer's role) is not narrowed: they
  investigate accesses hospital-wide and read demographics only, every read logged.

An id out of scope is answered as an id that does not exist (``patient_not_found``) and a
patient out of scope is in no search, list or count: nobody can probe who is in the
hospital. The permissions checks read Django's per-request cache; the care scope costs a
few indexed queries, computed once per read-only request (``corsia.core.access_cache``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from corsia.core.access_cache import per_request
from corsia.core.actors import User
from corsia.core.domain.errors import NotFound
from corsia.patients.domain.states import EncounterState
from corsia.patients.models import BreakGlassGrant, Encounter, WardAssignment

M = TypeVar("M", bound=Model)


class ScopedPatientsReader(Protocol):
    def __call__(self, *, user_id: int) -> Collection[int]:
        """The ids of the patients this monitor may read today."""
        ...


class CareReader(Protocol):
    def __call__(self, *, user_id: int, since: datetime) -> Collection[int]:
        """The ids of the patients the user cared for (an act on their orders) since then."""
        ...


class PharmacyReader(Protocol):
    def __call__(self, *, since: datetime) -> Collection[int]:
        """The ids of the patients with an order still open or changed since then."""
        ...


_reader: list[ScopedPatientsReader] = []
_care_readers: dict[str, CareReader] = {}
_pharmacy_readers: dict[str, PharmacyReader] = {}


def scoped_patients_reader_register(reader: ScopedPatientsReader) -> None:
    """Called once by the module that keeps the trials (idempotent)."""
    _reader[:] = [reader]


def care_reader_register(name: str, reader: CareReader) -> None:
    """Called by each module that records acts of care (idempotent per ``name``)."""
    _care_readers[name] = reader


def pharmacy_reader_register(name: str, reader: PharmacyReader) -> None:
    """Called by each module whose orders the pharmacy works on (idempotent per ``name``)."""
    _pharmacy_readers[name] = reader


VIEW_ASSIGNED_TRIALS = "regimens.view_trial"
VIEW_ALL_TRIALS = "regimens.view_all_trials"
PHARMACY = "compounding.prepare"
AUDIT = "audit.view_accesslog"
HOSPITAL = "hospital"
CARE = "care"


def is_scoped(user: User) -> bool:
    """Whether the user reads only some patients (a clinical-trial monitor)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.has_perm(VIEW_ASSIGNED_TRIALS)
        and not user.has_perm(VIEW_ALL_TRIALS)
    )


def care_scope_active() -> bool:
    return getattr(settings, "CORSIA_PATIENT_SCOPE", HOSPITAL) == CARE


def care_window_start(now: datetime | None = None) -> datetime:
    days = int(getattr(settings, "CORSIA_CARE_WINDOW_DAYS", 30))
    return (now or timezone.now()) - timedelta(days=days)


def is_care_scoped(user: User) -> bool:
    """Whether the care scope narrows this user (the setting is ``care``; not a monitor,
    whose trials narrow them, nor the auditor)."""
    return (
        care_scope_active()
        and bool(getattr(user, "is_authenticated", False))
        and not is_scoped(user)
        and not user.has_perm(AUDIT)
    )


def _ward_patient_ids(user_id: int, since: datetime) -> set[int]:
    wards = WardAssignment.objects.filter(user_id=user_id, ended_at__isnull=True).values("ward_id")
    return set(
        Encounter.objects.filter(ward_id__in=wards)
        .filter(
            Q(state=EncounterState.ACTIVE.value)
            | Q(state=EncounterState.DISCHARGED.value, discharged_at__gte=since)
        )
        .values_list("patient_id", flat=True)
    )


def break_glass_patient_ids(user_id: int, now: datetime | None = None) -> set[int]:
    """The patients of the user's break-the-glass grants still running."""
    return set(
        BreakGlassGrant.objects.filter(
            user_id=user_id, expires_at__gt=now or timezone.now()
        ).values_list("patient_id", flat=True)
    )


def care_relationship_patient_ids(user_id: int, since: datetime) -> set[int]:
    """The patients the user acted for (orders, administrations) since ``since``."""
    ids: set[int] = set()
    for reader in _care_readers.values():
        ids.update(reader(user_id=user_id, since=since))
    return ids


def assigned_ward_ids(user_id: int) -> set[int]:
    return set(
        WardAssignment.objects.filter(user_id=user_id, ended_at__isnull=True).values_list(
            "ward_id", flat=True
        )
    )


def pharmacy_patient_ids(user: User, since: datetime) -> set[int]:
    """For a pharmacy role (``compounding.prepare``): the patients with an order still open
    or changed since ``since``, whom the pharmacy works for; nobody for anyone else."""
    if not _pharmacy_readers or not user.has_perm(PHARMACY):
        return set()
    ids: set[int] = set()
    for reader in _pharmacy_readers.values():
        ids.update(reader(since=since))
    return ids


def _care_scope(user: User) -> frozenset[int]:
    now = timezone.now()
    since = care_window_start(now)
    ids = _ward_patient_ids(user.pk, since) | break_glass_patient_ids(user.pk, now)
    ids |= care_relationship_patient_ids(user.pk, since)
    ids |= pharmacy_patient_ids(user, since)
    return frozenset(ids)


def patient_scope(user: User) -> frozenset[int] | None:
    """``None``: every patient; else the ids of the only patients the user may read."""
    if is_scoped(user):
        if not _reader:
            return frozenset()
        return frozenset(_reader[0](user_id=user.pk))
    if is_care_scoped(user):
        return per_request(("care_scope", user.pk), lambda: _care_scope(user))
    return None


def patient_in_scope(user: User, *patient_ids: int) -> bool:
    """Whether the user may read this patient (any of the ids: a merged duplicate and its
    survivor are the same person)."""
    scope = patient_scope(user)
    return scope is None or any(pid in scope for pid in patient_ids)


def ensure_patient_in_scope(user: User, *patient_ids: int) -> None:
    """Refuse, as if the patient did not exist, a read of a patient out of the user's scope."""
    if not patient_in_scope(user, *patient_ids):
        raise NotFound("Paziente non trovato.", code="patient_not_found")


def scoped_to_patients(user: User, rows: QuerySet[M], field: str = "patient_id") -> QuerySet[M]:
    """``rows`` narrowed to the patients the user may read (``field`` names the patient)."""
    scope = patient_scope(user)
    if scope is None:
        return rows
    return rows.filter(**{f"{field}__in": sorted(scope)})
