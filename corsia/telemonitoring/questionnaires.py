"""The questionnaires Corsia ships, as FHIR R4 resources in ``data/`` validated with
``fhir.resources`` when loaded (R4B classes: Questionnaire and QuestionnaireResponse are
unchanged between R4 and R4B for the elements used)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)

from corsia.core.domain.errors import NotFound
from corsia.telemonitoring.domain.questionnaires import Questionnaire, questionnaire_from_fhir

DATA = Path(__file__).resolve().parent / "data"
SYMPTOM_DIARY = "corsia-diario-sintomi"
FILES = {SYMPTOM_DIARY: "diario-sintomi.json"}


@functools.cache
def questionnaire_resource(key: str) -> dict[str, Any]:
    """The FHIR Questionnaire ``key``, validated (a malformed file fails loudly)."""
    if key not in FILES:
        raise NotFound("Questionario non trovato.", code="questionnaire_not_found")
    resource: dict[str, Any] = json.loads((DATA / FILES[key]).read_text(encoding="utf-8"))
    FhirQuestionnaire.model_validate(resource)
    return resource


def questionnaire(key: str) -> Questionnaire:
    return questionnaire_from_fhir(questionnaire_resource(key))


def response_validate(resource: dict[str, Any]) -> None:
    """Raise unless ``resource`` is a valid FHIR QuestionnaireResponse."""
    FhirQuestionnaireResponse.model_validate(resource)
