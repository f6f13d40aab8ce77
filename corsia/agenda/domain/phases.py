"""The phases of one access and the chair (or bed) time they take (pure).

An access is, in order: the blood test (``blood_test_lead_minutes`` before the chair, taken
at the sampling point, off the chair), the wait for the result and the pharmacy's release,
then on the chair each drug for its duration with the interval the regimen asks after it,
the observation, and — for a portable pump connected at the end — its connection; a
pump-detachment access is the detachment alone. The chair is taken from the first
on-chair phase to the end of the last: that is what the exclusion constraint and the
optimiser see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed

# A drug without a stated duration in the regimen: a short infusion; a bolus or a push.
DEFAULT_DRUG_MINUTES = 30
DEFAULT_BOLUS_MINUTES = 5
# An infusion longer than this (or continuous) goes home on a portable (elastomeric) pump:
# on the place only its connection; the detachment is an access of its own days later.
PORTABLE_OVER_MINUTES = 8 * 60
PUMP_CONNECTION_MINUTES = 15
# Bounds of any duration a user or a regimen gives (a whole day at most).
MAX_MINUTES = 24 * 60


class PhaseKind(LabelledCode):
    BLOOD_TEST = "blood_test", "Prelievo"
    WAIT = "wait", "Attesa"
    VISIT = "visit", "Visita"
    THERAPY = "therapy", "Terapia"
    OBSERVATION = "observation", "Osservazione"
    PUMP_CONNECTION = "pump_connection", "Collegamento pompa portatile"
    PUMP_DETACHMENT = "pump_detachment", "Stacco pompa"


PHASE_LABELS_IT: dict[PhaseKind, str] = PhaseKind.labels_it()

ON_PLACE: frozenset[PhaseKind] = frozenset(
    {
        PhaseKind.THERAPY,
        PhaseKind.OBSERVATION,
        PhaseKind.PUMP_CONNECTION,
        PhaseKind.PUMP_DETACHMENT,
        PhaseKind.VISIT,
    }
)


@dataclass(frozen=True)
class DrugStep:
    """One drug of the day: its label, infusion minutes, the wait the regimen asks after
    it and its own observation."""

    label: str
    minutes: int | None
    after_minutes: int | None = None
    observation_minutes: int | None = None
    bolus: bool = False  # a bolus or a push: 5 minutes when the regimen gives none
    continuous: bool = False  # a continuous infusion: on a portable pump

    @property
    def portable(self) -> bool:
        return self.continuous or (self.minutes or 0) > PORTABLE_OVER_MINUTES


@dataclass(frozen=True)
class AccessShape:
    """What an access needs, before it has a time: minutes of each part."""

    blood_test_lead_minutes: int = 0  # sampling before the chair (0: no blood test)
    blood_test_minutes: int = 10
    visit_minutes: int = 0
    steps: tuple[DrugStep, ...] = ()
    observation_minutes: int = 0  # the booking type's own (the drugs' longest wins)
    pump_detachment_minutes: int = 0
    fallback_minutes: int = 30  # a visit-less, drug-less access (a clinic slot)
    fallback_label: str = ""  # its label (the booking type's name)


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    start: datetime
    end: datetime
    label: str = ""

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label or PHASE_LABELS_IT[self.kind],
        }


def _minutes(value: int | None, *, default: int, what: str) -> int:
    minutes = default if value is None else value
    if not 0 <= minutes <= MAX_MINUTES:
        raise ValidationFailed(
            f"Durata non valida ({what}): da 0 a {MAX_MINUTES} minuti.",
            code="duration_invalid",
            details={"what": what},
        )
    return minutes


def build_phases(shape: AccessShape, place_start: datetime) -> tuple[Phase, ...]:
    """The phases of an access whose time on the place starts at ``place_start``."""
    phases: list[Phase] = []
    lead = _minutes(shape.blood_test_lead_minutes, default=0, what="anticipo prelievo")
    if lead:
        sample = min(_minutes(shape.blood_test_minutes, default=10, what="prelievo"), lead)
        first = place_start - timedelta(minutes=lead)
        phases.append(Phase(PhaseKind.BLOOD_TEST, first, first + timedelta(minutes=sample)))
        if sample < lead:
            phases.append(Phase(PhaseKind.WAIT, first + timedelta(minutes=sample), place_start))
    at = place_start
    visit = _minutes(shape.visit_minutes, default=0, what="visita")
    if visit:
        phases.append(Phase(PhaseKind.VISIT, at, at + timedelta(minutes=visit)))
        at += timedelta(minutes=visit)
    observation = _minutes(shape.observation_minutes, default=0, what="osservazione")
    for step in shape.steps:
        default = DEFAULT_BOLUS_MINUTES if step.bolus else DEFAULT_DRUG_MINUTES
        minutes = _minutes(step.minutes, default=default, what=step.label)
        if step.portable:  # connected here, infused at home
            kind, minutes = PhaseKind.PUMP_CONNECTION, PUMP_CONNECTION_MINUTES
        else:
            kind = PhaseKind.THERAPY
        phases.append(Phase(kind, at, at + timedelta(minutes=minutes), step.label))
        at += timedelta(minutes=minutes)
        after = _minutes(step.after_minutes, default=0, what=step.label)
        if after:
            phases.append(Phase(PhaseKind.WAIT, at, at + timedelta(minutes=after)))
            at += timedelta(minutes=after)
        observation = max(
            observation, _minutes(step.observation_minutes, default=0, what=step.label)
        )
    if shape.steps and phases[-1].kind == PhaseKind.WAIT and phases[-1].start >= place_start:
        # the wait after the last drug is the observation's to cover
        last = phases.pop()
        at = last.start
        observation = max(observation, last.minutes)
    if observation:
        phases.append(Phase(PhaseKind.OBSERVATION, at, at + timedelta(minutes=observation)))
        at += timedelta(minutes=observation)
    detach = _minutes(shape.pump_detachment_minutes, default=0, what="stacco pompa")
    if detach:
        phases.append(Phase(PhaseKind.PUMP_DETACHMENT, at, at + timedelta(minutes=detach)))
        at += timedelta(minutes=detach)
    if at == place_start:
        fallback = _minutes(shape.fallback_minutes, default=30, what="durata")
        if not fallback:
            raise ValidationFailed("L'accesso non ha durata.", code="duration_invalid")
        phases.append(
            Phase(PhaseKind.VISIT, at, at + timedelta(minutes=fallback), shape.fallback_label)
        )
    return tuple(phases)


def place_span(phases: Sequence[Phase]) -> tuple[datetime, datetime]:
    """From the first on-place phase to the end of the last: the place's occupation."""
    on = [p for p in phases if p.kind in ON_PLACE]
    return on[0].start, on[-1].end


def arrival(phases: Sequence[Phase]) -> datetime:
    """When the patient is called in: the start of the first phase (the blood test's,
    ``blood_test_lead_minutes`` before the place, when there is one)."""
    return phases[0].start
