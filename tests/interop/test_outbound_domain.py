"""Outgoing RAS^O17 and RDS^O13, pure: each segment compared with one written by hand from
the HL7 v2.5 chapter 4 field tables (RXA, RXD, RXR, ORC) and HL7 Italia's PID-3, then
parsed back with hl7apy against the v2.5 message structures as a validity check; the ACK
read back; the retry schedule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from corsia.administration.domain.hl7_pcd import AckCode
from corsia.core.domain.errors import InvalidTransition
from corsia.interop.domain.outbound import (
    AckRead,
    AdministrationEvent,
    Completion,
    DispensedItem,
    DispensingEvent,
    Drug,
    OutboundState,
    PatientIdentity,
    Sender,
    attempt_outcome,
    backoff,
    build_ras,
    build_rds,
    ensure_resendable,
    read_ack,
)

ROME = ZoneInfo("Europe/Rome")
HOSPITAL_MRN_OID = "2.16.840.1.113883.2.9.2.999.4.2"  # an example OID of the hospital's MRN
GIULIA = PatientIdentity(
    mrn="0001234",
    codice_fiscale="BNCGLI62C54G388I",
    stp_eni_code="",
    surname="BIANCHI",
    given_names="GIULIA",
    date_of_birth=date(1962, 3, 14),
    sex="F",
)
SENDER = Sender(
    facility="OSP_SAN_MATTEO",
    receiving_application="SIO_FARMACIA",
    receiving_facility="OSP_SAN_MATTEO",
    processing_id="P",
    mrn_namespace="CORSIA",
    mrn_oid=HOSPITAL_MRN_OID,
)
OXALIPLATIN = Drug(code="oxaliplatin", name="oxaliplatino", atc="L01XA03")
SENT = datetime(2026, 12, 1, 11, 0, 5, tzinfo=ROME)

MSH_RAS = (
    "MSH|^~\\&|CORSIA|OSP_SAN_MATTEO|SIO_FARMACIA|OSP_SAN_MATTEO|20261201110005+0100||"
    "RAS^O17^RAS_O17|CORSIAO7|P|2.5|||||ITA|UNICODE UTF-8"
)
PID_GIULIA = (
    "PID|1||BNCGLI62C54G388I^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA"
    "~0001234^^^CORSIA&2.16.840.1.113883.2.9.2.999.4.2&ISO^MR||BIANCHI^GIULIA^^^^^L||19620314|F"
)


def _oxaliplatin_given(**changes: object) -> AdministrationEvent:
    values: dict[str, object] = {
        "administration_id": 9,
        "order_id": 77,
        "preparation_ref": "PRP00000042",
        "drug": OXALIPLATIN,
        # FOLFOX-4 day 1: 85 mg/m² × 2.00 m² = 170 mg in 250 mL over 2 h
        "dose": Decimal("170.0000"),
        "dose_unit": "mg",
        "route": "iv",
        "started_at": datetime(2026, 12, 1, 9, 0, tzinfo=ROME),
        "ended_at": datetime(2026, 12, 1, 11, 0, tzinfo=ROME),
        "completion": Completion.COMPLETE,
        "nurse_username": "inf_bianca",
        "nurse_surname": "Rossi",
        "nurse_given_name": "Bianca",
    }
    values.update(changes)
    return AdministrationEvent(**values)  # type: ignore[arg-type]  # test factory


def _segments(message: str) -> list[str]:
    return message.split("\r")


def _valid(message: str, structure: str) -> None:
    parsed = parse_message(message, validation_level=VALIDATION_LEVEL.STRICT)
    assert parsed.name == structure
    assert parsed.validate() is True


def test_ras_o17_of_a_completed_infusion_field_by_field() -> None:
    message = build_ras(
        event=_oxaliplatin_given(),
        patient=GIULIA,
        sender=SENDER,
        control_id="CORSIAO7",
        sent_at=SENT,
    )
    assert _segments(message) == [
        MSH_RAS,
        PID_GIULIA,
        # ORC-1 RE (observations to follow), ORC-2 placer = Corsia's order, ORC-3 filler =
        # the bag's label, ORC-5 CM (completed), ORC-9 when
        "ORC|RE|77^CORSIA|PRP00000042^CORSIA||CM||||20261201110000+0100",
        # RXA-1 0, RXA-2 1, RXA-3/4 start and end, RXA-5 ATC + Corsia's code, RXA-6/7 170 mg
        # in UCUM, RXA-10 the nurse, RXA-20 CP (complete), RXA-21 A (add)
        "RXA|0|1|20261201090000+0100|20261201110000+0100"
        "|L01XA03^oxaliplatino^WC^oxaliplatin^oxaliplatino^99CORSIA|170|mg^mg^UCUM||"
        "|inf_bianca^Rossi^Bianca^^^^^^OSP_SAN_MATTEO||||||||||CP|A",
        "RXR|IV^Intravenous^HL70162",
    ]
    _valid(message, "RAS_O17")


def test_ras_o17_of_an_interrupted_infusion_says_how_much_and_why() -> None:
    # 150 of 250 mL of a 170 mg bag: 170 × 150 / 250 = 102 mg given
    message = build_ras(
        event=_oxaliplatin_given(
            dose=Decimal("102.00000"),
            completion=Completion.PARTIAL,
            reason="Reazione infusionale | grado 2",
        ),
        patient=GIULIA,
        sender=SENDER,
        control_id="CORSIAO8",
        sent_at=SENT,
    )
    rxa = _segments(message)[3].split("|")
    assert (rxa[6], rxa[7], rxa[20]) == ("102", "mg^mg^UCUM", "PA")
    # RXA-9 administration notes: the reason as the CE's text, the field separator escaped
    assert rxa[9] == "^Reazione infusionale \\F\\ grado 2"
    _valid(message, "RAS_O17")


def test_ras_o17_not_given_has_amount_zero_and_status_na() -> None:
    message = build_ras(
        event=_oxaliplatin_given(completion=Completion.NOT_ADMINISTERED, reason="Rifiutata"),
        patient=GIULIA,
        sender=SENDER,
        control_id="CORSIAO9",
        sent_at=SENT,
    )
    rxa = _segments(message)[3].split("|")
    assert (rxa[6], rxa[20]) == ("0", "NA")
    _valid(message, "RAS_O17")


def test_units_routes_and_coding_without_atc_or_in_international_units() -> None:
    message = build_ras(
        event=_oxaliplatin_given(
            drug=Drug(code="asparaginase-erwinia", name="asparaginasi"),
            dose=Decimal("25000"),
            dose_unit="UI",
            route="im",
        ),
        patient=GIULIA,
        sender=SENDER,
        control_id="CORSIAO10",
        sent_at=SENT,
    )
    segments = _segments(message)
    rxa = segments[3].split("|")
    assert rxa[5] == "asparaginase-erwinia^asparaginasi^99CORSIA"
    assert (rxa[6], rxa[7]) == ("25000", "[iU]^[iU]^UCUM")
    assert segments[4] == "RXR|IM^Intramuscular^HL70162"
    _valid(message, "RAS_O17")


def test_pid_of_a_foreigner_without_codice_fiscale_carries_the_stp_code() -> None:
    stp = PatientIdentity(
        mrn="0009999",
        codice_fiscale="",
        stp_eni_code="STP1500000000123",
        surname="POPESCU",
        given_names="ANA",
        date_of_birth=date(1980, 5, 2),
        sex="F",
    )
    message = build_ras(
        event=_oxaliplatin_given(), patient=stp, sender=SENDER, control_id="C1", sent_at=SENT
    )
    assert _segments(message)[1] == (
        "PID|1||STP1500000000123^^^^STP~0009999^^^CORSIA&2.16.840.1.113883.2.9.2.999.4.2&ISO^MR"
        "||POPESCU^ANA^^^^^L||19800502|F"
    )


def test_rds_o13_of_a_bag_checked_out_field_by_field() -> None:
    event = DispensingEvent(
        dispensing_id=3,
        order_id=77,
        dispensed_at=datetime(2026, 12, 1, 8, 30, tzinfo=ROME),
        pharmacist_username="tec_neri",
        pharmacist_surname="Neri",
        pharmacist_given_name="Carlo",
        delivery_document="DDT-20261201",
        items=(
            DispensedItem(
                preparation_ref="PRP00000042",
                order_item_id=301,
                drug=Drug(code="oxaliplatin", name="oxaliplatino", atc="L01XA03", aic="037358014"),
                dose=Decimal("170.0000"),
                dose_unit="mg",
                volume_ml=Decimal("284.00"),
                route="iv",
                lot="OX2611A",
                expiry=datetime(2026, 12, 2, 8, 30, tzinfo=ROME),
            ),
            DispensedItem(
                preparation_ref="PRP00000043",
                order_item_id=302,
                drug=Drug(code="fluorouracil", name="fluorouracile", atc="L01BC02"),
                dose=Decimal("800"),
                dose_unit="mg",
                volume_ml=None,
                route="iv",
            ),
        ),
    )
    message = build_rds(
        event=event, patient=GIULIA, sender=SENDER, control_id="CORSIAO11", sent_at=SENT
    )
    assert _segments(message) == [
        "MSH|^~\\&|CORSIA|OSP_SAN_MATTEO|SIO_FARMACIA|OSP_SAN_MATTEO|20261201110005+0100||"
        "RDS^O13^RDS_O13|CORSIAO11|P|2.5|||||ITA|UNICODE UTF-8",
        PID_GIULIA,
        "ORC|RE|77^CORSIA|PRP00000042^CORSIA||CM||||20261201083000+0100",
        # RXD-1 counter, RXD-2 ATC + AIC, RXD-3 when, RXD-4/5 170 mg, RXD-7 prescription
        # number (order-line), RXD-10 who dispensed, RXD-18 lot, RXD-19 expiry
        "RXD|1|L01XA03^oxaliplatino^WC^037358014^oxaliplatino^AIC|20261201083000+0100|170"
        "|mg^mg^UCUM||77-301|||tec_neri^Neri^Carlo^^^^^^OSP_SAN_MATTEO||||||||OX2611A"
        "|20261202083000+0100",
        "RXR|IV^Intravenous^HL70162",
        "ORC|RE|77^CORSIA|PRP00000043^CORSIA||CM||||20261201083000+0100",
        "RXD|2|L01BC02^fluorouracile^WC^fluorouracil^fluorouracile^99CORSIA|20261201083000+0100"
        "|800|mg^mg^UCUM||77-302|||tec_neri^Neri^Carlo^^^^^^OSP_SAN_MATTEO",
        "RXR|IV^Intravenous^HL70162",
    ]
    _valid(message, "RDS_O13")


# --- the answer ---------------------------------------------------------------------------

ACK_HEAD = "MSH|^~\\&|SIO|OSP|CORSIA|OSP|20261201110006||ACK^O17^ACK|A1|P|2.5"


def test_read_ack_accept_error_reject_and_non_answers() -> None:
    assert read_ack(f"{ACK_HEAD}\rMSA|AA|CORSIAO7", control_id="CORSIAO7") == AckRead(
        AckCode.ACCEPT, ""
    )
    error = (
        f"{ACK_HEAD}\rMSA|AE|CORSIAO7\rERR||PID^1^3|204^Unknown key identifier^HL70357|E"
        "||||Paziente sconosciuto"  # ERR-8, the user message
    )
    assert read_ack(error, control_id="CORSIAO7") == AckRead(AckCode.ERROR, "Paziente sconosciuto")
    reject = f"{ACK_HEAD}\rMSA|AR|CORSIAO7|Versione non supportata"
    assert read_ack(reject, control_id="CORSIAO7") == AckRead(
        AckCode.REJECT, "Versione non supportata"
    )
    # enhanced mode's commit accept is an accept
    assert read_ack(f"{ACK_HEAD}\rMSA|CA|CORSIAO7", control_id="CORSIAO7").code is AckCode.ACCEPT
    # an ACK to another message, no MSA, an unknown code: no answer
    assert read_ack(f"{ACK_HEAD}\rMSA|AA|CORSIAO6", control_id="CORSIAO7").code is None
    assert read_ack("garbage", control_id="CORSIAO7").code is None
    assert read_ack(f"{ACK_HEAD}\rMSA|ZZ|CORSIAO7", control_id="CORSIAO7").code is None


NOW = datetime(2026, 12, 1, 11, 0, tzinfo=ROME)


def _after(ack: AckRead | None, attempts: int) -> tuple[OutboundState, datetime | None, str]:
    outcome = attempt_outcome(
        ack=ack,
        no_answer="Nessuna risposta",
        attempts=attempts,
        max_attempts=5,
        now=NOW,
        base_seconds=30,
        cap_seconds=300,
    )
    return outcome.state, outcome.retry_at, outcome.error


def test_attempt_outcomes() -> None:
    assert _after(AckRead(AckCode.ACCEPT, ""), 1) == (OutboundState.SENT, None, "")
    assert _after(AckRead(AckCode.ERROR, "PID-3"), 1) == (OutboundState.FAILED, None, "AE: PID-3")
    assert _after(AckRead(AckCode.REJECT, ""), 2) == (
        OutboundState.FAILED,
        None,
        "AR: nessun motivo indicato",
    )
    # no answer: 30 s after the first attempt, 60 s after the second ...
    assert _after(None, 1) == (
        OutboundState.PENDING,
        datetime(2026, 12, 1, 11, 0, 30, tzinfo=ROME),
        "Nessuna risposta",
    )
    assert _after(None, 2)[1] == datetime(2026, 12, 1, 11, 1, tzinfo=ROME)
    # an answer to another message is no answer
    assert _after(AckRead(None, "Risposta a un altro messaggio (X)."), 4)[0] is (
        OutboundState.PENDING
    )
    # ... and after the fifth, no more
    assert _after(None, 5) == (OutboundState.EXPIRED, None, "Nessuna risposta")


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (40, 300)]
)
def test_backoff_doubles_up_to_the_cap(attempts: int, seconds: int) -> None:
    assert backoff(attempts, 30, 300).total_seconds() == seconds


def test_only_dead_letters_are_resent() -> None:
    ensure_resendable("failed")
    ensure_resendable("expired")
    for state in ("pending", "sent"):
        with pytest.raises(InvalidTransition) as refused:
            ensure_resendable(state)
        assert refused.value.code == "message_not_resendable"
