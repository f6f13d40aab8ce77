"""The File F report over October 2026 of the direct-distribution desk
(``corsia/testing/dispensing.py``): both types, a record failing the layout shown with its
field, a dispensation without a fiscal code shown as an error, nothing of them counted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import LazySettings

from corsia.audit.models import AccessLogEntry
from corsia.dispensing import services
from corsia.drugs.models import MedicinalProduct, Pack
from corsia.inventory import services as inventory
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.dispensing import NOW, desk_ready, dispensing_input, pack_code

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/pharmacy_file_f?period_from=2026-10-01&period_to=2026-10-31"
S_LABEL, D_LABEL = "Somministrati in day hospital / ambulatorio", "Distribuzione diretta"


def test_every_type_checked_against_the_layout(make_user: MakeUser, settings: LazySettings) -> None:
    settings.CORSIA_FILE_F_HOSPITAL_CODE = "190201"
    desk = desk_ready(make_user)
    desk.load(desk.capecitabine, "L-1", date(2027, 6, 30), 240)
    services.dispensing_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=dispensing_input(desk, [pack_code(desk.packs["cape"])]), now=NOW,
    )  # fmt: skip
    short = Patient.objects.create(
        mrn="DD0003", codice_fiscale="VRDLGU60A01H50", surname="Verdi", given_names="Luigi",
        sex="M", date_of_birth=date(1960, 1, 1),
    )  # fmt: skip
    foreigner = Patient.objects.create(
        mrn="DD0004", stp_eni_code="STP1900000000001", surname="Neri", given_names="Ugo",
        sex="M", date_of_birth=date(1950, 1, 1),
    )  # fmt: skip
    no_aic = MedicinalProduct.objects.create(
        code="no_aic_test", ingredient=desk.capecitabine.ingredient, name="Senza AIC",
        strength=Decimal(500),
    )  # fmt: skip
    Pack.objects.create(code="no-aic", product=no_aic, units_per_pack=10)
    desk.load(no_aic, "N-1", date(2027, 6, 30), 10)
    moves = [
        inventory.stock_unload(
            actor=desk.pharmacist, workstation="dh", product=product, quantity=units,
            location=desk.shelf, cost_center=desk.cost_center, reference="DH terapia", now=NOW,
            patient=patient,
        )[0]
        for product, patient, units in (
            (desk.capecitabine, desk.other_patient, 10), (desk.capecitabine, short, 5),
            (desk.capecitabine, foreigner, 4), (no_aic, desk.other_patient, 2),
        )
    ]  # fmt: skip
    before = AccessLogEntry.objects.count()
    body = api_client(desk.pharmacist).get(API).json()
    common = ["2026-10-15", "990000010", "L01BC06"]
    assert body["rows"] == [
        # type S: Anna Bianchi's 10 tablets at 1,50 € = 15,00 €, record 1
        ["S", S_LABEL, 202610, 1, "BNCNNA70D42H501A", *common, 10, "1.5000", "15.00", "CC-DD",
         "Valido"],
        # Ugo Neri, a foreigner, has his STP code in the field: 4 × 1,50 = 6,00 €, record 2
        ["S", S_LABEL, 202610, 2, "STP1900000000001", *common, 4, "1.5000", "6.00", "CC-DD",
         "Valido"],
        # Verdi's fiscal code has 14 characters: an error on its field, not in the file
        ["S", S_LABEL, 202610, None, "VRDLGU60A01H50", *common, 5, "1.5000", "7.50", "CC-DD",
         "patient_fiscal_code: «VRDLGU60A01H50» non è un codice fiscale né un codice STP/ENI"],
        # the product without an AIC: the unload cannot make a record
        ["S", S_LABEL, None, None, "", None, "", "", None, None, None, "",
         f"aic: manca AIC (movimento {moves[3].pk} (no_aic_test, lotto N-1))"],
        # type D: Mario Rossi's 120 tablets at the desk, 180,00 €
        ["D", D_LABEL, 202610, 1, "RSSMRA85T10A562S", *common, 120, "1.5000", "180.00", "CC-DD",
         "Valido"],
    ]  # fmt: skip
    assert body["notes"][:2] == [
        f"2026-10 tipo S ({S_LABEL}): 2 record validi, 21,00 €; errori: 2.",
        f"2026-10 tipo D ({D_LABEL}): 1 record validi, 180,00 €; errori: 0.",
    ]
    assert AccessLogEntry.objects.count() == before + 4  # Rossi, Bianchi, Verdi, Neri
    # the command's file leaves out the same records
    extraction = inventory.file_f_export(
        year=2026, month=10, hospital_code="190201", output_format="csv",
        actor=desk.pharmacist, workstation="test",
    )  # fmt: skip
    assert [(r.sequence, r.patient_fiscal_code) for r in extraction.records] == [
        (1, "BNCNNA70D42H501A"),
        (2, "STP1900000000001"),
    ]
    assert [(e.field, e.source[:8]) for e in extraction.excluded] == [
        ("aic", "moviment"),
        ("patient_fiscal_code", "record 3"),
    ]
