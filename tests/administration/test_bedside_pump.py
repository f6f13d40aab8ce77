"""Bedside to pump, end to end on loopback: the administration programs the simulator
(which checks rate against volume and duration itself) and the simulator's occlusion
alarm reaches the dashboard linked to the administration record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration.models import ProgramOutcome, PumpAlarm, PumpMessage
from corsia.administration.pumps.services import pump_register
from corsia.testing.accounts import MakeUser
from corsia.testing.administration import (
    Folfox,
    give,
    running_gateway,
    running_simulator,
    verify,
)
from corsia.testing.administration import (
    wait_for as _wait_for,
)

pytestmark = pytest.mark.xdist_group("pump_end_to_end")


def test_administration_programs_the_pump_and_its_occlusion_is_linked(  # type: ignore[no-untyped-def]  # factory fixture
    transactional_db: None, folfox: Folfox, make_user: MakeUser, client_for
) -> None:
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    with (
        running_gateway() as gateway_port,
        running_simulator(
            gateway_port, "--status-interval", "0.2", "--speed", "60", "--occlusion-after", "1.0"
        ) as (simulator, pump_port),
    ):
        pump_register(
            serial="PMP-E2E", ward_code="DH-ONCO", location_label="Poltrona 3",
            host="127.0.0.1", port=pump_port, actor=make_user(Role.COORDINATOR), workstation="t",
        )  # fmt: skip

        # when the nurse's verification passes and names the pump
        result = verify(folfox, "oxaliplatin", pump_serial="PMP-E2E")

        # then the simulator accepted a programme of 170 mg in the UFA's 284 mL bag (34 mL
        # of 5 mg/mL oxaliplatin in glucose 5 % 250 mL) over 120 min at 284 / 2 h =
        # 142.0 mL/h (it refuses a rate that does not match volume and duration)
        assert result.allowed and result.pump_error == ""
        program = result.pump_program
        assert (program.outcome, program.ack_code) == (ProgramOutcome.ACCEPTED, "AA")
        assert (program.dose_mg, program.volume_ml, program.duration_min, program.rate_ml_h) == (
            Decimal("170.000"),
            Decimal("284.00"),
            120,
            Decimal("142.0"),
        )
        assert program.administration == result.administration
        sent = PumpMessage.objects.get(control_id=program.control_id, direction="out")
        assert "|142.0|" in sent.raw
        result.administration.refresh_from_db()
        assert result.administration.rate_ml_h == Decimal("142.0")

        # and the occlusion raised by the simulator is linked to the administration
        assert _wait_for(lambda: PumpAlarm.objects.filter(pump__serial="PMP-E2E").exists()), (
            simulator.stderr.read() if simulator.poll() is not None and simulator.stderr else ""
        )
    alarm = PumpAlarm.objects.get(pump__serial="PMP-E2E")
    assert alarm.administration == result.administration
    assert alarm.text == "Occlusione a valle"
    board = client_for(Role.NURSE).get("/administration/pumps/").content.decode()
    assert f'href="/administration/{result.administration.pk}/"' in board
    assert "Occlusione a valle" in board
    detail = client_for(Role.NURSE).get(f"/administration/{result.administration.pk}/")
    assert "Occlusione a valle" in detail.content.decode()
