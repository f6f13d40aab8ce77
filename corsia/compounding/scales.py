"""Drivers of the hood's balance: MT-SICS and Sartorius SBI over serial or TCP.

A hood (``Hood.scale_url``, ``Hood.scale_protocol``, ``Hood.scale_id``) names its balance
by a pyserial URL: a serial device (``/dev/ttyUSB0``, ``COM4``; 9600 8N1 by default, other
settings in the hood's configuration) or ``socket://host:port`` for a balance on the
network (Ethernet balances and serial-to-Ethernet adapters). The answer is parsed by
``domain/balance.py``; any failure (no answer, unstable, overload, underload, error
reply, port not found) is a ``ScaleError`` with a stable code, so nothing is recorded.

The service reads the balance *before* opening its transaction: no database lock is held
across the serial or network I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import serial

from corsia.compounding.domain.balance import (
    ScaleError,
    ScaleProtocol,
    parse_mt_sics,
    parse_sbi,
)

DEFAULT_TIMEOUT_S = 3.0


class Scale(Protocol):
    """A balance at the hood: the driver returns the stable weight in grams."""

    @property
    def scale_id(self) -> str: ...

    def read_grams(self) -> Decimal: ...


@dataclass
class SimulatedScale:
    """A scale that answers what it is told to (tests and demo)."""

    grams: Decimal
    scale_id: str = "SIMULATA"

    def read_grams(self) -> Decimal:
        return self.grams


@dataclass
class SerialScale:
    """A laboratory balance reached through pyserial (serial device or ``socket://``)."""

    url: str
    protocol: ScaleProtocol
    scale_id: str
    baudrate: int = 9600
    timeout_s: float = DEFAULT_TIMEOUT_S

    def _command(self) -> bytes:
        if self.protocol is ScaleProtocol.MT_SICS:
            return b"S\r\n"  # the stable weight (the balance waits for stability)
        return b"\x1bP\r\n"  # SBI print command

    def read_grams(self) -> Decimal:
        try:
            port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=self.timeout_s, do_not_open=True
            )
            port.open()
        except (serial.SerialException, ValueError, OSError) as exc:
            raise ScaleError(
                f"Bilancia {self.scale_id} non raggiungibile ({self.url}).",
                code="scale_unreachable",
                details={"scale": self.scale_id},
            ) from exc
        try:
            port.reset_input_buffer()
            port.write(self._command())
            port.flush()
            reply = port.readline()
        except (serial.SerialException, OSError) as exc:
            raise ScaleError(
                f"Comunicazione con la bilancia {self.scale_id} interrotta.",
                code="scale_unreachable",
                details={"scale": self.scale_id},
            ) from exc
        finally:
            port.close()
        if not reply.endswith(b"\n"):
            raise ScaleError(
                f"La bilancia {self.scale_id} non ha risposto in {self.timeout_s:g} s.",
                code="scale_timeout",
                details={"scale": self.scale_id},
            )
        text = reply.decode("ascii", errors="replace")
        if self.protocol is ScaleProtocol.MT_SICS:
            return parse_mt_sics(text)
        return parse_sbi(text)


def scale_from_settings(
    *, url: str, protocol: str, scale_id: str, baudrate: int = 9600
) -> SerialScale | None:
    """The hood's balance from its configuration; ``None`` when it has none."""
    if not url.strip():
        return None
    try:
        chosen = ScaleProtocol(protocol)
    except ValueError as exc:
        raise ScaleError(
            f"Protocollo della bilancia «{protocol}» non gestito.",
            code="scale_protocol_unknown",
        ) from exc
    return SerialScale(
        url=url.strip(), protocol=chosen, scale_id=scale_id or url.strip(), baudrate=baudrate
    )
