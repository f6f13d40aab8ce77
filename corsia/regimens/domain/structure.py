"""Structure validation of a regimen: every problem found, each with its path.

The editor shows the whole list live; services refuse to save while it is not empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.regimens.domain.spec import (
    ABSOLUTE_UNIT,
    CONCENTRATION_CEILING_MG_ML,
    DOSE_CEILING,
    DOSE_DECIMALS,
    DOSE_UNITS,
    Calculation,
    Component,
    DiseaseSystem,
    InfusionType,
    RegimenSpec,
    Route,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+\-.]{0,39}$")
INGREDIENT_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
ICD9CM_PATTERN = re.compile(r"^(\d{3}(\.\d{1,2})?|V\d{2}(\.\d{1,2})?)$")
ICDO3_SITE_PATTERN = re.compile(r"^C\d{2}(\.\d)?$")
ICDO3_MORPHOLOGY_PATTERN = re.compile(r"^\d{4}/\d$")
MAX_CYCLE_LENGTH_DAYS = 365
# the largest cycle number, order of administration, and time (a cycle's length in minutes)
# a regimen may carry: far above any published one, and storable
MAX_CYCLE_NUMBER = 999
MAX_SEQUENCE = 999
MAX_MINUTES = MAX_CYCLE_LENGTH_DAYS * 24 * 60


@dataclass(frozen=True)
class Problem:
    path: str
    code: str
    message: str


def _positive(value: Decimal | None) -> bool:
    return value is not None and value > 0


def validate_structure(spec: RegimenSpec) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, code: str, message: str) -> None:
        problems.append(Problem(path, code, message))

    if not CODE_PATTERN.match(spec.code):
        add("code", "invalid_code", "Codice non valido (lettere, cifre, + - .; max 40).")
    if not spec.name:
        add("name", "required", "Il nome è obbligatorio.")
    if not 1 <= spec.cycle_length_days <= MAX_CYCLE_LENGTH_DAYS:
        add(
            "cycle_length_days",
            "invalid_cycle_length",
            f"La durata del ciclo deve essere tra 1 e {MAX_CYCLE_LENGTH_DAYS} giorni.",
        )
    if spec.max_cycles is not None and not 1 <= spec.max_cycles <= MAX_CYCLE_NUMBER:
        add(
            "max_cycles",
            "invalid_max_cycles",
            f"Il numero massimo di cicli deve essere tra 1 e {MAX_CYCLE_NUMBER}.",
        )
    if not spec.components:
        add("components", "no_components", "Lo schema deve avere almeno un farmaco.")
    if not spec.bibliography and spec.is_standard:
        add(
            "bibliography",
            "bibliography_required",
            "Uno schema standard deve citare almeno una pubblicazione.",
        )
    for index, ref in enumerate(spec.bibliography):
        if not (ref.authors and ref.title and ref.journal):
            add(
                f"bibliography[{index}]",
                "incomplete_reference",
                "Autori, titolo e rivista sono obbligatori.",
            )
        if not 1900 <= ref.year <= 2100:
            add(f"bibliography[{index}].year", "invalid_year", "Anno non plausibile.")
        if ref.pmid and not ref.pmid.isdigit():
            add(f"bibliography[{index}].pmid", "invalid_pmid", "Il PMID è numerico.")
    for index, disease in enumerate(spec.diseases):
        pattern = {
            DiseaseSystem.ICD9CM: ICD9CM_PATTERN,
            DiseaseSystem.ICDO3_SITE: ICDO3_SITE_PATTERN,
            DiseaseSystem.ICDO3_MORPHOLOGY: ICDO3_MORPHOLOGY_PATTERN,
        }[disease.system]
        if not pattern.match(disease.code):
            add(
                f"diseases[{index}].code",
                "invalid_disease_code",
                f"«{disease.code}» non è un codice {disease.system.value} valido.",
            )
    p = spec.paediatric
    if p is not None:
        if p.mg_kg_below_weight_kg is not None and p.mg_kg_below_weight_kg <= 0:
            add("paediatric.mg_kg_below_weight_kg", "not_positive", "La soglia deve essere > 0.")
        if p.mg_kg_below_bsa_m2 is not None and p.mg_kg_below_bsa_m2 <= 0:
            add("paediatric.mg_kg_below_bsa_m2", "not_positive", "La soglia deve essere > 0.")
        if not 0 <= p.dose_decimals <= 4:
            add("paediatric.dose_decimals", "invalid_decimals", "Decimali tra 0 e 4.")
        if p.min_weight_kg is not None and p.min_weight_kg <= 0:
            add("paediatric.min_weight_kg", "not_positive", "Il peso minimo deve essere > 0.")

    seen_sequences: dict[int, int] = {}
    for index, c in enumerate(spec.components):
        path = f"components[{index}]"
        if not 1 <= c.sequence <= MAX_SEQUENCE:
            add(f"{path}.sequence", "invalid_sequence", f"L'ordine va da 1 a {MAX_SEQUENCE}.")
        if c.sequence in seen_sequences:
            add(
                f"{path}.sequence",
                "duplicate_sequence",
                f"Ordine {c.sequence} già usato dal farmaco n. {seen_sequences[c.sequence] + 1}.",
            )
        seen_sequences.setdefault(c.sequence, index)
        if not INGREDIENT_PATTERN.match(c.ingredient):
            add(
                f"{path}.ingredient",
                "invalid_ingredient",
                "Codice del principio attivo non valido.",
            )
        if not c.days:
            add(f"{path}.days", "no_days", "Indicare almeno un giorno del ciclo.")
        if len(set(c.days)) != len(c.days):
            add(f"{path}.days", "duplicate_day", "Un giorno è ripetuto.")
        outside = [d for d in c.days if not 1 <= d <= spec.cycle_length_days]
        if outside:
            add(
                f"{path}.days",
                "day_outside_cycle",
                f"Giorni {outside} fuori dal ciclo di {spec.cycle_length_days} giorni.",
            )
        if not _positive(c.dose):
            add(f"{path}.dose", "not_positive", "La dose deve essere > 0.")
        implied = DOSE_UNITS.get(c.dose_unit)
        if implied is None:
            add(
                f"{path}.dose_unit",
                "unknown_unit",
                f"Unità «{c.dose_unit}» sconosciuta (ammesse: {', '.join(DOSE_UNITS)}).",
            )
        elif implied is not c.calculation:
            add(
                f"{path}.dose_unit",
                "unit_calculation_mismatch",
                f"L'unità {c.dose_unit} non è coerente con il calcolo «{c.calculation.value}».",
            )
        if c.calculation is Calculation.AUC and c.ingredient != "carboplatin":
            add(
                f"{path}.calculation",
                "auc_not_carboplatin",
                "Il dosaggio per AUC (formula di Calvert) vale solo per il carboplatino.",
            )
        _check_amount(f"{path}.dose", c.dose, c.dose_unit, add)
        if c.max_dose is not None and c.max_dose <= 0:
            add(f"{path}.max_dose", "not_positive", "La dose massima deve essere > 0.")
        _check_amount(f"{path}.max_dose", c.max_dose, ABSOLUTE_UNIT.get(c.dose_unit), add)
        if c.concentration_mg_ml is not None and c.concentration_mg_ml <= 0:
            add(f"{path}.concentration_mg_ml", "not_positive", "La concentrazione deve essere > 0.")
        _check_amount(
            f"{path}.concentration_mg_ml",
            c.concentration_mg_ml,
            "mg/mL",
            add,
            ceiling=CONCENTRATION_CEILING_MG_ML,
        )
        for name in ("duration_minutes", "interval_after_minutes", "observation_minutes"):
            value = getattr(c, name)
            if value is not None and value < 0:
                add(f"{path}.{name}", "negative", "Il tempo non può essere negativo.")
            elif value is not None and value > MAX_MINUTES:
                add(
                    f"{path}.{name}",
                    "duration_out_of_range",
                    f"Al massimo {MAX_MINUTES} minuti ({MAX_CYCLE_LENGTH_DAYS} giorni).",
                )
        if c.infusion_type in (InfusionType.INFUSION, InfusionType.CONTINUOUS) and (
            c.duration_minutes is None or c.duration_minutes <= 0
        ):
            add(
                f"{path}.duration_minutes",
                "duration_required",
                "Un'infusione deve avere una durata.",
            )
        if c.infusion_type is not InfusionType.NONE and c.route is not Route.IV:
            add(
                f"{path}.infusion_type",
                "infusion_not_iv",
                "Il tipo di infusione vale solo per la via endovenosa.",
            )
        if not 1 <= c.cycle_from <= MAX_CYCLE_NUMBER:
            add(
                f"{path}.cycle_from",
                "invalid_cycle",
                f"Il primo ciclo va da 1 a {MAX_CYCLE_NUMBER}.",
            )
        if c.cycle_to is not None and c.cycle_to < c.cycle_from:
            add(f"{path}.cycle_to", "invalid_cycle", "L'ultimo ciclo precede il primo.")
        elif c.cycle_to is not None and c.cycle_to > MAX_CYCLE_NUMBER:
            add(
                f"{path}.cycle_to",
                "invalid_cycle",
                f"L'ultimo ciclo è al massimo {MAX_CYCLE_NUMBER}.",
            )
        if spec.max_cycles is not None and c.cycle_from > spec.max_cycles and c.cycle_from >= 1:
            add(
                f"{path}.cycle_from",
                "cycle_beyond_max",
                f"Il ciclo {c.cycle_from} supera il massimo di {spec.max_cycles} cicli.",
            )
        if c.age_bands:
            _check_age_bands(c, path, add)
        _check_weight_basis(c, path, add)
        _check_per_day(c, path, add)
    _check_dosing(spec, add)
    return problems


def _thousands(value: Decimal) -> str:
    """20000 → 20.000 (Italian thousands separator)."""
    return f"{value:,f}".replace(",", ".")


def _check_amount(
    path: str,
    value: Decimal | None,
    unit: str | None,
    add: Callable[[str, str, str], None],
    *,
    ceiling: Decimal | None = None,
) -> None:
    """A dose (or maximum dose, or concentration) within its unit's ceiling
    (``DOSE_CEILING``: ``dose_out_of_range``) and with at most ``DOSE_DECIMALS`` decimals
    (``too_many_decimals``). Not positive and unknown units are other problems."""
    if value is None or not value.is_finite() or value <= 0:
        return
    top = ceiling if ceiling is not None else DOSE_CEILING.get(unit or "")
    if top is not None and value > top:
        add(
            path,
            "dose_out_of_range",
            f"Valore oltre il massimo ammesso per {unit} ({_thousands(top)}): "
            "controlla unità e zeri.",
        )
    elif value != value.quantize(Decimal(1).scaleb(-DOSE_DECIMALS)):
        add(path, "too_many_decimals", f"Al massimo {DOSE_DECIMALS} decimali.")


def _check_age_bands(c: Component, path: str, add: Callable[[str, str, str], None]) -> None:
    """Age bands: flat doses, from 0 years, contiguous, the last one open-ended."""
    if c.calculation is not Calculation.FLAT:
        add(
            f"{path}.age_bands",
            "age_bands_not_flat",
            "Le dosi per fascia di età sono dosi fisse (mg): unità non coerente.",
        )
    expected_from = 0
    for index, band in enumerate(c.age_bands):
        where = f"{path}.age_bands[{index}]"
        if band.from_years != expected_from:
            add(
                f"{where}.from_years",
                "age_bands_gap",
                f"La fascia deve iniziare a {expected_from} anni (fasce contigue da 0).",
            )
        if not _positive(band.dose):
            add(f"{where}.dose", "not_positive", "La dose deve essere > 0.")
        _check_amount(f"{where}.dose", band.dose, c.dose_unit, add)
        last = index == len(c.age_bands) - 1
        if band.to_years is None:
            if not last:
                add(f"{where}.to_years", "age_bands_open", "Solo l'ultima fascia è aperta.")
            break
        if band.to_years <= band.from_years:
            add(f"{where}.to_years", "age_bands_order", "La fascia finisce prima di iniziare.")
        if last:
            add(f"{where}.to_years", "age_bands_open", "L'ultima fascia deve essere aperta.")
        expected_from = band.to_years


def _check_weight_basis(c: Component, path: str, add: Callable[[str, str, str], None]) -> None:
    """A line's own obese weight basis: only for a per-kg dose; its adjusted weight factor
    only with the adjusted basis, and 0 < f < 1 (f = 1 is the actual weight, 0 the ideal)."""
    if c.obese_weight_basis is not None and c.calculation is not Calculation.WEIGHT:
        add(
            f"{path}.obese_weight_basis",
            "weight_basis_not_per_kg",
            "Il peso per l'obeso della riga vale solo per una dose per kg "
            "(la dose per m² usa la superficie corporea dello schema).",
        )
    factor = c.adjusted_weight_factor
    if factor is None:
        return
    if c.obese_weight_basis != "adjusted":
        add(
            f"{path}.adjusted_weight_factor",
            "factor_without_adjusted_basis",
            "Il fattore del peso corretto richiede il peso corretto come peso per l'obeso.",
        )
    if not (factor.is_finite() and 0 < factor < 1):
        add(
            f"{path}.adjusted_weight_factor",
            "out_of_range",
            "Fattore del peso corretto ammesso: maggiore di 0 e minore di 1 (es. 0,25 o 0,4).",
        )
    elif factor != factor.quantize(Decimal("0.001")):
        add(
            f"{path}.adjusted_weight_factor",
            "too_many_decimals",
            "Fattore del peso corretto: al massimo 3 decimali.",
        )


MAX_ADMINISTRATIONS_PER_DAY = 6  # every 4 hours: beyond it a typing error, not a schedule


def _check_per_day(c: Component, path: str, add: Callable[[str, str, str], None]) -> None:
    """Administrations a day: 1 to 6, more than 1 only on an oral line (a parenteral dose
    given twice a day is two lines: each bag is prepared, checked and given on its own)."""
    n = c.administrations_per_day
    if not 1 <= n <= MAX_ADMINISTRATIONS_PER_DAY:
        add(
            f"{path}.administrations_per_day",
            "out_of_range",
            f"Somministrazioni al giorno ammesse: da 1 a {MAX_ADMINISTRATIONS_PER_DAY}.",
        )
    elif n > 1 and c.route is not Route.PO:
        add(
            f"{path}.administrations_per_day",
            "per_day_not_oral",
            "Più somministrazioni al giorno valgono solo per una riga per via orale: "
            "per le altre vie ogni somministrazione è una riga dello schema.",
        )


def _check_dosing(spec: RegimenSpec, add: Callable[[str, str, str], None]) -> None:
    d = spec.dosing
    ranges = {
        "bsa_cap_m2": (Decimal("0.1"), Decimal(4)),
        "gfr_cap_ml_min": (Decimal(1), Decimal(300)),
        "min_creatinine_mg_dl": (Decimal("0.1"), Decimal("1.5")),
        "weight_change_pct": (Decimal(1), Decimal(50)),
        "renal_max_age_hours": (Decimal(1), Decimal(24 * 90)),
        "weight_max_age_days": (Decimal(1), Decimal(365)),
        "height_max_age_days": (Decimal(1), Decimal(3650)),
    }
    for name, (low, high) in ranges.items():
        value = getattr(d, name)
        if value is not None and not low <= value <= high:
            add(f"dosing.{name}", "out_of_range", f"Valore ammesso da {low} a {high}.")


def ensure_valid_structure(spec: RegimenSpec) -> None:
    problems = validate_structure(spec)
    if problems:
        first = problems[0]
        raise ValidationFailed(
            f"Lo schema contiene {len(problems)} errori: {first.path}: {first.message}",
            code="invalid_regimen_structure",
            field=first.path,
            details={
                "problems": [
                    {"path": p.path, "code": p.code, "message": p.message} for p in problems
                ]
            },
        )
