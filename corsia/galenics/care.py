"""The pharmacy's reader of the care scope (``corsia.patients.scope``) that only galenics
can answer: the patients of the named (magistral) batches still in the laboratory or
changed since the window's start, and those a batch was dispensed to in it. Registered
from ``GalenicsConfig.ready`` (patients sits below galenics)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from corsia.galenics.models import Batch, BatchState, Dispensing


def galenics_pharmacy_patient_ids(*, since: datetime) -> set[int]:
    done = [BatchState.RELEASED.value, BatchState.REJECTED.value]
    named = (
        Batch.objects.filter(patient__isnull=False)
        .filter(~Q(state__in=done) | Q(updated_at__gte=since))
        .values_list("patient_id", flat=True)
    )
    dispensed = Dispensing.objects.filter(patient__isnull=False, created_at__gte=since)
    return {*named, *(pid for pid in dispensed.values_list("patient_id", flat=True) if pid)}
