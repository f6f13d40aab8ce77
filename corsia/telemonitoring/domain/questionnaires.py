"""Questionnaires as data (a FHIR Questionnaire's items), the answers a patient gives, and
the symptom diary's alert rules (pure).

The diary's wording is Corsia's own (``data/diario-sintomi.json``); no PRO-CTCAE item text
is shipped (its licence does not allow redistribution). The rules map answers to a
suggested CTCAE v5.0 term (MedDRA code) and grade that a clinician confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.telemonitoring.domain.parameters import italian_number

Answer = Decimal | int | str  # decimal, integer, choice code


@dataclass(frozen=True)
class Option:
    code: str
    display: str


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: str  # decimal | integer | choice
    required: bool
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Questionnaire:
    key: str  # the Questionnaire.id
    url: str
    version: str
    title: str
    items: tuple[Item, ...]

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)


SUPPORTED_TYPES = {"decimal", "integer", "choice"}


def questionnaire_from_fhir(resource: Mapping[str, Any]) -> Questionnaire:
    """The questionnaire in a FHIR Questionnaire (already validated against the FHIR
    model by the caller)."""
    items = []
    for raw in resource.get("item", []):
        if raw["type"] not in SUPPORTED_TYPES:
            raise ValueError(f"item type {raw['type']!r} not supported")
        options = tuple(
            Option(o["valueCoding"]["code"], o["valueCoding"]["display"])
            for o in raw.get("answerOption", [])
        )
        items.append(
            Item(raw["linkId"], raw["text"], raw["type"], bool(raw.get("required")), options)
        )
    return Questionnaire(
        key=resource["id"],
        url=resource["url"],
        version=resource["version"],
        title=resource["title"],
        items=tuple(items),
    )


INTEGER_MAX = 100
DECIMAL_RANGE = (Decimal(25), Decimal(45))  # a temperature in °C


def clean_answers(questionnaire: Questionnaire, raw: Mapping[str, str]) -> dict[str, Answer]:
    """The answers typed from form text; a required item left empty, a number out of
    range or an unknown choice is refused (``ValidationFailed`` naming the item)."""
    answers: dict[str, Answer] = {}
    for item in questionnaire.items:
        text = str(raw.get(item.link_id, "") or "").strip().replace(",", ".")
        if not text:
            if item.required:
                raise ValidationFailed(
                    "Rispondi a questa domanda.", code="answer_required", field=item.link_id
                )
            continue
        if item.type == "choice":
            if text not in {o.code for o in item.options}:
                raise ValidationFailed(
                    "Scegli una delle risposte.", code="answer_invalid", field=item.link_id
                )
            answers[item.link_id] = text
        elif item.type == "integer":
            if not text.isdigit() or int(text) > INTEGER_MAX:
                raise ValidationFailed(
                    f"Scrivi un numero intero da 0 a {INTEGER_MAX}.",
                    code="answer_invalid",
                    field=item.link_id,
                )
            answers[item.link_id] = int(text)
        else:
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = Decimal("NaN")
            low, high = DECIMAL_RANGE
            if not value.is_finite() or not low <= value <= high:
                raise ValidationFailed(
                    f"Scrivi una temperatura tra {low} e {high} °C.",
                    code="answer_invalid",
                    field=item.link_id,
                )
            answers[item.link_id] = value.quantize(Decimal("0.1"))
    return answers


def response_to_fhir(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], *, patient_ref: str, authored: str
) -> dict[str, Any]:
    """The FHIR QuestionnaireResponse of ``answers``."""
    items = []
    for item in questionnaire.items:
        if item.link_id not in answers:
            continue
        value = answers[item.link_id]
        if item.type == "choice":
            option = next(o for o in item.options if o.code == value)
            answer: dict[str, Any] = {
                "valueCoding": {"code": option.code, "display": option.display}
            }
        elif item.type == "integer":
            answer = {"valueInteger": int(value)}
        else:
            answer = {"valueDecimal": float(value)}  # FHIR JSON numbers; one decimal place
        items.append({"linkId": item.link_id, "text": item.text, "answer": [answer]})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire.url}|{questionnaire.version}",
        "status": "completed",
        "subject": {"reference": patient_ref},
        "authored": authored,
        "item": items,
    }


# --- Alert rules of the symptom diary ---------------------------------------------------

MEDDRA_FEVER = "10016558"
MEDDRA_DIARRHEA = "10012727"
MEDDRA_MUCOSITIS_ORAL = "10028130"
MEDDRA_NAUSEA = "10028813"
MEDDRA_VOMITING = "10047700"
MEDDRA_PAIN = "10033371"
MEDDRA_FATIGUE = "10016256"

FEVER = Decimal("38.0")
CALL_NOW = "Chiama subito il reparto al numero {phone}: non aspettare il prossimo controllo."


@dataclass(frozen=True)
class RuleHit:
    rule: str  # stable code
    urgent: bool
    message: str  # Italian, for the team
    meddra_code: str  # the CTCAE term the clinician grades
    suggested_grade: int
    instruction: str = ""  # Italian, shown to the patient at once (may hold {phone})


@dataclass(frozen=True)
class DiaryContext:
    after_chemotherapy: bool  # within the cycle's days after a chemotherapy administration
    baseline_stools: int  # the patient's usual stools per day (set by the team)


def diary_alerts(answers: Mapping[str, Answer], context: DiaryContext) -> list[RuleHit]:
    """The alerts the diary's answers raise, most urgent first."""
    hits: list[RuleHit] = []
    temperature = answers.get("temperature")
    if isinstance(temperature, Decimal) and temperature >= FEVER:
        grade = 1 if temperature <= 39 else 2 if temperature <= 40 else 3
        if context.after_chemotherapy:
            hits.append(
                RuleHit(
                    "fever_after_chemotherapy",
                    True,
                    f"Febbre {italian_number(temperature)} °C dopo chemioterapia",
                    MEDDRA_FEVER,
                    grade,
                    CALL_NOW,
                )
            )
        else:
            hits.append(
                RuleHit(
                    "fever", False, f"Febbre {italian_number(temperature)} °C", MEDDRA_FEVER, grade
                )
            )
    stools = answers.get("stools")
    if isinstance(stools, int):
        increase = stools - context.baseline_stools
        if increase >= 4:
            grade = 2 if increase <= 6 else 3
            hits.append(
                RuleHit(
                    "diarrhoea",
                    grade >= 3,
                    f"Diarrea: {stools} scariche al giorno ({increase} oltre l'abituale)",
                    MEDDRA_DIARRHEA,
                    grade,
                    CALL_NOW if grade >= 3 else "",
                )
            )
    if answers.get("mouth") == "3":
        hits.append(
            RuleHit(
                "mucositis_unable_to_eat",
                True,
                "Mucosite: non riesce a mangiare né a bere",
                MEDDRA_MUCOSITIS_ORAL,
                3,
                CALL_NOW,
            )
        )
    vomiting = answers.get("vomiting")
    if isinstance(vomiting, int) and vomiting >= 3:
        grade = 2 if vomiting <= 5 else 3
        hits.append(
            RuleHit(
                "vomiting",
                grade >= 3,
                f"Vomito: {vomiting} episodi in 24 ore",
                MEDDRA_VOMITING,
                grade,
                CALL_NOW if grade >= 3 else "",
            )
        )
    if answers.get("nausea") == "3":
        hits.append(RuleHit("nausea", False, "Nausea: non mangia né beve", MEDDRA_NAUSEA, 3))
    pain = answers.get("pain")
    if isinstance(pain, int) and pain >= 7:
        hits.append(RuleHit("pain", False, f"Dolore {pain}/10", MEDDRA_PAIN, 3 if pain >= 9 else 2))
    if answers.get("fatigue") == "3":
        hits.append(
            RuleHit(
                "fatigue", False, "Stanchezza: a letto quasi tutto il giorno", MEDDRA_FATIGUE, 3
            )
        )
    return sorted(hits, key=lambda hit: not hit.urgent)
