"""What a laboratory balance answers, read as a weight in grams or a clear refusal.

Two protocols of the common laboratory balances, parsed here without any I/O (the driver
that talks to the serial port or the TCP socket is ``corsia.compounding.scales``):

**Mettler Toledo MT-SICS** (level 0). The host sends ``S`` (stable weight) or ``SI``
(weight immediately) terminated by CR LF; the balance answers a line such as
``S S      12.345 g``: the command, a status and, for a weight, the value and the unit.
Status ``S`` is a stable weight, ``D`` a dynamic (unstable) one (only after ``SI``), ``I``
the command could not be executed now (e.g. no stable weight in time), ``+`` overload,
``-`` underload. A line ``ES`` is a syntax error, ``ET`` a transmission error, ``EL`` a
logical error.

**Sartorius SBI**. The host sends ``ESC P``; the balance prints one line of 16
characters (sign, value, unit, CR LF) or 22 (a 6-character header such as ``N     `` or
``G     `` before them). A reading that is not stable is printed without its unit; special
readouts put ``H`` (overload), ``L`` (underload) or ``C`` (adjustment) in place of the
value, and ``Err ##`` an error number.

Only stable readings in grams are accepted: an unstable, out-of-range or unreadable
answer is a ``ScaleError`` with a stable code and nothing is recorded.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.errors import CorsiaError


class ScaleProtocol(StrEnum):
    MT_SICS = "mt_sics"
    SARTORIUS_SBI = "sartorius_sbi"


class ScaleError(CorsiaError):
    """The balance did not give a usable weight (HTTP 409: repeat the reading)."""

    code = "scale_error"
    status = 409


_UNITS_TO_GRAMS = {"g": Decimal(1), "mg": Decimal("0.001"), "kg": Decimal(1000)}
_NUMBER = re.compile(r"^[+-]?\s*\d+(?:\.\d+)?$")


def _grams(value: str, unit: str, raw: str) -> Decimal:
    factor = _UNITS_TO_GRAMS.get(unit)
    if factor is None:
        raise ScaleError(
            f"La bilancia pesa in «{unit}»: impostarla in grammi.",
            code="scale_unit",
            details={"reply": raw},
        )
    cleaned = value.replace(" ", "")
    if not _NUMBER.match(cleaned):
        raise ScaleError(
            "Risposta della bilancia illeggibile.",
            code="scale_reply_invalid",
            details={"reply": raw},
        )
    try:
        return Decimal(cleaned) * factor
    except InvalidOperation as exc:  # pragma: no cover - the pattern above excludes it
        raise ScaleError(
            "Risposta della bilancia illeggibile.", code="scale_reply_invalid"
        ) from exc


def _unstable(raw: str) -> ScaleError:
    return ScaleError(
        "Peso non stabile: attendere che la bilancia si fermi e rileggere.",
        code="scale_unstable",
        details={"reply": raw},
    )


def _overload(raw: str) -> ScaleError:
    return ScaleError(
        "Bilancia in sovraccarico: il peso supera la portata.",
        code="scale_overload",
        details={"reply": raw},
    )


def _underload(raw: str) -> ScaleError:
    return ScaleError(
        "Bilancia sotto il minimo (piatto vuoto o zero da rifare).",
        code="scale_underload",
        details={"reply": raw},
    )


def parse_mt_sics(reply: str) -> Decimal:
    """Grams from the answer to ``S`` / ``SI``: ``"S S      12.345 g"`` → 12.345."""
    raw = reply.strip("\r\n")
    parts = raw.split()
    if not parts:
        raise ScaleError("La bilancia non ha risposto.", code="scale_no_reply")
    if parts[0] in {"ES", "ET", "EL"}:
        kind = {"ES": "sintassi", "ET": "trasmissione", "EL": "logico"}[parts[0]]
        raise ScaleError(
            f"Errore della bilancia ({kind}, {parts[0]}).",
            code="scale_command_error",
            details={"reply": raw},
        )
    if parts[0] not in {"S", "SI"} or len(parts) < 2:
        raise ScaleError(
            "Risposta della bilancia illeggibile.",
            code="scale_reply_invalid",
            details={"reply": raw},
        )
    status = parts[1]
    if status == "I":
        raise ScaleError(
            "La bilancia non può pesare ora (peso non stabile o occupata): ripetere.",
            code="scale_unstable",
            details={"reply": raw},
        )
    if status == "+":
        raise _overload(raw)
    if status == "-":
        raise _underload(raw)
    if status == "D":
        raise _unstable(raw)
    if status != "S" or len(parts) < 4:
        raise ScaleError(
            "Risposta della bilancia illeggibile.",
            code="scale_reply_invalid",
            details={"reply": raw},
        )
    return _grams("".join(parts[2:-1]), parts[-1], raw)


def parse_sbi(line: str) -> Decimal:
    """Grams from the SBI print line (16 or 22 characters, CR LF included or not)."""
    raw = line.rstrip("\r\n")
    if not raw.strip():
        raise ScaleError("La bilancia non ha risposto.", code="scale_no_reply")
    body = raw[6:] if len(raw) > 16 else raw  # a 22-character line has a 6-character header
    text = body.strip()
    if text.startswith("Err"):
        raise ScaleError(
            f"Errore della bilancia ({text}).", code="scale_command_error", details={"reply": raw}
        )
    if text in {"H", "HH"}:
        raise _overload(raw)
    if text in {"L", "LL"}:
        raise _underload(raw)
    if text == "C":
        raise ScaleError(
            "Bilancia in regolazione: attendere.", code="scale_busy", details={"reply": raw}
        )
    match = re.match(r"^([+-]?)\s*([\d.]+)\s*([A-Za-z]*)\s*$", text)
    if match is None:
        raise ScaleError(
            "Risposta della bilancia illeggibile.",
            code="scale_reply_invalid",
            details={"reply": raw},
        )
    sign, number, unit = match.groups()
    if not unit:
        raise _unstable(raw)
    return _grams(f"{sign}{number}", unit, raw)
