"""The five GATT health measurement characteristics, decoded to frozen data.

Byte layouts from the Bluetooth SIG GATT Specification Supplement (Blood Pressure
Profile, Heart Rate Profile, Pulse Oximeter Profile, Health Thermometer Profile,
Weight Scale Profile). All multi-byte fields are little-endian. Values convert to the
canonical unit of :mod:`..parameters` (mmHg, /min, %, °C, kg); the unit the device used
is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from corsia.telemonitoring.domain.gatt.errors import GattDecodeError
from corsia.telemonitoring.domain.gatt.ieee11073 import Special, decode_float, decode_sfloat
from corsia.telemonitoring.domain.parameters import Observation, Parameter

BLOOD_PRESSURE = 0x2A35
HEART_RATE = 0x2A37
PLX_SPOT_CHECK = 0x2A5E
TEMPERATURE = 0x2A1C
WEIGHT = 0x2A9D

MAX_LENGTH = 512  # an ATT attribute value is at most 512 bytes

KPA_TO_MMHG = Decimal("7.50062")
LB_TO_KG = Decimal("0.45359237")
INCH_TO_M = Decimal("0.0254")


class _Reader:
    """Bytes read in order; running past the end is a stable error."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise GattDecodeError(
                f"Misura incompleta ({self.what}): mancano dei byte.",
                code="gatt_truncated",
                details={"offset": self.pos, "needed": n, "length": len(self.data)},
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def sfloat(self, field: str) -> Decimal | Special:
        return decode_sfloat(self.uint(2))

    def float32(self, field: str) -> Decimal | Special:
        return decode_float(self.uint(4))

    def timestamp(self) -> datetime | None:
        year, month, day = self.uint(2), self.uint(1), self.uint(1)
        hour, minute, second = self.uint(1), self.uint(1), self.uint(1)
        if year == 0 or month == 0 or day == 0:
            return None  # "not known" in the Date Time characteristic
        try:
            # the device's local clock: GATT's Date Time carries no zone
            return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
        except ValueError as exc:
            raise GattDecodeError(
                f"Misura con data e ora non valide ({self.what}).", code="gatt_bad_timestamp"
            ) from exc

    def rest(self) -> int:
        return len(self.data) - self.pos

    def done(self) -> None:
        if self.rest():
            raise GattDecodeError(
                f"Misura con byte in eccesso ({self.what}).",
                code="gatt_trailing_bytes",
                details={"extra": self.rest()},
            )


def _number(value: Decimal | Special, what: str, field: str) -> Decimal:
    if isinstance(value, Special):
        raise GattDecodeError(
            f"Il dispositivo non ha fornito un valore ({what}: {field}, {value.value}).",
            code="gatt_special_value",
            details={"field": field, "special": value.value},
        )
    return value


def _optional_number(value: Decimal | Special) -> Decimal | None:
    return None if isinstance(value, Special) else value


def _q(value: Decimal, places: str) -> Decimal:
    try:
        return value.quantize(Decimal(places), rounding=ROUND_HALF_EVEN)
    except InvalidOperation as exc:  # more digits than the context holds
        raise GattDecodeError(
            "Valore della misura fuori da ogni scala.", code="gatt_out_of_range"
        ) from exc


# --- Blood pressure (0x2A35) -------------------------------------------------------------

BP_STATUS_BITS = {
    0: "body_movement",
    1: "cuff_too_loose",
    2: "irregular_pulse",
    5: "improper_position",
}


@dataclass(frozen=True)
class BloodPressureMeasurement:
    systolic: Decimal  # mmHg
    diastolic: Decimal
    mean_arterial: Decimal | None
    unit: str  # as sent: "mmHg" or "kPa"
    timestamp: datetime | None
    pulse_rate: Decimal | None
    user_id: int | None  # 0xFF: unknown user → None
    status: tuple[str, ...]

    def observations(self) -> tuple[Observation, ...]:
        values = [
            Observation(Parameter.SYSTOLIC, self.systolic),
            Observation(Parameter.DIASTOLIC, self.diastolic),
        ]
        if self.mean_arterial is not None:
            values.append(Observation(Parameter.MEAN_ARTERIAL, self.mean_arterial))
        if self.pulse_rate is not None:
            values.append(Observation(Parameter.HEART_RATE, self.pulse_rate))
        return tuple(values)


def decode_blood_pressure(data: bytes) -> BloodPressureMeasurement:
    what = "pressione arteriosa"
    r = _Reader(data, what)
    flags = r.uint(1)
    kpa = bool(flags & 0x01)
    systolic = _number(r.sfloat("systolic"), what, "systolic")
    diastolic = _number(r.sfloat("diastolic"), what, "diastolic")
    mean = _optional_number(r.sfloat("mean_arterial"))
    timestamp = r.timestamp() if flags & 0x02 else None
    pulse = _optional_number(r.sfloat("pulse_rate")) if flags & 0x04 else None
    user_id: int | None = None
    if flags & 0x08:
        user_id = r.uint(1)
        if user_id == 0xFF:
            user_id = None
    status: tuple[str, ...] = ()
    if flags & 0x10:
        bits = r.uint(2)
        names = [name for bit, name in BP_STATUS_BITS.items() if bits & (1 << bit)]
        pulse_range = (bits >> 3) & 0x03
        if pulse_range == 1:
            names.append("pulse_above_range")
        elif pulse_range == 2:
            names.append("pulse_below_range")
        status = tuple(names)
    r.done()

    def mmhg(v: Decimal) -> Decimal:
        return _q(v * KPA_TO_MMHG, "0.1") if kpa else v

    return BloodPressureMeasurement(
        systolic=mmhg(systolic),
        diastolic=mmhg(diastolic),
        mean_arterial=mmhg(mean) if mean is not None else None,
        unit="kPa" if kpa else "mmHg",
        timestamp=timestamp,
        pulse_rate=pulse,
        user_id=user_id,
        status=status,
    )


# --- Heart rate (0x2A37) -----------------------------------------------------------------


@dataclass(frozen=True)
class HeartRateMeasurement:
    heart_rate: int  # beats per minute
    sensor_contact: bool | None  # None: the sensor does not report contact
    energy_expended_kj: int | None
    rr_intervals: tuple[Decimal, ...]  # seconds (1/1024 s resolution)

    def observations(self) -> tuple[Observation, ...]:
        return (Observation(Parameter.HEART_RATE, Decimal(self.heart_rate)),)


def decode_heart_rate(data: bytes) -> HeartRateMeasurement:
    r = _Reader(data, "frequenza cardiaca")
    flags = r.uint(1)
    rate = r.uint(2) if flags & 0x01 else r.uint(1)
    contact = bool(flags & 0x02) if flags & 0x04 else None
    energy = r.uint(2) if flags & 0x08 else None
    rr: list[Decimal] = []
    if flags & 0x10:
        if r.rest() == 0 or r.rest() % 2:
            raise GattDecodeError(
                "Misura incompleta (frequenza cardiaca): intervalli RR troncati.",
                code="gatt_truncated",
            )
        while r.rest():
            rr.append(_q(Decimal(r.uint(2)) / 1024, "0.001"))
    r.done()
    return HeartRateMeasurement(
        heart_rate=rate, sensor_contact=contact, energy_expended_kj=energy, rr_intervals=tuple(rr)
    )


# --- Pulse oximeter spot-check (0x2A5E) --------------------------------------------------

PLX_MEASUREMENT_STATUS_BITS = {
    5: "measurement_ongoing",
    6: "early_estimate",
    7: "validated",
    8: "fully_qualified",
    9: "from_storage",
    10: "demonstration",
    11: "testing",
    12: "calibration_ongoing",
    13: "measurement_unavailable",
    14: "questionable_measurement",
    15: "invalid_measurement",
}
PLX_SENSOR_STATUS_BITS = {
    0: "extended_display_update",
    1: "equipment_malfunction",
    2: "signal_processing_irregularity",
    3: "inadequate_signal",
    4: "poor_signal",
    5: "low_perfusion",
    6: "erratic_signal",
    7: "nonpulsatile_signal",
    8: "questionable_pulse",
    9: "signal_analysis_ongoing",
    10: "sensor_interference",
    11: "sensor_unconnected",
    12: "unknown_sensor",
    13: "sensor_displaced",
    14: "sensor_malfunction",
    15: "sensor_disconnected",
}
# A status that makes the value unfit to record without the patient confirming it.
PLX_UNRELIABLE = frozenset(
    {
        "measurement_unavailable",
        "questionable_measurement",
        "invalid_measurement",
        "equipment_malfunction",
        "sensor_unconnected",
        "sensor_displaced",
        "sensor_malfunction",
        "sensor_disconnected",
        "demonstration",
        "testing",
    }
)


@dataclass(frozen=True)
class PlxSpotCheckMeasurement:
    spo2: Decimal  # %
    pulse_rate: Decimal  # /min
    timestamp: datetime | None
    clock_not_set: bool
    status: tuple[str, ...]
    pulse_amplitude_index: Decimal | None

    @property
    def unreliable(self) -> bool:
        return bool(PLX_UNRELIABLE.intersection(self.status))

    def observations(self) -> tuple[Observation, ...]:
        return (
            Observation(Parameter.SPO2, self.spo2),
            Observation(Parameter.HEART_RATE, self.pulse_rate),
        )


def decode_plx_spot_check(data: bytes) -> PlxSpotCheckMeasurement:
    what = "saturimetro"
    r = _Reader(data, what)
    flags = r.uint(1)
    spo2 = _number(r.sfloat("spo2"), what, "spo2")
    pulse = _number(r.sfloat("pulse_rate"), what, "pulse_rate")
    timestamp = r.timestamp() if flags & 0x01 else None
    names: list[str] = []
    if flags & 0x02:
        bits = r.uint(2)
        names += [n for b, n in PLX_MEASUREMENT_STATUS_BITS.items() if bits & (1 << b)]
    if flags & 0x04:
        bits = r.uint(3)
        names += [n for b, n in PLX_SENSOR_STATUS_BITS.items() if bits & (1 << b)]
    pai = _optional_number(r.sfloat("pai")) if flags & 0x08 else None
    r.done()
    return PlxSpotCheckMeasurement(
        spo2=spo2,
        pulse_rate=pulse,
        timestamp=timestamp,
        clock_not_set=bool(flags & 0x10),
        status=tuple(names),
        pulse_amplitude_index=pai,
    )


# --- Temperature (0x2A1C) ----------------------------------------------------------------

TEMPERATURE_TYPES = {
    1: "armpit",
    2: "body",
    3: "ear",
    4: "finger",
    5: "gastrointestinal",
    6: "mouth",
    7: "rectum",
    8: "toe",
    9: "tympanum",
}


@dataclass(frozen=True)
class TemperatureMeasurement:
    celsius: Decimal
    unit: str  # as sent: "°C" or "°F"
    timestamp: datetime | None
    site: str | None

    def observations(self) -> tuple[Observation, ...]:
        return (Observation(Parameter.TEMPERATURE, self.celsius),)


def decode_temperature(data: bytes) -> TemperatureMeasurement:
    what = "termometro"
    r = _Reader(data, what)
    flags = r.uint(1)
    value = _number(r.float32("temperature"), what, "temperature")
    timestamp = r.timestamp() if flags & 0x02 else None
    site: str | None = None
    if flags & 0x04:
        code = r.uint(1)
        site = TEMPERATURE_TYPES.get(code)
        if site is None:
            raise GattDecodeError(
                "Misura del termometro con sede di rilevazione sconosciuta.",
                code="gatt_bad_temperature_type",
                details={"type": code},
            )
    r.done()
    fahrenheit = bool(flags & 0x01)
    celsius = _q((value - 32) * 5 / 9, "0.01") if fahrenheit else value
    return TemperatureMeasurement(
        celsius=celsius, unit="°F" if fahrenheit else "°C", timestamp=timestamp, site=site
    )


# --- Weight (0x2A9D) ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeightMeasurement:
    kilograms: Decimal
    unit: str  # as sent: "kg" or "lb"
    timestamp: datetime | None
    user_id: int | None
    bmi: Decimal | None
    height_m: Decimal | None

    def observations(self) -> tuple[Observation, ...]:
        return (Observation(Parameter.WEIGHT, self.kilograms),)


def decode_weight(data: bytes) -> WeightMeasurement:
    r = _Reader(data, "bilancia")
    flags = r.uint(1)
    imperial = bool(flags & 0x01)
    raw = r.uint(2)
    if raw == 0xFFFF:
        raise GattDecodeError(
            "La bilancia segnala una pesata non riuscita.", code="gatt_measurement_unsuccessful"
        )
    timestamp = r.timestamp() if flags & 0x02 else None
    user_id: int | None = None
    if flags & 0x04:
        user_id = r.uint(1)
        if user_id == 0xFF:
            user_id = None
    bmi: Decimal | None = None
    height: Decimal | None = None
    if flags & 0x08:
        bmi = Decimal(r.uint(2)) / 10
        raw_height = r.uint(2)
        height = (
            _q(Decimal(raw_height) / 10 * INCH_TO_M, "0.001")
            if imperial
            else Decimal(raw_height) / 1000
        )
    r.done()
    if imperial:
        kilograms = _q(Decimal(raw) / 100 * LB_TO_KG, "0.001")
    else:
        kilograms = Decimal(raw) * Decimal("0.005")
    return WeightMeasurement(
        kilograms=kilograms,
        unit="lb" if imperial else "kg",
        timestamp=timestamp,
        user_id=user_id,
        bmi=bmi,
        height_m=height,
    )


# --- Dispatch ----------------------------------------------------------------------------

Measurement = (
    BloodPressureMeasurement
    | HeartRateMeasurement
    | PlxSpotCheckMeasurement
    | TemperatureMeasurement
    | WeightMeasurement
)

DECODERS: dict[int, Callable[[bytes], Measurement]] = {
    BLOOD_PRESSURE: decode_blood_pressure,
    HEART_RATE: decode_heart_rate,
    PLX_SPOT_CHECK: decode_plx_spot_check,
    TEMPERATURE: decode_temperature,
    WEIGHT: decode_weight,
}


def decode_measurement(characteristic: int, data: bytes) -> Measurement:
    """The measurement in ``data`` for the 16-bit characteristic UUID; any malformed input
    raises :class:`GattDecodeError`."""
    decoder = DECODERS.get(characteristic)
    if decoder is None:
        raise GattDecodeError(
            "Caratteristica Bluetooth non supportata.",
            code="gatt_unsupported_characteristic",
            details={"characteristic": characteristic},
        )
    if not isinstance(data, bytes) or not data:
        raise GattDecodeError("Misura vuota.", code="gatt_truncated")
    if len(data) > MAX_LENGTH:
        raise GattDecodeError("Misura troppo lunga.", code="gatt_too_long")
    return decoder(data)
