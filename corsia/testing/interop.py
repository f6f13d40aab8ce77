"""HL7 v2.5 messages as an Italian hospital's ADT and laboratory send them (HL7 Italia
style: the codice fiscale in PID-3 with the assigning authority of the Ministero
dell'Economia e delle Finanze, ``^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA``, the ADT's
own patient id beside it), written by hand for the interop tests; and the wards they
name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from corsia.interop.listener import listener_run
from corsia.patients.services import ward_ensure
from corsia.testing.administration import running_listener

CF_AUTHORITY = "^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA"
# Giulia Bianchi, F, born 14/03/1962 in Pavia (G388): check character computed by hand
# from the odd/even tables of DM 23/12/1976 and confirmed with python-codicefiscale.
GIULIA_CF = "BNCGLI62C54G388I"
# Anna Esposito, F, born 02/07/1958 in Napoli (F839).
ANNA_CF = "SPSNNA58L42F839Y"


def seg(*fields: str) -> str:
    return "|".join(fields)


def msh(
    event: str,
    control_id: str,
    *,
    structure: str = "",
    version: str = "2.5",
    sender: str = "SIO_ADT|OSP_SAN_MATTEO",
) -> str:
    """MSH of an ADT event (``A01``) or of any type written whole (``ORU^R01^ORU_R01``)."""
    kind = event if "^" in event else f"ADT^{event}^{structure or 'ADT_' + event}"
    return (
        f"MSH|^~\\&|{sender}|CORSIA|OSP_SAN_MATTEO|20261201083000||{kind}|"
        f"{control_id}|P|{version}|||AL|NE|ITA|UNICODE UTF-8"
    )


def pid(
    cf: str = GIULIA_CF,
    *,
    adt_id: str = "7788123",
    surname: str = "BIANCHI",
    given: str = "GIULIA",
    born: str = "19620314",
    sex: str = "F",
    address: str = "VIA STRADA NUOVA 65^^PAVIA^PV^27100^ITA^H",
) -> str:
    ids = []
    if cf:
        ids.append(f"{cf}{CF_AUTHORITY}")
    if adt_id:
        ids.append(f"{adt_id}^^^OSP_SAN_MATTEO&2.16.840.1.113883.2.9.2.30.4.1&ISO^PI")
    return (
        f"PID|1||{'~'.join(ids)}||{surname}^{given}^^^^^L||{born}|{sex}|||{address}||"
        "0382501234^PRN^PH"
    )


def pv1(
    ward: str = "ONCO",
    bed: str = "L01",
    *,
    patient_class: str = "I",
    visit: str = "RIC2026000123",
    admitted: str = "20261201080000",
    discharged: str = "",
    prior: str = "",
) -> str:
    fields = ["PV1", "1", patient_class, f"{ward}^^{bed}^OSP_SAN_MATTEO", "", "", prior]
    fields += [""] * 12  # PV1-7 .. PV1-18
    fields.append(f"{visit}^^^OSP_SAN_MATTEO^VN")  # PV1-19
    fields += [""] * 24  # PV1-20 .. PV1-43
    fields += [admitted, discharged]  # PV1-44, PV1-45
    return "|".join(fields).rstrip("|")


def evn(event: str, when: str = "20261201080500") -> str:
    return f"EVN|{event}|{when}"


def adt(event: str, control_id: str, *segments: str) -> str:
    return "\r".join([msh(event, control_id), evn(event), *segments])


def stp(code: str) -> str:
    """An STP/ENI code in PID-3 or MRG-1: assigned by the region (Lombardia's OID)."""
    return f"{code}^^^&2.16.840.1.113883.2.9.2.30.4.1&ISO^PPN"


def mrg(cf: str = "", adt_id: str = "", *, foreign: str = "") -> str:
    """MRG-1: the prior identifiers (codice fiscale or STP/ENI code, and the ADT's id)."""
    ids = [f"{cf}{CF_AUTHORITY}"] if cf else [stp(foreign)] if foreign else []
    if adt_id:
        ids.append(f"{adt_id}^^^OSP_SAN_MATTEO&2.16.840.1.113883.2.9.2.30.4.1&ISO^PI")
    return f"MRG|{'~'.join(ids)}"


def oru(control_id: str, *, cf: str = GIULIA_CF, filler: str = "LAB26-004711") -> str:
    """A blood count and creatinine from the laboratory (LOINC codes, UCUM units), one
    result low (haemoglobin 10.9 g/dL under 12.0), one text comment not recorded."""
    return "\r".join(
        [
            msh("ORU^R01^ORU_R01", control_id, sender="LIS|LAB_ANALISI"),
            pid(cf, adt_id=""),
            f"OBR|1|ORD-998877|{filler}^LIS|58410-2^Emocromo^LN|||20261201073000",
            "OBX|1|NM|718-7^Emoglobina^LN||10.9|g/dL^g/dL^UCUM|12.0-16.0|L|||F|||20261201073000",
            "OBX|2|NM|777-3^Piastrine^LN||245|10*9/L^10*9/L^UCUM|150-400|N|||F",
            "OBX|3|NM|2160-0^Creatinina^LN||0.82|mg/dL^mg/dL^UCUM|0.50-0.90||||F",
            "OBX|4|ST|8251-1^Nota^LN||Campione lievemente emolizzato||||||F",
        ]
    )


def wards_ready() -> None:
    """The oncology ward (beds L01, L02) and the day hospital (chairs P01, P02) that the
    messages name in PV1-3."""
    ward_ensure(
        code="ONCO", name="Oncologia", kind="inpatient", places=[("L01", "bed"), ("L02", "bed")]
    )
    ward_ensure(
        code="DHONC",
        name="Day hospital oncologico",
        kind="day_hospital",
        places=[("P01", "chair"), ("P02", "chair")],
    )


@contextmanager
def running_hl7_listener() -> Iterator[int]:
    """``manage.py hl7_listener``'s server on a loopback port, in a thread of this process
    (a transactional test: it has its own database connection); yields the port."""
    with running_listener(listener_run) as port:
        yield port


# --- the CUP's scheduling messages (SIU, HL7 v2.5 chapter 10) -----------------------------

CUP_SENDER = "CUP_REGIONALE|ASST_PAVIA"


def siu(
    event: str,
    control_id: str,
    *,
    appointment: str = "APP2026-000451",
    start: str = "202612071000",
    minutes: str = "30",
    unit: str = "min",
    service: str = "89.7^Prima visita oncologica^CUP",
    location: str = "DHT",
    patient: str = "",
    tq1: bool = True,
) -> str:
    """SIU^S12..S15 as a regional CUP sends it: SCH with the CUP's (filler) and the
    requester's (placer) appointment ids, the reason and the TQ (start in SCH-11.4); TQ1
    with start and duration; PID; RGS; AIS (service); AIL (where); AIP (who)."""
    sch = seg(
        "SCH",
        "RIC77123^CUP",  # SCH-1 placer
        f"{appointment}^CUP",  # SCH-2 filler
        "",
        "",
        "",
        "CONF^Prenotazione confermata^L",  # SCH-6 event reason
        "V01^Visita oncologica^L",  # SCH-7 appointment reason
        "NORMAL^Routine^HL70277",  # SCH-8
        "",
        "",
        f"^^M{minutes}^{start}",  # SCH-11 TQ
    )
    parts = [
        msh(f"SIU^{event}^SIU_S12", control_id, sender=CUP_SENDER),
        sch,
    ]
    if tq1:
        parts.append(seg("TQ1", "1", "", "", "", "", f"{minutes}^{unit}", start))
    parts += [
        patient or pid(adt_id=""),
        "RGS|1|A",
        seg("AIS", "1", "A", service, start, "", "", minutes, unit),
        seg("AIL", "1", "A", f"{location}^^^ASST_PAVIA"),
        seg("AIP", "1", "A", "DOC0042^VERDI^LUCA^^^^^^CUP"),
    ]
    return "\r".join(parts)
