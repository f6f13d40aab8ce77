"""A regimen spec in its plain-data form, and back.

The form is the JSON document of the editor and the API (decimals as strings, enums as
their values); the FHIR mapping and the version diff build on it. Reading checks types
only, naming the path of the first bad field; ``structure.validate_structure`` checks
that the regimen makes sense.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.drugs.domain.formulation import Formulation
from corsia.regimens.domain.spec import (
    DOSING_CHOICE_FIELDS,
    DOSING_DECIMAL_FIELDS,
    DOSING_INT_FIELDS,
    WEIGHT_BASES,
    AgeBand,
    Calculation,
    Competence,
    Component,
    ComponentRole,
    DiseaseLink,
    DiseaseSystem,
    DosingSettings,
    InfusionType,
    Intent,
    Paediatric,
    PreparationMode,
    Reference,
    RegimenSpec,
    Route,
    TherapyType,
)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def component_to_dict(c: Component) -> dict[str, Any]:
    return {
        "sequence": c.sequence,
        "ingredient": c.ingredient,
        "role": c.role.value,
        "days": list(c.days),
        "dose": _dec(c.dose),
        "dose_unit": c.dose_unit,
        "calculation": c.calculation.value,
        "dose_description": c.dose_description,
        "max_dose": _dec(c.max_dose),
        "route": c.route.value,
        "competence": c.competence.value,
        "notes": c.notes,
        "preparation": c.preparation,
        "form": c.form,
        "formulation": c.formulation.value,
        "infusion_type": c.infusion_type.value,
        "duration_minutes": c.duration_minutes,
        "interval_after_minutes": c.interval_after_minutes,
        "infusion_conditions": c.infusion_conditions,
        "off_label": c.off_label,
        "observation_minutes": c.observation_minutes,
        "concentration_mg_ml": _dec(c.concentration_mg_ml),
        "law_648": c.law_648,
        "preparation_mode": c.preparation_mode.value,
        "cycle_from": c.cycle_from,
        "cycle_to": c.cycle_to,
        "age_bands": age_bands_to_list(c.age_bands),
        "obese_weight_basis": c.obese_weight_basis,
        "adjusted_weight_factor": _dec(c.adjusted_weight_factor),
        "administrations_per_day": c.administrations_per_day,
    }


def age_bands_to_list(bands: tuple[AgeBand, ...]) -> list[dict[str, Any]]:
    return [
        {"from_years": b.from_years, "to_years": b.to_years, "dose": _dec(b.dose)} for b in bands
    ]


def dosing_to_dict(settings: DosingSettings) -> dict[str, Any]:
    """Only the fields the regimen sets (the others are the hospital's)."""
    out: dict[str, Any] = {}
    for name in (*DOSING_DECIMAL_FIELDS, *DOSING_INT_FIELDS, *DOSING_CHOICE_FIELDS):
        value = getattr(settings, name)
        if value is not None:
            out[name] = _dec(value) if isinstance(value, Decimal) else value
    return out


def spec_to_dict(spec: RegimenSpec) -> dict[str, Any]:
    p = spec.paediatric
    return {
        "code": spec.code,
        "name": spec.name,
        "description": spec.description,
        "therapy_type": spec.therapy_type.value,
        "intent": spec.intent.value,
        "is_standard": spec.is_standard,
        "cycle_length_days": spec.cycle_length_days,
        "max_cycles": spec.max_cycles,
        "notes": spec.notes,
        "bibliography": [
            {
                "authors": r.authors,
                "title": r.title,
                "journal": r.journal,
                "year": r.year,
                "citation": r.citation,
                "pmid": r.pmid,
            }
            for r in spec.bibliography
        ],
        "diseases": [
            {"system": d.system.value, "code": d.code, "label": d.label} for d in spec.diseases
        ],
        "paediatric": None
        if p is None
        else {
            "mg_kg_below_weight_kg": _dec(p.mg_kg_below_weight_kg),
            "mg_kg_below_bsa_m2": _dec(p.mg_kg_below_bsa_m2),
            "dose_decimals": p.dose_decimals,
            "min_weight_kg": _dec(p.min_weight_kg),
        },
        "dosing": dosing_to_dict(spec.dosing),
        "components": [component_to_dict(c) for c in spec.components],
    }


# No count, day, minute or year of a regimen comes near this: a larger integer is a typing
# slip or an attack, refused here (its field named) before any check formats it into a
# message or the database refuses to store it.
INTEGER_LIMIT = 10**9


def number_too_long() -> ValidationFailed:
    """A document with an integer Python will not read (past 4300 digits)."""
    return ValidationFailed(
        "Il documento contiene un numero troppo lungo.", code="number_too_large"
    )


def checked_integer(value: int, field: str) -> int:
    if not -INTEGER_LIMIT <= value <= INTEGER_LIMIT:
        raise ValidationFailed(
            f"{field}: numero troppo grande (ammesso fino a {INTEGER_LIMIT:,}).".replace(",", "."),
            code="number_too_large",
            field=field,
        )
    return value


class _Reader:
    """Reads a plain dict into typed values, naming the path of the first bad field."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ValidationFailed(
                f"{path or 'documento'}: atteso un oggetto.", code="invalid_structure", field=path
            )
        self.data = data
        self.path = path

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, what: str) -> ValidationFailed:
        return ValidationFailed(
            f"{self._field(key)}: {what}.", code="invalid_structure", field=self._field(key)
        )

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise self._fail(key, "campo obbligatorio")
            return default
        return self.data[key]

    def text(self, key: str, default: Any = ...) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise self._fail(key, "atteso un testo")
        if has_unsafe_characters(value):
            # a NUL byte (PostgreSQL keeps none in text) or a lone surrogate, e.g. the
            # editor's JSON "\u0000", which no check of the raw form field sees
            raise ValidationFailed(
                f"{self._field(key)}: il testo contiene caratteri non ammessi.",
                code="invalid_characters",
                field=self._field(key),
            )
        return value.strip()

    def integer(self, key: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "atteso un numero intero")
        return checked_integer(value, self._field(key))

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "atteso vero/falso")
        return value

    def decimal(self, key: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is None:
            return None
        if isinstance(value, (bool, float)):
            raise self._fail(key, "atteso un numero decimale scritto come testo (es. «85»)")
        try:
            # an int is read as it is: str() of one past 4300 digits raises ValueError
            number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        except InvalidOperation:
            raise self._fail(key, f"«{value}» non è un numero") from None
        if not number.is_finite():
            raise self._fail(key, "atteso un numero finito")
        return number

    def choice(self, key: str, enum: Any, default: Any = ...) -> Any:
        value = self.raw(key, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum if e.value)
            raise self._fail(key, f"«{value}» non ammesso (valori: {allowed})") from None

    def items(self, key: str) -> list[Any]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self._fail(key, "attesa una lista")
        return value


def component_from_dict(data: Any, path: str) -> Component:
    r = _Reader(data, path)
    days = r.items("days")
    for index, day in enumerate(days):
        if isinstance(day, bool) or not isinstance(day, int):
            raise ValidationFailed(
                f"{path}.days[{index}]: atteso un numero intero.",
                code="invalid_structure",
                field=f"{path}.days",
            )
        checked_integer(day, f"{path}.days")
    return Component(
        sequence=r.integer("sequence"),
        ingredient=r.text("ingredient"),
        role=r.choice("role", ComponentRole, ComponentRole.ANTINEOPLASTIC),
        days=tuple(days),
        dose=r.decimal("dose"),
        dose_unit=r.text("dose_unit"),
        calculation=r.choice("calculation", Calculation),
        dose_description=r.text("dose_description", ""),
        max_dose=r.decimal("max_dose", None),
        route=r.choice("route", Route, Route.IV),
        competence=r.choice("competence", Competence, Competence.PHARMACY),
        notes=r.text("notes", ""),
        preparation=r.text("preparation", ""),
        form=r.text("form", ""),
        formulation=r.choice("formulation", Formulation, Formulation.CONVENTIONAL),
        infusion_type=r.choice("infusion_type", InfusionType, InfusionType.NONE),
        duration_minutes=r.integer("duration_minutes", None),
        interval_after_minutes=r.integer("interval_after_minutes", None),
        infusion_conditions=r.text("infusion_conditions", ""),
        off_label=r.boolean("off_label", False),
        observation_minutes=r.integer("observation_minutes", None),
        concentration_mg_ml=r.decimal("concentration_mg_ml", None),
        law_648=r.boolean("law_648", False),
        preparation_mode=r.choice("preparation_mode", PreparationMode, PreparationMode.MANUAL),
        cycle_from=r.integer("cycle_from", 1),
        cycle_to=r.integer("cycle_to", None),
        age_bands=age_bands_from_list(r.items("age_bands"), f"{path}.age_bands"),
        obese_weight_basis=_weight_basis(r, "obese_weight_basis"),
        adjusted_weight_factor=r.decimal("adjusted_weight_factor", None),
        administrations_per_day=r.integer("administrations_per_day", 1) or 0,
    )


def _weight_basis(r: _Reader, key: str) -> str | None:
    value = r.text(key, "") or None
    if value is not None and value not in WEIGHT_BASES:
        raise r._fail(key, f"«{value}» non ammesso (valori: {', '.join(WEIGHT_BASES)})")
    return value


def age_bands_from_list(items: list[Any], path: str) -> tuple[AgeBand, ...]:
    bands = []
    for index, item in enumerate(items):
        b = _Reader(item, f"{path}[{index}]")
        bands.append(
            AgeBand(
                from_years=b.integer("from_years"),
                to_years=b.integer("to_years", None),
                dose=b.decimal("dose"),
            )
        )
    return tuple(bands)


def dosing_from_dict(data: Any, path: str = "dosing") -> DosingSettings:
    r = _Reader(data if data is not None else {}, path)
    values: dict[str, Any] = {}
    for name in DOSING_DECIMAL_FIELDS:
        values[name] = r.decimal(name, None)
    for name in DOSING_INT_FIELDS:
        values[name] = r.integer(name, None)
    for name, allowed in DOSING_CHOICE_FIELDS.items():
        value = r.raw(name, None)
        if value is not None and value not in allowed:
            raise r._fail(name, f"«{value}» non ammesso (valori: {', '.join(allowed)})")
        values[name] = value
    return DosingSettings(**values)


def spec_from_dict(data: Any) -> RegimenSpec:
    """Parse a plain document; a malformed field raises ``ValidationFailed`` naming it.

    This only checks types; :func:`corsia.regimens.domain.structure.validate_structure`
    checks that the regimen makes sense.
    """
    r = _Reader(data, "")
    references = []
    for index, item in enumerate(r.items("bibliography")):
        ref = _Reader(item, f"bibliography[{index}]")
        references.append(
            Reference(
                authors=ref.text("authors"),
                title=ref.text("title"),
                journal=ref.text("journal"),
                year=ref.integer("year"),
                citation=ref.text("citation", ""),
                pmid=ref.text("pmid", ""),
            )
        )
    diseases = []
    for index, item in enumerate(r.items("diseases")):
        d = _Reader(item, f"diseases[{index}]")
        diseases.append(
            DiseaseLink(
                system=d.choice("system", DiseaseSystem),
                code=d.text("code"),
                label=d.text("label", ""),
            )
        )
    paediatric = None
    if r.raw("paediatric", None) is not None:
        p = _Reader(r.raw("paediatric"), "paediatric")
        paediatric = Paediatric(
            mg_kg_below_weight_kg=p.decimal("mg_kg_below_weight_kg", None),
            mg_kg_below_bsa_m2=p.decimal("mg_kg_below_bsa_m2", None),
            dose_decimals=p.integer("dose_decimals", 2),
            min_weight_kg=p.decimal("min_weight_kg", None),
        )
    components = tuple(
        component_from_dict(item, f"components[{index}]")
        for index, item in enumerate(r.items("components"))
    )
    return RegimenSpec(
        code=r.text("code"),
        name=r.text("name"),
        description=r.text("description", ""),
        therapy_type=r.choice("therapy_type", TherapyType),
        intent=r.choice("intent", Intent),
        is_standard=r.boolean("is_standard", True),
        cycle_length_days=r.integer("cycle_length_days"),
        max_cycles=r.integer("max_cycles", None),
        notes=r.text("notes", ""),
        bibliography=tuple(references),
        diseases=tuple(diseases),
        paediatric=paediatric,
        dosing=dosing_from_dict(r.raw("dosing", None)),
        components=components,
    )


__all__ = [
    "INTEGER_LIMIT",
    "age_bands_from_list",
    "age_bands_to_list",
    "checked_integer",
    "component_from_dict",
    "component_to_dict",
    "dosing_from_dict",
    "dosing_to_dict",
    "number_too_long",
    "spec_from_dict",
    "spec_to_dict",
]
