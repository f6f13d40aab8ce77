"""Response to treatment: RECIST 1.1 for solid tumours, Lugano 2014 (PET-CT, Deauville
five-point scale) for FDG-avid lymphomas.

* RECIST 1.1 — Eisenhauer EA, Therasse P, Bogaerts J, et al. New response evaluation
  criteria in solid tumours: revised RECIST guideline (version 1.1). Eur J Cancer
  2009;45:228-47. At baseline at most 5 target lesions, at most 2 per organ, each measurable:
  longest diameter ≥ 10 mm (CT), or short axis ≥ 15 mm for a lymph node. The sum adds longest
  diameters and nodal short axes. Target response: CR all non-nodal targets gone and every
  nodal target < 10 mm short axis; PD sum ≥ 20 % above the nadir (smallest sum on study,
  baseline included) and ≥ 5 mm larger; PR sum ≥ 30 % below baseline; SD otherwise.
  Overall response combines target, non-target and new lesions (Tables 1 and 2 of the
  guideline).
* Lugano 2014 — Cheson BD, Fisher RI, Barrington SF, et al. J Clin Oncol 2014;32:3059-68
  (Table 3, PET-CT-based response). Complete metabolic response: Deauville 1–3, no new
  lesions, no FDG-avid marrow disease; partial: 4–5 with uptake reduced from baseline
  (marrow uptake reduced); no metabolic response: 4–5 without significant change (marrow
  unchanged); progressive: 4–5 with increased uptake, or new FDG-avid lesions, or
  new/recurrent FDG-avid marrow foci. The response is the worst of the components.

Limits: lesions are measured in mm on CT/MRI, the caller records a lesion "too small to
measure" as the guideline says (5 mm, or 0 if gone); all lymph nodes, wherever they are,
count as one organ for the two-per-organ rule, and so does each paired organ (lungs,
kidneys, ovaries): name them alike (the RECIST Working Group's answers); "new
lesion" means unequivocal; a missing target measurement gives NE unless the lesions measured
already prove progression. Lugano's CT-based response and Deauville X are not computed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.errors import (
    ClinicalInputMissing,
    ClinicalInputsInconsistent,
    TargetLesionsInvalid,
)
from corsia.records.domain.inputs import choice, flag, number_in_range, whole_in_range
from corsia.records.domain.results import Reference

RECIST_REFERENCE = Reference(
    "RECIST 1.1 (Eisenhauer 2009)",
    "Eisenhauer EA, Therasse P, Bogaerts J, et al. New response evaluation criteria in solid "
    "tumours: revised RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-47.",
)
LUGANO_RESPONSE_REFERENCE = Reference(
    "Lugano 2014 (Cheson)",
    "Cheson BD, Fisher RI, Barrington SF, et al. Recommendations for initial evaluation, "
    "staging, and response assessment of Hodgkin and non-Hodgkin lymphoma: the Lugano "
    "classification. J Clin Oncol 2014;32:3059-68.",
)

MAX_TARGET_LESIONS = 5
MAX_TARGETS_PER_ORGAN = 2
MEASURABLE_LESION_MM = Decimal(10)
MEASURABLE_NODE_MM = Decimal(15)
NORMAL_NODE_BELOW_MM = Decimal(10)
PD_INCREASE = Decimal("1.2")
PD_ABSOLUTE_MM = Decimal(5)
PR_FRACTION = Decimal("0.7")
LYMPH_NODE_ORGAN = "lymph nodes"
_MAX_DIAMETER_MM = 1000


@dataclass(frozen=True)
class TargetLesion:
    """A target lesion chosen at baseline: an id stable across assessments, its organ, and
    whether it is a lymph node (measured on the short axis)."""

    lesion_id: str
    organ: str
    lymph_node: bool = False


class TargetResponse(StrEnum):
    CR = "cr"
    PR = "pr"
    SD = "sd"
    PD = "pd"
    NE = "ne"


class NonTargetResponse(StrEnum):
    CR = "cr"
    NON_CR_NON_PD = "non_cr_non_pd"
    PD = "pd"
    NE = "ne"


class OverallResponse(StrEnum):
    CR = "cr"
    PR = "pr"
    SD = "sd"
    NON_CR_NON_PD = "non_cr_non_pd"
    PD = "pd"
    NE = "ne"


RESPONSE_LABELS: dict[str, str] = {
    "cr": "Risposta completa (CR)",
    "pr": "Risposta parziale (PR)",
    "sd": "Malattia stabile (SD)",
    "non_cr_non_pd": "Né CR né PD",
    "pd": "Progressione di malattia (PD)",
    "ne": "Non valutabile (NE)",
}


@dataclass(frozen=True)
class TargetAssessment:
    """Sums in mm; percentages to one decimal (negative: a decrease). ``sum_mm`` is the sum
    of the lesions measured, ``complete`` whether every target lesion was."""

    sum_mm: Decimal
    complete: bool
    baseline_sum_mm: Decimal
    nadir_sum_mm: Decimal
    change_from_baseline_pct: Decimal
    change_from_nadir_pct: Decimal | None
    response: TargetResponse
    label: str
    reference: Reference = RECIST_REFERENCE


@dataclass(frozen=True)
class OverallAssessment:
    response: OverallResponse
    label: str
    reference: Reference = RECIST_REFERENCE


def _organ(lesion: TargetLesion) -> str:
    return LYMPH_NODE_ORGAN if lesion.lymph_node else " ".join(lesion.organ.split()).casefold()


def _diameter(value: Decimal | int | None, lesion_id: str) -> Decimal:
    return number_in_range(
        value,
        field=f"measurements.{lesion_id}",
        label=f"Diametro della lesione {lesion_id}",
        low=0,
        high=_MAX_DIAMETER_MM,
        unit="mm",
    )


def validate_target_lesions(
    lesions: Sequence[TargetLesion], baseline_mm: Mapping[str, Decimal | int]
) -> Decimal:
    """Check the baseline choice against RECIST 1.1 and return the baseline sum (mm)."""
    if not lesions:
        raise TargetLesionsInvalid(
            "Nessuna lesione target: senza lesioni misurabili si valutano solo le non target.",
            field="lesions",
        )
    if len(lesions) > MAX_TARGET_LESIONS:
        raise TargetLesionsInvalid(
            f"Al massimo {MAX_TARGET_LESIONS} lesioni target (RECIST 1.1): indicate {len(lesions)}.",
            field="lesions",
            details={"count": len(lesions)},
        )
    ids = Counter(lesion.lesion_id for lesion in lesions)
    repeated = sorted(i for i, count in ids.items() if count > 1)
    if repeated or any(not lesion.lesion_id.strip() for lesion in lesions):
        raise TargetLesionsInvalid(
            "Ogni lesione target deve avere un identificativo proprio.",
            field="lesions",
            details={"repeated": repeated},
        )
    if any(not lesion.lymph_node and not lesion.organ.strip() for lesion in lesions):
        raise ClinicalInputMissing("Dato mancante: organo della lesione target.", field="lesions")
    per_organ = Counter(_organ(lesion) for lesion in lesions)
    crowded = sorted(organ for organ, count in per_organ.items() if count > MAX_TARGETS_PER_ORGAN)
    if crowded:
        raise TargetLesionsInvalid(
            f"Al massimo {MAX_TARGETS_PER_ORGAN} lesioni target per organo (RECIST 1.1; i "
            f"linfonodi contano come un solo organo): troppe in {', '.join(crowded)}.",
            field="lesions",
            details={"organs": crowded},
        )
    _same_lesions(lesions, baseline_mm, field="baseline")
    total = Decimal(0)
    for lesion in lesions:
        size = _diameter(baseline_mm[lesion.lesion_id], lesion.lesion_id)
        least = MEASURABLE_NODE_MM if lesion.lymph_node else MEASURABLE_LESION_MM
        if size < least:
            what = "asse corto del linfonodo" if lesion.lymph_node else "diametro maggiore"
            raise TargetLesionsInvalid(
                f"La lesione {lesion.lesion_id} non è misurabile: {what} {size} mm, "
                f"ne servono almeno {least} (RECIST 1.1).",
                field=f"baseline.{lesion.lesion_id}",
                details={"lesion_id": lesion.lesion_id, "mm": str(size), "minimum": str(least)},
            )
        total += size
    return total


def _same_lesions(
    lesions: Sequence[TargetLesion], measurements: Mapping[str, object], *, field: str
) -> None:
    unknown = sorted(set(measurements) - {lesion.lesion_id for lesion in lesions})
    if unknown:
        raise TargetLesionsInvalid(
            f"Misure di lesioni che non sono target al basale: {', '.join(unknown)}. Una lesione "
            "nuova non entra nella somma: va registrata come lesione nuova.",
            field=field,
            details={"unknown": unknown},
        )
    if field == "baseline":
        missing = [
            lesion.lesion_id for lesion in lesions if measurements.get(lesion.lesion_id) is None
        ]
        if missing:
            raise ClinicalInputMissing(
                f"Dato mancante: misura basale della lesione {', '.join(missing)}.",
                field=field,
                details={"missing": missing},
            )


def _measured_sum(
    lesions: Sequence[TargetLesion], measurements: Mapping[str, Decimal | int | None], *, field: str
) -> tuple[Decimal, bool, bool]:
    """(sum of the lesions measured, whether all were, whether the CR criteria hold)."""
    _same_lesions(lesions, measurements, field=field)
    total = Decimal(0)
    complete = True
    all_gone = True
    for lesion in lesions:
        value = measurements.get(lesion.lesion_id)
        if value is None:
            complete = False
            all_gone = False
            continue
        size = _diameter(value, lesion.lesion_id)
        total += size
        if (lesion.lymph_node and size >= NORMAL_NODE_BELOW_MM) or (
            not lesion.lymph_node and size > 0
        ):
            all_gone = False
    return total, complete, all_gone


def _percent(value: Decimal, reference: Decimal) -> Decimal:
    return ((value - reference) * 100 / reference).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _progressed(total: Decimal, nadir: Decimal) -> bool:
    return total - nadir >= PD_ABSOLUTE_MM and total >= nadir * PD_INCREASE


def assess_target_lesions(
    *,
    lesions: Sequence[TargetLesion],
    baseline_mm: Mapping[str, Decimal | int],
    previous_mm: Sequence[Mapping[str, Decimal | int | None]] = (),
    current_mm: Mapping[str, Decimal | int | None],
) -> TargetAssessment:
    """Target-lesion response at ``current_mm`` (RECIST 1.1), the nadir taken from the
    baseline and the complete ``previous_mm`` assessments."""
    baseline = validate_target_lesions(lesions, baseline_mm)
    nadir = baseline
    for index, earlier in enumerate(previous_mm):
        total, complete, _ = _measured_sum(lesions, earlier, field=f"previous[{index}]")
        if complete:
            nadir = min(nadir, total)
    total, complete, all_gone = _measured_sum(lesions, current_mm, field="current")
    if complete and all_gone:
        response = TargetResponse.CR
    elif _progressed(total, nadir):
        response = TargetResponse.PD  # proven even if a lesion was not measured
    elif not complete:
        response = TargetResponse.NE
    elif total <= baseline * PR_FRACTION:
        response = TargetResponse.PR
    else:
        response = TargetResponse.SD
    return TargetAssessment(
        sum_mm=total,
        complete=complete,
        baseline_sum_mm=baseline,
        nadir_sum_mm=nadir,
        change_from_baseline_pct=_percent(total, baseline),
        change_from_nadir_pct=_percent(total, nadir) if nadir else None,
        response=response,
        label=RESPONSE_LABELS[response.value],
    )


def _no_baseline_disease() -> ClinicalInputsInconsistent:
    return ClinicalInputsInconsistent(
        "Senza lesioni target né non target al basale la risposta RECIST non si valuta.",
        field="target",
    )


def _non_target_only(nt: NonTargetResponse | None) -> OverallResponse:
    """Table 2 of the guideline: patients with non-target disease only."""
    if nt is None:
        raise _no_baseline_disease()
    return {
        NonTargetResponse.CR: OverallResponse.CR,
        NonTargetResponse.NON_CR_NON_PD: OverallResponse.NON_CR_NON_PD,
        NonTargetResponse.NE: OverallResponse.NE,
        NonTargetResponse.PD: OverallResponse.PD,
    }[nt]


def overall_response(
    *,
    target: TargetResponse | str | None,
    non_target: NonTargetResponse | str | None,
    new_lesions: bool | None,
) -> OverallAssessment:
    """RECIST 1.1 overall response (Table 1 with target lesions, Table 2 without).
    ``target`` / ``non_target`` None: the patient had no such lesions at baseline."""
    has_new = flag(new_lesions, field="new_lesions", label="Lesioni nuove")
    t = (
        None
        if target is None
        else choice(target, TargetResponse, field="target", label="Risposta delle lesioni target")
    )
    nt = (
        None
        if non_target is None
        else choice(
            non_target,
            NonTargetResponse,
            field="non_target",
            label="Risposta delle lesioni non target",
        )
    )
    if t is None and nt is None:
        raise _no_baseline_disease()
    if has_new or t is TargetResponse.PD or nt is NonTargetResponse.PD:
        result = OverallResponse.PD
    elif t is None:
        result = _non_target_only(nt)
    elif t is TargetResponse.CR:
        result = OverallResponse.CR if nt in {None, NonTargetResponse.CR} else OverallResponse.PR
    else:
        result = {
            TargetResponse.PR: OverallResponse.PR,
            TargetResponse.SD: OverallResponse.SD,
            TargetResponse.NE: OverallResponse.NE,
        }[t]
    return OverallAssessment(result, RESPONSE_LABELS[result.value])


class UptakeChange(StrEnum):
    """FDG uptake of the residual disease compared with baseline."""

    DECREASED = "decreased"
    UNCHANGED = "unchanged"
    INCREASED = "increased"


class MarrowFinding(StrEnum):
    NO_FDG_AVID_DISEASE = "no_fdg_avid_disease"
    RESIDUAL_UPTAKE_REDUCED = "residual_uptake_reduced"
    UNCHANGED = "unchanged"
    NEW_OR_RECURRENT = "new_or_recurrent"


class MetabolicResponse(LabelledCode):
    CMR = "cmr", "Risposta metabolica completa"
    PMR = "pmr", "Risposta metabolica parziale"
    NMR = "nmr", "Nessuna risposta metabolica"
    PMD = "pmd", "Progressione metabolica di malattia"


METABOLIC_RESPONSE_LABELS: dict[MetabolicResponse, str] = MetabolicResponse.labels_it()


_METABOLIC_ORDER = list(MetabolicResponse)  # best to worst
_BY_UPTAKE: dict[UptakeChange, MetabolicResponse] = {
    UptakeChange.DECREASED: MetabolicResponse.PMR,
    UptakeChange.UNCHANGED: MetabolicResponse.NMR,
    UptakeChange.INCREASED: MetabolicResponse.PMD,
}
_BY_MARROW: dict[MarrowFinding, MetabolicResponse] = {
    MarrowFinding.NO_FDG_AVID_DISEASE: MetabolicResponse.CMR,
    MarrowFinding.RESIDUAL_UPTAKE_REDUCED: MetabolicResponse.PMR,
    MarrowFinding.UNCHANGED: MetabolicResponse.NMR,
    MarrowFinding.NEW_OR_RECURRENT: MetabolicResponse.PMD,
}


@dataclass(frozen=True)
class LuganoResponse:
    response: MetabolicResponse
    label: str
    deauville: int
    reference: Reference = LUGANO_RESPONSE_REFERENCE


def lugano_metabolic_response(
    *,
    deauville: int | None,
    new_fdg_avid_lesions: bool | None,
    marrow: MarrowFinding | str | None,
    uptake_vs_baseline: UptakeChange | str | None = None,
) -> LuganoResponse:
    """PET-CT response (Lugano 2014). ``uptake_vs_baseline`` is needed for Deauville 4–5.
    Each category of the table requires all its components, so the response is the worst of
    the lymph nodes and extralymphatic sites, the marrow and new lesions."""
    score = whole_in_range(
        deauville, field="deauville", label="Punteggio di Deauville", low=1, high=5
    )
    has_new = flag(
        new_fdg_avid_lesions, field="new_fdg_avid_lesions", label="Nuove lesioni FDG-avide"
    )
    bone_marrow = choice(marrow, MarrowFinding, field="marrow", label="Midollo osseo")
    if score <= 3:
        nodal = MetabolicResponse.CMR
    else:
        change = choice(
            uptake_vs_baseline,
            UptakeChange,
            field="uptake_vs_baseline",
            label="Captazione rispetto al basale",
        )
        nodal = _BY_UPTAKE[change]
    components = [nodal, _BY_MARROW[bone_marrow]]
    if has_new:
        components.append(MetabolicResponse.PMD)
    response = max(components, key=_METABOLIC_ORDER.index)
    return LuganoResponse(response, METABOLIC_RESPONSE_LABELS[response], score)
