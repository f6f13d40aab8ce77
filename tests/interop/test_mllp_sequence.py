"""A real day of the hospital's ADT, over a real MLLP socket to the listener: admission,
demographics update, transfer, discharge, an emergency registration of the same woman as
an unidentified foreigner (STP), the registry's merge (A40), a later message naming the
duplicate's id — and the registry is right at the end with nothing typed by hand. A
broken segment and a repeated message on the same connection change nothing."""

from __future__ import annotations

from corsia.administration.pumps.mllp import mllp_exchange_sync
from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage
from corsia.patients.models import Encounter, Patient
from corsia.testing.interop import (
    GIULIA_CF,
    adt,
    mrg,
    pid,
    pv1,
    running_hl7_listener,
    stp,
    wards_ready,
)

STP = "STP0300001234567"  # Lombardia (030), given in the emergency room
ADT_ID = "7788123"  # the ADT's id of Giulia Bianchi
ER_ADT_ID = "9900001"  # the ADT's id of the emergency registration


def _send(port: int, message: str) -> tuple[str, str]:
    """The MSA-1 and ERR-2 of the ACK the listener answers."""
    ack = mllp_exchange_sync("127.0.0.1", port, message.encode(), timeout=30).decode()
    segments = {s[:3]: s.split("|") for s in ack.split("\r")}
    return segments["MSA"][1], segments["ERR"][2] if "ERR" in segments else ""


def test_an_adt_day_over_mllp_keeps_the_registry_right(transactional_db: None, roles: None) -> None:
    wards_ready()
    with running_hl7_listener() as port:
        # 08:00 admitted to oncology, bed L01
        assert _send(port, adt("A01", "ADT1001", pid(), pv1("ONCO", "L01", visit="V1"))) == (
            "AA",
            "",
        )
        giulia = Patient.objects.get(codice_fiscale=GIULIA_CF)
        # the ADT corrects her address
        moved = pid(address="CORSO CAVOUR 12^^PAVIA^PV^27100^ITA^H")
        assert _send(port, adt("A08", "ADT1002", moved, pv1("ONCO", "L01", visit="V1")))[0] == "AA"
        # to bed L02
        assert _send(port, adt("A02", "ADT1003", pid(), pv1("ONCO", "L02", visit="V1")))[0] == "AA"
        # a message with a broken segment: refused, naming it, nothing changed
        broken = adt("A03", "ADT1004", pid(), pv1("ONCO", "L02", visit="V1"), "P1D|garbled")
        assert _send(port, broken) == ("AE", "P1D^1")
        assert Encounter.objects.get(patient=giulia).state == "active"
        # discharged
        discharge = adt("A03", "ADT1005", pid(), pv1("ONCO", "L02", visit="V1"))
        assert _send(port, discharge)[0] == "AA"
        # the interface engine sends it again: same answer, nothing new
        events = AuditEvent.objects.count()
        assert _send(port, discharge)[0] == "AA"
        assert AuditEvent.objects.count() == events
        # at night she comes to the emergency room unidentified: registered as STP, seen in
        # the day hospital
        stranger = pid("", adt_id=ER_ADT_ID, surname="SCONOSCIUTA", given="DONNA")
        stranger = stranger.replace("PID|1||", f"PID|1||{stp(STP)}~", 1)
        assert (
            _send(
                port,
                adt("A04", "ADT1006", stranger, pv1("DHONC", "P01", patient_class="O", visit="V2")),
            )[0]
            == "AA"
        )
        duplicate = Patient.objects.get(stp_eni_code=STP)
        # identified the next morning: the registry merges the STP record into hers
        merge = adt("A40", "ADT1007", pid(), mrg(adt_id=ER_ADT_ID, foreign=STP))
        assert _send(port, merge)[0] == "AA"
        # the day hospital discharges the visit naming the emergency registration's id
        later = pid("", adt_id=ER_ADT_ID, surname="SCONOSCIUTA", given="DONNA")
        assert (
            _send(
                port,
                adt("A03", "ADT1008", later, pv1("DHONC", "P01", patient_class="O", visit="V2")),
            )[0]
            == "AA"
        )

    giulia.refresh_from_db()
    duplicate.refresh_from_db()
    assert giulia.address == "CORSO CAVOUR 12 27100 PAVIA PV"
    assert (duplicate.merged_into_id, duplicate.is_active) == (giulia.pk, False)
    encounters = Encounter.objects.filter(patient=giulia).order_by("admitted_at")
    assert [(e.ward.code, e.place.code if e.place else None, e.state) for e in encounters] == [
        ("ONCO", "L02", "discharged"),
        ("DHONC", "P01", "discharged"),
    ]
    assert not Encounter.objects.filter(patient=duplicate).exists()
    assert set(giulia.identifiers.values_list("value", flat=True)) == {ADT_ID, ER_ADT_ID}
    states = dict(InboundMessage.objects.values_list("control_id", "state"))
    assert states == {
        "ADT1001": "processed",
        "ADT1002": "processed",
        "ADT1003": "processed",
        "ADT1004": "error",
        "ADT1005": "processed",
        "ADT1006": "processed",
        "ADT1007": "processed",
        "ADT1008": "processed",
    }
    merged = AuditEvent.objects.get(event_type="patients.patient_merged")
    assert merged.actor is not None and merged.actor.username == "hl7-interface"
    assert "ADT1007" in merged.reason
