"""The bedside start writes the preparation's first administration start (compounding's
``preparation_administration_started``, same transaction): what the pharmacy's timing
report reads. FOLFOX-4 day 1 of corsia/testing/administration.py."""

from __future__ import annotations

import pytest

from corsia.compounding.models import Preparation
from corsia.testing.administration import Folfox, give, verify

pytestmark = pytest.mark.django_db


def test_the_start_at_the_bedside_is_kept_on_the_preparation(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])  # ward drugs: no preparation of the pharmacy
    give(folfox, folfox.items["dexamethasone"])
    oxaliplatin = Preparation.objects.get(label_code=folfox.label("oxaliplatin"))
    assert oxaliplatin.first_administration_started_at is None

    # a refused scan (another patient's wristband) starts nothing: nothing is written
    refused = verify(folfox, "oxaliplatin", wristband=f"PZ{folfox.other_patient.mrn}")
    assert not refused.allowed
    oxaliplatin.refresh_from_db()
    assert oxaliplatin.first_administration_started_at is None

    started = verify(folfox, "oxaliplatin")
    assert started.allowed, [r.code for r in started.refusals]
    oxaliplatin.refresh_from_db()
    assert oxaliplatin.first_administration_started_at == started.administration.started_at
    # the other preparations of the day, not given yet, have no start
    others = Preparation.objects.exclude(pk=oxaliplatin.pk).exclude(label_code=None)
    assert others.exists()
    assert not others.filter(first_administration_started_at__isnull=False).exists()
