"""The compounding robot / smart hood: the preparation pushed to it, its result received.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.compounding import services
from corsia.compounding.domain.device_result import DeviceResultInvalid
from corsia.compounding.services import PREPARE
from corsia.core.access import api_perm
from corsia.core.web import acting

router = Router(tags=["compounding"])

MAX_RESULT_BYTES = 256 * 1024


class PushOut(Schema):
    adapter: str
    target: str
    status: int | None


class DeviceResultOut(Schema):
    id: int
    preparation_id: int
    preparation_state: str
    device_id: str
    result_id: str
    operator: str
    verdict: str
    outcome: str
    message: str
    received_at: datetime
    volumes: list[dict[str, Any]]
    images: list[dict[str, Any]]


@router.post("/preparations/{preparation_id}/device-push", response=PushOut)
@api_perm(PREPARE)
def preparation_device_push(request: HttpRequest, preparation_id: int) -> PushOut:
    """Send the preparation document (``corsia.compounding.robot/1``) to the configured
    robot or smart hood (file drop or HTTP); ``device_not_configured``,
    ``device_unreachable`` (502), ``preparation_not_open``."""
    receipt = services.preparation_device_push(**acting(request), preparation_id=preparation_id)
    return PushOut(adapter=receipt.adapter, target=receipt.target, status=receipt.status)


def _document(request: HttpRequest) -> Any:
    body = request.body
    if len(body) > MAX_RESULT_BYTES:
        raise DeviceResultInvalid(
            f"Risultato troppo grande (massimo {MAX_RESULT_BYTES // 1024} kB).",
            code="device_result_too_large",
        )
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeviceResultInvalid(
            "Il risultato del dispositivo non è JSON UTF-8 leggibile.",
            details={"errors": [{"field": "", "message": "JSON non leggibile"}]},
        ) from None


@router.post("/preparations/{preparation_id}/device-result", response={201: DeviceResultOut})
@api_perm(PREPARE)
def preparation_device_result(request: HttpRequest, preparation_id: int) -> Status[DeviceResultOut]:
    """The device's result (schema ``corsia.compounding.robot-result/1``, module README),
    recorded through the hood's scan and weighing; the preparation is at most *weighed*,
    the pharmacist releases it. Refusals (nothing recorded): ``device_result_invalid``,
    ``device_operator_unknown``, ``preparation_not_found``, ``device_result_duplicate``,
    ``device_result_preparation_released`` / ``_cancelled`` / ``_weighed`` / ``_started``,
    and the hood's own (``wrong_drug``, ``expired_lot``, ``dose_not_drawn``…)."""
    result = services.preparation_device_result_record(
        **acting(request),
        preparation_id=preparation_id,
        document=_document(request),
    )
    return Status(
        201,
        DeviceResultOut(
            id=result.pk,
            preparation_id=result.preparation_id,
            preparation_state=result.preparation.state,
            device_id=result.device_id,
            result_id=result.result_id,
            operator=result.operator.username,
            verdict=result.verdict,
            outcome=result.outcome,
            message=result.message,
            received_at=result.received_at,
            volumes=result.volumes,
            images=result.images,
        ),
    )
