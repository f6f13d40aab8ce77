"""The ward's prescriptions active in a period, for the interaction check across modules
(``corsia.prescribing.current_drugs``: registered in ``TherapyConfig.ready``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from corsia.prescribing.current_drugs import WARD, CurrentDrug, CurrentDrugsQuery
from corsia.therapy.domain.schedule import Frequency
from corsia.therapy.models import PrescriptionStatus, WardPrescription


def _last_day(p: WardPrescription) -> date | None:
    if p.frequency == Frequency.SINGLE.value and p.single_at is not None:
        return p.single_at.date()
    if p.frequency == Frequency.SCHEDULED.value and p.days is not None:
        return p.start_date + timedelta(days=p.days - 1)
    return None  # until stopped, as needed


def ward_drugs(*, patient_id: int, first_day: date, last_day: date) -> CurrentDrugsQuery:
    """The active ward prescriptions started by ``last_day`` and not ended before
    ``first_day`` (an open-ended one counts until it is stopped)."""
    rows = (
        WardPrescription.objects.filter(patient_id=patient_id, start_date__lte=last_day)
        .filter(Q(status=PrescriptionStatus.ACTIVE))
        .select_related("ingredient")
        .order_by("start_date", "pk")
    )
    return CurrentDrugsQuery(
        querysets=(rows,), decode=lambda results: _ward_from(results[0], first_day)
    )


def _ward_from(rows: list[Any], first_day: date) -> list[CurrentDrug]:
    found: list[CurrentDrug] = []
    for p in rows:
        end = _last_day(p)
        if end is not None and end < first_day:
            continue
        found.append(
            CurrentDrug(
                code=p.ingredient.code,
                name=p.ingredient.name_it,
                source=WARD,
                detail=f"prescrizione di reparto {p.pk}, dal {p.start_date:%d/%m/%Y}",
            )
        )
    return found
