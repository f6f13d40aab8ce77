"""The label's content from the compounding sequence, against hand figures: the adult
example's 1895 mL over 24 h is 78.958… → 79.0 mL/h; over 20 h, 94.75 → 94.8 mL/h (half
up); the expiry is the compounding time plus the stability hours; the lines keep the
compounding order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from corsia.nutrition import reference
from corsia.nutrition.domain.composition import Item, Unit, compose
from corsia.nutrition.domain.label import bag_label
from corsia.nutrition.domain.sheet import Step, compounding_sequence
from corsia.nutrition.schemas import ADULT_EXAMPLE


def _steps(hours: Decimal) -> tuple[Step, ...]:
    composition = compose(
        items=[
            Item(c["code"], Decimal(str(c["amount"])), Unit(c["unit"]))
            for c in ADULT_EXAMPLE["components"]
        ],
        catalogue=reference.catalogue(),
        weight_kg=Decimal(70),
        infusion_hours=hours,
    )
    return compounding_sequence(composition.parts)


def test_rate_volume_expiry_and_lines() -> None:
    prepared = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    label = bag_label(
        bag_id="NPT-7", patient="Rossi Mario", route="centrale", steps=_steps(Decimal(24)),
        infusion_hours=Decimal(24), prepared_at=prepared, stability_hours=24,
    )  # fmt: skip
    assert (label.volume_ml, label.rate_ml_h) == (Decimal("1895.0"), Decimal("79.0"))
    assert label.expires_at == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    names = [line.name for line in label.lines]
    assert names[0] == "Aminoven 10%" and names[-1] == "SMOFlipid 20%"
    assert names.index("Glycophos (sodio glicerofosfato)") < names.index("Calcio gluconato 10%")
    calcium = next(line for line in label.lines if line.name == "Calcio gluconato 10%")
    # 4.5 mmol / 0.225 mmol/mL = 20 mL
    assert (calcium.prescribed, calcium.volume_ml) == ("4.5 mmol", Decimal("20.0"))


def test_rate_rounds_half_up_and_no_expiry_before_compounding() -> None:
    label = bag_label(
        bag_id="NPT-8", patient="x", route="centrale", steps=_steps(Decimal(20)),
        infusion_hours=Decimal(20), prepared_at=None, stability_hours=24,
    )  # fmt: skip
    assert label.rate_ml_h == Decimal("94.8")  # 1895 / 20 = 94.75
    assert label.expires_at is None
