"""Leftovers: usable only in stability and only for a product they may be shared with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from corsia.compounding.domain.leftovers import (
    Leftover,
    LeftoverRefused,
    check_leftover_use,
    is_usable,
    split_waste,
)
from corsia.compounding.domain.product import StorageTemperature, may_share
from corsia.core.domain.errors import ValidationFailed
from corsia.testing.compounding import herceptin, ontruzant, oxaliplatin

OPENED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FRIDGE = StorageTemperature.REFRIGERATED


def herceptin_leftover(**changes: object) -> Leftover:
    values: dict[str, object] = {
        "id": "L1",
        "product": herceptin(),
        "lot": "H123",
        "volume_ml": Decimal("2.4"),
        "opened_at": OPENED,
        "storage": FRIDGE,
        "protected_from_light": False,
    }
    values.update(changes)
    return Leftover(**values)  # type: ignore[arg-type]  # test factory with overrides


def test_mg_available_is_volume_times_concentration() -> None:
    # 2.4 mL at 21 mg/mL = 50.4 mg
    assert herceptin_leftover().mg_available == Decimal("50.4")


def test_refrigerated_reconstituted_herceptin_keeps_48_hours() -> None:
    leftover = herceptin_leftover()
    assert leftover.expiry == OPENED + timedelta(hours=48)
    just_before = OPENED + timedelta(hours=47, minutes=59)
    assert is_usable(leftover=leftover, product=herceptin(), now=just_before)
    assert not is_usable(leftover=leftover, product=herceptin(), now=OPENED + timedelta(hours=48))


def test_expired_leftover_is_refused_and_is_waste() -> None:
    leftover = herceptin_leftover()
    at = OPENED + timedelta(hours=49)
    with pytest.raises(LeftoverRefused) as error:
        check_leftover_use(leftover=leftover, product=herceptin(), now=at)
    assert error.value.code == "leftover_expired"
    assert error.value.message == (
        "Residuo lotto H123 fuori stabilità dal 04/03/2026 08:00: va eliminato."
    )
    assert split_waste([leftover], at) == ((), (leftover,))
    assert split_waste([leftover], OPENED + timedelta(hours=1)) == ((leftover,), ())


def test_leftover_kept_at_room_temperature_has_no_stability() -> None:
    leftover = herceptin_leftover(storage=StorageTemperature.ROOM)
    assert leftover.expiry == OPENED
    assert not is_usable(leftover=leftover, product=herceptin(), now=OPENED + timedelta(minutes=1))


def test_leftover_is_never_shared_with_a_biosimilar() -> None:
    with pytest.raises(LeftoverRefused) as error:
        check_leftover_use(
            leftover=herceptin_leftover(),
            product=ontruzant(),
            now=OPENED + timedelta(hours=1),
        )
    assert error.value.code == "leftover_other_product"
    assert not may_share(ontruzant(), herceptin())


def test_other_strengths_of_the_same_family_share() -> None:
    leftover = Leftover(
        id="L2",
        product=oxaliplatin(50),
        lot="OX1",
        volume_ml=Decimal(4),
        opened_at=OPENED,
        storage=FRIDGE,
        protected_from_light=False,
    )
    # 4 mL at 5 mg/mL = 20 mg, usable for a preparation drawn from the 100 mg presentation
    assert leftover.mg_available == Decimal(20)
    assert is_usable(leftover=leftover, product=oxaliplatin(100), now=OPENED + timedelta(hours=3))


def test_different_concentration_is_not_shared() -> None:
    other = oxaliplatin(100)
    from dataclasses import replace

    concentrated = replace(other, code="oxaliplatin_other", concentration_mg_ml=Decimal(2))
    assert not may_share(oxaliplatin(50), concentrated)


def test_leftover_requires_lot_and_non_negative_volume() -> None:
    with pytest.raises(ValidationFailed):
        herceptin_leftover(lot=" ")
    with pytest.raises(ValidationFailed):
        herceptin_leftover(volume_ml=Decimal(-1))


def test_empty_leftover_is_waste() -> None:
    empty = herceptin_leftover(volume_ml=Decimal(0))
    assert split_waste([empty], OPENED) == ((), (empty,))
    with pytest.raises(LeftoverRefused) as error:
        check_leftover_use(leftover=empty, product=herceptin(), now=OPENED)
    assert error.value.code == "leftover_empty"


def test_leftover_needing_the_dark_kept_in_the_light_has_no_stability() -> None:
    from dataclasses import replace

    from corsia.compounding.domain.product import Stability

    dark = replace(herceptin(), reconstituted=Stability(Decimal(48), FRIDGE, True))
    assert herceptin_leftover(product=dark).expiry == OPENED
    assert herceptin_leftover(product=dark, protected_from_light=True).expiry == OPENED + timedelta(
        hours=48
    )
