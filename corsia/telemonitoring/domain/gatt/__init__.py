"""Decoding of the Bluetooth GATT health measurements (pure, no I/O).

One decoder per characteristic; :func:`decode_measurement` dispatches on the 16-bit
characteristic UUID. Every malformed input raises :class:`GattDecodeError` (a
``ValidationFailed`` with a stable ``code``); nothing else escapes.
"""

from __future__ import annotations

from corsia.telemonitoring.domain.gatt.errors import GattDecodeError
from corsia.telemonitoring.domain.gatt.ieee11073 import (
    Special,
    decode_float,
    decode_sfloat,
    encode_sfloat,
)
from corsia.telemonitoring.domain.gatt.measurements import (
    BLOOD_PRESSURE,
    HEART_RATE,
    PLX_SPOT_CHECK,
    TEMPERATURE,
    WEIGHT,
    BloodPressureMeasurement,
    HeartRateMeasurement,
    PlxSpotCheckMeasurement,
    TemperatureMeasurement,
    WeightMeasurement,
    decode_blood_pressure,
    decode_heart_rate,
    decode_measurement,
    decode_plx_spot_check,
    decode_temperature,
    decode_weight,
)

__all__ = [
    "BLOOD_PRESSURE",
    "HEART_RATE",
    "PLX_SPOT_CHECK",
    "TEMPERATURE",
    "WEIGHT",
    "BloodPressureMeasurement",
    "GattDecodeError",
    "HeartRateMeasurement",
    "PlxSpotCheckMeasurement",
    "Special",
    "TemperatureMeasurement",
    "WeightMeasurement",
    "decode_blood_pressure",
    "decode_float",
    "decode_heart_rate",
    "decode_measurement",
    "decode_plx_spot_check",
    "decode_sfloat",
    "decode_temperature",
    "decode_weight",
    "encode_sfloat",
]
