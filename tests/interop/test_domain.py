"""The pure reading of HL7 v2.5: identifiers (HL7 Italia), timestamps, reference ranges,
the ACK, the states. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from corsia.administration.domain.hl7_pcd import AckCode, MessageRefused
from corsia.core.domain.errors import InvalidTransition
from corsia.interop.domain.ack import AckInput, build_ack
from corsia.interop.domain.adt import IdKind, identifier, read_adt
from corsia.interop.domain.er7 import read_datetime, read_header, read_message
from corsia.interop.domain.oru import read_oru, reference_range
from corsia.interop.domain.states import MessageState, next_state
from corsia.testing.interop import GIULIA_CF, adt, mrg, oru, pid, pv1

ROME = ZoneInfo("Europe/Rome")
MRN = frozenset({"CORSIA"})


@pytest.mark.parametrize(
    ("cx", "kind", "value", "system"),
    [
        (
            f"{GIULIA_CF}^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA",
            IdKind.CODICE_FISCALE,
            GIULIA_CF,
            "",
        ),
        (f"{GIULIA_CF.lower()}^^^MEF^NNITA", IdKind.CODICE_FISCALE, GIULIA_CF, ""),
        (
            "STP0300001234567^^^&2.16.840.1.113883.2.9.2.30.4.1&ISO^PPN",
            IdKind.STP_ENI,
            "STP0300001234567",
            "",
        ),
        ("10000042^^^CORSIA^MR", IdKind.MRN, "10000042", ""),
        ("10000042^^^OTHER^MR", IdKind.OTHER, "10000042", "OTHER:MR"),
        (
            "7788123^^^OSP&2.16.840.1.113883.2.9.2.30.4.1&ISO^PI",
            IdKind.OTHER,
            "7788123",
            "2.16.840.1.113883.2.9.2.30.4.1:PI",
        ),
        ("555", IdKind.OTHER, "555", "OSP_X:PI"),  # no authority: the sending facility's
        # a codice fiscale whose surname begins S-T-P is not an STP code
        ("STPMRA70A01H501X", IdKind.OTHER, "STPMRA70A01H501X", "OSP_X:PI"),
    ],
)
def test_identifiers_are_classified_by_authority_type_and_shape(
    cx: str, kind: IdKind, value: str, system: str
) -> None:
    found = identifier(cx, facility="OSP_X", mrn_authorities=MRN)

    assert found is not None
    assert (found.kind, found.value, found.system) == (kind, value, system)


def test_an_empty_identifier_is_none() -> None:
    assert identifier("^^^OSP^PI", facility="OSP", mrn_authorities=MRN) is None


def test_local_time_without_offset_is_rome_and_an_offset_is_kept() -> None:
    winter = read_datetime("20261201080000", location="X", tz=ROME)
    summer = read_datetime("202607011230", location="X", tz=ROME)
    explicit = read_datetime("20261201080000+0000", location="X", tz=ROME)

    assert winter == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # CET = UTC+1
    assert summer == datetime(2026, 7, 1, 10, 30, tzinfo=UTC)  # CEST = UTC+2
    assert explicit == datetime(2026, 12, 1, 8, 0, tzinfo=timezone(timedelta(0)))


@pytest.mark.parametrize("bad", ["20261301", "2026120", "20261201250000", "yesterday"])
def test_impossible_timestamps_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(MessageRefused) as refused:
        read_datetime(bad, location="PV1^1^44", tz=ROME)
    assert (refused.value.location, refused.value.code) == ("PV1^1^44", "date_invalid")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("12.0-16.0", Decimal("12.0"), Decimal("16.0")),
        (" 0.50 - 0.90 ", Decimal("0.50"), Decimal("0.90")),
        ("<5", None, Decimal("5")),
        ("<=37", None, Decimal("37")),
        (">60", Decimal("60"), None),
        ("", None, None),
    ],
)
def test_reference_ranges_as_labs_write_them(
    text: str, low: Decimal | None, high: Decimal | None
) -> None:
    assert reference_range(text, location="OBX^1^7") == (low, high)


def test_an_unreadable_range_names_obx_7() -> None:
    with pytest.raises(MessageRefused) as refused:
        reference_range("normale", location="OBX^2^7")
    assert refused.value.location == "OBX^2^7"


def test_an_admission_read_whole() -> None:
    raw = adt("A01", "M1", pid(), pv1("ONCO", "L01", visit="V1", admitted="20261201080000"))

    msg = read_adt(read_message(raw, processing_id="P"), tz=ROME, mrn_authorities=MRN)

    assert msg.identity.of(IdKind.CODICE_FISCALE) == GIULIA_CF
    assert (msg.demographics.surname, msg.demographics.given_names) == ("BIANCHI", "GIULIA")
    assert str(msg.demographics.date_of_birth) == "1962-03-14"
    assert msg.demographics.address == "VIA STRADA NUOVA 65 27100 PAVIA PV"
    assert msg.visit is not None
    assert (msg.visit.kind, msg.visit.visit_number) == ("inpatient", "V1")
    assert msg.visit.location is not None
    assert (msg.visit.location.ward, msg.visit.location.bed) == ("ONCO", "L01")
    assert msg.visit.admitted_at == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def test_a_merge_needs_its_mrg_and_names_it() -> None:
    raw = adt("A40", "M2", pid())
    with pytest.raises(MessageRefused) as refused:
        read_adt(read_message(raw, processing_id="P"), tz=ROME, mrn_authorities=MRN)
    assert (refused.value.location, refused.value.code) == ("MRG", "segment_missing")

    merged = read_adt(
        read_message(adt("A40", "M3", pid(), mrg(GIULIA_CF)), processing_id="P"),
        tz=ROME,
        mrn_authorities=MRN,
    )
    assert merged.prior is not None and merged.prior.location == "MRG^1^1"


def test_a_lab_report_keeps_numbers_final_results_and_the_order_number() -> None:
    report = read_oru(read_message(oru("L1"), processing_id="P"), tz=ROME, mrn_authorities=MRN)

    (order,) = report.orders
    assert order.filler_number == "LAB26-004711"
    assert [(o.code, o.value, o.unit) for o in order.observations] == [
        ("718-7", Decimal("10.9"), "g/dL"),
        ("777-3", Decimal("245"), "10*9/L"),
        ("2160-0", Decimal("0.82"), "mg/dL"),
    ]
    assert order.skipped == ("OBX^4",)  # ST: a text note


def test_header_is_read_even_when_the_message_is_not() -> None:
    header = read_header("MSH|^~\\&|LIS|LAB|CORSIA|OSP|2026||ORU^R01|X1|P|2.3")

    assert header is not None
    assert (header.sending_application, header.control_id, header.version) == ("LIS", "X1", "2.3")


def test_the_ack_names_the_refused_field() -> None:
    header = read_header(adt("A01", "M9", pid(), pv1()))
    refusal = MessageRefused(
        "Codice fiscale non valido.",
        code="fiscal_code_invalid",
        ack_code=AckCode.ERROR,
        hl7_error=102,  # type: ignore[arg-type]  # an Hl7Error value
        location="PID^1^3",
    )
    ack = build_ack(
        AckInput(
            header=header,
            control_id="C1",
            sent_at=datetime(2026, 12, 1, 9, tzinfo=ROME),
            facility="CORSIA",
        ),
        AckCode.ERROR,
        refusal=refusal,
    )

    msh, msa, err = ack.split("\r")
    assert (
        msh
        == "MSH|^~\\&|CORSIA|CORSIA|SIO_ADT|OSP_SAN_MATTEO|20261201090000+0100||ACK^A01^ACK|C1|P|2.5"
    )
    assert msa == "MSA|AE|M9"
    assert err.split("|")[2:6] == [
        "PID^1^3",
        "102^Data type error^HL70357",
        "E",
        "fiscal_code_invalid^^L",
    ]


def test_a_message_once_applied_is_final() -> None:
    assert next_state("received", MessageState.PARKED) is MessageState.PARKED
    assert next_state("parked", MessageState.PROCESSED) is MessageState.PROCESSED
    assert next_state("error", MessageState.ERROR) is MessageState.ERROR
    for final in ("processed", "ignored"):
        with pytest.raises(InvalidTransition):
            next_state(final, MessageState.PROCESSED)
