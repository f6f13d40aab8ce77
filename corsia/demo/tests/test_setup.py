"""`make run`'s loading step: the reference data and the demo hospital load, twice, cleanly."""

from __future__ import annotations

import pytest
from codicefiscale import codicefiscale
from django.test import override_settings
from django.utils import timezone

from corsia.demo import setup
from corsia.patients.models import Encounter, Patient, Ward
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
    # and the demo hospital has its wards and at least 50 patients with valid codici fiscali
    assert Ward.objects.filter(code="DHONC").get().places.filter(kind="chair").count() == 20
    assert Patient.objects.count() >= 50
    assert Patient.objects.filter(date_of_birth__year__gte=2008).count() >= 4
    assert Encounter.objects.filter(state="active", ward__code="OEP").exists()
    for code in Patient.objects.exclude(codice_fiscale="").values_list("codice_fiscale", flat=True):
        assert codicefiscale.is_valid(code), code
    assert "demo wards, beds and chairs: 0 created" in second
    assert "demo patients: 0 created" in second
    # and the demo stock: FOLFOX lots on the shelves, one expired, loaded once
    from corsia.inventory.models import StockLot

    assert StockLot.objects.filter(product__ingredient__code="oxaliplatin").count() >= 2
    assert StockLot.objects.filter(lot="FU5G-2312", quantity__gt=0).exists()  # expired lot
    assert "demo stock: 0 movements created" in second
    # and today's orders at the bedside are planned in a chair, once
    from corsia.administration.models import Appointment

    planned = Appointment.objects.filter(day=timezone.localdate())
    assert planned.exists()
    assert all(a.place is not None and a.place.kind == "chair" for a in planned)
    assert "demo appointments: 0 created" in second
    # and one patient is allergic to carboplatin, another said to have no known allergies
    from corsia.patients.models import Allergy, NoKnownAllergies

    assert Allergy.objects.filter(ingredient__code="carboplatin", certainty="confirmed").exists()
    assert NoKnownAllergies.objects.filter(ended_at__isnull=True).count() == 1
    assert "demo allergies: 0 created" in second
    # and a clinical trial with one patient enrolled and the demo monitor assigned, once
    from corsia.regimens.models import TrialEnrollment, TrialMonitorAssignment

    assert "demo clinical trial: 1 created" in first
    assert "demo clinical trial: 0 created" in second
    assert TrialEnrollment.objects.get().subject_code == "CRC-001"
    assert TrialMonitorAssignment.objects.get().user.username == "monitor"
    # and two charts with diagnosis, vitals and markers, once
    assert "demo charts: 2 created" in first
    assert "demo charts: 0 created" in second
