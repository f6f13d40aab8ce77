"""The readers of the care scope (``corsia.patients.scope``) that only direct distribution
can answer: whom a user cared for at the desk, and which patients the pharmacy follows
through it (a therapy plan still running, a dispensing since ``since``). Registered from
``DispensingConfig.ready`` (patients sits below dispensing)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from corsia.dispensing.models import Dispensing, TherapyPlan


def dispensing_care_patient_ids(*, user_id: int, since: datetime) -> list[int]:
    """The patients the user dispensed to, or prescribed a dispensing or a plan for, since
    ``since``."""
    dispensed = Dispensing.objects.filter(
        Q(dispensed_by_id=user_id) | Q(prescriber_id=user_id), dispensed_at__gte=since
    ).values_list("patient_id", flat=True)
    planned = TherapyPlan.objects.filter(
        Q(recorded_by_id=user_id) | Q(prescriber_id=user_id), recorded_at__gte=since
    ).values_list("patient_id", flat=True)
    return sorted(set(dispensed) | set(planned))


def dispensing_pharmacy_patient_ids(*, since: datetime) -> list[int]:
    """The patients with a therapy plan still valid, or a dispensing since ``since``."""
    today = timezone.localdate()
    plans = TherapyPlan.objects.filter(valid_to__gte=today).values_list("patient_id", flat=True)
    dispensed = Dispensing.objects.filter(dispensed_at__gte=since).values_list(
        "patient_id", flat=True
    )
    return sorted(set(plans) | set(dispensed))
