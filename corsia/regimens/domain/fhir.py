"""A regimen as a FHIR R4 PlanDefinition (plain JSON-shaped dicts, no I/O).

Shape of the export:

* ``PlanDefinition`` (type ``clinical-protocol``) with ``identifier`` = regimen code,
  ``version`` = version number, ``useContext`` (focus) = the linked diseases
  (ICD-9-CM and ICD-O-3), ``relatedArtifact`` (citation) = the bibliography.
* One contained ``ActivityDefinition`` (kind ``MedicationRequest``) per component,
  the drug named by its active-ingredient code (and ATC when known), the dose as
  ``dosage.doseAndRate.doseQuantity`` and the maximum as ``maxDosePerAdministration``.
* ``action``: one "cycle" action (``timingTiming.repeat`` period = cycle length, count =
  maximum cycles) holding one action per cycle day (``timingDuration`` = offset from
  day 1), holding the components of that day in administration order.
* What FHIR has no element for (calculation type, compounding competence, 648/96, …)
  travels in extensions under :data:`EXT`.

Validation against the FHIR model (``fhir.resources``) happens in
``corsia.regimens.fhir_io``; this module only maps.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.regimens.domain.spec import ABSOLUTE_UNIT, DiseaseSystem, RegimenSpec
from corsia.regimens.domain.spec_codec import (
    component_from_dict,
    component_to_dict,
    spec_from_dict,
    spec_to_dict,
)

EXT = "urn:corsia:fhir:StructureDefinition:regimen-"
REGIMEN_SYSTEM = "urn:corsia:regimen"
INGREDIENT_SYSTEM = "urn:corsia:active-ingredient"
ATC_SYSTEM = "http://www.whocc.no/atc"
ROUTE_SYSTEM = "urn:corsia:route"
ICD9CM_SYSTEM = "http://hl7.org/fhir/sid/icd-9-cm"
ICDO3_SYSTEM = "http://terminology.hl7.org/CodeSystem/icd-o-3"
UCUM = "http://unitsofmeasure.org"

# component fields carried natively (not as extensions)
_NATIVE_COMPONENT_FIELDS = {
    "sequence",
    "ingredient",
    "days",
    "dose",
    "dose_unit",
    "dose_description",
    "max_dose",
    "route",
}
_HEADER_EXTENSIONS = ("therapy_type", "intent", "cycle_length_days", "max_cycles", "notes")
_REFERENCE_FIELDS = ("authors", "title", "journal", "year", "citation", "pmid")
_PAEDIATRIC_FIELDS = (
    "mg_kg_below_weight_kg",
    "mg_kg_below_bsa_m2",
    "dose_decimals",
    "min_weight_kg",
)

_STATUS_TO_FHIR = {
    "in_test": "draft",
    "validated": "active",
    "superseded": "retired",
    "withdrawn": "retired",
}


def _value_ext(name: str, value: Any, *, decimal: bool = False) -> dict[str, Any] | None:
    """An extension for a scalar; ``None`` when there is nothing to carry."""
    if value is None or value == "":
        return None
    url = f"{EXT}{name}"
    if isinstance(value, (list, dict)):  # structured (age bands, dosing): JSON text
        return {"url": url, "valueString": json.dumps(value)} if value else None
    if isinstance(value, bool):
        return {"url": url, "valueBoolean": value}
    if isinstance(value, int):
        return {"url": url, "valueInteger": value}
    if decimal:
        return {"url": url, "valueDecimal": Decimal(value)}
    return {"url": url, "valueString": str(value)}


def _ext_value(extensions: list[dict[str, Any]], name: str) -> Any:
    url = f"{EXT}{name}"
    for ext in extensions:
        if ext.get("url") == url:
            for key in ("valueBoolean", "valueInteger", "valueDecimal", "valueString"):
                if key in ext:
                    value = ext[key]
                    return format(value, "f") if isinstance(value, Decimal) else value
    return None


def _json_ext(extensions: list[dict[str, Any]], name: str, default: Any) -> Any:
    text = _ext_value(extensions, name)
    if text is None:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise _fail(f"Estensione {name}: JSON non valido.", name) from None


def _fhir_id(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-.]", "-", code)[:64] or "regimen"


def _computable_name(code: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", code)
    return name if name[:1].isupper() else f"R_{name}"


def _disease_coding(system: DiseaseSystem, code: str, label: str) -> dict[str, Any]:
    coding: dict[str, Any] = {
        "system": ICD9CM_SYSTEM if system is DiseaseSystem.ICD9CM else ICDO3_SYSTEM,
        "code": code,
    }
    if label:
        coding["display"] = label
    return coding


def spec_to_plan_definition(
    spec: RegimenSpec,
    *,
    version: int | None = None,
    status: str = "in_test",
    atc_codes: dict[str, str] | None = None,
) -> dict[str, Any]:
    atc_codes = atc_codes or {}
    fhir_status = _STATUS_TO_FHIR.get(status, "draft")
    plan: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": _fhir_id(spec.code),
        "identifier": [{"system": REGIMEN_SYSTEM, "value": spec.code}],
        "name": _computable_name(spec.code),
        "title": spec.name,
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                    "code": "clinical-protocol",
                }
            ]
        },
        "status": fhir_status,
        "experimental": not spec.is_standard,
    }
    if version is not None:
        plan["version"] = str(version)
    if spec.description:
        plan["description"] = spec.description
    plain = spec_to_dict(spec)
    header = [_value_ext(name, plain[name]) for name in _HEADER_EXTENSIONS]
    if spec.paediatric is not None:
        p = spec.paediatric
        sub = [
            _value_ext(name, getattr(p, name), decimal=name != "dose_decimals")
            for name in _PAEDIATRIC_FIELDS
        ]
        header.append({"url": f"{EXT}paediatric", "extension": [e for e in sub if e]})
    header.append(_value_ext("dosing", plain["dosing"]))
    plan["extension"] = [e for e in header if e]
    if spec.diseases:
        plan["useContext"] = [
            {
                "code": {
                    "system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
                    "code": "focus",
                },
                "valueCodeableConcept": {
                    "coding": [_disease_coding(d.system, d.code, d.label)],
                    "extension": [{"url": f"{EXT}disease-system", "valueString": d.system.value}],
                },
            }
            for d in spec.diseases
        ]
    if spec.bibliography:
        plan["relatedArtifact"] = [
            {
                "type": "citation",
                "citation": ref.text(),
                "extension": [
                    e
                    for e in (
                        _value_ext(f"reference-{f}", getattr(ref, f)) for f in _REFERENCE_FIELDS
                    )
                    if e
                ],
            }
            for ref in spec.bibliography
        ]

    contained = []
    for c in spec.components:
        data = component_to_dict(c)
        dosage: dict[str, Any] = {
            "sequence": c.sequence,
            "route": {"coding": [{"system": ROUTE_SYSTEM, "code": c.route.value}]},
            "doseAndRate": [
                {"doseQuantity": {"value": c.dose, "unit": c.dose_unit}},
            ],
        }
        if c.dose_description:
            dosage["text"] = c.dose_description
        if c.administrations_per_day > 1:
            dosage["timing"] = {
                "repeat": {"frequency": c.administrations_per_day, "period": 1, "periodUnit": "d"}
            }
        if c.max_dose is not None:
            dosage["maxDosePerAdministration"] = {
                "value": c.max_dose,
                "unit": ABSOLUTE_UNIT.get(c.dose_unit, ""),
            }
        product = [{"system": INGREDIENT_SYSTEM, "code": c.ingredient}]
        if atc_codes.get(c.ingredient):
            product.append({"system": ATC_SYSTEM, "code": atc_codes[c.ingredient]})
        extensions = [
            _value_ext(
                f"component-{name}",
                value,
                decimal=name in ("concentration_mg_ml", "adjusted_weight_factor"),
            )
            for name, value in data.items()
            if name not in _NATIVE_COMPONENT_FIELDS
        ]
        contained.append(
            {
                "resourceType": "ActivityDefinition",
                "id": f"c{c.sequence}",
                "status": fhir_status,
                "kind": "MedicationRequest",
                "productCodeableConcept": {"coding": product},
                "dosage": [dosage],
                "extension": [e for e in extensions if e],
            }
        )
    if contained:
        plan["contained"] = contained
    days = []
    for day in spec.cycle_days():
        days.append(
            {
                "title": f"Giorno {day}",
                "timingDuration": {"value": day - 1, "unit": "d", "system": UCUM, "code": "d"},
                "action": [
                    {"title": c.ingredient, "definitionCanonical": f"#c{c.sequence}"}
                    for c in spec.components_on(day)
                ],
            }
        )
    repeat: dict[str, Any] = {"period": spec.cycle_length_days, "periodUnit": "d"}
    if spec.max_cycles is not None:
        repeat["count"] = spec.max_cycles
    plan["action"] = [{"title": "Ciclo", "timingTiming": {"repeat": repeat}, "action": days}]
    return plan


def _fail(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_plan_definition", field=field)


def _decimal_text(value: Any) -> str | None:
    if value is None:
        return None
    return format(Decimal(str(value)), "f")


def plan_definition_to_spec(plan: dict[str, Any]) -> RegimenSpec:
    """Read back a PlanDefinition made by :func:`spec_to_plan_definition` (or alike)."""
    if plan.get("resourceType") != "PlanDefinition":
        raise _fail("Il documento non è una PlanDefinition FHIR.", "resourceType")
    code = next(
        (i.get("value") for i in plan.get("identifier", []) if i.get("system") == REGIMEN_SYSTEM),
        None,
    )
    if not code:
        raise _fail(f"Manca l'identificativo dello schema (system {REGIMEN_SYSTEM}).", "identifier")
    extensions = plan.get("extension", [])
    header: dict[str, Any] = {
        "code": code,
        "name": plan.get("title") or code,
        "description": plan.get("description", ""),
        "is_standard": not plan.get("experimental", False),
    }
    for name in _HEADER_EXTENSIONS:
        header[name] = _ext_value(extensions, name)
    if header["notes"] is None:
        header["notes"] = ""
    for ext in extensions:
        if ext.get("url") == f"{EXT}paediatric":
            sub = ext.get("extension", [])
            header["paediatric"] = {name: _ext_value(sub, name) for name in _PAEDIATRIC_FIELDS}
            if header["paediatric"]["dose_decimals"] is None:
                header["paediatric"]["dose_decimals"] = 2
    header["dosing"] = _json_ext(extensions, "dosing", {})
    diseases = []
    for index, context in enumerate(plan.get("useContext", [])):
        concept = context.get("valueCodeableConcept", {})
        system = _ext_value(concept.get("extension", []), "disease-system")
        coding = (concept.get("coding") or [{}])[0]
        if system is None:
            if coding.get("system") == ICD9CM_SYSTEM:
                system = DiseaseSystem.ICD9CM.value
            elif str(coding.get("code", "")).startswith("C"):
                system = DiseaseSystem.ICDO3_SITE.value
            else:
                system = DiseaseSystem.ICDO3_MORPHOLOGY.value
        if not coding.get("code"):
            raise _fail("Contesto d'uso senza codice di malattia.", f"useContext[{index}]")
        diseases.append(
            {"system": system, "code": coding["code"], "label": coding.get("display", "")}
        )
    header["diseases"] = diseases
    references = []
    for artifact in plan.get("relatedArtifact", []):
        if artifact.get("type") != "citation":
            continue
        sub = artifact.get("extension", [])
        ref = {f: _ext_value(sub, f"reference-{f}") for f in _REFERENCE_FIELDS}
        if ref["authors"] is None:  # a citation from elsewhere: keep its text
            ref = {
                "authors": "",
                "title": artifact.get("citation", ""),
                "journal": "",
                "year": 1900,
            }
        references.append({k: ("" if v is None else v) for k, v in ref.items()})
    header["bibliography"] = references

    activities = {
        f"#{res.get('id')}": res
        for res in plan.get("contained", [])
        if res.get("resourceType") == "ActivityDefinition"
    }
    days_of: dict[str, list[int]] = {key: [] for key in activities}
    cycles = plan.get("action", [])
    if len(cycles) != 1:
        raise _fail("Attesa una sola azione «Ciclo» con i giorni.", "action")
    for day_index, day_action in enumerate(cycles[0].get("action", [])):
        offset = day_action.get("timingDuration", {}).get("value")
        if offset is None:
            raise _fail("Giorno senza timingDuration.", f"action[0].action[{day_index}]")
        for item in day_action.get("action", []):
            target = str(item.get("definitionCanonical"))
            if target not in activities:
                raise _fail(f"Riferimento {target!r} a un'attività assente.", "action")
            days_of[target].append(int(offset) + 1)
    components = []
    for key, activity in activities.items():
        dosage = (activity.get("dosage") or [{}])[0]
        dose = (dosage.get("doseAndRate") or [{}])[0].get("doseQuantity", {})
        ingredient = next(
            (
                c.get("code")
                for c in activity.get("productCodeableConcept", {}).get("coding", [])
                if c.get("system") == INGREDIENT_SYSTEM
            ),
            None,
        )
        route = next(
            (
                c.get("code")
                for c in dosage.get("route", {}).get("coding", [])
                if c.get("system") == ROUTE_SYSTEM
            ),
            "iv",
        )
        data: dict[str, Any] = {
            "sequence": dosage.get("sequence"),
            "ingredient": ingredient,
            "days": sorted(days_of[key]),
            "dose": _decimal_text(dose.get("value")),
            "dose_unit": dose.get("unit"),
            "dose_description": dosage.get("text", ""),
            "max_dose": _decimal_text(dosage.get("maxDosePerAdministration", {}).get("value")),
            "route": route,
        }
        sub = activity.get("extension", [])
        template = component_to_dict(component_from_dict(_minimal_component(), "template"))
        for name in template:
            if name in _NATIVE_COMPONENT_FIELDS:
                continue
            if name == "age_bands":
                data[name] = _json_ext(sub, "component-age_bands", [])
                continue
            value = _ext_value(sub, f"component-{name}")
            if value is not None:
                data[name] = value
        components.append(component_from_dict(data, f"contained[{key[1:]}]"))
    header["components"] = [
        component_to_dict(c) for c in sorted(components, key=lambda c: c.sequence)
    ]
    return spec_from_dict(header)


def _minimal_component() -> dict[str, Any]:
    return {
        "sequence": 1,
        "ingredient": "x",
        "days": [1],
        "dose": "1",
        "dose_unit": "mg",
        "calculation": "flat",
    }
