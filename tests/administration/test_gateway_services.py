"""Inbound pump messages through the service: applied once, in order, or refused with
the right ACK and nothing changed. Pages and API of the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.administration.domain.hl7_pcd import parse_pcd
from corsia.administration.models import Pump, PumpAlarm, PumpMessage
from corsia.administration.pumps.services import pump_message_receive
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import PermissionRefused
from corsia.testing.administration import PCD01_RUNNING, PCD04_OCCLUSION


def _snapshot(pump: Pump) -> dict[str, Any]:
    pump.refresh_from_db()
    return {
        "pump": model_to_dict(pump),
        "alarms": list(PumpAlarm.objects.values_list("id", "cleared_at")),
        "applied": PumpMessage.objects.filter(ack_code="AA").count(),
        "audit": AuditEvent.objects.count(),
    }


def _ack(answer: str) -> tuple[str, str, str]:
    msa = next(s for s in answer.split("\r") if s.startswith("MSA|")).split("|")
    err = next((s for s in answer.split("\r") if s.startswith("ERR|")), "")
    return msa[1], msa[2], err.split("|")[5].split("^")[0] if err else ""


def _programmed(pump: Pump) -> Pump:
    Pump.objects.filter(pk=pump.pk).update(state="programmed")
    pump.refresh_from_db()
    return pump


def test_status_then_occlusion_are_applied_and_recorded(pump: Pump) -> None:
    _programmed(pump)
    assert _ack(pump_message_receive(raw=PCD01_RUNNING)) == ("AA", "S-7", "")
    pump.refresh_from_db()
    assert pump.state == "running"
    assert str(pump.rate_ml_h) == "125.0"
    assert str(pump.volume_infused_ml) == "31.30"
    assert _ack(pump_message_receive(raw=PCD04_OCCLUSION)) == ("AA", "A-9", "")
    pump.refresh_from_db()
    assert pump.state == "alarm"
    alarm = PumpAlarm.objects.get()
    assert (alarm.name, alarm.text, alarm.priority) == (
        "MDC_EVT_FLUID_LINE_OCCL",
        "Occlusione a valle",
        "PH",
    )
    assert alarm.raised_at.isoformat() == "2025-03-14T09:49:58+00:00"
    event = AuditEvent.objects.get(event_type="administration.pump_alarm_raised")
    assert event.actor_username == "system"
    assert event.after is not None and event.after["location"] == "Poltrona 7"


def test_duplicate_is_rejected_and_changes_nothing(pump: Pump) -> None:
    _programmed(pump)
    pump_message_receive(raw=PCD01_RUNNING)
    before = _snapshot(pump)
    again = PCD01_RUNNING.replace("|31.3|", "|99.0|")  # same control id, other content
    assert _ack(pump_message_receive(raw=again)) == ("AR", "S-7", "duplicate")
    assert _snapshot(pump) == before
    logged = PumpMessage.objects.filter(ack_code="AR").get()
    assert (logged.control_id, logged.ack_error, logged.raw) == ("S-7", "duplicate", again)


def test_out_of_order_is_refused_ae_and_changes_nothing(pump: Pump) -> None:
    _programmed(pump)
    pump_message_receive(raw=PCD01_RUNNING)  # sent 10:45
    before = _snapshot(pump)
    older = PCD04_OCCLUSION.replace("20250314105000+0100", "20250314104000+0100")
    assert _ack(pump_message_receive(raw=older)) == ("AE", "A-9", "out_of_order")
    assert _snapshot(pump) == before
    assert PumpAlarm.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("garbage", ("AR", "", "malformed_message")),
        (PCD01_RUNNING.replace("|2.6\r", "|2.9\r", 1), ("AR", "S-7", "unsupported_version")),
        (PCD01_RUNNING.replace("|31.3|", "|x|"), ("AE", "S-7", "bad_number")),
        (PCD01_RUNNING.replace("PMP-0001", "PMP-9999"), ("AE", "S-7", "unknown_pump")),
        (PCD01_RUNNING.replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01"), ("AR", "S-7", "unsupported_message_type")),
    ],
)  # fmt: skip
def test_malformed_or_unknown_messages_change_nothing(
    pump: Pump, raw: str, expected: tuple[str, str, str]
) -> None:
    _programmed(pump)
    before = _snapshot(pump)
    assert _ack(pump_message_receive(raw=raw)) == expected
    assert _snapshot(pump) == before
    assert PumpMessage.objects.get().ack_code == expected[0]


def test_a_status_that_cannot_follow_is_refused(pump: Pump) -> None:
    # given a pump never programmed (idle), a "running" report is refused
    before = _snapshot(pump)
    assert _ack(pump_message_receive(raw=PCD01_RUNNING)) == ("AE", "S-7", "invalid_transition")
    assert _snapshot(pump) == before


def test_registering_needs_the_permission(make_user) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    from corsia.administration.pumps.services import pump_register

    with pytest.raises(PermissionRefused):
        pump_register(
            serial="X", ward_code="W", location_label="", host="h", port=1,
            actor=make_user(Role.NURSE), workstation="t",
        )  # fmt: skip
    assert Pump.objects.count() == 0


def test_dashboard_and_api_show_state_and_alarm(pump: Pump, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    _programmed(pump)
    pump_message_receive(raw=PCD01_RUNNING)
    pump_message_receive(raw=PCD04_OCCLUSION)
    nurse: Client = client_for(Role.NURSE)
    page = nurse.get("/administration/pumps/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'data-state="alarm"' in html
    assert "Occlusione a valle" in html
    assert "14/03/2025 10:49:58" in html  # Europe/Rome
    partial = nurse.get("/administration/pumps/board/", {"ward": "DH-ONCO"}).content.decode()
    assert "<html" not in partial and "Occlusione a valle" in partial
    assert (
        "Nessuna pompa" in nurse.get("/administration/pumps/board/", {"ward": "X"}).content.decode()
    )
    api = nurse.get("/api/v1/administration/pumps").json()
    assert api[0]["serial"] == "PMP-0001"
    assert api[0]["state"] == "alarm"
    assert api[0]["last_alarm"]["name"] == "MDC_EVT_FLUID_LINE_OCCL"
    assert api[0]["last_alarm"]["cleared_at"] is None


def test_dashboard_permissions(db: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    for role in (Role.PHYSICIAN, Role.COORDINATOR):
        assert client_for(role).get("/administration/pumps/").status_code == 200
    pharmacist: Client = client_for(Role.PHARMACIST)
    assert pharmacist.get("/administration/pumps/").status_code == 403
    assert pharmacist.get("/administration/pumps/board/").status_code == 403
    assert pharmacist.get("/api/v1/administration/pumps").status_code == 403
    assert Client().get("/administration/pumps/").status_code == 302


def test_parsed_json_is_stored(pump: Pump) -> None:
    _programmed(pump)
    pump_message_receive(raw=PCD01_RUNNING)
    stored = PumpMessage.objects.get()
    assert stored.parsed["status"] == "running"
    assert stored.parsed["volume_infused_ml"] == "31.3"
    assert parse_pcd(stored.raw).header.control_id == "S-7"
