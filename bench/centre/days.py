"""The rows of an order: its lines' doses, its days, its transitions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from bench.centre.library import ORDER_PATH, PAST_CANCELLED, PAST_SUSPENDED, PATH_STATES, Component
from bench.records import (
    LONG_INFUSION_MINUTES,
    DayPlan,
    Staff,
)
from corsia.prescribing.domain.assessment import BodyAssessment
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction
from corsia.prescribing.domain.order_lines import (
    EngineDose,
    engine_dose,
    engine_unit,
    regimen_maximum,
)
from corsia.prescribing.domain.policy import WeightBasis
from corsia.prescribing.domain.quantity import AmountUnit, Quantity
from corsia.prescribing.domain.rounding import RoundingRule


@dataclass
class Tables:
    """Rows for COPY, per table, in column order."""

    measurements: list[tuple[Any, ...]] = field(default_factory=list)
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    transitions: list[tuple[Any, ...]] = field(default_factory=list)
    reads: list[tuple[datetime, int, int, str, str]] = field(default_factory=list)

    def clear(self) -> None:
        for rows in (self.measurements, self.orders, self.items, self.transitions, self.reads):
            rows.clear()


MEASUREMENT_COLUMNS = (
    "patient_id, kind, value, measured_at, recorded_by_id, workstation, created_at"
)
DIAGNOSIS_COLUMNS = (
    "id, created_at, updated_at, system, code, label, diagnosed_on, is_active, patient_id, "
    "recorded_by_id"
)
ORDER_COLUMNS = (
    "id, created_at, updated_at, version, state, state_reason, cycle_number, line, therapy_type, "
    "intent, start_date, aifa_registry_code, notes, sex, age_years, height_cm, weight_kg, "
    "serum_creatinine_mg_dl, measured_gfr_ml_min, measures_taken_at, bsa_formula, bsa_m2, bmi, "
    "ideal_weight_kg, dosing_weight_kg, weight_basis, creatinine_clearance_ml_min, "
    "renal_function_ml_min, paediatric_rule, body_provenance, policy, warnings, confirmed_at, "
    "validated_at, taken_in_charge_at, confirmed_by_id, diagnosis_id, patient_id, prescriber_id, "
    "previous_order_id, regimen_version_id, taken_in_charge_by_id, updated_by_id, validated_by_id, "
    "ward_id"
)
ITEM_COLUMNS = (
    "id, order_id, regimen_component_id, ingredient_id, sequence, day_of_cycle, scheduled_date, "
    "role, route, competence, infusion_type, duration_minutes, interval_after_minutes, "
    "preparation, infusion_conditions, dose, dose_unit, amount_unit, calculated_dose, "
    "uncapped_dose, capped, reduction_percent, final_dose, deviation_reason, status, "
    "status_reason, added, block_code, block_message, override_reason, provenance, warnings, "
    "tablets, validated_by_id, validated_at"
)
TRANSITION_COLUMNS = "order_id, from_state, to_state, event, actor_id, workstation, at, reason"
ACCESS_COLUMNS = (
    "id, accessed_at, user_id, username, patient_id, what, workstation, channel, prev_hash, hash, "
    "shard, anchors"
)


def line_dose(
    c: Component, body: BodyAssessment, *, decimals: int, previous: Decimal | None
) -> EngineDose:
    """The same call of the engine as ``prescribing.services.line_dose`` (pure part)."""
    mapping = engine_unit(c.dose_unit)
    limit = c.cumulative if mapping.amount_unit is AmountUnit.MG else None
    # the regimen's maximum is in the unit of the absolute dose it implies (2000 for
    # mcg/kg is 2,000 mcg); the archive's (vincristine) is in mg
    archive_max = (
        Quantity(c.archive_max, AmountUnit.MG)
        if c.archive_max is not None and mapping.amount_unit is AmountUnit.MG
        else None
    )
    maximum = regimen_maximum(c.max_dose, c.dose_unit)
    component = DoseComponent(
        drug=c.ingredient_name,
        dose=c.dose,
        unit=mapping.unit,
        max_dose=maximum if maximum is not None else archive_max,
        max_dose_action=MaxDoseAction.CAP if maximum is not None else MaxDoseAction.BLOCK,
        rounding=RoundingRule(decimals=decimals),
        cumulative_limit=limit,
        weight_basis=WeightBasis(c.obese_weight_basis) if c.obese_weight_basis else None,
        adjusted_weight_factor=c.adjusted_weight_factor,
    )
    return engine_dose(component, body, mapping, previous_cumulative=previous if limit else None)


def _final_state(rng: random.Random, first: date, last: date, today: date) -> str:
    if last < today:
        roll = rng.random()
        if roll < PAST_CANCELLED:
            return "cancelled"
        if roll < PAST_CANCELLED + PAST_SUSPENDED:
            return "suspended"
        return "administered"
    if first <= today:  # started: today's or an ongoing multi-day cycle
        state = (
            rng.choices(
                (
                    "sent_to_pharmacy",
                    "validated",
                    "taken_in_charge",
                    "in_preparation",
                    "prepared",
                    "delivered",
                    "administered",
                ),
                (4, 14, 34, 16, 12, 10, 10),
            )[0]
            if first == today
            else "delivered"  # an ongoing multi-day cycle: its first day was delivered
        )
        # a cycle with days still to come cannot be administered yet
        return "delivered" if state == "administered" and last > today else state
    if (first - today).days <= 2:
        return rng.choices(
            (
                "draft",
                "confirmed",
                "sent_to_pharmacy",
                "validated",
                "taken_in_charge",
                "returned_to_prescriber",
            ),
            (15, 20, 25, 25, 10, 5),
        )[0]
    return rng.choices(("draft", "confirmed", "sent_to_pharmacy"), (50, 30, 20))[0]


def _at(day: date, hour: float, rng: random.Random) -> datetime:
    minutes = int(hour * 60) + rng.randint(0, 40)
    return datetime.combine(day, dtime(0), tzinfo=UTC) + timedelta(minutes=minutes)


def chair_minutes(duration: int | None, interval: int | None) -> int:
    """Minutes one line keeps the patient in the chair (a bolus takes 5; a portable pump
    is connected in 15 and goes home)."""
    given = 5 if not duration else (15 if duration > LONG_INFUSION_MINUTES else duration)
    return given + (interval or 5)


def plan_days(
    rng: random.Random, components: Sequence[Component], start: date
) -> dict[date, DayPlan]:
    plans: dict[date, DayPlan] = {}
    for day in sorted({start + timedelta(d - 1) for c in components for d in c.days}):
        lines = [c for c in components if (day - start).days + 1 in c.days]
        prepared = sum(1 for c in lines if c.competence == "pharmacy")
        prep_start = _at(day, rng.uniform(7.4, 11.5), rng)
        prep_end = prep_start + timedelta(minutes=sum(rng.randint(14, 26) for _ in range(prepared)))
        deliver = prep_end + timedelta(minutes=rng.randint(10, 35))
        chair_start = deliver + timedelta(minutes=rng.randint(5, 30))
        minutes = sum(
            chair_minutes(c.duration_minutes, c.interval_after_minutes)
            for c in lines
            if c.route != "po"
        )
        plans[day] = DayPlan(
            prep_start, prep_end, deliver, chair_start, chair_start + timedelta(minutes=minutes + 5)
        )
    return plans


# Orders whose lines reach the UFA and the chair (taken in charge onwards).
UNIT_STATES = frozenset(
    ("taken_in_charge", "in_preparation", "prepared", "delivered", "administered")
)


def _events(
    rng: random.Random,
    *,
    state: str,
    first: date,
    last: date,
    now: datetime,
    staff: Staff,
    prescriber: int,
    days: dict[date, DayPlan],
) -> tuple[datetime, list[tuple[str, str, str, int, datetime, str]]]:
    """When the order was created and the transitions that led it to ``state``: the
    preparation steps follow the first day's plan, administration ends the last day's."""
    created = _at(first - timedelta(days=rng.choice((1, 2, 3, 6))), 9, rng)
    confirm = created + timedelta(minutes=rng.randint(5, 50))
    times: dict[str, datetime] = {
        "confirm": confirm,
        "send": confirm + timedelta(minutes=rng.randint(1, 15)),
        "validate": _at(first - timedelta(days=1), 14, rng),
        "take_charge": min(_at(first, 7, rng), days[first].prep_start - timedelta(minutes=10)),
        "start_preparation": days[first].prep_start,
        "complete_preparation": days[first].prep_end,
        "deliver": days[first].deliver,
        "administer": days[last].chair_end,
    }
    if state in ("cancelled", "suspended", "returned_to_prescriber"):
        stop = {"cancelled": "sent_to_pharmacy", "suspended": "validated"}.get(
            state, "sent_to_pharmacy"
        )
        reached = PATH_STATES[: PATH_STATES.index(stop) + 1]
    else:
        reached = PATH_STATES[: PATH_STATES.index(state) + 1]
    path: list[tuple[str, str, str, int, datetime, str]] = []
    for event, source, target, role in ORDER_PATH:
        if target not in reached:
            break
        actor = prescriber if role == "physician" else staff.pick(rng, role)
        path.append((event, source, target, actor, times[event], ""))
    if state == "cancelled":
        path.append(
            (
                "cancel",
                reached[-1],
                "cancelled",
                prescriber,
                times["validate"],
                "Progressione di malattia alla rivalutazione",
            )
        )
    elif state == "suspended":
        path.append(
            (
                "suspend",
                reached[-1],
                "suspended",
                prescriber,
                times["take_charge"],
                "Neutropenia G3 il giorno della terapia: ciclo rinviato",
            )
        )
    elif state == "returned_to_prescriber":
        path.append(
            (
                "return_to_prescriber",
                reached[-1],
                state,
                staff.pick(rng, "pharmacist"),
                times["validate"],
                "Creatinina non aggiornata: ricontrollare la dose",
            )
        )
    # nothing happens after now: squeeze late steps to just before now, keeping their order
    if path and path[-1][4] > now:
        squeezed = []
        for k, step in enumerate(path):
            limit = now - timedelta(minutes=3 * (len(path) - k))
            squeezed.append((*step[:4], min(step[4], limit), step[5]))
        path = squeezed
    created = min(created, (path[0][4] if path else now) - timedelta(minutes=5))
    return created, path
