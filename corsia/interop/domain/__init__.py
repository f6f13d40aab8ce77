"""HL7 v2.5 inbound, without Django: reading the ER7 text (hl7apy checks each segment's
structure), the ADT and ORU contents as frozen dataclasses, the ACK, and the states a
stored message goes through. Every refusal is a ``MessageRefused`` (administration's PCD
package defines it with the HL7 table 0357 codes; reused, not copied) naming the
segment and field for the ACK's ERR-2 (``PID^1^3``)."""
