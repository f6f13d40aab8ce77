"""Small builders that keep the preloaded library readable (one call per regimen).

Each builder returns the plain document of :func:`corsia.regimens.domain.spec.spec_to_dict`;
the loader parses and validates it like any other document. Administration order is the
order of the components in the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corsia.regimens.domain.spec import DOSE_UNITS

Doc = dict[str, Any]


def days(*values: int) -> list[int]:
    return list(values)


def span(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def weekly(first: int, count: int) -> list[int]:
    return [first + 7 * i for i in range(count)]


def ref(authors: str, title: str, journal: str, year: int, citation: str = "") -> Doc:
    return {
        "authors": authors,
        "title": title,
        "journal": journal,
        "year": year,
        "citation": citation,
    }


def icd9(code: str, label: str) -> Doc:
    return {"system": "icd9cm", "code": code, "label": label}


def site(code: str, label: str) -> Doc:
    return {"system": "icdo3_site", "code": code, "label": label}


def morph(code: str, label: str) -> Doc:
    return {"system": "icdo3_morphology", "code": code, "label": label}


def drug(
    ingredient: str,
    dose: str,
    unit: str,
    on: list[int],
    *,
    route: str = "iv",
    role: str = "antineoplastic",
    minutes: int | None = None,
    infusion: str | None = None,
    desc: str = "",
    max_dose: str | None = None,
    prep: str = "",
    form: str = "",
    formulation: str = "conventional",
    notes: str = "",
    after: int | None = None,
    observe: int | None = None,
    conditions: str = "",
    cycles: tuple[int, int | None] = (1, None),
    competence: str | None = None,
    concentration: str | None = None,
    age_bands: list[Doc] | None = None,
) -> Doc:
    if infusion is None:
        infusion = "" if route != "iv" else ("infusion" if minutes else "bolus")
    if competence is None:
        competence = (
            "pharmacy"
            if role == "antineoplastic" and route in ("iv", "sc", "it", "im", "intravesical")
            else "ward"
        )
    return {
        "ingredient": ingredient,
        "role": role,
        "days": on,
        "dose": dose,
        "dose_unit": unit,
        "calculation": DOSE_UNITS[unit].value,
        "dose_description": desc,
        "max_dose": max_dose,
        "route": route,
        "competence": competence,
        "notes": notes,
        "preparation": prep,
        "form": form,
        "formulation": formulation,
        "infusion_type": infusion,
        "duration_minutes": minutes,
        "interval_after_minutes": after,
        "infusion_conditions": conditions,
        "observation_minutes": observe,
        "concentration_mg_ml": concentration,
        "cycle_from": cycles[0],
        "cycle_to": cycles[1],
        "age_bands": age_bands or [],
    }


def age_band(from_years: int, to_years: int | None, dose: str) -> Doc:
    """A flat dose for completed years in [from_years, to_years) (None: and older)."""
    return {"from_years": from_years, "to_years": to_years, "dose": dose}


# --------------------------------------------------------------- supportive blocks
# Premedication and support are hospital policy more than publication data: they are
# written as the common baseline and flagged so, to be adapted when validating.
LOCAL = "Supporto di base: adattare al protocollo locale (MASCC/ESMO) in validazione."


def antiemetic(on: list[int], *, high: bool = False) -> list[Doc]:
    dex = "12" if high else "8"
    return [
        drug(
            "ondansetron",
            "8",
            "mg",
            on,
            role="premedication",
            minutes=15,
            prep="sodio cloruro 0,9% 100 mL",
            desc="30 minuti prima della chemioterapia",
            notes=LOCAL,
        ),
        drug(
            "dexamethasone",
            dex,
            "mg",
            on,
            role="premedication",
            minutes=15,
            prep="sodio cloruro 0,9% 100 mL",
            notes=LOCAL
            + (" Schema altamente emetogeno: aggiungere un antagonista NK1." if high else ""),
        ),
    ]


def taxane_premed(on: list[int], *, dex: str = "20") -> list[Doc]:
    return [
        drug(
            "dexamethasone",
            dex,
            "mg",
            on,
            role="premedication",
            minutes=15,
            prep="sodio cloruro 0,9% 100 mL",
            desc="30 minuti prima del taxano",
            notes=LOCAL,
        ),
        drug(
            "chlorphenamine",
            "10",
            "mg",
            on,
            role="premedication",
            desc="30 minuti prima del taxano",
            notes=LOCAL,
        ),
    ]


def antibody_premed(on: list[int], *, cycles: tuple[int, int | None] = (1, None)) -> list[Doc]:
    return [
        drug(
            "paracetamol",
            "1000",
            "mg",
            on,
            route="po",
            role="premedication",
            desc="30-60 minuti prima dell'anticorpo",
            notes=LOCAL,
            cycles=cycles,
        ),
        drug(
            "chlorphenamine",
            "10",
            "mg",
            on,
            role="premedication",
            desc="30 minuti prima dell'anticorpo",
            notes=LOCAL,
            cycles=cycles,
        ),
    ]


def hydration(on: list[int], *, volume: str = "1000", when: str = "prima") -> Doc:
    return drug(
        "sodium_chloride",
        volume,
        "mL",
        on,
        role="hydration",
        minutes=120,
        desc=f"idratazione {when} del cisplatino (con KCl e MgSO4 secondo protocollo locale)",
        notes=LOCAL,
    )


def gcsf(on: list[int], *, note: str = "") -> Doc:
    return drug(
        "filgrastim",
        "5",
        "mcg/kg",
        on,
        route="sc",
        role="supportive",
        desc="5 mcg/kg/die s.c.",
        notes=note or "Profilassi primaria con G-CSF.",
    )


def mesna(
    dose: str, unit: str, on: list[int], *, minutes: int | None = None, desc: str = ""
) -> Doc:
    return drug(
        "mesna",
        dose,
        unit,
        on,
        role="supportive",
        minutes=minutes,
        infusion="continuous" if minutes and minutes >= 1440 else None,
        desc=desc or "uroprotezione",
        competence="pharmacy",
    )


def regimen(
    code: str,
    name: str,
    *,
    therapy: str,
    intent: str,
    cycle: int,
    diseases: list[Doc],
    refs: list[Doc],
    components: Sequence[Doc | list[Doc]],
    max_cycles: int | None = None,
    description: str = "",
    notes: str = "",
    paediatric: Doc | None = None,
    dosing: Doc | None = None,
) -> Doc:
    flat: list[Doc] = []
    for item in components:
        flat.extend(item if isinstance(item, list) else [item])
    for index, component in enumerate(flat, start=1):
        component["sequence"] = index
    return {
        "code": code,
        "name": name,
        "description": description,
        "therapy_type": therapy,
        "intent": intent,
        "is_standard": True,
        "cycle_length_days": cycle,
        "max_cycles": max_cycles,
        "notes": notes,
        "bibliography": refs,
        "diseases": diseases,
        "paediatric": paediatric,
        "dosing": dosing or {},
        "components": flat,
    }


def paediatric(
    *,
    below_kg: str | None = None,
    below_bsa: str | None = None,
    decimals: int = 2,
    min_kg: str | None = None,
) -> Doc:
    return {
        "mg_kg_below_weight_kg": below_kg,
        "mg_kg_below_bsa_m2": below_bsa,
        "dose_decimals": decimals,
        "min_weight_kg": min_kg,
    }
