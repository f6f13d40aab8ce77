"""Answers of the nursing scales the tests share (hand-scored in the comments), and the
fixture of the shipped scales."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.nursing.services import scales_reference_load


def shipped_scales() -> Any:
    """A fixture, named by the conftest name it is assigned to: the scales Corsia ships
    (Braden, VIP, ...) loaded (``scales = shipped_scales()``)."""

    def scales(db: None) -> None:
        scales_reference_load()

    return pytest.fixture(scales)


BRADEN_11 = {
    # 2 + 3 + 1 + 2 + 2 + 1 = 11: high risk (10-12, Bergstrom et al. 1998)
    "sensory": "2",
    "moisture": "3",
    "activity": "1",
    "mobility": "2",
    "nutrition": "2",
    "friction": "1",
}
# activity, mobility and nutrition 3: 2 + 3 + 3 + 3 + 3 + 1 = 15: mild risk (15-18)
BRADEN_15 = {**BRADEN_11, "activity": "3", "mobility": "3", "nutrition": "3"}
