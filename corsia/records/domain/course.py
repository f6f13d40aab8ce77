"""The treatment course as the chart keeps it (pure): lines of therapy with their intent and
why they ended, the other items of the plan (surgery, radiotherapy), the re-evaluations
with their response, home therapy and the next appointments.

A line groups the orders prescribed for it; its cycles are the orders' cycle numbers, and
the current cycle is the highest one not cancelled. The response of a re-evaluation is
computed by ``response.py`` (RECIST 1.1, Lugano 2014) against the line's baseline and the
nadir of the line's earlier re-evaluations; this module only shapes and checks the inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain import response
from corsia.records.domain.errors import ClinicalInputsInconsistent, TargetLesionsInvalid
from corsia.records.domain.inputs import number_in_range
from corsia.records.domain.text import one_line
from corsia.regimens.domain.spec import INTENT_LABELS_IT as REGIMEN_INTENT_LABELS_IT
from corsia.regimens.domain.spec import Intent

MAX_LINE_NUMBER = 20
MAX_PLANNED_CYCLES = 99
MAX_LESION_SITES = 20


# The intent of a line: the regimen library's codes and labels.
LineIntent = Intent
INTENT_LABELS_IT = REGIMEN_INTENT_LABELS_IT


class EndReason(LabelledCode):
    COMPLETED = "completed", "Completata come pianificato"
    PROGRESSION = "progression", "Progressione di malattia"
    TOXICITY = "toxicity", "Tossicità"
    PATIENT_CHOICE = "patient_choice", "Scelta del paziente"
    PHYSICIAN_DECISION = "physician_decision", "Decisione clinica"
    DEATH = "death", "Decesso"
    OTHER = "other", "Altro (specificare)"


END_REASON_LABELS_IT: dict[EndReason, str] = EndReason.labels_it()


class PlanItemKind(LabelledCode):
    SURGERY = "surgery", "Chirurgia"
    RADIOTHERAPY = "radiotherapy", "Radioterapia"


PLAN_ITEM_LABELS_IT: dict[PlanItemKind, str] = PlanItemKind.labels_it()


class Method(LabelledCode):
    CT = "ct", "TC"
    PET_CT = "pet_ct", "PET-TC"
    MRI = "mri", "RM"
    XRAY = "xray", "Radiografia"
    ULTRASOUND = "ultrasound", "Ecografia"
    BONE_SCAN = "bone_scan", "Scintigrafia ossea"
    CLINICAL = "clinical", "Esame clinico"
    OTHER = "other", "Altro"


METHOD_LABELS_IT: dict[Method, str] = Method.labels_it()


class Criteria(LabelledCode):
    RECIST = "recist_1_1", "RECIST 1.1 (tumori solidi)"
    LUGANO = "lugano_2014", "Lugano 2014, PET-TC (linfomi)"


CRITERIA_LABELS_IT: dict[Criteria, str] = Criteria.labels_it()


class AppointmentKind(LabelledCode):
    VISIT = "visit", "Visita"
    THERAPY = "therapy", "Terapia"
    EXAM = "exam", "Esame"
    REEVALUATION = "reevaluation", "Rivalutazione"


APPOINTMENT_LABELS_IT: dict[AppointmentKind, str] = AppointmentKind.labels_it()


def code_of(raw: str | None, kind: type[StrEnum], *, field: str, label: str) -> str:
    """One of the codes of ``kind``, or ``code_unknown`` in Italian."""
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(f"Indica {label}.", code="required", field=field)
    try:
        return kind(text).value
    except ValueError:
        raise ValidationFailed(
            f"{label.capitalize()}: «{text[:40]}» non è un valore ammesso.",
            code="code_unknown",
            field=field,
            details={"allowed": [m.value for m in kind]},
        ) from None


def whole(value: int | None, *, field: str, label: str, low: int, high: int) -> int:
    if value is None:
        raise ValidationFailed(f"Indica {label}.", code="required", field=field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            f"{label.capitalize()}: deve essere un numero intero da {low} a {high}.",
            code="out_of_range",
            field=field,
        )
    return value


def ensure_not_before(later: date, earlier: date, *, field: str, message: str) -> None:
    if later < earlier:
        raise ValidationFailed(message, code="date_order", field=field)


# --- cycles of a line ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRef:
    """An order of the line as prescribing's selector gave it."""

    order_id: int
    cycle: int
    start: date
    state: str
    state_label: str
    cancelled: bool


@dataclass(frozen=True)
class Cycle:
    number: int
    orders: tuple[OrderRef, ...]

    @property
    def start(self) -> date:
        return min(o.start for o in self.orders)

    @property
    def cancelled(self) -> bool:
        return all(o.cancelled for o in self.orders)


def cycles(orders: Iterable[OrderRef]) -> list[Cycle]:
    """The line's cycles, first to last, each with its orders by start date."""
    by_number: dict[int, list[OrderRef]] = {}
    for order in orders:
        by_number.setdefault(order.cycle, []).append(order)
    return [
        Cycle(number, tuple(sorted(found, key=lambda o: (o.start, o.order_id))))
        for number, found in sorted(by_number.items())
    ]


def current_cycle(found: Sequence[Cycle]) -> Cycle | None:
    """The highest cycle with an order not cancelled."""
    live = [c for c in found if not c.cancelled]
    return live[-1] if live else None


# --- re-evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lesion:
    """A target lesion at baseline (``mm`` its longest diameter, short axis for a node)."""

    lesion_id: str
    organ: str
    lymph_node: bool
    mm: Decimal


def lesion_id(raw: str | None, *, field: str) -> str:
    text = one_line(raw, field=field, limit=12)
    if not text.replace("-", "").replace("_", "").isalnum():
        raise ValidationFailed(
            "Identificativo della lesione: solo lettere e cifre (es. T1).",
            code="lesion_id_invalid",
            field=field,
        )
    return text.upper()


def millimetres(raw: object, *, field: str, label: str) -> Decimal:
    """A diameter in mm, 0–1000 with at most one decimal (a comma accepted)."""
    value: object = raw
    if isinstance(raw, str):
        value = raw.strip().replace(",", ".")
    if isinstance(value, float):
        value = str(value)
    number = number_in_range(
        value,  # type: ignore[arg-type]  # checked by number_in_range itself
        field=field,
        label=label,
        low=0,
        high=1000,
        unit="mm",
    )
    if number != number.quantize(Decimal("0.1")):
        raise ValidationFailed(
            f"{label}: al massimo un decimale (mm).", code="too_precise", field=field
        )
    return number.quantize(Decimal("0.1"))


def sites(raw: Iterable[str], *, field: str) -> list[str]:
    found = [one_line(s, field=field, limit=120, required=False) for s in raw]
    found = [s for s in found if s]
    if len(found) > MAX_LESION_SITES:
        raise ValidationFailed(f"Al massimo {MAX_LESION_SITES} sedi.", code="too_many", field=field)
    return found


@dataclass(frozen=True)
class RecistOutcome:
    target: response.TargetAssessment | None
    overall: response.OverallAssessment


def recist_baseline(lesions: Sequence[Lesion], non_target_sites: Sequence[str]) -> Decimal | None:
    """Check a baseline (RECIST 1.1 selection rules) and return its sum, or None without
    target lesions (non-target disease only)."""
    if not lesions:
        if not non_target_sites:
            raise ClinicalInputsInconsistent(
                "Al basale indica almeno una lesione target o una sede di malattia non target.",
                field="target_lesions",
            )
        return None
    return response.validate_target_lesions(
        [response.TargetLesion(les.lesion_id, les.organ, les.lymph_node) for les in lesions],
        {les.lesion_id: les.mm for les in lesions},
    )


def recist_follow_up(
    *,
    baseline: Sequence[Lesion],
    baseline_non_target: Sequence[str],
    previous: Sequence[Mapping[str, Decimal | None]],
    current: Mapping[str, Decimal | None],
    non_target: str | None,
    new_lesions: bool,
) -> RecistOutcome:
    """Target and overall response at a follow-up, against ``baseline`` and the nadir of the
    ``previous`` follow-ups of the same line."""
    if baseline_non_target and not non_target:
        raise ValidationFailed(
            "Indica la risposta delle lesioni non target (presenti al basale).",
            code="required",
            field="non_target_response",
        )
    if not baseline_non_target and non_target:
        raise ClinicalInputsInconsistent(
            "Al basale non c'erano lesioni non target: non se ne valuta la risposta.",
            field="non_target_response",
        )
    target = None
    if baseline:
        target = response.assess_target_lesions(
            lesions=[
                response.TargetLesion(les.lesion_id, les.organ, les.lymph_node) for les in baseline
            ],
            baseline_mm={les.lesion_id: les.mm for les in baseline},
            previous_mm=previous,
            current_mm=current,
        )
    elif current:
        raise TargetLesionsInvalid(
            f"Misure di lesioni che non sono target al basale: {', '.join(sorted(current))}.",
            field="target_lesions",
            details={"unknown": sorted(current)},
        )
    overall = response.overall_response(
        target=target.response if target else None,
        non_target=non_target or None,
        new_lesions=new_lesions,
    )
    return RecistOutcome(target=target, overall=overall)
