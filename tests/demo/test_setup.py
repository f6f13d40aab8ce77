"""`make run`'s loading step: the reference data and the demo hospital load, twice, cleanly."""

from __future__ import annotations

from decimal import Decimal

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
    counts_after_first = _chart_counts()
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
    # and a transfusion request with its bags crossmatched, ready at the bedside, made once
    assert any(line.startswith("demo transfusion: request ") for line in first)
    assert "demo transfusion: already there" in second
    # and the day hospital's agenda: a week of bookings, made once
    booked = next(line for line in first if line.startswith("demo day hospital agenda: "))
    assert int(booked.split(": ")[1].split()[0]) >= 3 * 18  # three open days or more
    assert "demo day hospital agenda: 0 bookings created" in second
    # and the demo stock: FOLFOX lots on the shelves, one expired, loaded once
    from corsia.inventory.models import StockLot

    assert StockLot.objects.filter(product__ingredient__code="oxaliplatin").count() >= 2
    assert StockLot.objects.filter(lot="FU5G-2312", quantity__gt=0).exists()  # expired lot
    assert "demo stock: 0 movements created" in second
    # and the day hospital's cabinet: par levels, stock, an urgent request to evaluate, once
    from corsia.inventory.models import ParLevel, WardRequest

    assert ParLevel.objects.filter(cabinet__code="DHONC-ARM").count() == 3
    assert StockLot.objects.filter(location__code="DHONC-ARM", quantity__gt=0).exists()
    waiting = WardRequest.objects.get()
    assert (waiting.state, waiting.urgency, waiting.lines.count()) == ("submitted", "urgent", 2)
    assert "demo ward requests: 1 created" in first
    assert "demo ward requests: 0 created" in second
    # and the direct distribution desk: oral drugs on its shelf, an outpatient with a
    # capecitabine plan (6 a day) and a delegation, made once
    from corsia.dispensing.models import Delegation, TherapyPlan

    assert StockLot.objects.filter(location__code="DD", lot="CAP500-D1").get().quantity == 1200
    plan = TherapyPlan.objects.get()
    assert (plan.product.code, plan.daily_units) == ("capecitabine_500mg_xeloda", Decimal(6))
    assert Delegation.objects.get().patient_id == plan.patient_id
    assert "demo direct distribution desk: already there" in second
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
    # and the first patient is a DPYD intermediate metaboliser: their FOLFOX-4 order warns
    from corsia.prescribing.models import TherapyOrder

    assert "demo pharmacogenomic results: 1 created" in first
    assert "demo pharmacogenomic results: 0 created" in second
    warned = [
        w["message"]
        for o in TherapyOrder.objects.filter(regimen_version__regimen__code="FOLFOX-4")
        for w in o.warnings
        if w["code"] == "pgx_recommendation"
    ]
    assert (
        len(warned) == 1 and "metabolizzatore intermedio (punteggio di attività 1,5)" in warned[0]
    )
    # and a clinical trial with one patient enrolled and the demo monitor assigned, once
    from corsia.regimens.models import TrialEnrollment, TrialMonitorAssignment

    assert "demo clinical trial: 1 created" in first
    assert "demo clinical trial: 0 created" in second
    assert TrialEnrollment.objects.get().subject_code == "CRC-001"
    assert TrialMonitorAssignment.objects.get().user.username == "monitor"
    # and a short chart, the colon patient's stay and the lymphoma chart, once
    assert "demo charts: 1 created" in first
    assert "demo charts: 0 created" in second
    assert "demo stay with discharge letter: 1 created" in first
    assert "demo stay with discharge letter: 0 created" in second
    # whose signed discharge letter is an LDO the FSE gateway's rules accept (the demo
    # physicians have a codice fiscale to sign it with)
    from corsia.fse.sources import letter_cda
    from corsia.fse.validation import validate_cda
    from corsia.records.models import ClinicalLetter

    signed = ClinicalLetter.objects.filter(kind="discharge_letter", status="signed").latest("pk")
    report = validate_cda(letter_cda(signed.pk))
    assert (report.document_type, report.errors) == ("LDO", ()), report.errors
    assert "demo lymphoma chart: 1 created" in first
    assert "demo lymphoma chart: 0 created" in second
    assert _chart_counts() == counts_after_first, "the second run added records"
    # and care at home (issue 25): the portal patient's televisit, readings with a fever
    # over the threshold (urgent: within the cycle's diary days), today's diary, once —
    # the team's worklist shows the alert
    home = next(line for line in first if line.startswith("demo care at home: "))
    assert "televisit " in home and "3 readings, 1 alert; today's diary filled" in home, home
    assert "demo care at home: already there" in second
    from corsia.accounts.models import User
    from corsia.portal.registry import worklist_items
    from corsia.telemedicine.models import Televisit

    visit = Televisit.objects.get()
    assert (visit.state, visit.clinician.username) == ("scheduled", "medico")
    items = worklist_items(user=User.objects.get(username="medico"))
    assert any(i.patient_id == visit.patient_id and i.urgent for i in items), items
    _assert_integrations(first, second)
    _assert_complete_charts()


def _assert_integrations(first: list[str], second: list[str]) -> None:
    """Ward staff for the care scope and the HL7 morning: a registration, an admission, a
    blood count in the chart, a transfer to a ward Corsia lacks left in error; once."""
    from corsia.interop.models import InboundMessage
    from corsia.patients.models import WardAssignment
    from corsia.records.models import LabResult

    # medico ONC+DHONC, medico2 EMA+OEP, infermiere DHONC+ONC, coordinatore DHONC
    assert "demo ward staff (care scope): 7 assignments created" in first
    assert "demo ward staff (care scope): 0 assignments created" in second
    assert WardAssignment.objects.filter(ended_at__isnull=True).count() == 7
    morning = "demo HL7 morning from the ADT and the laboratory: AA, AA, AA, AE"
    assert morning in first and morning in second
    assert InboundMessage.objects.count() == 4
    error = InboundMessage.objects.get(state="error")
    assert error.control_id == "DEMO-ADT-0003" and "PV1^1^3" in error.ack
    anna = Patient.objects.get(codice_fiscale="SPSNNA58L42F839Y")
    stay = Encounter.objects.get(patient=anna, state="active")
    assert stay.place is not None
    assert (stay.ward.code, stay.place.code) == ("ONC", "L19")
    haemoglobin = LabResult.objects.get(patient=anna, analyte="Emoglobina")
    assert (str(haemoglobin.value.normalize()), haemoglobin.flag) == ("10.9", "L")


def _chart_counts() -> dict[str, int]:
    """Every record of the medical record, counted (a second load must add none)."""
    from corsia.documents.models import Document
    from corsia.patients.models import Encounter as EncounterModel
    from corsia.records import models as records

    tables = (
        records.DiaryEntry, records.VitalSigns, records.AnamnesisVersion, records.AnamnesisNote,
        records.Diagnosis, records.PerformanceStatus, records.LabResult, records.DiagnosisStaging,
        records.PrognosticAssessment, records.TreatmentLine, records.TreatmentLineOrder,
        records.TreatmentPlanItem, records.ResponseEvaluation, records.HomeTherapy,
        records.Appointment, records.ClinicalLetter, records.TumourBoard, Document,
        EncounterModel,
    )  # fmt: skip
    return {table.__name__: table.objects.count() for table in tables}


def _assert_complete_charts() -> None:
    from corsia.patients.models import Encounter as EncounterModel
    from corsia.records import models as records
    from corsia.records.selectors import patient_has_chart_data

    people = list(Patient.objects.exclude(codice_fiscale="").order_by("pk")[:4])
    colon, lymphoma = people[0], people[3]
    # the colon patient: a closed stay in Oncologia medica and, today, the Day Hospital
    stay = EncounterModel.objects.get(patient=colon, kind="inpatient")
    assert (stay.ward.code, stay.state) == ("ONC", "discharged")
    assert EncounterModel.objects.get(patient=colon, state="active").ward.code == "DHONC"
    during = {"written_at__range": (stay.admitted_at, stay.discharged_at)}
    assert records.AnamnesisVersion.objects.filter(patient=colon).count() == 1
    assert records.AnamnesisNote.objects.filter(patient=colon, encounter=stay).count() == 1
    diagnosis = records.Diagnosis.objects.get(patient=colon)
    assert diagnosis.primary_site.code == "153.3"
    staging = records.DiagnosisStaging.objects.get(diagnosis=diagnosis)
    assert (staging.system, staging.stage, staging.categories) == (
        "tnm8_colorectum", "IIIB", "cT3 N1b M0",
    )  # fmt: skip
    assert records.PerformanceStatus.objects.filter(patient=colon, scale="ecog").count() == 1
    labs = records.LabResult.objects.filter(patient=colon)
    assert labs.count() == 15
    assert labs.values("collected_at__date").distinct().count() == 3
    assert {"H", "L"} <= set(labs.values_list("flag", flat=True))
    assert records.VitalSigns.objects.filter(patient=colon).count() == 5
    diary = records.DiaryEntry.objects.filter(patient=colon, encounter=stay, **during)
    assert diary.count() == 5
    assert diary.filter(kind="ward_round").count() == 3
    line = records.TreatmentLine.objects.get(patient=colon)
    assert (line.regimen_code, line.intent) == ("FOLFOX-4", "neoadjuvant")
    assert records.TreatmentLineOrder.objects.filter(line=line).count() == 1
    assert records.TreatmentPlanItem.objects.filter(line=line, kind="surgery").count() == 1
    recist = records.ResponseEvaluation.objects.get(line=line)
    assert (recist.criteria, recist.baseline, str(recist.sum_mm)) == ("recist_1_1", True, "59.0")
    assert records.HomeTherapy.objects.filter(patient=colon).count() == 2
    assert records.Appointment.objects.filter(patient=colon).count() == 2
    board = records.TumourBoard.objects.get(patient=colon)
    assert board.status == "signed" and board.document is not None
    letter = records.ClinicalLetter.objects.get(patient=colon)
    assert (letter.kind, letter.status, letter.encounter) == ("discharge_letter", "signed", stay)
    assert letter.document is not None and letter.signed_by is not None
    sections = {s["code"]: s for s in letter.content["sections"]}
    assert "153.3" in str(sections["diagnosis"]) and "IIIB" in str(sections["diagnosis"])
    assert "9,6" in str(sections["labs"]) or "9.6" in str(sections["labs"])
    # the lymphoma patient: Ann Arbor/Lugano staging, the ABVD line and its PET baseline
    assert patient_has_chart_data(patient_id=lymphoma.pk)
    staging = records.DiagnosisStaging.objects.get(patient=lymphoma)
    assert (staging.system, staging.stage) == ("lugano_2014", "IIA")
    line = records.TreatmentLine.objects.get(patient=lymphoma)
    assert line.regimen_code == "ABVD"
    assert records.TreatmentLineOrder.objects.filter(line=line).count() == 1
    lugano = records.ResponseEvaluation.objects.get(line=line)
    assert (lugano.criteria, lugano.method, lugano.baseline) == ("lugano_2014", "pet_ct", True)
    assert records.TreatmentPlanItem.objects.filter(line=line, kind="radiotherapy").count() == 1
    assert records.LabResult.objects.filter(patient=lymphoma, flag="H").count() == 3
    assert records.Appointment.objects.filter(patient=lymphoma).count() == 2
    # and neither has a toxicity before the first cycle (the letter prints none)
    from corsia.toxicity.models import ToxicityRecord

    assert not ToxicityRecord.objects.filter(patient__in=[colon, lymphoma]).exists()
    assert sections["toxicities"]["items"] == []
    # and the physician sees it all on the pages the README names
    _assert_pages_show_the_charts(colon.pk, lymphoma.pk, letter.pk, board.pk)


def _assert_pages_show_the_charts(colon: int, lymphoma: int, letter: int, board: int) -> None:
    from django.test import Client

    from corsia.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="medico"))
    for url, texts in (
        (f"/records/patients/{colon}/", ("IIIB", "cT3 N1b M0", "FOLFOX-4", "Ondansetron")),
        (f"/records/patients/{colon}/labs/", ("Emoglobina", "Ferritina", "CEA")),
        (f"/records/patients/{colon}/course/", ("FOLFOX-4", "Resezione anteriore", "Basale")),
        (f"/records/letters/{letter}/", ("Firmata", "153.3", "stadio IIIB", "9,6 g/dL")),
        (f"/records/tumour-boards/{board}/", ("FOLFOX-4 per 4 cicli",)),
        (f"/records/patients/{lymphoma}/", ("IIA", "ABVD")),
        (f"/records/patients/{lymphoma}/course/", ("ABVD", "Lugano", "ISRT")),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        for text in texts:
            assert text in page.content.decode(), (url, text)
