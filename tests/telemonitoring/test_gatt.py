"""GATT measurement decoding against byte strings whose values are worked out by hand from
the Bluetooth SIG layouts (little-endian; SFLOAT = 4-bit exponent, 12-bit mantissa)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.telemonitoring.domain.gatt import (
    BLOOD_PRESSURE,
    HEART_RATE,
    PLX_SPOT_CHECK,
    TEMPERATURE,
    WEIGHT,
    GattDecodeError,
    Special,
    decode_blood_pressure,
    decode_float,
    decode_heart_rate,
    decode_measurement,
    decode_plx_spot_check,
    decode_sfloat,
    decode_temperature,
    decode_weight,
    encode_sfloat,
)
from corsia.telemonitoring.domain.parameters import Observation, Parameter

# Blood pressure 120/80 mmHg, MAP 93, taken 2026-12-05 08:30:00, pulse 72 /min.
# flags 0x06 = timestamp (bit 1) + pulse rate (bit 2), units mmHg (bit 0 clear)
# 120 = 0x0078 → 78 00; 80 = 0x0050 → 50 00; 93 = 0x005D → 5D 00
# year 2026 = 0x07EA → EA 07; month 12, day 5, 08:30:00; 72 = 0x0048 → 48 00
BP_120_80_PULSE_72 = bytes.fromhex("06 7800 5000 5D00 EA07 0C 05 08 1E 00 4800")


def test_blood_pressure_120_over_80_pulse_72_from_recorded_bytes() -> None:
    bp = decode_blood_pressure(BP_120_80_PULSE_72)
    assert bp.systolic == Decimal(120)
    assert bp.diastolic == Decimal(80)
    assert bp.mean_arterial == Decimal(93)
    assert bp.pulse_rate == Decimal(72)
    assert bp.unit == "mmHg"
    assert bp.timestamp == datetime(2026, 12, 5, 8, 30, 0)  # noqa: DTZ001  # device local time
    assert bp.user_id is None
    assert bp.status == ()
    assert bp.observations() == (
        Observation(Parameter.SYSTOLIC, Decimal(120)),
        Observation(Parameter.DIASTOLIC, Decimal(80)),
        Observation(Parameter.MEAN_ARTERIAL, Decimal(93)),
        Observation(Parameter.HEART_RATE, Decimal(72)),
    )


def test_blood_pressure_in_kpa_with_user_and_status() -> None:
    # flags 0x19 = kPa (bit 0) + user id (bit 3) + status (bit 4)
    # 16.0 kPa = mantissa 160 exponent -1 → 0xF0A0 → A0 F0; 10.7 kPa = 107e-1 → 0xF06B
    # MAP NaN (07FF); user 2; status 0x0005 = body movement (bit 0) + irregular pulse (bit 2)
    bp = decode_blood_pressure(bytes.fromhex("19 A0F0 6BF0 FF07 02 0500"))
    assert bp.unit == "kPa"
    assert bp.systolic == Decimal("120.0")  # 16.0 × 7.50062 = 120.00992
    assert bp.diastolic == Decimal("80.3")  # 10.7 × 7.50062 = 80.256634
    assert bp.mean_arterial is None
    assert bp.user_id == 2
    assert bp.status == ("body_movement", "irregular_pulse")


def test_blood_pressure_pulse_range_bits() -> None:
    # status 0x0008: bits 3-4 = 01 → pulse above range
    bp = decode_blood_pressure(bytes.fromhex("10 7800 5000 5D00 0800"))
    assert bp.status == ("pulse_above_range",)


def test_blood_pressure_systolic_nan_is_refused() -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_blood_pressure(bytes.fromhex("00 FF07 5000 5D00"))
    assert exc.value.code == "gatt_special_value"


@pytest.mark.parametrize(
    "hexbytes",
    [
        "06 7800 5000 5D00 EA07 0C 05 08 1E 00 48",  # pulse cut in half
        "06 7800 5000 5D00 EA07 0C",  # timestamp cut
        "00 7800",  # diastolic missing
        "06",
    ],
)
def test_truncated_blood_pressure_is_a_stable_error(hexbytes: str) -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_blood_pressure(bytes.fromhex(hexbytes))
    assert exc.value.code == "gatt_truncated"


def test_trailing_bytes_and_bad_timestamp_are_refused() -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_blood_pressure(bytes.fromhex("00 7800 5000 5D00 00"))
    assert exc.value.code == "gatt_trailing_bytes"
    # month 13
    with pytest.raises(GattDecodeError) as exc:
        decode_blood_pressure(bytes.fromhex("02 7800 5000 5D00 EA07 0D 05 08 1E 00"))
    assert exc.value.code == "gatt_bad_timestamp"


def test_heart_rate_uint8_with_contact() -> None:
    # flags 0x06: contact supported (bit 2) and detected (bit 1); 72 bpm
    hr = decode_heart_rate(bytes.fromhex("06 48"))
    assert hr.heart_rate == 72
    assert hr.sensor_contact is True
    assert hr.energy_expended_kj is None
    assert hr.rr_intervals == ()


def test_heart_rate_uint16_energy_and_rr() -> None:
    # flags 0x19: uint16 (bit 0), energy (bit 3), RR (bit 4); 310 bpm = 0x0136
    # energy 1000 kJ = 0x03E8; RR 1024/1024 = 1.000 s (0x0400), 512/1024 = 0.5 s (0x0200)
    hr = decode_heart_rate(bytes.fromhex("19 3601 E803 0004 0002"))
    assert hr.heart_rate == 310
    assert hr.sensor_contact is None
    assert hr.energy_expended_kj == 1000
    assert hr.rr_intervals == (Decimal("1.000"), Decimal("0.500"))


def test_heart_rate_odd_rr_bytes_are_truncated() -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_heart_rate(bytes.fromhex("10 48 0004 02"))
    assert exc.value.code == "gatt_truncated"


def test_plx_spot_check_97_percent_pulse_68_with_status() -> None:
    # flags 0x03: timestamp (bit 0) + measurement status (bit 1)
    # SpO2 97 = 0x0061; PR 68 = 0x0044; 2026-12-05 07:00:00
    # status 0x4000: questionable measurement (bit 14)
    plx = decode_plx_spot_check(bytes.fromhex("03 6100 4400 EA07 0C 05 07 00 00 0040"))
    assert plx.spo2 == Decimal(97)
    assert plx.pulse_rate == Decimal(68)
    assert plx.timestamp == datetime(2026, 12, 5, 7, 0, 0)  # noqa: DTZ001  # device local time
    assert plx.status == ("questionable_measurement",)
    assert plx.unreliable is True
    assert plx.clock_not_set is False


def test_plx_with_sensor_status_and_pai() -> None:
    # flags 0x1C: device/sensor status (bit 2), PAI (bit 3), clock not set (bit 4)
    # sensor status 0x000020 = low perfusion (bit 5); PAI 2.5 % = 25e-1 → 0xF019
    plx = decode_plx_spot_check(bytes.fromhex("1C 6100 4400 200000 19F0"))
    assert plx.status == ("low_perfusion",)
    assert plx.unreliable is False
    assert plx.clock_not_set is True
    assert plx.pulse_amplitude_index == Decimal("2.5")


def test_temperature_celsius_float_with_type() -> None:
    # flags 0x06: timestamp + type; 38.2 °C = 382e-1 → exponent 0xFF, mantissa 0x00017E
    # → 7E 01 00 FF; type 1 = armpit
    t = decode_temperature(bytes.fromhex("06 7E0100FF EA07 0C 05 14 00 00 01"))
    assert t.celsius == Decimal("38.2")
    assert t.unit == "°C"
    assert t.timestamp == datetime(2026, 12, 5, 20, 0, 0)  # noqa: DTZ001  # device local time
    assert t.site == "armpit"


def test_temperature_fahrenheit_is_converted() -> None:
    # 100.4 °F = 1004e-1 → 0xFF0003EC → EC 03 00 FF; (100.4 − 32) × 5/9 = 38.00 °C
    t = decode_temperature(bytes.fromhex("01 EC0300FF"))
    assert t.unit == "°F"
    assert t.celsius == Decimal("38.00")


def test_temperature_unknown_type_and_nres() -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_temperature(bytes.fromhex("04 7E0100FF 0A"))
    assert exc.value.code == "gatt_bad_temperature_type"
    with pytest.raises(GattDecodeError) as exc:
        decode_temperature(bytes.fromhex("00 00008000"))  # NRes
    assert exc.value.code == "gatt_special_value"


def test_weight_si_with_bmi_and_height() -> None:
    # flags 0x08: BMI and height; 70.5 kg / 0.005 = 14100 = 0x3714 → 14 37
    # BMI 23.0 → 230 = 0x00E6; height 1.750 m → 1750 = 0x06D6
    w = decode_weight(bytes.fromhex("08 1437 E600 D606"))
    assert w.kilograms == Decimal("70.500")
    assert w.unit == "kg"
    assert w.bmi == Decimal("23")
    assert w.height_m == Decimal("1.75")


def test_weight_imperial_and_user() -> None:
    # flags 0x0D: imperial + user + BMI/height; 155.00 lb → 15500 = 0x3C8C
    # 155 × 0.45359237 = 70.30681735 → 70.307 kg; user 1
    # BMI 22.9 → 229 = 0x00E5; 69.0 in → 690 = 0x02B2 → 69 × 0.0254 = 1.7526 → 1.753 m
    w = decode_weight(bytes.fromhex("0D 8C3C 01 E500 B202"))
    assert w.kilograms == Decimal("70.307")
    assert w.unit == "lb"
    assert w.user_id == 1
    assert w.bmi == Decimal("22.9")
    assert w.height_m == Decimal("1.753")


def test_weight_unsuccessful() -> None:
    with pytest.raises(GattDecodeError) as exc:
        decode_weight(bytes.fromhex("00 FFFF"))
    assert exc.value.code == "gatt_measurement_unsuccessful"


def test_dispatch_and_unknown_characteristic() -> None:
    assert decode_measurement(BLOOD_PRESSURE, BP_120_80_PULSE_72).systolic == 120  # type: ignore[union-attr]  # the BP branch
    for uuid in (HEART_RATE, PLX_SPOT_CHECK, TEMPERATURE, WEIGHT):
        with pytest.raises(GattDecodeError):
            decode_measurement(uuid, b"")
    with pytest.raises(GattDecodeError) as exc:
        decode_measurement(0x2A18, BP_120_80_PULSE_72)  # glucose: not supported
    assert exc.value.code == "gatt_unsupported_characteristic"


# --- IEEE 11073 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (0x0078, Decimal(120)),
        (0xF16E, Decimal("36.6")),  # mantissa 0x16E = 366, exponent -1
        (0x0FFF, Decimal("-1")),  # mantissa -1 (0xFFF), exponent 0
        (0x1FFF, Decimal("-10")),  # mantissa -1, exponent 1
        (0x8001, Decimal("1E-8")),
        (0x77FD, Decimal("2045E7")),
    ],
)
def test_sfloat_known_values(raw: int, value: Decimal) -> None:
    assert decode_sfloat(raw) == value


@pytest.mark.parametrize(
    ("raw", "special"),
    [
        (0x07FF, Special.NAN),
        (0x0800, Special.NRES),
        (0x07FE, Special.POSITIVE_INFINITY),
        (0x0802, Special.NEGATIVE_INFINITY),
        (0x0801, Special.RESERVED),
    ],
)
def test_sfloat_special_values(raw: int, special: Special) -> None:
    assert decode_sfloat(raw) is special


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (0x007FFFFF, Special.NAN),
        (0x00800000, Special.NRES),
        (0x007FFFFE, Special.POSITIVE_INFINITY),
        (0x00800002, Special.NEGATIVE_INFINITY),
        (0x00800001, Special.RESERVED),
        (0xFF00016E, Decimal("36.6")),
        (0xFEFFFFFF, Decimal("-0.01")),  # mantissa -1, exponent -2
    ],
)
def test_float_values(raw: int, value: Decimal | Special) -> None:
    assert decode_float(raw) == value


@given(
    mantissa=st.integers(min_value=-2045, max_value=2045),
    exponent=st.integers(min_value=-8, max_value=7),
)
def test_sfloat_round_trip(mantissa: int, exponent: int) -> None:
    value = Decimal(mantissa).scaleb(exponent)
    raw = encode_sfloat(value)
    assert decode_sfloat(raw) == value
    assert 0 <= raw <= 0xFFFF


@given(raw=st.integers(min_value=0, max_value=0xFFFF))
def test_every_sfloat_decodes_to_a_number_or_a_special(raw: int) -> None:
    value = decode_sfloat(raw)
    if isinstance(value, Special):
        assert raw in {0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801}
    else:
        assert abs(value) <= Decimal(2048) * Decimal(10) ** 7
        assert encode_sfloat(value) is not None


@given(
    uuid=st.sampled_from([BLOOD_PRESSURE, HEART_RATE, PLX_SPOT_CHECK, TEMPERATURE, WEIGHT]),
    data=st.binary(max_size=40),
)
def test_arbitrary_bytes_decode_or_raise_the_stable_error(uuid: int, data: bytes) -> None:
    try:
        decode_measurement(uuid, data)
    except GattDecodeError as exc:
        assert exc.code.startswith("gatt_")
