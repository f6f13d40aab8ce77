"""The hospital's follow-up settings: /api/v1/transplant/settings/... — the viral-load
thresholds for pre-emptive therapy and the immunosuppressants' trough ranges. Read with
``view``, changed with ``decide`` and a reason; the same services as the pages.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, request_actor
from corsia.transplant.permissions import DECIDE, VIEW
from corsia.transplant.schemas.settings import (
    HospitalSettingsOut,
    TroughTargetIn,
    TroughTargetOut,
    ViralThresholdIn,
    ViralThresholdOut,
    threshold_out,
    trough_out,
)
from corsia.transplant.selectors.settings import hospital_settings
from corsia.transplant.services import followup_records as records

router = Router()


@router.get("/settings", response=HospitalSettingsOut)
@api_perm(VIEW)
def settings_get(request: HttpRequest) -> HospitalSettingsOut:
    """The viral thresholds (by virus) and the trough ranges (by drug and period)."""
    found = hospital_settings(user=request_actor(request))
    return HospitalSettingsOut(
        viral_thresholds=[threshold_out(t) for t in found.thresholds],
        trough_targets=[trough_out(t) for t in found.trough_targets],
    )


@router.put("/settings/viral-thresholds/{virus}", response=ViralThresholdOut)
@api_perm(DECIDE)
def viral_threshold_set(
    request: HttpRequest, virus: str, payload: ViralThresholdIn
) -> ViralThresholdOut:
    """Set (or replace) a virus's threshold. Refusals: ``virus_unknown``, ``unit_unknown``,
    ``threshold_out_of_range``, ``reason_required``."""
    row = records.viral_threshold_set(**acting(request), virus=virus[:10], **payload.dict())
    return threshold_out(row)


@router.post("/settings/trough-targets", response={201: TroughTargetOut})
@api_perm(DECIDE)
def trough_target_add(request: HttpRequest, payload: TroughTargetIn) -> Status[TroughTargetOut]:
    """Add a trough range. Refusals: ``drug_unknown``, ``target_period_inverted``,
    ``target_range_inverted``, ``target_periods_overlap``, ``reason_required``."""
    row = records.trough_target_add(**acting(request), **payload.dict())
    return Status(201, trough_out(row))
