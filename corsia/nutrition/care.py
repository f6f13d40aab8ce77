"""The readers of the care scope (``corsia.patients.scope``) that only nutrition can
answer: whom a user cared for through a parenteral-nutrition order, and which patients the
pharmacy works for through one. Registered from ``NutritionConfig.ready`` (patients sits
below nutrition)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from corsia.nutrition.models import NutritionOrder, OrderState

# Whoever drafted, signed, validated, compounded, checked out, started or ended the bag.
_ACTORS = (
    "prescriber_id", "signed_by_id", "validated_by_id", "prepared_by_id", "checked_out_by_id",
    "administered_by_id", "ended_by_id",
)  # fmt: skip
# Nothing left for the pharmacy to do on these (the bag refused, withdrawn or hung).
_CLOSED = (OrderState.REJECTED, OrderState.CANCELLED, OrderState.ADMINISTERED)


def nutrition_care_patient_ids(*, user_id: int, since: datetime) -> list[int]:
    """The patients of the NPT orders the user acted on, the order changed since ``since``."""
    acted = Q()
    for field in _ACTORS:
        acted |= Q(**{field: user_id})
    return list(
        NutritionOrder.objects.filter(acted, updated_at__gte=since)
        .values_list("patient_id", flat=True)
        .distinct()
    )


def nutrition_pharmacy_patient_ids(*, since: datetime) -> list[int]:
    """The patients with an NPT order still open for the pharmacy (signed, validated,
    compounded: a validation, a work plan, a check-out), or changed since ``since``."""
    closed = [state.value for state in _CLOSED]
    return list(
        NutritionOrder.objects.filter(~Q(state__in=closed) | Q(updated_at__gte=since))
        .exclude(state=OrderState.DRAFT)
        .values_list("patient_id", flat=True)
        .distinct()
    )
