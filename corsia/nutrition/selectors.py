"""Reads of parenteral nutrition. The preview computes a bag from the pharmacy's data and
saves nothing; it reads no patient record (the caller sends the measures), so it writes no
access-log entry."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from corsia.core.actors import User, require_permission
from corsia.nutrition import reference
from corsia.nutrition.domain.checks import Assessment, Patient, Settings, assess
from corsia.nutrition.domain.composition import Item
from corsia.nutrition.permissions import PREVIEW


def nutrition_settings() -> Settings:
    return Settings(
        peripheral_max_mosm_l=Decimal(settings.CORSIA_NUTRITION_PERIPHERAL_MAX_MOSM_L),
        weight_max_age_days=settings.CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS,
    )


def nutrition_preview(
    *, user: User | None, patient: Patient, items: Sequence[Item], infusion_hours: Decimal
) -> Assessment:
    """The bag's composition and its checks; refusals raise ``ValidationFailed``."""
    require_permission(user, PREVIEW)
    return assess(
        patient=patient,
        items=items,
        infusion_hours=infusion_hours,
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=timezone.localdate(),
        settings=nutrition_settings(),
    )
