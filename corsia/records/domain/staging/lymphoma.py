"""Ann Arbor stage with the Lugano 2014 modification, for Hodgkin and non-Hodgkin lymphoma.

Cheson BD, Fisher RI, Barrington SF, et al. Recommendations for initial evaluation, staging,
and response assessment of Hodgkin and non-Hodgkin lymphoma: the Lugano classification.
J Clin Oncol 2014;32:3059-68 (Table 2). Carbone PP, et al. Report of the Committee on
Hodgkin's Disease Staging Classification. Cancer Res 1971;31:1860-1 (Ann Arbor).

Stage I–IV from the extent; E (a single extranodal lesion, or limited contiguous extranodal
extension) applies only to stages I–II; A/B (B: fever > 38 °C, drenching night sweats,
weight loss > 10 % in 6 months) is recorded for Hodgkin lymphoma only; "bulky" (a nodal mass
≥ 10 cm, or > 1/3 of the thoracic diameter in Hodgkin lymphoma) is appended. Stages I–II are
limited disease, III–IV advanced; whether II bulky is treated as limited or advanced depends
on the histology (Lugano), so it is flagged, not decided here.
"""

from __future__ import annotations

from corsia.records.domain.errors import ClinicalInputsInconsistent
from corsia.records.domain.inputs import flag, whole_in_range
from corsia.records.domain.results import Reference, StageResult

LUGANO_REFERENCE = Reference(
    "Lugano 2014 (Cheson)",
    "Cheson BD, Fisher RI, Barrington SF, et al. Recommendations for initial evaluation, "
    "staging, and response assessment of Hodgkin and non-Hodgkin lymphoma: the Lugano "
    "classification. J Clin Oncol 2014;32:3059-68.",
)

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def lugano_stage(
    *,
    stage: int | None,
    hodgkin: bool | None,
    b_symptoms: bool | None = None,
    extranodal: bool | None = False,
    bulky: bool | None = False,
) -> StageResult:
    """The Lugano designation, e.g. "IIBE" with the label "Stadio IIBE, bulky"."""
    number = whole_in_range(stage, field="stage", label="Stadio Ann Arbor", low=1, high=4)
    is_hodgkin = flag(hodgkin, field="hodgkin", label="Linfoma di Hodgkin")
    has_e = flag(extranodal, field="extranodal", label="Estensione extranodale (E)")
    is_bulky = flag(bulky, field="bulky", label="Malattia bulky")
    if has_e and number > 2:
        raise ClinicalInputsInconsistent(
            "La designazione E si applica solo agli stadi I e II (Lugano 2014): negli stadi "
            "III–IV l'interessamento extranodale è già parte dello stadio.",
            field="extranodal",
        )
    letters = ""
    if is_hodgkin:
        letters = "B" if flag(b_symptoms, field="b_symptoms", label="Sintomi B") else "A"
    designation = f"{_ROMAN[number]}{letters}{'E' if has_e else ''}"
    extent = "malattia limitata" if number <= 2 else "malattia avanzata"
    if is_bulky and number == 2:
        extent = "II bulky: limitata o avanzata secondo l'istologia"
    label = f"Stadio {designation}{', bulky' if is_bulky else ''} ({extent})"
    descriptors = [_ROMAN[number]]
    if letters:
        descriptors.append(letters)
    if has_e:
        descriptors.append("E")
    if is_bulky:
        descriptors.append("bulky")
    return StageResult(
        system="lugano_2014",
        stage=designation,
        label=label,
        reference=LUGANO_REFERENCE,
        categories=", ".join(descriptors),
    )
