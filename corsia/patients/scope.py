"""Whose data a user may read: every patient for the care team, only the patients enrolled
in their trials for a clinical-trial monitor.

The one rule every module's reads of a patient go through (patients' search and patient
page, the chart, the orders, the documents, the toxicities): a user who may see only the
trials assigned to them (``regimens.view_trial`` without ``regimens.view_all_trials``: the
trial-monitor role) is *scoped*; anyone else is not. The check reads the user's permissions,
which Django caches on the user for the request: no query for the care team. The trials, their enrolments and
their monitors belong to ``corsia.regimens``, which sits above patients in the module
order, so patients declares here the reader it needs and regimens registers its own when
the application starts (``RegimensConfig.ready``), as prescribing's given-doses reader is.
Without a registered reader a monitor sees no patient at all (fail closed).

An id out of scope is answered as an id that does not exist (``patient_not_found``): a
monitor cannot probe which patients are in the hospital.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet

from corsia.core.actors import User
from corsia.core.domain.errors import NotFound

M = TypeVar("M", bound=Model)


class ScopedPatientsReader(Protocol):
    def __call__(self, *, user_id: int) -> Collection[int]:
        """The ids of the patients this monitor may read today."""
        ...


_reader: list[ScopedPatientsReader] = []


def scoped_patients_reader_register(reader: ScopedPatientsReader) -> None:
    """Called once by the module that keeps the trials (idempotent)."""
    _reader[:] = [reader]


VIEW_ASSIGNED_TRIALS = "regimens.view_trial"
VIEW_ALL_TRIALS = "regimens.view_all_trials"


def is_scoped(user: User) -> bool:
    """Whether the user reads only some patients (a clinical-trial monitor)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.has_perm(VIEW_ASSIGNED_TRIALS)
        and not user.has_perm(VIEW_ALL_TRIALS)
    )


def patient_scope(user: User) -> frozenset[int] | None:
    """``None``: every patient; else the ids of the only patients the user may read."""
    if not is_scoped(user):
        return None
    if not _reader:
        return frozenset()
    return frozenset(_reader[0](user_id=user.pk))


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
