"""FHIR documents in and out, validated against the FHIR model.

``fhir.resources`` 8 ships R4B (and STU3) classes, not R4: for PlanDefinition and
ActivityDefinition R4B is R4 with the same JSON (R4B only changed a few other
resources), so validating with the R4B classes checks an R4 document.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.plandefinition import PlanDefinition
from pydantic import ValidationError

from corsia.core.domain.errors import ValidationFailed
from corsia.regimens.domain.spec_codec import number_too_long


def plan_definition_json(plan: dict[str, Any]) -> str:
    """Validate a PlanDefinition dict and serialise it as FHIR JSON."""
    resource = PlanDefinition.model_validate(plan)
    return str(resource.model_dump_json(exclude_none=True))


def parse_plan_definition(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Parse and validate a PlanDefinition; decimals come back as ``Decimal``."""
    try:
        data = document if isinstance(document, dict) else json.loads(document, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"JSON non valido: {exc.msg} (riga {exc.lineno}).", code="invalid_json"
        ) from None
    except UnicodeDecodeError:
        raise ValidationFailed("Il documento non è testo UTF-8.", code="invalid_json") from None
    except ValueError:  # an integer past Python's 4300 digits: not JSONDecodeError
        raise number_too_long() from None
    if not isinstance(data, dict) or data.get("resourceType") != "PlanDefinition":
        raise ValidationFailed(
            "Il documento non è una PlanDefinition FHIR.",
            code="invalid_plan_definition",
            field="resourceType",
        )
    try:
        resource = PlanDefinition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationFailed(
            f"PlanDefinition non conforme a FHIR: {where}: {first.get('msg')}.",
            code="invalid_plan_definition",
            field=where or None,
        ) from None
    parsed: dict[str, Any] = json.loads(
        resource.model_dump_json(exclude_none=True), parse_float=Decimal
    )
    return parsed
