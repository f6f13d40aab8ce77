"""Resources that are not one patient's data: the clinical staff (Practitioner) and the drug
archive's products (Medication). Pure mappings, checked against the R4 model in the tests.

Code systems: ATC as FHIR names it (``http://www.whocc.no/atc``); the AIFA marketing
authorisation code (AIC, one per pack) as HL7 Italia's terminology names it
(``https://www.hl7.it/fhir/terminology/CodeSystem/aifa-aic``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.fhir.domain.outcome import Resource

ATC = "http://www.whocc.no/atc"
AIC = "https://www.hl7.it/fhir/terminology/CodeSystem/aifa-aic"
USER = "urn:corsia:user"
PRODUCT = "urn:corsia:product"


@dataclass(frozen=True)
class PractitionerFacts:
    """Who prescribes, validates, prepares and gives: no password, no e-mail, no login
    times, nothing the hospital keeps about the account itself."""

    id: int
    username: str
    family: str
    given: str
    active: bool
    roles: tuple[str, ...]  # Italian labels of the clinical roles held


def practitioner_resource(facts: PractitionerFacts) -> Resource:
    name: Resource = {"text": f"{facts.given} {facts.family}".strip() or facts.username}
    if facts.family:
        name["family"] = facts.family
    if facts.given.split():
        name["given"] = facts.given.split()
    return {
        "resourceType": "Practitioner",
        "id": str(facts.id),
        "identifier": [{"system": USER, "value": facts.username}],
        "active": facts.active,
        "name": [name],
        "qualification": [{"code": {"text": role}} for role in facts.roles],
    }


@dataclass(frozen=True)
class PackCode:
    aic: str
    description: str


@dataclass(frozen=True)
class MedicationFacts:
    id: int  # the product
    code: str  # the archive's code
    name: str  # the brand name
    ingredient_code: str
    ingredient_name: str
    atc_code: str
    form: str
    strength: Decimal | None
    strength_unit: str
    packs: tuple[PackCode, ...]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def medication_resource(facts: MedicationFacts) -> Resource:
    """A product of the archive: its packs' AIC codes and its ingredient's ATC code (the
    same concept at two levels of detail), the brand name as text, the ingredient and its
    strength."""
    codings: list[Resource] = [
        {"system": AIC, "code": pack.aic, "display": pack.description or facts.name}
        for pack in facts.packs
        if pack.aic
    ]
    if facts.atc_code:
        codings.append({"system": ATC, "code": facts.atc_code, "display": facts.ingredient_name})
    codings.append({"system": PRODUCT, "code": facts.code, "display": facts.name})
    ingredient: Resource = {
        "itemCodeableConcept": {
            "coding": [
                {"system": "urn:corsia:ingredient", "code": facts.ingredient_code,
                 "display": facts.ingredient_name}
            ],
            "text": facts.ingredient_name,
        },
        "isActive": True,
    }  # fmt: skip
    if facts.strength is not None and facts.strength_unit:
        ingredient["strength"] = {
            "numerator": {"value": _number(facts.strength), "unit": facts.strength_unit},
            "denominator": {"value": 1, "unit": facts.form or "unità"},
        }
    found: Resource = {
        "resourceType": "Medication",
        "id": str(facts.id),
        "code": {"coding": codings, "text": facts.name},
        "ingredient": [ingredient],
    }
    if facts.form:
        found["form"] = {"text": facts.form}
    return found
