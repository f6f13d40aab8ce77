"""Which workstation a request comes from: the rule, without HTTP."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN_IP = "0.0.0.0"  # noqa: S104 - placeholder when the server gives no address


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


def parse_trusted_proxies(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or networks (``10.0.0.1``, ``10.1.0.0/16``, ``::1``). Bad entries raise."""
    networks: list[IPNetwork] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(f"trusted proxy {text!r} is not an address or a network") from exc
    return tuple(networks)


def resolve_workstation(
    *,
    remote_addr: str | None,
    forwarded_for: str | None,
    trusted_proxies: Sequence[str] | Sequence[IPNetwork],
    known: Mapping[str, str],
) -> WorkstationInfo:
    """The client address and its configured name.

    ``X-Forwarded-For`` is read only when the connection comes from a trusted proxy,
    from the right (the hop our proxy appended) leftwards, skipping further trusted
    proxies; the first untrusted address is the client. Whatever lies left of it was
    written by the client and is ignored. An unparsable hop stops the walk: the last
    trustworthy address is kept rather than believing what comes before it.
    """
    networks = _networks(trusted_proxies)
    ip = _valid_ip(remote_addr) or UNKNOWN_IP
    if forwarded_for and _trusted(ip, networks):
        for hop in reversed(forwarded_for.split(",")):
            candidate = _valid_ip(hop)
            if candidate is None:
                break
            ip = candidate
            if not _trusted(candidate, networks):
                break
    return WorkstationInfo(ip=ip, name=known.get(ip, ip))


def _networks(entries: Sequence[str] | Sequence[IPNetwork]) -> tuple[IPNetwork, ...]:
    return tuple(
        entry
        if isinstance(entry, ipaddress.IPv4Network | ipaddress.IPv6Network)
        else ipaddress.ip_network(entry.strip(), strict=False)
        for entry in entries
    )


def _trusted(ip: str, networks: Sequence[IPNetwork]) -> bool:
    address = ipaddress.ip_address(ip)
    return any(address.version == net.version and address in net for net in networks)


def _valid_ip(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None
