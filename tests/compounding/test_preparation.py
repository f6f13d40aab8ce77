"""Completing a preparation: reference values computed by hand in each test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from corsia.compounding.domain.preparation import (
    GLUCOSE_5,
    NACL_09,
    CarrierBag,
    PreparationImpossible,
    complete_preparation,
    volume_to_draw,
)
from corsia.compounding.domain.product import (
    PhysicalState,
    ProductData,
    ProductDataInvalid,
    StorageTemperature,
    storage_temperature_from_text,
)
from corsia.core.domain.errors import ValidationFailed
from corsia.testing.compounding import herceptin, oxaliplatin, paclitaxel

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_oxaliplatin_170_mg_goes_into_250_ml_of_glucose() -> None:
    # given 170 mg of oxaliplatin 5 mg/mL: 170 / 5 = 34 mL to draw
    # 100 mL bag: 170 / 134 = 1.2687 mg/mL > 0.7 (too concentrated)
    # 250 mL bag: 170 / 284 = 0.598591... mg/mL, inside 0.2-0.7
    prep = complete_preparation(dose_mg=Decimal(170), product=oxaliplatin(), prepared_at=AT)
    assert prep.volume_to_draw_ml == Decimal("34.00")
    assert prep.bag == CarrierBag(GLUCOSE_5, Decimal(250))
    assert prep.final_volume_ml == Decimal("284.00")
    assert prep.final_concentration_mg_ml == Decimal("0.5986")
    assert prep.expiry == AT + timedelta(hours=24)
    assert prep.expiry_limited_by_opened_vial is False
    assert prep.storage is StorageTemperature.REFRIGERATED
    assert prep.protect_from_light is False
    assert prep.warnings == ("Conservare in frigorifero (2-8 °C)",)


def test_small_dose_fits_the_100_ml_bag() -> None:
    # 30 mg -> 6 mL; 30 / 106 = 0.2830 mg/mL, inside 0.2-0.7
    prep = complete_preparation(dose_mg=Decimal(30), product=oxaliplatin(), prepared_at=AT)
    assert prep.bag.nominal_ml == Decimal(100)
    assert prep.final_concentration_mg_ml == Decimal("0.2830")


def test_bag_overfill_counts_in_the_final_volume() -> None:
    # 170 mg -> 34 mL; 250 mL bag with 15 mL overfill: 170 / 299 = 0.568561... mg/mL
    bags = (CarrierBag(GLUCOSE_5, Decimal(250), Decimal(15)),)
    prep = complete_preparation(
        dose_mg=Decimal(170), product=oxaliplatin(), prepared_at=AT, bags=bags
    )
    assert prep.final_volume_ml == Decimal("299.00")
    assert prep.final_concentration_mg_ml == Decimal("0.5686")


def test_dose_too_high_for_every_bag_is_refused_in_italian() -> None:
    # 1000 mg -> 200 mL; even the 1000 mL bag gives 1000 / 1200 = 0.8333 > 0.7
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(dose_mg=Decimal(1000), product=oxaliplatin(), prepared_at=AT)
    assert error.value.code == "final_concentration_out_of_range"
    assert "oxaliplatino 1000 mg" in error.value.message
    assert "da 0,2 a 0,7 mg/mL" in error.value.message
    assert "glucosio 5% 1000 mL: 0,8333 mg/mL" in error.value.message


def test_dose_too_low_for_every_bag_is_refused() -> None:
    # 15 mg -> 3 mL; the smallest bag gives 15 / 103 = 0.1456 < 0.2
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(dose_mg=Decimal(15), product=oxaliplatin(), prepared_at=AT)
    assert error.value.code == "final_concentration_out_of_range"


def test_incompatible_diluent_is_refused() -> None:
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(
            dose_mg=Decimal(170), product=oxaliplatin(), prepared_at=AT, diluent=NACL_09
        )
    assert error.value.code == "incompatible_diluent"
    assert "sodio cloruro 0,9% non è compatibile con oxaliplatino" in error.value.message


def test_requested_bag_outside_the_range_is_refused() -> None:
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(
            dose_mg=Decimal(170),
            product=oxaliplatin(),
            prepared_at=AT,
            bag_volume_ml=Decimal(100),
        )
    assert error.value.code == "final_concentration_out_of_range"


def test_paclitaxel_warnings_and_room_temperature() -> None:
    # 315 mg -> 52.5 mL; NaCl 100: 315 / 152.5 = 2.0656 > 1.2; NaCl 250: 315 / 302.5 = 1.041322
    prep = complete_preparation(dose_mg=Decimal(315), product=paclitaxel(), prepared_at=AT)
    assert prep.volume_to_draw_ml == Decimal("52.50")
    assert prep.bag == CarrierBag(NACL_09, Decimal(250))
    assert prep.final_concentration_mg_ml == Decimal("1.0413")
    assert prep.expiry == AT + timedelta(hours=27)
    assert prep.storage is StorageTemperature.ROOM
    assert prep.protect_from_light is True
    assert prep.warnings == (
        "Conservare a temperatura ambiente (non oltre 25 °C)",
        "Proteggere dalla luce (sacca e deflussore fotoprotettivi)",
        "Usare sacca e set di infusione senza PVC/DEHP",
        "Somministrare con filtro in linea 0,22 µm",
    )


def test_reconstituted_vial_opened_earlier_limits_the_expiry() -> None:
    # Herceptin reconstituted 30 h before: 48 h - 30 h = 18 h left, less than the 24 h diluted
    # 420 mg / 21 mg/mL = 20 mL; no range in the archive -> smallest NaCl bag (100 mL)
    prep = complete_preparation(
        dose_mg=Decimal(420),
        product=herceptin(),
        prepared_at=AT,
        opened_at=AT - timedelta(hours=30),
    )
    assert prep.volume_to_draw_ml == Decimal("20.00")
    assert prep.bag == CarrierBag(NACL_09, Decimal(100))
    assert prep.expiry == AT + timedelta(hours=18)
    assert prep.expiry_limited_by_opened_vial is True
    assert (
        prep.warnings[-1] == "Scadenza limitata dalla stabilità del flacone aperto o ricostituito"
    )


def test_fresh_reconstitution_keeps_the_diluted_stability() -> None:
    prep = complete_preparation(dose_mg=Decimal(420), product=herceptin(), prepared_at=AT)
    assert prep.expiry == AT + timedelta(hours=24)


def test_reconstituted_vial_out_of_stability_is_refused() -> None:
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(
            dose_mg=Decimal(420),
            product=herceptin(),
            prepared_at=AT,
            opened_at=AT - timedelta(hours=48),
        )
    assert error.value.code == "opened_vial_expired"


def test_volume_to_draw_rounds_half_up_to_hundredths() -> None:
    # 127.53 mg / 6 mg/mL = 21.255 mL -> 21.26 mL
    assert volume_to_draw(Decimal("127.53"), paclitaxel()) == Decimal("21.26")


@pytest.mark.parametrize("dose", [Decimal(0), Decimal(-5)])
def test_non_positive_dose_is_refused(dose: Decimal) -> None:
    with pytest.raises(ValidationFailed) as error:
        complete_preparation(dose_mg=dose, product=oxaliplatin(), prepared_at=AT)
    assert error.value.field == "dose_mg"


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        complete_preparation(
            dose_mg=Decimal(170),
            product=oxaliplatin(),
            prepared_at=datetime(2026, 3, 2, 9, 0),  # noqa: DTZ001 - the point of the test
        )


def test_product_without_diluted_stability_is_refused() -> None:
    product = ProductData(
        code="x",
        ingredient_code="x",
        ingredient_name="x",
        name="X",
        strength_mg=Decimal(10),
        physical_state=PhysicalState.SOLUTION,
        concentration_mg_ml=Decimal(1),
        family="x",
        compatible_diluents=(NACL_09,),
    )
    with pytest.raises(PreparationImpossible) as error:
        complete_preparation(dose_mg=Decimal(10), product=product, prepared_at=AT)
    assert error.value.code == "stability_unknown"


def test_powder_without_reconstitution_volume_is_invalid_product_data() -> None:
    with pytest.raises(ProductDataInvalid):
        ProductData(
            code="x",
            ingredient_code="x",
            ingredient_name="x",
            name="X",
            strength_mg=Decimal(10),
            physical_state=PhysicalState.POWDER,
            concentration_mg_ml=Decimal(1),
            family="x",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2-8 °C", StorageTemperature.REFRIGERATED),
        ("25 °C", StorageTemperature.ROOM),
        ("≤ 25 °C", StorageTemperature.ROOM),
        ("-20 °C", None),
        ("", None),
    ],
)
def test_archive_temperatures_are_read(text: str, expected: StorageTemperature | None) -> None:
    assert storage_temperature_from_text(text) is expected
