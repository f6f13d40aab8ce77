"""Wristband: payload, ZPL against a hand-written label, the PDF (printed by the record
through its template), access log."""

from __future__ import annotations

from datetime import date

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.domain.wristband import (
    WristbandData,
    mrn_from_payload,
    wristband_payload,
    wristband_zpl,
)
from corsia.testing.accounts import logged_in
from corsia.testing.patients import MakePatient


def test_payload_round_trip() -> None:
    assert wristband_payload("10000042") == "PZ10000042"
    assert mrn_from_payload("pz10000042 ") == "10000042"
    assert mrn_from_payload("RSSMRA85T10A562S") is None
    assert mrn_from_payload("PZ12") is None


def test_zpl_label_is_the_expected_one() -> None:
    data = WristbandData("D'Amico", "Niccolò", "M", date(2015, 4, 9), "10000042")
    assert wristband_zpl(data) == (
        "^XA\n"
        "^CI28\n"
        "^PW203\n"
        "^LL2030\n"
        "^FWR\n"
        "^FO140,60^A0R,40,40^FDD'AMICO Niccolo^FS\n"
        "^FO95,60^A0R,30,30^FDNato/a il 09/04/2015 - Sesso M^FS\n"
        "^FO55,60^A0R,30,30^FDMRN 10000042^FS\n"
        "^FO40,900^BY2^BCR,90,Y,N,N^FDPZ10000042^FS\n"
        "^XZ\n"
    )


def test_zpl_strips_command_characters() -> None:
    data = WristbandData("Ro^ssi", "Ma~rio", "M", date(1985, 12, 10), "10000001")
    label = wristband_zpl(data)
    assert "^FDRO SSI Ma rio^FS" in label


def test_pdf_and_zpl_downloads_are_logged(make_patient: MakePatient, physician: User) -> None:
    patient = make_patient()
    client = logged_in(physician)
    # the PDF is the record's archived print (tests/records/test_wristband_print.py)
    pdf = client.get(f"/patients/{patient.pk}/wristband.pdf", follow=True)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000
    zpl = client.get(f"/patients/{patient.pk}/wristband.zpl")
    assert f"^FDPZ{patient.mrn}^FS" in zpl.content.decode()
    assert list(
        AccessLogEntry.objects.filter(patient_id=patient.pk).values_list("what", flat=True)
    ) == ["braccialetto (PDF)", "braccialetto (ZPL)"]
