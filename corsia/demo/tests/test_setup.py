"""`make run`'s loading step: the reference data and the demo hospital load, twice, cleanly."""

from __future__ import annotations

import pytest
from django.test import override_settings

from corsia.demo import setup
from corsia.regimens.models import Regimen


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
def test_reference_and_demo_data_load_and_a_second_run_changes_nothing() -> None:
    # given an empty database, when the setup runs
    first = list(setup.reference_data()) + list(setup.demo_hospital())
    # then every preloaded regimen found its ingredients in the shipped drug archive
    assert Regimen.objects.count() >= 80
    assert any("regimen library: " in line and " loaded" in line for line in first)
    # and a second run creates nothing
    second = list(setup.reference_data()) + list(setup.demo_hospital())
    assert "drug archive: 0 created, 0 updated" in " ".join(second)
    assert "regimen library: 0 loaded" in " ".join(second)
    assert "demo users: 0 created" in second
