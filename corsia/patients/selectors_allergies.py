"""Reads of the patient's allergies: the summary a header, a prescription's checks and the
pharmacist's validation read (the caller checks its own permission and logs its own read),
the allergies part of the patient's page, and whose record an allergy is for the FHIR read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from corsia.core.access_cache import per_request
from corsia.core.read_together import ReadPart
from corsia.patients.domain.allergies import (
    AllergyFacts,
    AllergyStatus,
    Certainty,
    Reaction,
    Severity,
    SubstanceKind,
)
from corsia.patients.models import (
    Allergy,
    NoKnownAllergies,
    Patient,
)

# --- allergies ------------------------------------------------------------------------------


class AllergyState(StrEnum):
    LISTED = "listed"  # active allergies recorded
    NONE_KNOWN = "none_known"  # asked: no known allergies (NKDA), dated
    NOT_ASKED = "not_asked"  # nothing recorded: never asked


@dataclass(frozen=True)
class AllergySummary:
    """What a header shows: the active allergies, or the dated NKDA, or "not asked"."""

    state: AllergyState
    active: tuple[AllergyFacts, ...]
    none_known_since: date | None

    @property
    def text(self) -> str:
        if self.state is AllergyState.LISTED:
            return "; ".join(a.label for a in self.active)
        if self.state is AllergyState.NONE_KNOWN:
            assert self.none_known_since is not None  # set with the state
            return f"Nessuna allergia nota (dichiarato il {self.none_known_since:%d/%m/%Y})"
        return "Allergie non rilevate"

    @property
    def has_hard_stop(self) -> bool:
        return any(a.hard_stop for a in self.active)


@dataclass(frozen=True)
class AllergyOverview:
    patient: Patient
    summary: AllergySummary
    allergies: list[Allergy]  # every allergy, active first, then the closed ones
    statements: list[NoKnownAllergies]


def _facts(allergy: Allergy) -> AllergyFacts:
    return AllergyFacts(
        id=allergy.pk,
        kind=SubstanceKind(allergy.substance_kind),
        substance=allergy.substance,
        ingredient_id=allergy.ingredient_id,
        atc_prefix=allergy.atc_prefix,
        reaction=Reaction(allergy.reaction),
        severity=Severity(allergy.severity),
        certainty=Certainty(allergy.certainty),
    )


def allergy_summary(*, patient_id: int) -> AllergySummary:
    """The patient's active allergies or the current NKDA statement, for another module's
    service or page (the caller checks its own permission and logs its own read): the
    prescription's header, the pharmacist's validation, the checks at prescription. Read
    once per read-only request (a page shows it and matches the order's drugs with it)."""
    return per_request(("allergy_summary", patient_id), lambda: _allergy_summary(patient_id))


def _allergy_summary(patient_id: int) -> AllergySummary:
    active = tuple(
        _facts(a)
        for a in Allergy.objects.filter(
            patient_id=patient_id, status=AllergyStatus.ACTIVE.value
        ).order_by("pk")
    )
    if active:  # the statement is not read
        return _summary_of(active, None)
    since = (
        NoKnownAllergies.objects.filter(patient_id=patient_id, ended_at__isnull=True)
        .values_list("stated_on", flat=True)
        .first()
    )
    return _summary_of((), since)


def allergy_summary_read(*, patient_id: int) -> ReadPart[AllergySummary]:
    """The batched variant of :func:`allergy_summary` (``corsia.core.read_together``, with
    other modules' reads of a page): its two queries (the active allergies, the current
    NKDA statement); the summary is kept for the rest of the read-only request, where
    :func:`allergy_summary` answers it."""
    active = Allergy.objects.filter(patient_id=patient_id, status=AllergyStatus.ACTIVE.value)
    since = NoKnownAllergies.objects.filter(patient_id=patient_id, ended_at__isnull=True)

    def decode(results: list[list[Any]]) -> AllergySummary:
        rows, statements = results
        summary = _summary_of(tuple(_facts(a) for a in rows), statements[0] if statements else None)
        return per_request(("allergy_summary", patient_id), lambda: summary)

    return ReadPart(
        querysets=(
            active.order_by("pk"),
            since.order_by("-stated_on", "-pk").values_list("stated_on", flat=True)[:1],
        ),
        decode=decode,
    )


def _summary_of(active: tuple[AllergyFacts, ...], since: date | None) -> AllergySummary:
    if active:
        return AllergySummary(state=AllergyState.LISTED, active=active, none_known_since=None)
    if since is not None:
        return AllergySummary(state=AllergyState.NONE_KNOWN, active=(), none_known_since=since)
    return AllergySummary(state=AllergyState.NOT_ASKED, active=(), none_known_since=None)


def allergy_records(patient: Patient) -> AllergyOverview:
    """The allergies part of a page whose read of the patient is already logged (the
    patient's summary page, from ``patient_view``)."""
    allergies = sorted(
        Allergy.objects.filter(patient=patient).select_related("recorded_by", "status_changed_by"),
        key=lambda a: (a.status != AllergyStatus.ACTIVE.value, -a.pk),
    )
    return AllergyOverview(
        patient=patient,
        summary=allergy_summary(patient_id=patient.pk),
        allergies=allergies,
        statements=list(patient.no_known_allergies.select_related("recorded_by")),
    )


# --- for the FHIR server's read by id: whose record it is (nothing shown, nothing logged) ------


def allergy_patient_id(*, allergy_id: int, no_known_allergies: bool = False) -> int | None:
    """The patient of an allergy (or of a "no known allergies" statement), ``None`` if there
    is none. The caller then reads the allergies through ``allergy_overview``."""
    model = NoKnownAllergies if no_known_allergies else Allergy
    found: int | None = (
        model.objects.filter(pk=allergy_id).values_list("patient_id", flat=True).first()
    )
    return found
