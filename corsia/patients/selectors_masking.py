"""Reads of the masking (oscuramento): which documents are masked now, the masked stays
in progress that a user treating the patient keeps seeing, and the masked stays hidden from
a user, for every module's display reads (a calculation or a safety check never leaves them
out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from corsia.core.access_cache import per_request
from corsia.core.actors import User
from corsia.patients.domain.states import EncounterState
from corsia.patients.models import (
    Consent,
    DocumentType,
    Encounter,
    Masking,
    Patient,
)
from corsia.patients.scope import (
    assigned_ward_ids,
    care_relationship_patient_ids,
    pharmacy_patient_ids,
)

M = TypeVar("M", bound=Model)


def active_maskings() -> QuerySet[Masking]:
    return Masking.objects.filter(revoked_at__isnull=True)


def is_masked(*, document_type: str, document_id: int) -> bool:
    return active_maskings().filter(document_type=document_type, document_id=document_id).exists()


def _masked_ids(document_type: str) -> QuerySet[Masking, int]:
    return (
        active_maskings().filter(document_type=document_type).values_list("document_id", flat=True)
    )


def treated_masked_encounter_ids(user: User | None) -> frozenset[int]:
    """The masked encounters *in progress* that ``user`` is treating, who keeps seeing them
    (the Garante's dossier guidelines, 2015): staff assigned to the encounter's ward, anyone
    who acted for the patient (an order prescribed or moved on, a drug given) since the
    admission — the only rule in a hospital without ward assignments —, and the pharmacy
    (``compounding.prepare``) while the patient has an order open: it validates and
    compounds for every ward, and an order it could not see would not be prepared. A closed
    masked encounter is hidden from everyone. Computed once per read-only request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return per_request(("treated_masked", user.pk), lambda: _treated_masked(user))


_Stay = tuple[int, int | None, int, datetime, datetime | None, str]


def _masked_stays() -> tuple[_Stay, ...]:
    """Every masked encounter not cancelled: ``(pk, ward_id, patient_id, admitted_at,
    discharged_at, state)``. One query, shared by the treated and the hidden stays (kept
    for the rest of a read-only request: the masking is the same for every user)."""

    def compute() -> tuple[_Stay, ...]:
        return tuple(
            Encounter.objects.filter(pk__in=_masked_ids(DocumentType.ENCOUNTER.value))
            .exclude(state=EncounterState.CANCELLED.value)
            .values_list("pk", "ward_id", "patient_id", "admitted_at", "discharged_at", "state")
        )

    return per_request(("masked_stays",), compute)


def _treated_masked(user: User) -> frozenset[int]:
    masked = [
        (pk, ward_id, patient_id, admitted_at)
        for pk, ward_id, patient_id, admitted_at, _end, state in _masked_stays()
        if state == EncounterState.ACTIVE.value
    ]
    if not masked:
        return frozenset()
    wards = assigned_ward_ids(user.pk)
    earliest = min(admitted_at for _pk, _ward, _patient, admitted_at in masked)
    pharmacy = pharmacy_patient_ids(user, earliest)
    return frozenset(
        pk
        for pk, ward_id, patient_id, admitted_at in masked
        if ward_id in wards
        or patient_id in pharmacy
        or patient_id in care_relationship_patient_ids(user.pk, admitted_at)
    )


def masked_document_ids(*, document_type: str, user: User | None = None) -> QuerySet[Masking, int]:
    """The ids of the documents of this type masked now and hidden from ``user`` (every
    masked one when no user is named), for another module's reads (what was written during
    a masked encounter is hidden like the encounter)."""
    masked = _masked_ids(document_type)
    if document_type == DocumentType.ENCOUNTER.value:
        treated = treated_masked_encounter_ids(user)
        if treated:
            masked = masked.exclude(document_id__in=sorted(treated))
    return masked


def _hidden_stays(user: User | None) -> tuple[tuple[int, datetime, datetime | None], ...]:
    """Every masked stay hidden from ``user``: ``(patient_id, admitted_at, discharged_at)``
    (``None`` for one in progress). Few in a hospital: computed once per read-only request."""

    def compute() -> tuple[tuple[int, datetime, datetime | None], ...]:
        stays = _masked_stays()
        treated = treated_masked_encounter_ids(user) if stays else frozenset()
        return tuple(
            (patient_id, start, end)
            for pk, _ward, patient_id, start, end, _state in stays
            if pk not in treated
        )

    if user is None or not getattr(user, "is_authenticated", False):
        return compute()
    return per_request(("hidden_stays", user.pk), compute)


def hidden_stays_q(
    *,
    user: User | None,
    field: str,
    patient_field: str = "patient_id",
    patient_id: int | None = None,
    dated: bool = False,
    until_field: str = "",
) -> Q | None:
    """The rows (of another module) dated within a masked stay hidden from ``user``:
    ``field`` the row's date and time (``dated``: a date, compared with the stay's local
    days, both ends included), ``patient_field`` its patient — a duplicate merged into the
    stay's patient counts as the patient. A row covering a period (``field`` to
    ``until_field``, a letter's) is within when the period and the stay overlap. One
    patient's rows: name ``patient_id`` (fewer stays). ``None``: nothing is hidden from
    ``user``. For display only: a calculation or a safety check never leaves them out."""
    stays = [s for s in _hidden_stays(user) if patient_id is None or s[0] == patient_id]
    if not stays:
        return None
    merged: dict[int, list[int]] = {}
    for duplicate, survivor in Patient.objects.filter(
        merged_into_id__in={pid for pid, _start, _end in stays}
    ).values_list("pk", "merged_into_id"):
        merged.setdefault(survivor, []).append(duplicate)
    found = Q(pk__in=[])
    for pid, start, end in stays:
        begin: date | datetime = timezone.localdate(start) if dated else start
        inside = Q(**{f"{patient_field}__in": [pid, *merged.get(pid, [])]})
        inside &= Q(**{f"{until_field or field}__gte": begin})
        if end is not None:
            inside &= Q(**{f"{field}__lte": timezone.localdate(end) if dated else end})
        found |= inside
    return found


def outside_hidden_stays(rows: QuerySet[M], *, user: User | None, **where: Any) -> QuerySet[M]:
    """``rows`` without those ``hidden_stays_q(user=user, **where)`` names (display only)."""
    inside = hidden_stays_q(user=user, **where)
    return rows if inside is None else rows.exclude(inside)


def in_hidden_stay(*, user: User | None, patient_id: int, at: date | datetime | None) -> bool:
    """Whether a value dated ``at`` comes from a masked stay hidden from ``user`` (a
    duplicate's value: ask with the survivor's id). The screen then shows the value with
    «valore da un episodio protetto» instead of its date, ward or author."""
    if at is None:
        return False
    for _pid, start, end in (s for s in _hidden_stays(user) if s[0] == patient_id):
        if isinstance(at, datetime):
            if at >= start and (end is None or at <= end):
                return True
        elif timezone.localdate(start) <= at and (end is None or at <= timezone.localdate(end)):
            return True
    return False


def visible_encounters(patient: Patient, user: User | None = None) -> QuerySet[Encounter]:
    """The patient's encounters but the masked ones, except those ``user`` is treating."""
    return (
        Encounter.objects.filter(patient=patient)
        .exclude(pk__in=masked_document_ids(document_type=DocumentType.ENCOUNTER.value, user=user))
        .select_related("ward", "place")
    )


def visible_consents(patient: Patient) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(patient=patient)
        .exclude(pk__in=_masked_ids(DocumentType.CONSENT.value))
        .select_related("collected_by")
    )
