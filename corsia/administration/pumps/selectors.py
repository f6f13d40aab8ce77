"""Reads of the pumps: the dashboard and API (pumps, their last alarm with the drug of the
administration it stopped; no patient is named, so nothing is access-logged), and the
administration a pump is running (to link an alarm to it)."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.administration.models import (
    Administration,
    AdministrationState,
    ProgramOutcome,
    Pump,
    PumpAlarm,
    PumpProgram,
)


@dataclass(frozen=True)
class PumpRow:
    pump: Pump
    last_alarm: PumpAlarm | None

    @property
    def alarm_open(self) -> bool:
        return self.last_alarm is not None and self.last_alarm.cleared_at is None


def pump_board(*, ward_code: str = "") -> list[PumpRow]:
    """Every pump of the ward (or of all wards), with its most recent alarm. Two queries."""
    pumps = list(Pump.objects.filter(ward_code=ward_code) if ward_code else Pump.objects.all())
    latest = {
        alarm.pump_id: alarm
        for alarm in PumpAlarm.objects.filter(pump__in=pumps)
        .select_related("administration")
        .order_by("pump_id", "-raised_at", "-id")
        .distinct("pump_id")
    }
    return [PumpRow(pump=pump, last_alarm=latest.get(pump.pk)) for pump in pumps]


def ward_codes() -> list[str]:
    return list(Pump.objects.order_by("ward_code").values_list("ward_code", flat=True).distinct())


def running_administration_of(pump: Pump) -> Administration | None:
    """The administration the pump's last accepted programme belongs to, if still running."""
    program = (
        PumpProgram.objects.filter(pump=pump, outcome=ProgramOutcome.ACCEPTED)
        .select_related("administration")
        .order_by("-sent_at", "-id")
        .first()
    )
    if program is None or program.administration is None:
        return None
    admin = program.administration
    return admin if admin.state == AdministrationState.STARTED else None
