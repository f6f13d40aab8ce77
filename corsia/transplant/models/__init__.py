"""The transplant pathway's tables, one file per part (re-exported here so that
``corsia.transplant.models.Transplant`` and the migrations find every model).

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``transplant.*``), so every model has
``default_permissions = ()``. Every table is tracked by django-pghistory; nothing is
deleted."""

from corsia.transplant.models.case import Transplant
from corsia.transplant.models.followup import (
    AdverseEvent,
    AgvhdAssessment,
    CgvhdAssessment,
    Consent,
    FollowUpVisit,
    Outcome,
    ResponseAssessment,
    TroughTarget,
    ViralLoad,
    ViralThreshold,
)
from corsia.transplant.models.pretransplant import (
    CustodyEvent,
    DailyCount,
    Donor,
    Infusion,
    Product,
)

__all__ = [
    "AdverseEvent", "AgvhdAssessment", "CgvhdAssessment", "Consent", "CustodyEvent",
    "DailyCount", "Donor", "FollowUpVisit", "Infusion", "Outcome", "Product",
    "ResponseAssessment", "Transplant", "TroughTarget", "ViralLoad", "ViralThreshold",
]  # fmt: skip
