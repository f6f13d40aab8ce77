"""The engraftment days of a case, computed from its daily counts by
``domain/engraftment.py`` (never typed): neutrophils (first of 3 days with ANC ≥ 0.5) and
platelets (first of 3 days ≥ 20 without transfusion in the 7 days before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.transplant.domain import days
from corsia.transplant.domain.engraftment import (
    Engraftment,
    Status,
    neutrophil_engraftment,
    platelet_engraftment,
)
from corsia.transplant.models import DailyCount, Transplant

STATUS_LABELS_IT = {
    Status.ENGRAFTED: "attecchito",
    Status.NOT_YET: "non ancora",
    Status.NEVER_BELOW: "mai sceso sotto la soglia",
}


@dataclass(frozen=True)
class EngraftmentView:
    neutrophil_status: str
    neutrophil_day: int | None
    neutrophil_date: date | None
    platelet_status: str
    platelet_day: int | None
    platelet_date: date | None

    @property
    def neutrophil_label(self) -> str:
        return days.day_label(self.neutrophil_day) if self.neutrophil_day is not None else ""

    @property
    def platelet_label(self) -> str:
        return days.day_label(self.platelet_day) if self.platelet_day is not None else ""


def engraftment_of(case: Transplant) -> EngraftmentView:
    """The engraftment of a case with day 0 (no counts: not yet)."""
    if case.day_zero is None:
        return EngraftmentView("", None, None, "", None, None)
    day_zero = case.day_zero
    rows = list(DailyCount.objects.filter(transplant=case).order_by("on"))
    anc = {days.transplant_day(day_zero, r.on): r.anc for r in rows if r.anc is not None}
    plt = {
        days.transplant_day(day_zero, r.on): r.platelets for r in rows if r.platelets is not None
    }
    transfused = [days.transplant_day(day_zero, r.on) for r in rows if r.platelet_transfusion]
    neutrophils = neutrophil_engraftment(anc)
    platelets = platelet_engraftment(plt, transfusion_days=transfused)

    def on(day: int | None) -> date | None:
        return days.date_of_day(day_zero, day) if day is not None else None

    return EngraftmentView(
        neutrophil_status=STATUS_LABELS_IT[neutrophils.status],
        neutrophil_day=neutrophils.day,
        neutrophil_date=on(neutrophils.day),
        platelet_status=STATUS_LABELS_IT[platelets.status],
        platelet_day=platelets.day,
        platelet_date=on(platelets.day),
    )


def engraftment_until(case: Transplant, until: date) -> tuple[Engraftment, Engraftment] | None:
    """Neutrophil and platelet engraftment from the counts up to ``until`` (a follow-up
    report's date): None without day 0 or without a count after it by then."""
    if case.day_zero is None:
        return None
    day_zero = case.day_zero
    rows = list(
        DailyCount.objects.filter(transplant=case, on__gte=day_zero, on__lte=until).order_by("on")
    )
    anc = {days.transplant_day(day_zero, r.on): r.anc for r in rows if r.anc is not None}
    plt = {
        days.transplant_day(day_zero, r.on): r.platelets for r in rows if r.platelets is not None
    }
    if not anc or not plt:
        return None
    transfused = [days.transplant_day(day_zero, r.on) for r in rows if r.platelet_transfusion]
    return neutrophil_engraftment(anc), platelet_engraftment(plt, transfusion_days=transfused)
