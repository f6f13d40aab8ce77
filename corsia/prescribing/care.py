"""The readers of the care scope (``corsia.patients.scope``) that only prescribing can
answer: whom a user cared for through an order, and which patients the pharmacy works for.
Registered from ``PrescribingConfig.ready`` (patients sits below prescribing)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from corsia.prescribing.domain.states import TERMINAL_STATES
from corsia.prescribing.models import TherapyOrder


def order_care_patient_ids(*, user_id: int, since: datetime) -> list[int]:
    """The patients of the orders the user prescribed, or moved on (confirmed, signed,
    validated, took in charge, prepared, delivered, suspended…), since ``since``."""
    return list(
        TherapyOrder.objects.filter(
            Q(transitions__actor_id=user_id, transitions__at__gte=since)
            | Q(prescriber_id=user_id, created_at__gte=since)
        )
        .values_list("patient_id", flat=True)
        .distinct()
    )


def pharmacy_patient_ids(*, since: datetime) -> list[int]:
    """The patients with an order still open (not administered nor cancelled) or changed
    since ``since``: every patient a work plan, a validation or a return can show."""
    closed = [s.value for s in TERMINAL_STATES]
    return list(
        TherapyOrder.objects.filter(~Q(state__in=closed) | Q(transitions__at__gte=since))
        .values_list("patient_id", flat=True)
        .distinct()
    )
