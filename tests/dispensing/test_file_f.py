"""The direct distribution's File F (type D): its own file, field by field; the UFA's
File F (type S) leaves the desk's unloads out."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.dispensing import services
from corsia.inventory import services as inventory
from corsia.inventory.domain.file_f import RECORD_LENGTH
from corsia.testing.dispensing import NOW, Desk, dispensing_input, pack_code


@pytest.fixture
def month(desk: Desk) -> Desk:
    """October 2026: one desk dispensing (120 tablets, 1.50 € each) and one day-hospital
    unload of 10 tablets for the other patient."""
    desk.load(desk.capecitabine, "L-1", date(2027, 6, 30), 240)
    services.dispensing_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=dispensing_input(desk, [pack_code(desk.packs["cape"])]), now=NOW,
    )  # fmt: skip
    inventory.stock_unload(
        actor=desk.pharmacist, workstation="dh", product=desk.capecitabine, quantity=10,
        location=desk.shelf, cost_center=desk.cost_center, reference="DH terapia", now=NOW,
        patient=desk.other_patient,
    )  # fmt: skip
    return desk


def test_the_direct_distribution_file_field_by_field(month: Desk) -> None:
    desk = month
    extraction = inventory.file_f_export(
        year=2026, month=10, hospital_code="190201", output_format="csv",
        actor=desk.pharmacist, workstation="test", source=services.FILE_F_DIRECT,
    )  # fmt: skip
    lines = extraction.text.split("\r\n")
    assert lines[0] == (
        "hospital_code;record_type;period;sequence;patient_fiscal_code;dispensation_date;aic;"
        "atc;quantity;unit_cost;total;cost_center"
    )
    # type D, October 2026, record 1, Mario Rossi's fiscal code, 15/10/2026, the pack's AIC,
    # capecitabine's ATC, 120 tablets at 1.5000 € = 180.00 €, the desk's cost centre
    assert lines[1] == (
        "190201;D;202610;1;RSSMRA85T10A562S;20261015;990000010;L01BC06;120;1.5000;180.00;CC-DD"
    )
    assert lines[2:] == [""]  # the day hospital's unload is not direct distribution
    assert extraction.excluded == []
    # who extracted it, and whose data it carried
    assert AuditEvent.objects.filter(event_type="dispensing.file_f_exported").count() == 1
    assert AccessLogEntry.objects.filter(
        patient_id=desk.patient.pk, what__startswith="File F distribuzione diretta"
    ).exists()


def test_the_fixed_width_record(month: Desk) -> None:
    extraction = inventory.file_f_export(
        year=2026, month=10, hospital_code="190201", output_format="fixed",
        actor=month.pharmacist, workstation="test", source=services.FILE_F_DIRECT,
    )  # fmt: skip
    [record] = extraction.text.split("\r\n")[:-1]
    assert len(record) == RECORD_LENGTH
    # positions (1-based) from the layout: 6 + 1 + 6 + 7 + 16 + 8 + 9 + 7 + 6 + 12 + 12 + 10
    assert record[0:6] == "190201"
    assert record[6] == "D"
    assert record[7:13] == "202610"
    assert record[13:20] == "0000001"
    assert record[20:36] == "RSSMRA85T10A562S"
    assert record[36:44] == "20261015"
    assert record[44:53] == "990000010"
    assert record[53:60] == "L01BC06"
    assert record[60:66] == "000120"
    assert record[66:78] == "000000015000"  # 1.5000 € with 4 implied decimals
    assert record[78:90] == "000000018000"  # 180.00 € with 2 implied decimals
    assert record[90:100] == "CC-DD     "


def test_the_ufa_file_leaves_the_desk_out(month: Desk) -> None:
    extraction = inventory.file_f_export(
        year=2026, month=10, hospital_code="190201", output_format="csv",
        actor=month.pharmacist, workstation="test",
    )  # fmt: skip
    # only the day hospital's 10 tablets for Anna Bianchi, type S
    assert [(r.record_type, r.patient_fiscal_code, r.quantity) for r in extraction.records] == [
        ("S", "BNCNNA70D42H501A", 10)
    ]


def test_the_command_writes_the_file_and_only_the_pharmacy_extracts(month: Desk) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "file_f", "--month", "2026-10", "--type", "D", "--user", month.pharmacist.username,
        "--hospital-code", "190201", stdout=out, stderr=err,
    )  # fmt: skip
    assert out.getvalue().splitlines()[1].startswith("190201;D;202610;1;RSSMRA85T10A562S")
    assert "File F distribuzione diretta 2026-10" in err.getvalue()
    assert "1 record, 0 esclusi" in err.getvalue()
    # the same command without --type is the UFA's file (type S): the desk is not in it
    out, err = StringIO(), StringIO()
    call_command(
        "file_f", "--month", "2026-10", "--user", month.pharmacist.username,
        "--hospital-code", "190201", stdout=out, stderr=err,
    )  # fmt: skip
    assert [line.split(";")[1] for line in out.getvalue().splitlines()[1:]] == ["S"]
    assert "File F 2026-10" in err.getvalue()
    with pytest.raises(CorsiaError) as refused:
        inventory.file_f_export(
            year=2026, month=10, hospital_code="190201", output_format="csv",
            actor=month.technician, workstation="test", source=services.FILE_F_DIRECT,
        )  # fmt: skip
    assert refused.value.code == "permission_denied"
