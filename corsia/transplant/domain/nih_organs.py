"""Chronic GVHD organ scores 0–3 from their measures, as the NIH 2014 scoring form defines them.

Source: Jagasia MH et al., Biol Blood Marrow Transplant 2015;21:389-401, Figure 1 (the
organ scoring form). Only what the form defines objectively is computed; where the form
scores a graded judgement (mouth symptoms limiting intake, the genital signs), the
clinician chooses the grade and the score follows from it. The form's wording, score by
score, is written next to each function. The lung score is in ``cgvhd.lung_score``.

* Skin: 0 none; 1 1–18 % BSA; 2 19–50 % BSA or superficial sclerotic features ("not
  hidebound", able to pinch); 3 > 50 % BSA or deep sclerotic features ("hidebound",
  unable to pinch) or impaired mobility, ulceration or severe pruritus. BSA read as
  continuous: above 18 % is the 19–50 band, above 50 % the last.
* Liver: 0 normal; 1 bilirubin, ALT or ALP < 3 × ULN; 2 bilirubin > 3 mg/dL, or
  bilirubin or enzymes 3–5 × ULN; 3 bilirubin or enzymes > 5 × ULN.
* Eyes: 0 no symptoms; 1 mild dry eye not affecting daily living (lubricant drops
  ≤ 3 times a day); 2 moderate, partly affecting daily living (drops > 3 times a day or
  punctal plugs), without new vision impairment from keratoconjunctivitis sicca (KCS);
  3 severe, significantly affecting daily living (special eyewear for pain), or unable to
  work because of the eyes, or loss of vision from KCS. The Schirmer test is recorded on
  the form but does not enter the score (it supports the diagnosis).
* GI tract: 0 no symptoms; 1 symptoms without significant weight loss (< 5 %); 2
  symptoms with weight loss 5–15 % or moderate diarrhoea without significant interference
  with daily living; 3 weight loss > 15 %, nutritional supplement for most calorie needs,
  oesophageal dilation, or severe diarrhoea with significant interference.
* Mouth: 0 no symptoms; 1 mild symptoms with disease signs not significantly limiting
  oral intake; 2 moderate, partial limitation; 3 severe, major limitation.
* Joints and fascia: 0 no symptoms; 1 mild tightness, normal or mildly decreased range
  of motion (ROM) and not affecting daily living; 2 tightness or contractures, erythema
  from fasciitis, moderately decreased ROM and mild to moderate limitation of daily
  living; 3 contractures with significant decrease of ROM and significant limitation of
  daily living. The photographic range of motion (P-ROM: shoulder, elbow, wrist/finger
  1–7, ankle 1–4; the top value normal) is recorded and checked, not scored by the form.
* Genital tract: 0 no signs; 1 mild signs; 2 moderate signs; 3 severe signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal, ensure_int

MAX_ULN_MULTIPLE = Decimal(1000)
MAX_BILIRUBIN_MG_DL = Decimal(80)
MAX_SCHIRMER_MM = 40


class Grade(IntEnum):
    """A graded judgement the form asks for: none, mild, moderate, severe."""

    NONE = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3


def _grade(value: object, *, field: str, label: str) -> Grade:
    return Grade(ensure_int(value, field=field, label=label, maximum=3))


def skin_score(
    *,
    bsa_percent: Decimal,
    superficial_sclerosis: bool = False,
    deep_sclerosis: bool = False,
    impaired_mobility_ulceration_or_severe_pruritus: bool = False,
) -> int:
    """NIH skin score from the % BSA involved and the sclerotic features."""
    bsa = ensure_decimal(bsa_percent, field="skin_bsa", label="Cute (% BSA)", maximum=Decimal(100))
    if bsa > 50 or deep_sclerosis or impaired_mobility_ulceration_or_severe_pruritus:
        return 3
    if bsa > 18 or superficial_sclerosis:
        return 2
    return 1 if bsa > 0 else 0


@dataclass(frozen=True)
class LiverTests:
    """Liver tests as multiples of the laboratory's upper limit of normal (ULN)."""

    bilirubin_uln: Decimal
    alt_uln: Decimal
    alp_uln: Decimal
    bilirubin_mg_dl: Decimal | None = None  # the absolute value, for the "> 3 mg/dL" rule

    @classmethod
    def from_values(
        cls,
        *,
        bilirubin: Decimal,
        bilirubin_uln: Decimal,
        alt: Decimal,
        alt_uln: Decimal,
        alp: Decimal,
        alp_uln: Decimal,
        bilirubin_mg_dl: Decimal | None = None,
    ) -> LiverTests:
        """Multiples from the values and the laboratory's ULNs (same unit each pair)."""
        multiples = []
        for name, value, uln in (
            ("bilirubin", bilirubin, bilirubin_uln),
            ("alt", alt, alt_uln),
            ("alp", alp, alp_uln),
        ):
            v = ensure_decimal(value, field=name, label=name.upper(), maximum=Decimal(100000))
            u = ensure_decimal(
                uln,
                field=f"{name}_uln",
                label=f"ULN {name.upper()}",
                minimum=Decimal("0.001"),
                maximum=Decimal(100000),
            )
            multiples.append(v / u)
        return cls(multiples[0], multiples[1], multiples[2], bilirubin_mg_dl)


def liver_score(tests: LiverTests) -> int:
    """NIH liver score: 1 any test above ULN and < 3 × ULN; 2 bilirubin > 3 mg/dL or
    3–5 × ULN (both bounds in the band); 3 above 5 × ULN."""
    highest = max(
        ensure_decimal(m, field=f, label="Multiplo ULN", maximum=MAX_ULN_MULTIPLE)
        for f, m in (
            ("bilirubin_uln", tests.bilirubin_uln),
            ("alt_uln", tests.alt_uln),
            ("alp_uln", tests.alp_uln),
        )
    )
    bili_over_3 = False
    if tests.bilirubin_mg_dl is not None:
        bili = ensure_decimal(
            tests.bilirubin_mg_dl,
            field="bilirubin",
            label="Bilirubina (mg/dL)",
            maximum=MAX_BILIRUBIN_MG_DL,
        )
        bili_over_3 = bili > 3
    if highest > 5:
        return 3
    if highest >= 3 or bili_over_3:
        return 2
    return 1 if highest > 1 else 0


def eye_score(
    *,
    dry_eye_symptoms: bool,
    drops_per_day: int = 0,
    punctal_plugs: bool = False,
    special_eyewear_for_pain: bool = False,
    unable_to_work: bool = False,
    vision_loss_from_kcs: bool = False,
    schirmer_mm: int | None = None,
) -> int:
    """NIH eye score from the treatment the dry eye needs and its consequences."""
    ensure_int(drops_per_day, field="eye_drops", label="Colliri al giorno", maximum=48)
    if schirmer_mm is not None:
        ensure_int(schirmer_mm, field="schirmer", label="Schirmer (mm)", maximum=MAX_SCHIRMER_MM)
    if not dry_eye_symptoms:
        if drops_per_day or punctal_plugs or special_eyewear_for_pain or vision_loss_from_kcs:
            raise ValidationFailed(
                "Terapia o danno oculare indicati senza sintomi di occhio secco.",
                code="eye_treatment_without_symptoms",
                field="dry_eye_symptoms",
            )
        return 0
    if special_eyewear_for_pain or unable_to_work or vision_loss_from_kcs:
        return 3
    if drops_per_day > 3 or punctal_plugs:
        return 2
    return 1


def gi_score(
    *,
    symptoms: bool,
    weight_loss_percent: Decimal = Decimal(0),
    diarrhoea: Grade = Grade.NONE,
    supplement_for_most_calories: bool = False,
    oesophageal_dilation: bool = False,
) -> int:
    """NIH GI score from the weight lost (% over 3 months), the diarrhoea's grade and
    the nutritional support."""
    loss = ensure_decimal(
        weight_loss_percent, field="weight_loss", label="Calo ponderale (%)", maximum=Decimal(90)
    )
    diarrhoea = _grade(diarrhoea, field="diarrhoea", label="Diarrea")
    if not symptoms:
        if diarrhoea or supplement_for_most_calories or oesophageal_dilation:
            raise ValidationFailed(
                "Diarrea o supporto nutrizionale indicati senza sintomi gastrointestinali.",
                code="gi_findings_without_symptoms",
                field="gi_symptoms",
            )
        return 0
    if (
        loss > 15
        or diarrhoea is Grade.SEVERE
        or supplement_for_most_calories
        or oesophageal_dilation
    ):
        return 3
    if loss >= 5 or diarrhoea is Grade.MODERATE:
        return 2
    return 1


def mouth_score(*, symptoms: Grade, intake_limitation: Grade = Grade.NONE) -> int:
    """NIH mouth score: the higher of the symptoms' grade and the limitation of intake
    (1 not significant, 2 partial, 3 major); a limitation without symptoms is refused."""
    symptoms = _grade(symptoms, field="mouth_symptoms", label="Sintomi del cavo orale")
    intake = _grade(intake_limitation, field="oral_intake", label="Limitazione dell'alimentazione")
    if symptoms is Grade.NONE and intake is not Grade.NONE:
        raise ValidationFailed(
            "Limitazione dell'alimentazione indicata senza sintomi del cavo orale.",
            code="mouth_limitation_without_symptoms",
            field="oral_intake",
        )
    return max(int(symptoms), int(intake))


@dataclass(frozen=True)
class PROM:
    """Photographic range of motion (P-ROM): 7 (or 4 for the ankle) is normal."""

    shoulder: int = 7
    elbow: int = 7
    wrist_finger: int = 7
    ankle: int = 4

    def __post_init__(self) -> None:
        for name, top in (("shoulder", 7), ("elbow", 7), ("wrist_finger", 7), ("ankle", 4)):
            ensure_int(
                getattr(self, name), field=f"prom_{name}", label="P-ROM", minimum=1, maximum=top
            )

    @property
    def normal(self) -> bool:
        return (self.shoulder, self.elbow, self.wrist_finger, self.ankle) == (7, 7, 7, 4)


def joint_score(
    *,
    symptoms: bool,
    rom_decrease: Grade = Grade.NONE,
    adl_limitation: Grade = Grade.NONE,
    contractures: bool = False,
    fasciitis_erythema: bool = False,
    prom: PROM | None = None,
) -> int:
    """NIH joints-and-fascia score. 3 needs contractures with a significant (severe) ROM
    decrease and a significant limitation of daily living; 2 contractures, fasciitis,
    a moderate ROM decrease or a mild-to-moderate limitation; 1 tightness otherwise."""
    rom = _grade(rom_decrease, field="rom_decrease", label="Riduzione dell'articolarità")
    adl = _grade(adl_limitation, field="adl_limitation", label="Limitazione delle attività")
    if not symptoms:
        if rom or adl or contractures or fasciitis_erythema or (prom and not prom.normal):
            raise ValidationFailed(
                "Limitazioni articolari indicate senza sintomi: verifica la valutazione.",
                code="joint_findings_without_symptoms",
                field="joint_symptoms",
            )
        return 0
    if contractures and rom is Grade.SEVERE and adl is Grade.SEVERE:
        return 3
    if contractures or fasciitis_erythema or rom >= Grade.MODERATE or adl >= Grade.MILD:
        return 2
    return 1


def genital_score(signs: Grade) -> int:
    """NIH genital-tract score: the grade of the signs on examination."""
    return int(_grade(signs, field="genital_signs", label="Segni genitali"))
