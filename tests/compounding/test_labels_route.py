"""Label route warnings and dose units (pure): ISMP and NHS England practice.

Intrathecal: its own style (yellow band on the PDF, inverted band on the thermal label)
and «SOLO PER USO INTRATECALE». Vinca alkaloids (ATC L01CA): «PER USO ENDOVENOSO -
FATALE SE SOMMINISTRATO PER ALTRE VIE». A dose in UI is printed in UI, never mg.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from corsia.compounding.domain.labels import (
    INTRATHECAL_WARNING,
    VINCA_WARNING,
    LabelStyle,
    PreparationLabel,
    dose_text,
    is_vinca_alkaloid,
    label_style,
    preparation_label_zpl,
)
from corsia.compounding.domain.product import StorageTemperature, it_number
from corsia.compounding.domain.transport import min_max_readings, outside_range
from corsia.core.domain.errors import ValidationFailed

AT = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))


def label(**kw: object) -> PreparationLabel:
    values: dict[str, object] = {
        "code": "PRP000000042",
        "patient_name": "ROSSI Luca",
        "patient_born": date(2016, 3, 1),
        "patient_mrn": "0000123",
        "ward": "Oncoematologia pediatrica",
        "drug": "Metotrexato",
        "dose": "12 mg",
        "final_volume": "6 mL",
        "diluent": "-",
        "route": "Intratecale",
        "prepared_at": AT,
        "expiry": AT,
        "storage": "Conservare a temperatura ambiente (non oltre 25 °C)",
        "protect_from_light": True,
    }
    values.update(kw)
    return PreparationLabel(**values)  # type: ignore[arg-type]  # test factory


def test_H27_warnings_are_the_ismp_wordings_in_italian() -> None:
    assert INTRATHECAL_WARNING == "SOLO PER USO INTRATECALE"
    assert VINCA_WARNING == "PER USO ENDOVENOSO - FATALE SE SOMMINISTRATO PER ALTRE VIE"


@pytest.mark.parametrize(
    ("route", "atc", "style"),
    [
        ("it", ["L01BA01"], LabelStyle.INTRATHECAL),  # methotrexate intrathecal
        ("it", ["L01BC01"], LabelStyle.INTRATHECAL),  # cytarabine intrathecal
        ("iv", ["L01BA01"], LabelStyle.STANDARD),  # methotrexate IV
        ("iv", ["L01CA02"], LabelStyle.VINCA),  # vincristine
        ("iv", ["L01CA04"], LabelStyle.VINCA),  # vinorelbine
        ("it", ["L01CA02"], LabelStyle.VINCA),  # never an IT label on a vinca
        ("iv", ["L01XA03"], LabelStyle.STANDARD),  # oxaliplatin
    ],
)
def test_H27_label_style_by_route_and_atc(route: str, atc: list[str], style: LabelStyle) -> None:
    assert label_style(route=route, atc_codes=atc) is style


def test_H27_vinca_is_recognised_from_any_of_its_atc_codes() -> None:
    assert is_vinca_alkaloid(["", "l01ca01"])
    assert not is_vinca_alkaloid(["L01C", "L01CB01"])  # L01CB: podophyllotoxins


def test_H27_intrathecal_zpl_label_carries_the_warning_in_an_inverted_band_top_and_bottom() -> None:
    zpl = preparation_label_zpl(label(style=LabelStyle.INTRATHECAL))
    assert zpl.count("^FR^A0N,34,34^FDSOLO PER USO INTRATECALE^FS") == 2
    assert zpl.count("^GB812,60,60^FS") == 2  # the black bands
    assert "via Intratecale" in zpl
    assert "^FDPRP000000042^FS" in zpl


def test_H27_vinca_zpl_label_carries_fatal_by_other_routes() -> None:
    zpl = preparation_label_zpl(
        label(drug="Vincristina", dose="2 mg", route="Endovenosa", style=LabelStyle.VINCA)
    )
    assert zpl.count(f"^FD{VINCA_WARNING}^FS") == 2


def test_H27_standard_label_has_no_band() -> None:
    zpl = preparation_label_zpl(label(route="Endovenosa"))
    assert "^FR" not in zpl and "^GB" not in zpl
    assert "^FO30,25^A0N,38,38^FDROSSI Luca^FS" in zpl  # layout of the standard label kept


def test_units_a_dose_in_ui_is_printed_in_ui_never_mg() -> None:
    # asparaginase 10 000 UI (2 500 UI/m² x 4.0 would be adult; here a flat reference)
    assert dose_text(Decimal("10000"), "UI", it_number(Decimal("10000"))) == "10000 UI"
    assert dose_text(Decimal("0.5"), "mg", it_number(Decimal("0.5"))) == "0,5 mg"
    zpl = preparation_label_zpl(label(drug="Asparaginasi", dose="10000 UI", route="Endovenosa"))
    assert (
        "^FDAsparaginasi 10000 UI^FS" in zpl
        and " mg" not in zpl.split("^FDAsparaginasi")[1].split("^FS")[0]
    )
    with pytest.raises(ValueError):
        dose_text(Decimal(1), " ", "1")


def test_CMP13_transport_range_is_judged_per_storage() -> None:
    refrigerated, room = StorageTemperature.REFRIGERATED, StorageTemperature.ROOM
    assert outside_range(refrigerated, Decimal("3.0"), Decimal("9.1"))
    assert outside_range(refrigerated, Decimal("1.9"), Decimal("6.0"))
    assert not outside_range(refrigerated, Decimal("2.0"), Decimal("8.0"))  # limits inclusive
    assert not outside_range(room, Decimal("3.0"), Decimal("9.1"))
    assert not outside_range(room, Decimal("15"), Decimal("25.0"))
    assert outside_range(room, Decimal("15"), Decimal("25.1"))


def test_CMP13_min_max_readings_are_checked() -> None:
    assert min_max_readings(minimum=Decimal("3.5"), maximum=Decimal("7.9")) == (
        Decimal("3.5"),
        Decimal("7.9"),
    )
    with pytest.raises(ValidationFailed) as inverted:
        min_max_readings(minimum=Decimal(9), maximum=Decimal(3))
    assert inverted.value.code == "transport_min_above_max"
    with pytest.raises(ValidationFailed) as absurd:
        min_max_readings(minimum=Decimal(3), maximum=Decimal(480))
    assert absurd.value.code == "transport_temperature_implausible"
