"""Which workstation a request comes from: the pure rule and the middleware."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from corsia.accounts.domain.workstation import (
    UNKNOWN_IP,
    WorkstationInfo,
    parse_trusted_proxies,
    parse_workstation_map,
    resolve_workstation,
)
from corsia.accounts.middleware import WorkstationMiddleware
from corsia.accounts.models import Workstation
from corsia.testing.accounts import MakeUser

PROXY = "10.0.0.1"


def _resolve(
    remote: str | None,
    xff: str | None,
    trusted: list[str] | None = None,
    known: dict[str, str] | None = None,
) -> WorkstationInfo:
    return resolve_workstation(
        remote_addr=remote,
        forwarded_for=xff,
        trusted_proxies=[PROXY] if trusted is None else trusted,
        known=known or {},
    )


# --- the pure rule -----------------------------------------------------------------------


def test_direct_connection_uses_the_socket_address() -> None:
    assert _resolve("192.168.1.20", None) == WorkstationInfo("192.168.1.20", "192.168.1.20")


def test_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert _resolve("192.168.1.20", "10.20.30.40").ip == "192.168.1.20"


def test_forwarded_for_from_a_trusted_proxy_gives_the_client() -> None:
    assert _resolve(PROXY, "192.168.5.7").ip == "192.168.5.7"


def test_client_written_hops_left_of_the_real_client_are_ignored() -> None:
    # the client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real address
    assert _resolve(PROXY, "1.2.3.4, 192.168.5.7").ip == "192.168.5.7"


def test_chains_of_trusted_proxies_are_walked() -> None:
    trusted = [PROXY, "10.0.0.2"]
    assert _resolve(PROXY, "1.2.3.4, 192.168.5.7, 10.0.0.2", trusted).ip == "192.168.5.7"


def test_trusted_proxies_may_be_networks() -> None:
    assert _resolve("10.8.1.1", "192.168.5.7", ["10.8.0.0/16"]).ip == "192.168.5.7"
    assert _resolve("10.9.1.1", "192.168.5.7", ["10.8.0.0/16"]).ip == "10.9.1.1"


def test_a_garbage_hop_stops_the_walk_at_the_last_trusted_address() -> None:
    assert _resolve(PROXY, "192.168.5.7, unknown").ip == PROXY
    assert _resolve(PROXY, "").ip == PROXY


def test_ipv6_addresses_are_normalised() -> None:
    assert _resolve("::1", "2001:DB8:0:0::1", ["::1"]).ip == "2001:db8::1"


def test_missing_or_bad_remote_address_is_the_placeholder() -> None:
    assert _resolve(None, None).ip == UNKNOWN_IP == "0.0.0.0"  # noqa: S104 - an address, not a bind
    assert _resolve("not-an-ip", "192.168.5.7").ip == UNKNOWN_IP


def test_configured_name_is_attached_and_labelled() -> None:
    info = _resolve("10.1.1.5", None, known={"10.1.1.5": "UFA-cappa-1"})
    assert info == WorkstationInfo("10.1.1.5", "UFA-cappa-1")
    assert info.label() == "UFA-cappa-1 (10.1.1.5)"
    assert _resolve("10.1.1.6", None).label() == "10.1.1.6"


def test_workstation_map_is_parsed_and_bad_entries_raise() -> None:
    assert parse_workstation_map(" 10.0.0.5=UFA-cappa-1, 10.0.0.6 = DH letto 3 ,") == {
        "10.0.0.5": "UFA-cappa-1",
        "10.0.0.6": "DH letto 3",
    }
    assert parse_workstation_map("") == {}
    for bad in ("10.0.0.5", "10.0.0.5=", "pc=UFA"):
        with pytest.raises(ValueError):
            parse_workstation_map(bad)


def test_trusted_proxy_list_is_parsed_and_bad_entries_raise() -> None:
    assert parse_trusted_proxies(["10.0.0.1", " 10.8.0.0/16 ", "", "::1"]) == (
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("10.8.0.0/16"),
        ipaddress.ip_network("::1/128"),
    )
    with pytest.raises(ValueError, match=r"proxy\.example"):
        parse_trusted_proxies(["proxy.example"])


_ipv4 = st.ip_addresses(v=4).map(str)


@given(client=_ipv4, spoofed=st.lists(_ipv4, max_size=4), peer=_ipv4)
def test_an_untrusted_peer_is_always_the_workstation(
    client: str, spoofed: list[str], peer: str
) -> None:
    # whatever the header says, a peer that is not a trusted proxy is taken at its word
    if peer == PROXY:
        return
    assert _resolve(peer, ", ".join([*spoofed, client])).ip == peer


@given(client=_ipv4, spoofed=st.lists(_ipv4, max_size=4))
def test_behind_the_trusted_proxy_the_client_is_the_last_untrusted_hop(
    client: str, spoofed: list[str]
) -> None:
    # whatever the client wrote before it, the hop our proxy appended wins
    if client == PROXY:
        return
    assert _resolve(PROXY, ", ".join([*spoofed, client])).ip == client


# --- the middleware --------------------------------------------------------------------------


def _seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.workstation.label())  # type: ignore[attr-defined]  # set by the middleware


def test_named_workstation_from_the_table(db: None, settings: Settings) -> None:
    Workstation.objects.create(name="DH-letto-3", ip_address="192.168.7.3")
    Workstation.objects.create(name="Spenta", ip_address="192.168.7.4", is_active=False)
    middleware = WorkstationMiddleware(_seen)
    factory = RequestFactory()
    assert (
        middleware(factory.get("/", REMOTE_ADDR="192.168.7.3")).content
        == b"DH-letto-3 (192.168.7.3)"
    )
    assert middleware(factory.get("/", REMOTE_ADDR="192.168.7.4")).content == b"192.168.7.4"


def test_named_workstation_from_the_environment_wins(db: None, settings: Settings) -> None:
    settings.CORSIA_WORKSTATIONS = "192.168.7.3=UFA-cappa-1"
    Workstation.objects.create(name="DH-letto-3", ip_address="192.168.7.3")
    middleware = WorkstationMiddleware(_seen)
    response = middleware(RequestFactory().get("/", REMOTE_ADDR="192.168.7.3"))
    assert response.content == b"UFA-cappa-1 (192.168.7.3)"


def test_forwarded_for_is_honoured_only_from_trusted_proxies(db: None, settings: Settings) -> None:
    settings.CORSIA_TRUSTED_PROXIES = ["10.0.0.1"]
    Workstation.objects.create(name="UFA-cappa-2", ip_address="192.168.9.2")
    middleware = WorkstationMiddleware(_seen)
    factory = RequestFactory()
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.9.2")
    assert middleware(via_proxy).content == b"UFA-cappa-2 (192.168.9.2)"
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.99", HTTP_X_FORWARDED_FOR="192.168.9.2")
    assert middleware(spoofed).content == b"10.0.0.99"


def test_the_workstation_reaches_the_audit_trail(make_user: MakeUser, settings: Settings) -> None:
    from corsia.accounts.domain.roles import Role
    from corsia.audit.models import AuditEvent

    Workstation.objects.create(name="Reparto-PC-1", ip_address="192.168.3.3")
    make_user(Role.NURSE, username="inf", password="Giusta-pass-2024")
    Client(REMOTE_ADDR="192.168.3.3").post(
        "/login/", {"username": "inf", "password": "Giusta-pass-2024"}
    )
    event = AuditEvent.objects.get(event_type="accounts.login_succeeded")
    assert event.workstation == "Reparto-PC-1 (192.168.3.3)"
