"""Fixtures of the ward therapy's tests: Mario Rossi in bed 12 of MED2, and the morning of
10/03/2026 (``corsia.testing.therapy``): paracetamol signed at 07:00, its 08:00 dose given
at 08:05."""

from __future__ import annotations

import pytest

from corsia.testing.accounts import MakeUser
from corsia.testing.therapy import (
    Ward12,
    eight_o_clock_given,
    inpatient_in_bed,
    paracetamol_signed,
)
from corsia.therapy.models import DoseRecord, WardPrescription


@pytest.fixture
def ward(make_user: MakeUser) -> Ward12:
    return inpatient_in_bed(make_user)


@pytest.fixture
def rx(ward: Ward12) -> WardPrescription:
    return paracetamol_signed(ward)


@pytest.fixture
def given(ward: Ward12, rx: WardPrescription) -> DoseRecord:
    return eight_o_clock_given(ward, rx)
