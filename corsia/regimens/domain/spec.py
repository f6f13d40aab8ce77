"""A regimen as a value: the content of one version, without the database.

The same shape is used by the preloaded library (``corsia/regimens/data``), the
editor (a JSON document), the FHIR mapping and the version diff, so a regimen can be
compared, validated and exported without touching Django. Its plain-data form (the JSON
document of the editor and the API) is read and written by ``spec_codec``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.drugs.domain.formulation import Formulation


class TherapyType(LabelledCode):
    CHEMOTHERAPY = "chemotherapy", "Chemioterapia"
    CHEMOIMMUNOTHERAPY = "chemoimmunotherapy", "Chemio-immunoterapia"
    IMMUNOTHERAPY = "immunotherapy", "Immunoterapia"
    TARGETED = "targeted", "Terapia a bersaglio molecolare"
    HORMONE = "hormone", "Ormonoterapia"
    CONDITIONING = "conditioning", "Condizionamento (alte dosi)"
    SUPPORTIVE = "supportive", "Terapia di supporto"


THERAPY_TYPE_LABELS_IT: dict[TherapyType, str] = TherapyType.labels_it()


class Intent(LabelledCode):
    CURATIVE = "curative", "Curativo"
    ADJUVANT = "adjuvant", "Adiuvante"
    NEOADJUVANT = "neoadjuvant", "Neoadiuvante"
    PALLIATIVE = "palliative", "Palliativo / malattia avanzata"
    MAINTENANCE = "maintenance", "Mantenimento"
    INDUCTION = "induction", "Induzione"
    CONSOLIDATION = "consolidation", "Consolidamento"
    SALVAGE = "salvage", "Salvataggio"
    CHEMORADIATION = "chemoradiation", "Concomitante alla radioterapia"


INTENT_LABELS_IT: dict[Intent, str] = Intent.labels_it()


class Calculation(LabelledCode):
    BSA = "bsa", "Superficie corporea"
    WEIGHT = "weight", "Peso"
    FLAT = "flat", "Dose fissa"
    AUC = "auc", "AUC (Calvert)"


CALCULATION_LABELS_IT: dict[Calculation, str] = Calculation.labels_it()

# Unit of the prescribed dose -> the calculation it implies.
DOSE_UNITS: dict[str, Calculation] = {
    "mg/m2": Calculation.BSA,
    "g/m2": Calculation.BSA,
    "mcg/m2": Calculation.BSA,
    "UI/m2": Calculation.BSA,
    "U/m2": Calculation.BSA,
    "mL/m2": Calculation.BSA,
    "mg/kg": Calculation.WEIGHT,
    "mcg/kg": Calculation.WEIGHT,
    "UI/kg": Calculation.WEIGHT,
    "mg": Calculation.FLAT,
    "g": Calculation.FLAT,
    "mcg": Calculation.FLAT,
    "UI": Calculation.FLAT,
    "U": Calculation.FLAT,
    "mL": Calculation.FLAT,
    "AUC": Calculation.AUC,
}

# Unit of the computed (absolute) dose, which is also the unit of the maximum dose.
ABSOLUTE_UNIT: dict[str, str] = {
    "mg/m2": "mg",
    "g/m2": "g",
    "mcg/m2": "mcg",
    "UI/m2": "UI",
    "U/m2": "U",
    "mL/m2": "mL",
    "mg/kg": "mg",
    "mcg/kg": "mcg",
    "UI/kg": "UI",
    "mg": "mg",
    "g": "g",
    "mcg": "mcg",
    "UI": "UI",
    "U": "U",
    "mL": "mL",
    "AUC": "mg",
}


# The largest dose a regimen line may carry, per dose unit (age-band doses included). Not a
# clinical limit (a drug's own limits are checked when prescribing: ``max_dose``, the drug
# archive): a ceiling above every published dose, with margin, so that a slip of orders of
# magnitude (1e308, a mg dose typed as mcg) is refused, naming the field, when the regimen
# is written, and never reaches the database's columns (12 digits, 4 decimals). The largest
# doses each one covers:
DOSE_CEILING: dict[str, Decimal] = {
    # treosulfan 14 g/m² a day (FLU-TREO), methotrexate 12 g/m² (MAP): the largest per m²
    "mg/m2": Decimal(20000),
    "g/m2": Decimal(20),
    # small doses by nature: dactinomycin 1500 mcg/m²; 20000 mcg/m² = 20 mg/m²
    "mcg/m2": Decimal(20000),
    # interferon alfa-2b 20 MUI/m² (high-dose adjuvant); asparaginase 5000-25000 UI/m²
    "UI/m2": Decimal(30_000_000),
    "U/m2": Decimal(30_000_000),
    # paediatric hyperhydration 3000 mL/m² a day (high-dose methotrexate, cisplatin)
    "mL/m2": Decimal(5000),
    # immunoglobulin up to 2 g/kg; cyclophosphamide 60 mg/kg (BU-CY)
    "mg/kg": Decimal(2000),
    # plerixafor 240 mcg/kg; dactinomycin 45 mcg/kg
    "mcg/kg": Decimal(1000),
    # aldesleukin high-dose 600000-720000 UI/kg
    "UI/kg": Decimal(1_000_000),
    # 100 g: a day of immunoglobulin 1 g/kg for a 100 kg adult; no flat dose is larger
    "mg": Decimal(100_000),
    "g": Decimal(100),
    # filgrastim 480 mcg; 100000 mcg = 100 mg, a dose written in mg
    "mcg": Decimal(100_000),
    # interferon / aldesleukin in millions of units (18 MUI), heparin 25000 UI
    "UI": Decimal(50_000_000),
    "U": Decimal(50_000_000),
    # 10 L in one line: hyperhydration is 3000 mL a day (MAP)
    "mL": Decimal(10_000),
    # carboplatin AUC 4-7.5; high-dose (transplant) carboplatin AUC 7-8 a day
    "AUC": Decimal(30),
}
# The decimals the database keeps of a dose, a maximum dose and a concentration: a value
# with more would be rounded silently (1e-308 to 0), so it is refused instead.
DOSE_DECIMALS = 4
# mg/mL of a line's final concentration: more than 1 g in each mL is no solution.
CONCENTRATION_CEILING_MG_ML = Decimal(1000)


class ComponentRole(LabelledCode):
    ANTINEOPLASTIC = "antineoplastic", "Antiblastico"
    PREMEDICATION = "premedication", "Premedicazione"
    SUPPORTIVE = "supportive", "Terapia di supporto"
    HYDRATION = "hydration", "Idratazione"


ROLE_LABELS_IT: dict[ComponentRole, str] = ComponentRole.labels_it()


class Competence(StrEnum):
    PHARMACY = "pharmacy"
    WARD = "ward"


class Route(LabelledCode):
    IV = "iv", "Endovenosa"
    PO = "po", "Orale"
    SC = "sc", "Sottocutanea"
    IM = "im", "Intramuscolare"
    IT = "it", "Intratecale"
    INTRAVESICAL = "intravesical", "Endovescicale"


ROUTE_LABELS_IT: dict[Route, str] = Route.labels_it()


class InfusionType(StrEnum):
    NONE = ""
    BOLUS = "bolus"
    PUSH = "push"
    INFUSION = "infusion"
    CONTINUOUS = "continuous"


class PreparationMode(StrEnum):
    MANUAL = "manual"
    AUTOMATED = "automated"


@dataclass(frozen=True)
class Reference:
    authors: str
    title: str
    journal: str
    year: int
    citation: str = ""  # volume(issue):pages
    pmid: str = ""

    def text(self) -> str:
        tail = f" {self.citation}." if self.citation else ""
        pmid = f" PMID {self.pmid}." if self.pmid else ""
        return f"{self.authors} {self.title}. {self.journal} {self.year};{tail}{pmid}".replace(
            ";.", "."
        )


class DiseaseSystem(StrEnum):
    ICD9CM = "icd9cm"
    ICDO3_SITE = "icdo3_site"
    ICDO3_MORPHOLOGY = "icdo3_morphology"


@dataclass(frozen=True)
class DiseaseLink:
    system: DiseaseSystem
    code: str
    label: str = ""


@dataclass(frozen=True)
class Paediatric:
    """Paediatric dosing: below a weight or BSA threshold, mg/m² doses become mg/kg."""

    mg_kg_below_weight_kg: Decimal | None = None
    mg_kg_below_bsa_m2: Decimal | None = None
    dose_decimals: int = 2
    min_weight_kg: Decimal | None = None


@dataclass(frozen=True)
class AgeBand:
    """A flat dose for the patients whose completed years are in [from_years, to_years)
    (``to_years`` None: and older), e.g. intrathecal methotrexate < 1 year 6 mg."""

    from_years: int
    to_years: int | None
    dose: Decimal

    def contains(self, age_years: int) -> bool:
        return self.from_years <= age_years and (self.to_years is None or age_years < self.to_years)

    def describe(self) -> str:
        if self.to_years is None:
            return f"≥ {self.from_years} anni"
        if self.from_years == 0:
            return f"< {self.to_years} anni"
        return f"{self.from_years}-{self.to_years} anni"


WEIGHT_BASES = ("actual", "ideal", "adjusted")
CHILD_AUC_FORMULAS = ("newell", "calvert")


@dataclass(frozen=True)
class DosingSettings:
    """The regimen's own dosing settings; a field left None takes the hospital's setting.

    Weight bases: actual | ideal | adjusted (for obese patients); child AUC formula:
    newell | calvert; maximum ages of the measures the doses are computed from.
    """

    bsa_cap_m2: Decimal | None = None
    obese_weight_basis: str | None = None
    obese_crcl_weight_basis: str | None = None
    gfr_cap_ml_min: Decimal | None = None
    min_creatinine_mg_dl: Decimal | None = None
    child_auc_formula: str | None = None
    weight_change_pct: Decimal | None = None
    renal_max_age_hours: int | None = None
    weight_max_age_days: int | None = None
    height_max_age_days: int | None = None


DOSING_DECIMAL_FIELDS = (
    "bsa_cap_m2",
    "gfr_cap_ml_min",
    "min_creatinine_mg_dl",
    "weight_change_pct",
)
DOSING_INT_FIELDS = ("renal_max_age_hours", "weight_max_age_days", "height_max_age_days")
DOSING_CHOICE_FIELDS = {
    "obese_weight_basis": WEIGHT_BASES,
    "obese_crcl_weight_basis": WEIGHT_BASES,
    "child_auc_formula": CHILD_AUC_FORMULAS,
}


@dataclass(frozen=True)
class Component:
    sequence: int  # administration order within the regimen (and so within each day)
    ingredient: str  # drugs.ActiveIngredient.code
    days: tuple[int, ...]
    dose: Decimal
    dose_unit: str
    calculation: Calculation
    role: ComponentRole = ComponentRole.ANTINEOPLASTIC
    route: Route = Route.IV
    dose_description: str = ""
    max_dose: Decimal | None = None  # in ABSOLUTE_UNIT[dose_unit]
    competence: Competence = Competence.PHARMACY
    notes: str = ""
    preparation: str = ""  # diluent and volume
    form: str = ""
    # liposomal / pegylated liposomal / albumin-bound / subcutaneous: another product
    formulation: Formulation = Formulation.CONVENTIONAL
    infusion_type: InfusionType = InfusionType.NONE
    duration_minutes: int | None = None
    interval_after_minutes: int | None = None
    infusion_conditions: str = ""
    off_label: bool = False
    observation_minutes: int | None = None
    concentration_mg_ml: Decimal | None = None
    law_648: bool = False
    preparation_mode: PreparationMode = PreparationMode.MANUAL
    cycle_from: int = 1
    cycle_to: int | None = None
    age_bands: tuple[AgeBand, ...] = ()  # flat doses by age (replace ``dose`` when given)
    # The weight of THIS line's per-kg dose in an obese patient (actual | ideal | adjusted);
    # None: the regimen's ``DosingSettings.obese_weight_basis``, else the hospital's. E.g.
    # busulfan on IBW + 0.25 × (actual − IBW) (Busilvex SmPC 4.2) while fludarabine of
    # the same regimen is per m². Only for a weight (per-kg) calculation.
    obese_weight_basis: str | None = None
    # The adjusted weight's factor f in IBW + f × (actual − IBW), 0 < f < 1; None: 0.4.
    # Only with ``obese_weight_basis="adjusted"``.
    adjusted_weight_factor: Decimal | None = None
    # How many times a day the line's dose is taken (the dose is PER ADMINISTRATION): an
    # oral line only, 1-6. Capecitabine 1,250 mg/m² twice a day is dose 1,250 mg/m² and 2,
    # never a daily 2,500 mg/m² nor 1,250 mg/m² dispensed once; the tablets dispensed for a
    # cycle and the cumulative dose count every administration. A parenteral line given
    # twice a day is two lines (each bag is prepared, checked and given on its own).
    administrations_per_day: int = 1

    def band_for(self, age_years: int) -> AgeBand | None:
        return next((b for b in self.age_bands if b.contains(age_years)), None)


@dataclass(frozen=True)
class RegimenSpec:
    code: str
    name: str
    therapy_type: TherapyType
    intent: Intent
    cycle_length_days: int
    components: tuple[Component, ...]
    description: str = ""
    is_standard: bool = True
    max_cycles: int | None = None
    notes: str = ""
    bibliography: tuple[Reference, ...] = ()
    diseases: tuple[DiseaseLink, ...] = ()
    paediatric: Paediatric | None = None
    dosing: DosingSettings = DosingSettings()

    def cycle_days(self) -> tuple[int, ...]:
        """The days of the cycle on which something is given, in order."""
        return tuple(sorted({day for c in self.components for day in c.days}))

    def components_on(self, day: int) -> tuple[Component, ...]:
        """What is given on ``day``, in administration order."""
        return tuple(
            sorted((c for c in self.components if day in c.days), key=lambda c: c.sequence)
        )


__all__ = [
    "ABSOLUTE_UNIT",
    "CONCENTRATION_CEILING_MG_ML",
    "DOSE_CEILING",
    "DOSE_DECIMALS",
    "DOSE_UNITS",
    "AgeBand",
    "Calculation",
    "Competence",
    "Component",
    "ComponentRole",
    "DiseaseLink",
    "DiseaseSystem",
    "DosingSettings",
    "InfusionType",
    "Intent",
    "Paediatric",
    "PreparationMode",
    "Reference",
    "RegimenSpec",
    "Route",
    "TherapyType",
]
