"""The hospital's settings the follow-up reads: the viral-load thresholds for pre-emptive
therapy and the immunosuppressants' trough ranges (no patient data: nothing to log)."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.core.actors import User, require_permission
from corsia.transplant.models.followup import TroughTarget, ViralThreshold
from corsia.transplant.permissions import VIEW


@dataclass(frozen=True)
class HospitalSettings:
    thresholds: list[ViralThreshold]
    trough_targets: list[TroughTarget]


def hospital_settings(*, user: User) -> HospitalSettings:
    """The thresholds (by virus) and the trough ranges (by drug and period)."""
    require_permission(user, VIEW)
    return HospitalSettings(
        thresholds=list(ViralThreshold.objects.order_by("virus")),
        trough_targets=list(TroughTarget.objects.order_by("drug", "from_day", "pk")),
    )
