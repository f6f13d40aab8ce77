"""Re-evaluations of a line of therapy with their response.

The first evaluation of a line under a criterion is its baseline (RECIST 1.1: the target
lesions with their diameters and the non-target sites; Lugano 2014: the baseline PET-CT).
Each later one is computed by ``domain/response.py`` against that baseline and, for RECIST,
the nadir of the line's earlier re-evaluations, then signed and stored with who and when
(read-only: a database trigger). A re-evaluation dated before the line's latest one is
refused: the responses after it were computed without it. Bad input (a negative or absurd
diameter, a lesion that was not a target at baseline, a NUL): an Italian refusal, nothing
saved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain import course as rules
from corsia.records.domain import response
from corsia.records.domain.errors import ClinicalInputsInconsistent, TargetLesionsInvalid
from corsia.records.domain.inputs import whole_in_range
from corsia.records.domain.moments import past_date
from corsia.records.domain.text import clinical_text, one_line
from corsia.records.models import ResponseEvaluation
from corsia.records.services._common import row_record
from corsia.records.services.course import line_for_update
from corsia.records.services.diary import WRITE

MAX_TARGETS_ENTERED = 10  # the domain refuses more than 5; this bounds the input itself


@dataclass(frozen=True)
class LesionInput:
    """A target lesion: at baseline its id, organ, whether a node and its diameter; later
    its id and diameter (``mm`` empty: not measured)."""

    lesion_id: str
    mm: object = None  # as typed: "23,5", Decimal, int; None or "" = not measured
    organ: str = ""
    lymph_node: bool = False


@dataclass(frozen=True)
class EvaluationInput:
    line_id: int
    evaluated_on: date | None
    method: str
    criteria: str
    baseline: bool = False
    target_lesions: tuple[LesionInput, ...] = ()
    non_target_sites: tuple[str, ...] = ()  # at baseline
    non_target_response: str = ""  # later: cr, non_cr_non_pd, pd, ne
    new_lesions: tuple[str, ...] = field(default_factory=tuple)  # sites; none: empty
    deauville: int | None = None  # Lugano
    marrow: str = ""  # Lugano, later
    uptake_vs_baseline: str = ""  # Lugano, later, Deauville 4-5
    note: str = ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _lesion_ids(lesions: Sequence[LesionInput]) -> list[str]:
    ids = [rules.lesion_id(les.lesion_id, field="target_lesions") for les in lesions]
    if len(ids) != len(set(ids)):
        raise TargetLesionsInvalid(
            "Ogni lesione target deve avere un identificativo proprio.", field="target_lesions"
        )
    return ids


def _baseline_lesions(lesions: Sequence[LesionInput]) -> list[rules.Lesion]:
    ids = _lesion_ids(lesions)
    found = []
    for lesion_id, les in zip(ids, lesions, strict=True):
        if _blank(les.mm):
            raise ValidationFailed(
                f"Dato mancante: misura basale della lesione {lesion_id}.",
                code="clinical_input_missing",
                field="target_lesions",
            )
        found.append(
            rules.Lesion(
                lesion_id=lesion_id,
                organ=one_line(les.organ, field="target_lesions", limit=80, required=False),
                lymph_node=bool(les.lymph_node),
                mm=rules.millimetres(
                    les.mm, field="target_lesions", label=f"Diametro della lesione {lesion_id}"
                ),
            )
        )
    return found


def _measurements(lesions: Sequence[LesionInput]) -> dict[str, Decimal | None]:
    ids = _lesion_ids(lesions)
    return {
        lesion_id: None
        if _blank(les.mm)
        else rules.millimetres(
            les.mm, field="target_lesions", label=f"Diametro della lesione {lesion_id}"
        )
        for lesion_id, les in zip(ids, lesions, strict=True)
    }


def _stored_baseline(row: ResponseEvaluation) -> list[rules.Lesion]:
    return [
        rules.Lesion(
            lesion_id=item["lesion_id"],
            organ=item["organ"],
            lymph_node=item["lymph_node"],
            mm=Decimal(item["mm"]),
        )
        for item in row.target_lesions
    ]


def _stored_measurements(row: ResponseEvaluation) -> dict[str, Decimal | None]:
    return {
        item["lesion_id"]: None if item["mm"] is None else Decimal(item["mm"])
        for item in row.target_lesions
    }


def _mm(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _recist(
    data: EvaluationInput, baseline: ResponseEvaluation | None, later: list[ResponseEvaluation]
) -> dict[str, Any]:
    """The fields a RECIST 1.1 baseline or re-evaluation stores (computed here)."""
    if len(data.target_lesions) > MAX_TARGETS_ENTERED:
        raise TargetLesionsInvalid(
            f"Al massimo {response.MAX_TARGET_LESIONS} lesioni target (RECIST 1.1).",
            field="target_lesions",
        )
    new_sites = rules.sites(data.new_lesions, field="new_lesions")
    if data.deauville is not None or data.marrow or data.uptake_vs_baseline:
        raise ClinicalInputsInconsistent(
            "Deauville, midollo e captazione appartengono ai criteri di Lugano, non a RECIST.",
            field="deauville",
        )
    if baseline is None:
        if new_sites or data.non_target_response:
            raise ClinicalInputsInconsistent(
                "Al basale non si valutano lesioni nuove né la risposta delle non target.",
                field="new_lesions" if new_sites else "non_target_response",
            )
        lesions = _baseline_lesions(data.target_lesions)
        non_target = rules.sites(data.non_target_sites, field="non_target_sites")
        total = rules.recist_baseline(lesions, non_target)
        return {
            "target_lesions": [
                {
                    "lesion_id": les.lesion_id,
                    "organ": les.organ,
                    "lymph_node": les.lymph_node,
                    "mm": str(les.mm),
                }
                for les in lesions
            ],
            "non_target_sites": non_target,
            "sum_mm": total,
            "baseline_sum_mm": total,
        }
    if data.non_target_sites:
        raise ClinicalInputsInconsistent(
            "Le sedi non target si indicano al basale; qui se ne valuta la risposta.",
            field="non_target_sites",
        )
    current = _measurements(data.target_lesions)
    nt = data.non_target_response.strip()
    if nt:
        nt = rules.code_of(
            nt, response.NonTargetResponse, field="non_target_response", label="la risposta"
        )
    outcome = rules.recist_follow_up(
        baseline=_stored_baseline(baseline),
        baseline_non_target=baseline.non_target_sites,
        previous=[_stored_measurements(r) for r in later],
        current=current,
        non_target=nt or None,
        new_lesions=bool(new_sites),
    )
    stored: dict[str, Any] = {
        "target_lesions": [{"lesion_id": k, "mm": _mm(v)} for k, v in current.items()],
        "non_target_response": nt,
        "new_lesions": new_sites,
        "response": outcome.overall.response.value,
        "response_label": outcome.overall.label,
        "reference": outcome.overall.reference.short,
    }
    if outcome.target is not None:
        t = outcome.target
        stored.update(
            sum_mm=t.sum_mm,
            baseline_sum_mm=t.baseline_sum_mm,
            nadir_sum_mm=t.nadir_sum_mm,
            change_from_baseline_pct=t.change_from_baseline_pct,
            change_from_nadir_pct=t.change_from_nadir_pct,
            target_response=t.response.value,
        )
    return stored


def _lugano(data: EvaluationInput, baseline: ResponseEvaluation | None) -> dict[str, Any]:
    if data.target_lesions or data.non_target_sites or data.non_target_response:
        raise ClinicalInputsInconsistent(
            "Con i criteri di Lugano (PET-TC) la risposta si valuta con il punteggio di "
            "Deauville, non con le misure delle lesioni (RECIST).",
            field="target_lesions",
        )
    new_sites = rules.sites(data.new_lesions, field="new_lesions")
    if baseline is None:
        if new_sites or data.marrow or data.uptake_vs_baseline:
            raise ClinicalInputsInconsistent(
                "Al basale non si valutano lesioni nuove, midollo né captazione.",
                field="new_lesions",
            )
        if data.deauville is not None:
            whole_in_range(
                data.deauville, field="deauville", label="Punteggio di Deauville", low=1, high=5
            )
        return {"deauville": data.deauville}
    found = response.lugano_metabolic_response(
        deauville=data.deauville,
        new_fdg_avid_lesions=bool(new_sites),
        marrow=data.marrow.strip() or None,
        uptake_vs_baseline=data.uptake_vs_baseline.strip() or None,
    )
    return {
        "deauville": found.deauville,
        "marrow": data.marrow.strip(),
        "uptake_vs_baseline": data.uptake_vs_baseline.strip() if found.deauville >= 4 else "",
        "new_lesions": new_sites,
        "response": found.response.value,
        "response_label": found.label,
        "reference": found.reference.short,
    }


def response_evaluation_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: EvaluationInput
) -> ResponseEvaluation:
    """Sign a baseline (``data.baseline``) or a re-evaluation of an open line."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    criteria = rules.code_of(data.criteria, rules.Criteria, field="criteria", label="i criteri")
    method = rules.code_of(data.method, rules.Method, field="method", label="la metodica")
    day = past_date(data.evaluated_on, today=timezone.localdate(), field="evaluated_on")
    assert day is not None
    note = clinical_text(data.note, field="note", required=False, limit=4000)
    with transaction.atomic():
        line = line_for_update(data.line_id, None)
        if line.patient_id != patient.pk:
            raise ValidationFailed(
                "La linea non è di questo paziente.", code="line_mismatch", field="line_id"
            )
        earlier = list(
            ResponseEvaluation.objects.filter(line=line, criteria=criteria).order_by(
                "evaluated_on", "pk"
            )
        )
        baseline = next((r for r in earlier if r.baseline), None)
        later = [r for r in earlier if not r.baseline]
        if data.baseline and baseline is not None:
            raise ConflictError(
                f"La linea ha già un basale ({baseline.evaluated_on:%d/%m/%Y}) per questi "
                "criteri: una nuova linea si apre con un nuovo basale.",
                code="baseline_exists",
            )
        if not data.baseline:
            if baseline is None:
                raise ValidationFailed(
                    "Registra prima la valutazione basale della linea con questi criteri.",
                    code="baseline_missing",
                    field="baseline",
                )
            latest = later[-1].evaluated_on if later else baseline.evaluated_on
            if day < latest or day == baseline.evaluated_on:
                raise ValidationFailed(
                    f"La rivalutazione non può precedere l'ultima registrata per la linea "
                    f"({latest:%d/%m/%Y}): le risposte successive sono calcolate sul nadir.",
                    code="evaluation_out_of_order",
                    field="evaluated_on",
                )
        if criteria == rules.Criteria.RECIST:
            values = _recist(data, None if data.baseline else baseline, later)
        else:
            values = _lugano(data, None if data.baseline else baseline)
        row = row_record(
            ResponseEvaluation,
            event=events.RESPONSE_EVALUATION_SIGNED,
            actor=actor,
            workstation=workstation,
            after=lambda row: {
                "line": line.pk,
                "evaluated_on": day.isoformat(),
                "criteria": criteria,
                "baseline": data.baseline,
                "response": row.response,
                "sum_mm": _mm(row.sum_mm),
                "nadir_sum_mm": _mm(row.nadir_sum_mm),
            },
            patient_id=patient.pk,
            line=line,
            evaluated_on=day,
            method=method,
            criteria=criteria,
            baseline=data.baseline,
            note=note,
            **values,
        )
    return row
