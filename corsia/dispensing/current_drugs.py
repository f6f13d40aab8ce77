"""The home therapy in a period, for the interaction check across modules
(``corsia.prescribing.current_drugs``: registered in ``DispensingConfig.ready``): the
therapy plans valid then and not closed, and what the desk handed over that covers a day of
the period (dispensed on or before its last day, next due on or after its first)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from corsia.dispensing.models import Dispensing, TherapyPlan
from corsia.prescribing.current_drugs import HOME, CurrentDrug, CurrentDrugsQuery


def home_drugs(*, patient_id: int, first_day: date, last_day: date) -> CurrentDrugsQuery:
    plans = (
        TherapyPlan.objects.filter(
            patient_id=patient_id, valid_from__lte=last_day, valid_to__gte=first_day
        )
        .filter(Q(closure__isnull=True) | Q(closure__closed_on__gt=first_day))
        .select_related("product__ingredient")
        .order_by("valid_from", "pk")
    )
    handed = (
        Dispensing.objects.filter(
            patient_id=patient_id,
            dispensed_at__date__lte=last_day,
            next_due_date__gte=first_day,
        )
        .select_related("product__ingredient")
        .order_by("dispensed_at", "pk")
    )
    return CurrentDrugsQuery(querysets=(plans, handed), decode=_home_from)


def _home_from(results: list[list[Any]]) -> list[CurrentDrug]:
    plans, handed = results
    found: dict[str, CurrentDrug] = {}
    for plan in plans:
        ingredient = plan.product.ingredient
        found.setdefault(
            ingredient.code,
            CurrentDrug(
                code=ingredient.code,
                name=ingredient.name_it,
                source=HOME,
                detail=(
                    f"piano terapeutico {plan.pk}, {plan.valid_from:%d/%m/%Y}"
                    f"–{plan.valid_to:%d/%m/%Y}"
                ),
            ),
        )
    for dispensing in handed:
        ingredient = dispensing.product.ingredient
        found.setdefault(
            ingredient.code,
            CurrentDrug(
                code=ingredient.code,
                name=ingredient.name_it,
                source=HOME,
                detail=(
                    f"dispensato il {dispensing.dispensed_at:%d/%m/%Y}, "
                    f"fino al {dispensing.next_due_date:%d/%m/%Y}"
                ),
            ),
        )
    return list(found.values())
