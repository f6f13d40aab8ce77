"""What compounding needs to know about a medicinal product, as a frozen value.

Mirrors the fields of ``corsia.drugs.models.MedicinalProduct`` that matter at the hood
(strength, volumes, concentration after reconstitution, diluents, final concentration
range, stabilities, light, PVC, filter, density). The service layer builds it from the
drug archive; the domain never reads the database.

Stabilities are structured (hours + storage temperature + light): the archive stores
temperatures as text (``"2-8 °C"``, ``"25 °C"``), read by ``storage_temperature_from_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.formulation import Formulation


class ProductDataInvalid(ValidationFailed):
    code = "product_data_invalid"


class StorageTemperature(StrEnum):
    REFRIGERATED = "2-8 °C"
    ROOM = "25 °C"

    @property
    def instruction(self) -> str:
        if self is StorageTemperature.REFRIGERATED:
            return "Conservare in frigorifero (2-8 °C)"
        return "Conservare a temperatura ambiente (non oltre 25 °C)"


def storage_temperature_from_text(text: str) -> StorageTemperature | None:
    """``"2-8 °C"`` → refrigerated, ``"25 °C"`` / ``"≤ 25 °C"`` → room; anything else: unknown."""
    cleaned = text.replace(" ", "").replace("°", "").replace("C", "").replace("c", "")
    cleaned = cleaned.replace("\u2013", "-").replace("≤", "").replace("<=", "")
    if cleaned in {"2-8", "2/8"}:
        return StorageTemperature.REFRIGERATED
    if cleaned in {"25", "15-25", "20-25"}:
        return StorageTemperature.ROOM
    return None


class PhysicalState(StrEnum):
    POWDER = "powder"
    SOLUTION = "solution"
    CONCENTRATE = "concentrate"
    SUSPENSION = "suspension"


@dataclass(frozen=True)
class Stability:
    """A documented stability: so many hours, kept at this temperature (and in the dark)."""

    hours: Decimal
    temperature: StorageTemperature
    protect_from_light: bool = False

    def __post_init__(self) -> None:
        if self.hours <= 0:
            raise ProductDataInvalid(
                "La stabilità deve essere di almeno qualche ora.", field="stability_hours"
            )

    def until(self, start: datetime) -> datetime:
        return start + hours_to_timedelta(self.hours)


def hours_to_timedelta(hours: Decimal) -> timedelta:
    return timedelta(seconds=int((hours * 3600).to_integral_value()))


def lot_end(expiry: date, zone: tzinfo) -> datetime:
    """The instant a lot stops being usable: a pack is usable through its expiry date,
    so until the start of the next day in the unit's time zone."""
    return datetime.combine(expiry + timedelta(days=1), time(0), tzinfo=zone)


def it_number(value: Decimal) -> str:
    """A decimal as Italians write it: ``0.70`` → ``"0,7"``, ``100`` → ``"100"``."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class ProductData:
    """A product (one strength, one presentation) as compounding uses it.

    ``family`` groups products whose opened contents are interchangeable: same active
    ingredient, same holder and formulation (excipients), same concentration — e.g. a
    generic's 50, 100 and 200 mg vials of oxaliplatin 5 mg/mL. A biosimilar is never in
    its originator's family. ``in_use`` is the stability of an opened (punctured) vial of
    a ready solution; for a powder the reconstituted stability plays that role.
    """

    code: str
    ingredient_code: str
    ingredient_name: str
    name: str
    strength_mg: Decimal
    physical_state: PhysicalState
    concentration_mg_ml: Decimal
    family: str
    nominal_volume_ml: Decimal | None = None
    overfill_volume_ml: Decimal | None = None
    reconstitution_volume_ml: Decimal | None = None
    compatible_diluents: tuple[str, ...] = ()
    final_concentration_min: Decimal | None = None
    final_concentration_max: Decimal | None = None
    reconstituted: Stability | None = None
    diluted: Stability | None = None
    in_use: Stability | None = None
    photosensitive: bool = False
    pvc_free_required: bool = False
    filter_required: str = ""
    density_g_ml: Decimal | None = None
    biosimilar_of: str | None = None
    formulation: Formulation = Formulation.CONVENTIONAL
    strength_unit: str = "mg"

    def __post_init__(self) -> None:
        if self.strength_mg <= 0:
            raise ProductDataInvalid(
                f"{self.name}: il dosaggio del flacone deve essere positivo.", field="strength"
            )
        if self.concentration_mg_ml <= 0:
            raise ProductDataInvalid(
                f"{self.name}: la concentrazione deve essere positiva.", field="concentration"
            )
        if self.physical_state is PhysicalState.POWDER and self.reconstitution_volume_ml is None:
            raise ProductDataInvalid(
                f"{self.name}: per una polvere serve il volume di ricostituzione.",
                field="reconstitution_volume_ml",
            )
        if self.density_g_ml is not None and self.density_g_ml <= 0:
            raise ProductDataInvalid(
                f"{self.name}: la densità deve essere positiva.", field="density_g_ml"
            )
        low, high = self.final_concentration_min, self.final_concentration_max
        if (low is not None and low <= 0) or (high is not None and high <= 0):
            raise ProductDataInvalid(
                f"{self.name}: i limiti di concentrazione finale devono essere positivi.",
                field="final_concentration",
            )
        if low is not None and high is not None and low > high:
            raise ProductDataInvalid(
                f"{self.name}: concentrazione finale minima maggiore della massima.",
                field="final_concentration",
            )

    @property
    def opened_stability(self) -> Stability | None:
        """How long the content of an opened vial keeps: reconstituted for powders."""
        if self.physical_state is PhysicalState.POWDER:
            return self.reconstituted
        return self.in_use

    @property
    def protect_from_light(self) -> bool:
        return self.photosensitive or (self.diluted is not None and self.diluted.protect_from_light)


def may_share(a: ProductData, b: ProductData) -> bool:
    """Whether the opened content of ``a`` may go into a preparation of ``b``.

    Same family, same ingredient, same formulation, same concentration, and never across
    an originator and its biosimilar nor across two biosimilars (they are different
    medicines).
    """
    if a.code == b.code:
        return True
    if a.biosimilar_of == b.code or b.biosimilar_of == a.code:
        return False
    return (
        a.family == b.family
        and a.ingredient_code == b.ingredient_code
        and a.formulation is b.formulation
        and a.strength_unit == b.strength_unit
        and a.concentration_mg_ml == b.concentration_mg_ml
        and a.physical_state == b.physical_state
        and a.biosimilar_of == b.biosimilar_of
    )
