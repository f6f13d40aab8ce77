"""Which workstation a request comes from: the rule, without HTTP."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkstationInfo:
    ip: str
    name: str

    def label(self) -> str:
        return f"{self.name} ({self.ip})" if self.name and self.name != self.ip else self.ip


def parse_workstation_map(raw: str) -> dict[str, str]:
    """``"10.0.0.5=UFA-cappa-1, 10.0.0.6=DH-letto-3"`` → {ip: name}. Bad entries raise."""
    result: dict[str, str] = {}
    for chunk in raw.split(","):
        entry = chunk.strip()
        if not entry:
            continue
        ip, sep, name = entry.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"workstation entry {entry!r} must be ip=name")
        result[str(ipaddress.ip_address(ip.strip()))] = name.strip()
    return result


def resolve_workstation(
    *,
    remote_addr: str | None,
    forwarded_for: str | None,
    trusted_proxies: Sequence[str],
    known: Mapping[str, str],
) -> WorkstationInfo:
    """The client address (through trusted proxies only) and its configured name."""
    ip = _valid_ip(remote_addr) or "0.0.0.0"  # noqa: S104 - placeholder when the server gives none
    if forwarded_for and ip in trusted_proxies:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            candidate = _valid_ip(hop)
            if candidate and candidate not in trusted_proxies:
                ip = candidate
                break
    return WorkstationInfo(ip=ip, name=known.get(ip, ip))


def _valid_ip(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None
