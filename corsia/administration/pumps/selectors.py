"""Reads for the pump dashboard and API (no patient data: pumps are not yet linked to
orders; when they are, the board must log the access like every clinical read)."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.administration.models import Pump, PumpAlarm


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
