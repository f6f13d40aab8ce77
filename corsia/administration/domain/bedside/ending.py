"""The end of an administration: the volume given, and when the order is complete."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from corsia.administration.domain.bedside.scan import Progress
from corsia.core.domain.errors import ValidationFailed


class VolumeRefused(ValidationFailed):
    code = "volume_invalid"


def volume_given_check(*, volume_given_ml: Decimal, bag_volume_ml: Decimal | None) -> None:
    """A volume given is positive or zero and never more than the bag held."""
    if not volume_given_ml.is_finite() or volume_given_ml < 0:
        raise VolumeRefused(
            "Il volume somministrato deve essere zero o positivo.",
            code="volume_negative",
            field="volume_given_ml",
        )
    if bag_volume_ml is not None and volume_given_ml > bag_volume_ml:
        raise VolumeRefused(
            f"Il volume somministrato ({volume_given_ml} mL) supera il volume della sacca "
            f"({bag_volume_ml} mL).",
            code="volume_above_bag",
            field="volume_given_ml",
        )


def item_complete(progresses: Sequence[Progress]) -> bool:
    """All the order's active items are done (completed or a documented partial)."""
    return bool(progresses) and all(p is Progress.DONE for p in progresses)
