"""The vital parameters telemonitoring records, in one canonical unit each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal


class Parameter(enum.StrEnum):
    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"
    MEAN_ARTERIAL = "mean_arterial"
    HEART_RATE = "heart_rate"
    SPO2 = "spo2"
    TEMPERATURE = "temperature"
    WEIGHT = "weight"


UNITS: dict[Parameter, str] = {
    Parameter.SYSTOLIC: "mmHg",
    Parameter.DIASTOLIC: "mmHg",
    Parameter.MEAN_ARTERIAL: "mmHg",
    Parameter.HEART_RATE: "/min",
    Parameter.SPO2: "%",
    Parameter.TEMPERATURE: "°C",
    Parameter.WEIGHT: "kg",
}

# LOINC codes for the FHIR Observation of each parameter.
LOINC: dict[Parameter, str] = {
    Parameter.SYSTOLIC: "8480-6",
    Parameter.DIASTOLIC: "8462-4",
    Parameter.MEAN_ARTERIAL: "8478-0",
    Parameter.HEART_RATE: "8867-4",
    Parameter.SPO2: "59408-5",
    Parameter.TEMPERATURE: "8310-5",
    Parameter.WEIGHT: "29463-7",
}

# Italian labels (marked for translation by the interface layer).
LABELS: dict[Parameter, str] = {
    Parameter.SYSTOLIC: "Pressione sistolica",
    Parameter.DIASTOLIC: "Pressione diastolica",
    Parameter.MEAN_ARTERIAL: "Pressione arteriosa media",
    Parameter.HEART_RATE: "Frequenza cardiaca",
    Parameter.SPO2: "Saturazione di ossigeno",
    Parameter.TEMPERATURE: "Temperatura corporea",
    Parameter.WEIGHT: "Peso",
}


def italian_number(value: Decimal) -> str:
    """``value`` as an Italian reads it: no trailing zeros, a decimal comma (38,5)."""
    return f"{value.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class Observation:
    """One value of one parameter, in the parameter's canonical unit."""

    parameter: Parameter
    value: Decimal
