"""Compounding data of a medicinal product: what the pharmacy needs, and what is missing.

A product prepared in the pharmacy (a powder, solution, concentrate or dispersion that is
not ``preparation_mode: none``) needs, from its SmPC (RCP sections 6.3/6.4/6.6): the
density of the solution drawn (the gravimetric check), the reconstitution of a powder
(solvent, volume, resulting concentration) and its stability, the compatible diluents,
the concentration range after dilution, the stability after dilution, whether it must be
protected from light and whether an in-line filter is needed.

Light and filter are yes/no facts: "no filter" is only known when a source says so, so
they count as documented when set or when ``compounding_sources`` cites them. A field
that does not apply to a product (a ready-to-use subcutaneous syringe has no diluent) is
named in ``compounding_not_applicable`` with the reason. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

COMPOUNDED_STATES = ("powder", "solution", "concentrate", "suspension")


@dataclass(frozen=True)
class CompoundingField:
    key: str
    label_it: str
    powder_only: bool = False


FIELDS: tuple[CompoundingField, ...] = (
    CompoundingField("density", "densità"),
    CompoundingField(
        "reconstitution", "ricostituzione (solvente, volume, concentrazione)", powder_only=True
    ),
    CompoundingField("reconstituted_stability", "stabilità dopo ricostituzione", powder_only=True),
    CompoundingField("compatible_diluents", "diluenti compatibili"),
    CompoundingField("final_concentration", "concentrazione dopo diluizione"),
    CompoundingField("diluted_stability", "stabilità dopo diluizione"),
    CompoundingField("light", "protezione dalla luce"),
    CompoundingField("filter", "filtro in linea"),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
FIELD_LABELS_IT = {f.key: f.label_it for f in FIELDS}

CONTAINERS = {
    "pvc": "sacca in PVC",
    "polyolefin": "sacca in poliolefina (senza PVC)",
    "glass": "flacone di vetro",
    "elastomeric": "pompa elastomerica",
    "syringe": "siringa in polipropilene",
    "any": "qualsiasi contenitore indicato dall'RCP",
}


class CompoundingValueError(ValueError):
    """A compounding value of an import record that cannot be read (Italian message)."""


def is_compounded(values: Mapping[str, Any]) -> bool:
    """Whether the product is prepared in the pharmacy (needs compounding data)."""
    return (
        values.get("physical_state") in COMPOUNDED_STATES
        and values.get("preparation_mode", "manual") != "none"
    )


def _present(values: Mapping[str, Any], key: str) -> bool:  # one rule per field
    sources = values.get("compounding_sources") or {}
    if key == "density":
        return values.get("density_g_ml") is not None
    if key == "reconstitution":
        return bool(
            values.get("reconstitution_diluent")
            and values.get("reconstitution_volume_ml") is not None
            and values.get("concentration") is not None
        )
    if key == "reconstituted_stability":
        return bool(
            values.get("reconstituted_stability_hours") is not None
            and values.get("reconstituted_stability_temperature")
        )
    if key == "compatible_diluents":
        return bool(values.get("compatible_diluents"))
    if key == "final_concentration":
        return (
            values.get("final_concentration_min") is not None
            or values.get("final_concentration_max") is not None
        )
    if key == "diluted_stability":
        return bool(
            values.get("diluted_stability_hours") is not None
            and values.get("diluted_stability_temperature")
        ) or bool(values.get("diluted_stability_conditions"))
    if key == "light":
        return bool(
            values.get("photosensitive")
            or values.get("diluted_protect_from_light")
            or values.get("reconstituted_protect_from_light")
            or "light" in sources
        )
    if key == "filter":
        return bool(values.get("filter_required")) or "filter" in sources
    raise KeyError(key)


def missing_compounding_fields(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of ``FIELDS`` the product lacks (empty when it is not compounded)."""
    if not is_compounded(values):
        return ()
    not_applicable = values.get("compounding_not_applicable") or {}
    powder = values.get("physical_state") == "powder"
    return tuple(
        f.key
        for f in FIELDS
        if (powder or not f.powder_only)
        and f.key not in not_applicable
        and not _present(values, f.key)
    )


def missing_counts(missing: Iterable[tuple[str, ...]]) -> dict[str, int]:
    """Per field, how many products lack it (every field listed, in ``FIELDS`` order)."""
    counts = dict.fromkeys(FIELD_KEYS, 0)
    for keys in missing:
        for key in keys:
            counts[key] += 1
    return counts


# --- the shipped regimen library: which products it uses ------------------------------


def regimen_scope(components: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Ingredient code -> formulations the pharmacy prepares, from regimen components.

    ``components`` are the library's component documents (``competence``, ``ingredient``,
    ``formulation``); only those the pharmacy compounds count.
    """
    scope: dict[str, set[str]] = {}
    for component in components:
        if component.get("competence") != "pharmacy":
            continue
        formulation = component.get("formulation") or "conventional"
        scope.setdefault(str(component["ingredient"]), set()).add(formulation)
    return scope


def in_scope(values: Mapping[str, Any], scope: Mapping[str, set[str]]) -> bool:
    """A compounded product of an ingredient (and formulation) a shipped regimen uses."""
    formulations = scope.get(str(values.get("ingredient", "")))
    if not formulations or not is_compounded(values):
        return False
    return (values.get("formulation") or "conventional") in formulations


# --- import parsers (the catalogue's JSON fields) -------------------------------------


def _short_text(value: Any, what: str, limit: int = 255) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CompoundingValueError(f"{what}: deve essere un testo non vuoto")
    if len(value.strip()) > limit:
        raise CompoundingValueError(f"{what}: supera {limit} caratteri")
    return value.strip()


def parse_field_texts(value: Any) -> dict[str, str]:
    """``{field key: text}`` (a source cited, or why a field does not apply)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CompoundingValueError("deve essere un oggetto {campo: testo}")
    out: dict[str, str] = {}
    for key, text in value.items():
        if key not in FIELD_KEYS:
            raise CompoundingValueError(
                f"«{key}» non è un dato di allestimento ({', '.join(FIELD_KEYS)})"
            )
        out[key] = _short_text(text, str(key))
    return out


_CONDITION_KEYS = {"container", "diluent", "temperature", "hours", "protect_from_light", "source"}


def parse_stability_conditions(value: Any) -> list[dict[str, Any]]:
    """Stability after dilution by container and temperature, as the SmPC gives it."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise CompoundingValueError("deve essere una lista di condizioni")
    out: list[dict[str, Any]] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) - _CONDITION_KEYS:
            raise CompoundingValueError(
                f"condizione {n}: ammessi solo {', '.join(sorted(_CONDITION_KEYS))}"
            )
        container = item.get("container")
        if container not in CONTAINERS:
            raise CompoundingValueError(
                f"condizione {n}: contenitore «{container}» non tra {', '.join(CONTAINERS)}"
            )
        try:
            hours = Decimal(str(item.get("hours", "")).replace(",", "."))
        except InvalidOperation:
            raise CompoundingValueError(f"condizione {n}: ore non numeriche") from None
        if not hours.is_finite() or hours <= 0 or hours > 10000:
            raise CompoundingValueError(f"condizione {n}: ore tra 0 e 10000")
        light = item.get("protect_from_light", False)
        if not isinstance(light, bool):
            raise CompoundingValueError(f"condizione {n}: protect_from_light sì/no")
        out.append(
            {
                "container": container,
                "diluent": _short_text(item["diluent"], "diluent", 80) if "diluent" in item else "",
                "temperature": _short_text(item.get("temperature"), "temperature", 40),
                "hours": f"{hours.normalize():f}",
                "protect_from_light": light,
                "source": _short_text(item.get("source"), "source"),
            }
        )
    return out
