"""Which of two overlapping bookings of one person gives way when the two registrations are
merged (pure): the one the patient went further with stands; a tie goes to the survivor."""

from __future__ import annotations

import pytest

from corsia.agenda.domain.merge import Settle, settle_overlap


@pytest.mark.parametrize(
    ("duplicate", "survivors", "expected"),
    [
        ("planned", ["planned"], Settle.CANCEL_DUPLICATE),  # a tie: the survivor's stands
        ("confirmed", ["planned"], Settle.CANCEL_SURVIVORS),
        ("planned", ["confirmed"], Settle.CANCEL_DUPLICATE),
        ("arrived", ["planned", "confirmed"], Settle.CANCEL_SURVIVORS),
        ("arrived", ["arrived"], Settle.CANCEL_DUPLICATE),
        ("arrived", ["planned", "started"], Settle.CANCEL_DUPLICATE),
        ("started", ["arrived"], Settle.CANCEL_SURVIVORS),
        ("done", ["planned"], Settle.CANCEL_SURVIVORS),
        ("planned", ["done"], Settle.CANCEL_DUPLICATE),
        ("started", ["done"], Settle.LEAVE_DUPLICATE),  # both happened: nothing cancellable
        ("done", ["started", "planned"], Settle.LEAVE_DUPLICATE),
    ],
)
def test_the_booking_that_went_further_stands(
    duplicate: str, survivors: list[str], expected: Settle
) -> None:
    assert settle_overlap(duplicate, survivors) is expected


def test_an_overlap_needs_a_booking_on_the_other_side() -> None:
    with pytest.raises(ValueError, match="at least one"):
        settle_overlap("planned", [])
