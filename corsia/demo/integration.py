"""What the demo hospital's integrations left behind: the ward staff of the care scope and a
morning of HL7 v2.5 traffic from the ADT and the laboratory, received through the same
service the MLLP listener calls (so the IT staff's message page, the registry and the chart
show them as they would after a real morning).

The messages are written out whole, as an Italian ADT and laboratory send them (HL7 Italia
style: the codice fiscale in PID-3 under the Ministero dell'Economia e delle Finanze's
assigning authority). The person is fictitious; her codice fiscale's check character is
computed from the tables of DM 23/12/1976.

Idempotent: ward staff already assigned are left alone; a message already received (same
MSH-10) is answered from the store and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corsia.accounts import selectors as accounts_selectors
from corsia.interop.services import message_receive
from corsia.patients import selectors as patient_selectors
from corsia.patients import services as patient_services

if TYPE_CHECKING:
    from corsia.core.actors import User

# username → the wards the care scope (CORSIA_PATIENT_SCOPE=care) lets them see
WARD_STAFF = (
    ("medico", ("ONC", "DHONC")),
    ("medico2", ("EMA", "OEP")),
    ("infermiere", ("DHONC", "ONC")),
    ("coordinatore", ("DHONC",)),
)

_MSH = "MSH|^~\\&|{sender}|CORSIA|OSP_DEMO|{when}||{kind}|{control}|P|2.5|||AL|NE|ITA|UNICODE UTF-8"
_PID = (
    "PID|1||SPSNNA58L42F839Y^^^&2.16.840.1.113883.2.9.4.3.2&ISO^NNITA"
    "~5520417^^^OSP_DEMO&2.16.840.1.113883.2.9.2.30.4.1&ISO^PI||ESPOSITO^ANNA^^^^^L||19580702|F"
    "|||VIA TOLEDO 156^^NAPOLI^NA^80134^ITA^H||0815551234^PRN^PH"
)
_PV1 = "PV1|1|{klass}|{place}^OSP_DEMO" + "|" * 16 + "|RIC-DEMO-0001^^^OSP_DEMO^VN"


def _adt(event: str, control: str, when: str, *segments: str) -> str:
    header = _MSH.format(
        sender="SIO_ADT|OSP_DEMO", when=when, kind=f"ADT^{event}^ADT_A01", control=control
    )
    return "\r".join([header, f"EVN|{event}|{when}", *segments])


# registration in the registry (A28), admission to Oncologia medica bed L19, the morning's blood count (one value
# low, a text comment not recorded), then a transfer naming a ward Corsia does not have: an
# AE naming PV1-3, left in error for the IT staff to see and replay.
MORNING = (
    _adt("A28", "DEMO-ADT-0001", "20261201071500", _PID, "PV1|1|N"),
    _adt("A01", "DEMO-ADT-0002", "20261201080000", _PID, _PV1.format(klass="I", place="ONC^^L19")),
    "\r".join(
        [
            _MSH.format(
                sender="LIS|LAB_ANALISI",
                when="20261201093000",
                kind="ORU^R01^ORU_R01",
                control="DEMO-LAB-0001",
            ),
            _PID,
            "OBR|1|ORD-DEMO-1|LAB-DEMO-0001^LIS|58410-2^Emocromo^LN|||20261201073000",
            "OBX|1|NM|718-7^Emoglobina^LN||10.9|g/dL^g/dL^UCUM|12.0-16.0|L|||F",
            "OBX|2|NM|777-3^Piastrine^LN||245|10*9/L^10*9/L^UCUM|150-400|N|||F",
            "OBX|3|NM|2160-0^Creatinina^LN||0.82|mg/dL^mg/dL^UCUM|0.50-0.90||||F",
            "OBX|4|ST|8251-1^Nota^LN||Campione lievemente emolizzato||||||F",
        ]
    ),
    _adt("A02", "DEMO-ADT-0003", "20261201110000", _PID, _PV1.format(klass="I", place="CARD^^L01")),
)


def _user(username: str) -> User:
    return accounts_selectors.user_by_username(username=username)


def ensure_ward_staff(*, actor: User) -> int:
    """Assign the demo clinicians to their wards; returns how many assignments were made."""
    made = 0
    held = {(a.user.username, a.ward.code) for a in patient_selectors.ward_staff(user=actor)}
    for username, wards in WARD_STAFF:
        for code in wards:
            if (username, code) in held:
                continue
            patient_services.ward_staff_assign(
                actor=actor, workstation=None, username=username, ward_code=code
            )
            made += 1
    return made


def ensure_demo_messages() -> str:
    """Receive the demo morning's messages; returns their acknowledgement codes in order (a
    message received before is answered from the store, with the same code)."""
    codes = []
    for raw in MORNING:
        ack = message_receive(raw=raw)
        codes.append(ack.split("\rMSA|", 1)[1][:2])
    return ", ".join(codes)
