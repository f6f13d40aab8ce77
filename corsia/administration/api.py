"""JSON API of bedside administration: /api/v1/administration/…"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.administration import selectors
from corsia.core.access import api_perm

router = Router(tags=["administration"])


class AlarmOut(Schema):
    code: str
    name: str
    text: str
    priority: str
    raised_at: datetime
    cleared_at: datetime | None


class PumpOut(Schema):
    serial: str
    ward_code: str
    location_label: str
    state: str
    rate_ml_h: Decimal | None
    volume_infused_ml: Decimal | None
    vtbi_ml: Decimal | None
    last_message_at: datetime | None
    last_alarm: AlarmOut | None


@router.get("/pumps", response=list[PumpOut])
@api_perm("administration.view_pumps")
def pumps_list(request: HttpRequest, ward: str = "") -> list[PumpOut]:
    rows = selectors.pump_board(ward_code=ward)
    return [
        PumpOut(
            serial=row.pump.serial,
            ward_code=row.pump.ward_code,
            location_label=row.pump.location_label,
            state=row.pump.state,
            rate_ml_h=row.pump.rate_ml_h,
            volume_infused_ml=row.pump.volume_infused_ml,
            vtbi_ml=row.pump.vtbi_ml,
            last_message_at=row.pump.last_message_at,
            last_alarm=AlarmOut.model_validate(row.last_alarm, from_attributes=True)
            if row.last_alarm
            else None,
        )
        for row in rows
    ]
