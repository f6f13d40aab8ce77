"""The synthetic cancer centre's therapy history, in bulk SQL (COPY), reproducible from a seed.

For every synthetic patient (see :mod:`bench.generate`): height, weight and creatinine,
one diagnosis per course of therapy, and the courses themselves — regimens drawn from
the preloaded library (loaded and validated by ``corsia_setup --demo`` before this runs)
in plausible proportions, one order per cycle, every line of every day of the cycle
with its dose computed by the pure dose engine (``corsia.prescribing.domain``) on the
patient's measures, the transitions each order went through, and the access log those
reads imply (hash-chained exactly as ``access_log_record`` chains it).

Volumes follow the scale: pharmacy-prepared lines ("preparations") per working day,
spread over the scale's years of history up to today; orders starting within the next
week are prescribed and sit in draft / confirmed / sent / validated / taken in charge.

History (pghistory): every order, line and diagnosis gets the 'insert' event row its
trigger would write, but in bulk: the tracked tables' user triggers are disabled for the
COPY (inside the load's own transaction, in the bench database only) and the event rows
are then written with one INSERT ... SELECT per table. Row by row, the triggers cost
about 1 ms per row under COPY on the bench machine (73 s for 56,000 lines at scale S);
in bulk the same rows take seconds. ``pgh_created_at`` is the generation time.

Everything random comes from ``random.Random(seed)`` and the chosen ``today``: the same
seed, scale and day give the same centre.
"""

from __future__ import annotations

import heapq
import json
import random
import resource
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import psycopg

from bench.records import (
    COPY_SECONDS,
    LONG_INFUSION_MINUTES,
    DayPlan,
    Staff,
    UnitItem,
    UnitOrder,
    _copy,
)
from bench.unit import UNIT_SEQUENCES, UNIT_TRACKED, generate_unit
from corsia.audit.domain.chain import GENESIS, link_hash
from corsia.audit.keys import audit_key
from corsia.core.domain.errors import CorsiaError
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.body_size import BsaFormula, ideal_body_weight
from corsia.prescribing.domain.checks import CumulativeBasis, CumulativeLimit
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction
from corsia.prescribing.domain.order_lines import (
    EngineDose,
    engine_dose,
    engine_unit,
    reduced_dose,
    regimen_maximum,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import DosingPolicy, PaediatricRule
from corsia.prescribing.domain.quantity import AmountUnit, Quantity
from corsia.prescribing.domain.rounding import RoundingRule

# Relative frequency of the common regimens in an Italian oncology day hospital
# (colorectal, breast, lung, lymphoma lead); every other adult regimen weighs 1.
REGIMEN_WEIGHTS: dict[str, int] = {
    "FOLFOX-4": 10,
    "mFOLFOX6": 14,
    "FOLFIRI": 10,
    "FOLFOX-4-BEV": 5,
    "FOLFIRI-CETUX": 4,
    "CAPOX": 5,
    "FOLFIRINOX": 3,
    "mFOLFIRINOX": 4,
    "GEM-NABPACLI": 5,
    "CARBO-PACLI": 10,
    "CARBO-PACLI-OV": 4,
    "PEMBRO-200": 10,
    "PEMBRO-CARBO-PEM": 7,
    "NIVO-3": 5,
    "CIS-PEM": 4,
    "DOCE-75": 4,
    "AC": 6,
    "AC-DD": 4,
    "PACLI-W": 10,
    "TC": 4,
    "TRASTU-Q3W": 8,
    "PHESGO-DOCE": 4,
    "ERIBULIN": 2,
    "R-CHOP-21": 8,
    "R-CHOP-14": 2,
    "ABVD": 3,
    "BR": 3,
    "R-MAINT": 4,
    "DARA-RD": 3,
    "VRD": 3,
    "AZA": 3,
    "DOCE-PRED": 3,
    "CIS-40-RT": 3,
    "GC-BLADDER": 3,
    "FLOT": 3,
}
ADULT_AGE = 18
# Share of past orders that did not reach administration.
PAST_CANCELLED = 0.025
PAST_SUSPENDED = 0.012
REDUCTION_SHARE = 0.08  # orders (cycle >= 2) with one drug reduced
HORIZON_DAYS = 7  # orders are prescribed up to a week ahead
WARM_UP_DAYS = 180  # courses start this long before the history so it is in steady state

ORDER_PATH = (
    ("confirm", "draft", "confirmed", "physician"),
    ("send", "confirmed", "sent_to_pharmacy", "physician"),
    ("validate", "sent_to_pharmacy", "validated", "pharmacist"),
    ("take_charge", "validated", "taken_in_charge", "pharmacist"),
    ("start_preparation", "taken_in_charge", "in_preparation", "technician"),
    ("complete_preparation", "in_preparation", "prepared", "technician"),
    ("deliver", "prepared", "delivered", "technician"),
    ("administer", "delivered", "administered", "nurse"),
)
PATH_STATES = ("draft", *(step[2] for step in ORDER_PATH))


@dataclass(frozen=True)
class Component:
    id: int
    ingredient_id: int
    ingredient_name: str
    sequence: int
    role: str
    days: tuple[int, ...]
    dose: Decimal
    dose_unit: str
    max_dose: Decimal | None
    route: str
    competence: str
    infusion_type: str
    duration_minutes: int | None
    interval_after_minutes: int | None
    preparation: str
    infusion_conditions: str
    cycle_from: int
    cycle_to: int | None
    archive_max: Decimal | None
    cumulative: CumulativeLimit | None


@dataclass(frozen=True)
class Version:
    id: int
    code: str
    therapy_type: str
    intent: str
    paediatric: bool
    cycle_length: int
    max_cycles: int | None
    decimals: int
    policy: DosingPolicy
    diagnosis: tuple[str, str]
    components: tuple[Component, ...]

    def cycle_components(self, cycle: int) -> list[Component]:
        return [
            c
            for c in self.components
            if c.cycle_from <= cycle and (c.cycle_to is None or cycle <= c.cycle_to)
        ]


@dataclass
class Patient:
    id: int
    sex: str
    born: date
    height: Decimal
    weight: Decimal
    creatinine: Decimal
    measured: bool = False
    courses: int = 0
    cumulative: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass(frozen=True)
class Course:
    patient: int  # index into the patients
    version: Version
    start: date
    cycles: int
    line: int
    diagnosis_id: int


def _dec(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def load_library(conn: psycopg.Connection[Any]) -> list[Version]:
    """The validated regimen versions of the library, with components and limits."""
    versions: dict[int, dict[str, Any]] = {}
    for row in conn.execute(
        """SELECT v.id, r.code, v.therapy_type, v.intent, v.paediatric, v.cycle_length_days,
                  v.max_cycles, v.dose_decimals, v.mg_kg_below_weight_kg, v.mg_kg_below_bsa_m2,
                  (SELECT d.code || '|' || d.label FROM regimens_regimendisease d
                    WHERE d.version_id = v.id AND d.system = 'icd9cm' ORDER BY d.position, d.id
                    LIMIT 1)
           FROM regimens_regimenversion v JOIN regimens_regimen r ON r.id = v.regimen_id
           WHERE v.status = 'validated' AND r.is_active ORDER BY r.code, v.number DESC"""
    ):
        vid, code = row[0], row[1]
        if any(v["code"] == code for v in versions.values()):
            continue  # the latest validated version of each regimen
        paediatric = None
        if row[4] and (row[8] or row[9]):
            paediatric = PaediatricRule(weight_below_kg=row[8], bsa_below_m2=row[9])
        code_label = (row[10] or "199.1|Tumore maligno, sede non specificata").split("|", 1)
        versions[vid] = {
            "code": code,
            "therapy_type": row[2],
            "intent": row[3],
            "paediatric": row[4],
            "cycle_length": row[5],
            "max_cycles": row[6],
            "decimals": row[7],
            "policy": DosingPolicy(bsa_formula=BsaFormula.MOSTELLER, paediatric=paediatric),
            "diagnosis": (code_label[0], code_label[1] or code_label[0]),
            "components": [],
        }
    for row in conn.execute(
        """SELECT c.version_id, c.id, c.ingredient_id, coalesce(nullif(i.name_it, ''), i.name_en),
                  c.sequence, c.role, c.days, c.dose, c.dose_unit, c.max_dose, c.route,
                  c.competence, c.infusion_type, c.duration_minutes, c.interval_after_minutes,
                  c.preparation, c.infusion_conditions, c.cycle_from, c.cycle_to,
                  i.max_single_dose, i.max_single_dose_unit, i.cumulative_limit,
                  i.cumulative_limit_unit
           FROM regimens_regimencomponent c JOIN drugs_activeingredient i ON i.id = c.ingredient_id
           ORDER BY c.version_id, c.sequence, c.id"""
    ):
        version = versions.get(row[0])
        if version is None:
            continue
        archive_max = row[19] if row[19] is not None and row[20] in ("mg", "") else None
        cumulative = None
        if row[21] is not None and row[22] == "mg/m2":
            cumulative = CumulativeLimit(limit=row[21], basis=CumulativeBasis.MG_M2)
        elif row[21] is not None and row[22] in ("mg", ""):
            cumulative = CumulativeLimit(limit=row[21], basis=CumulativeBasis.MG)
        version["components"].append(
            Component(
                id=row[1],
                ingredient_id=row[2],
                ingredient_name=row[3],
                sequence=row[4],
                role=row[5],
                days=tuple(row[6]),
                dose=row[7],
                dose_unit=row[8],
                max_dose=row[9],
                route=row[10],
                competence=row[11],
                infusion_type=row[12],
                duration_minutes=row[13],
                interval_after_minutes=row[14],
                preparation=row[15],
                infusion_conditions=row[16],
                cycle_from=row[17],
                cycle_to=row[18],
                archive_max=archive_max,
                cumulative=cumulative,
            )
        )
    return [
        Version(id=vid, **{**v, "components": tuple(v["components"])})
        for vid, v in sorted(versions.items())
        if v["components"]
    ]


def load_staff(conn: psycopg.Connection[Any]) -> Staff:
    ids = dict(conn.execute("SELECT username, id FROM accounts_user").fetchall())

    def of(*names: str) -> tuple[int, ...]:
        found = tuple(ids[n] for n in names if n in ids)
        if not found:
            raise RuntimeError(f"demo users missing ({', '.join(names)}): run corsia_setup --demo")
        return found

    def bench(prefix: str) -> tuple[int, ...]:
        return tuple(ids[n] for n in sorted(ids) if n.startswith(prefix))

    return Staff(
        physicians=of("medico", "medico2"),
        pharmacists=of("farmacista", "farmacista2") + bench("bench.farm"),
        technicians=of("tecnico") + bench("bench.tec"),
        nurses=of("infermiere") + bench("bench.inf"),
        names={v: k for k, v in ids.items()},
    )


def _patient_measures(rng: random.Random, pid: int, sex: str, born: date, today: date) -> Patient:
    age = (today - born).days / 365.25
    if age < ADULT_AGE:
        height = min(75 + 6.2 * age, 176 if sex == "M" else 164) + rng.gauss(0, 5)
        bmi = rng.uniform(14.5, 21)
        creatinine = rng.uniform(0.35, 0.75)
    else:
        height = rng.gauss(175 if sex == "M" else 162, 7)
        bmi = min(max(rng.gauss(25, 4.2), 16.5), 42)
        creatinine = rng.uniform(0.7, 1.3) if sex == "M" else rng.uniform(0.55, 1.1)
    weight = bmi * (height / 100) ** 2
    return Patient(
        id=pid,
        sex=sex,
        born=born,
        height=_dec(height, "1"),
        weight=_dec(weight, "0.1"),
        creatinine=_dec(creatinine, "0.01"),
    )


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Scale:
    patients: int
    preparations_per_day: int
    history_days: int


def plan_courses(
    rng: random.Random,
    *,
    scale: Scale,
    patients: Sequence[Patient],
    library: Sequence[Version],
    today: date,
) -> tuple[list[Course], list[tuple[int, str, str, date]]]:
    """Courses of therapy until the history holds the scale's preparations per working day.

    Returns the courses and the diagnoses they need (patient index, code, label, date);
    the course's ``diagnosis_id`` is the index into that list until ids are known.
    """
    first_day = today - timedelta(days=scale.history_days)
    working_days = sum(
        1 for n in range((today - first_day).days) if (first_day + timedelta(n)).weekday() < 5
    )
    target = scale.preparations_per_day * working_days
    adult = [v for v in library if not v.paediatric]
    child = [v for v in library if v.paediatric] or adult
    adult_w = [REGIMEN_WEIGHTS.get(v.code, 1) for v in adult]
    begin = first_day - timedelta(days=WARM_UP_DAYS)
    span = (today + timedelta(days=HORIZON_DAYS) - begin).days
    is_child = [(today - p.born).days < 365.25 * ADULT_AGE for p in patients]
    child_share = sum(is_child) / max(1, len(patients))
    # 1. course starts uniform over the span (steady state), until the preparations in
    #    the history reach the target; cancelled and suspended orders end a course
    #    early, so plan a little more
    drawn: list[tuple[date, bool, Version, int]] = []
    prepared = 0
    while prepared < target * 1.1:
        start = _working_day(begin + timedelta(days=rng.randrange(span)))
        for_child = rng.random() < child_share
        version = rng.choice(child) if for_child else rng.choices(adult, adult_w)[0]
        cycles = version.max_cycles or rng.choice((6, 8, 10, 12, 16))
        if rng.random() < 0.25:  # progression, toxicity or death end a course early
            cycles = rng.randint(1, cycles)
        drawn.append((start, for_child, version, cycles))
        for cycle in range(1, cycles + 1):
            day0 = start + timedelta(days=version.cycle_length * (cycle - 1))
            for c in version.cycle_components(cycle):
                if c.competence == "pharmacy":
                    prepared += sum(
                        1 for d in c.days if first_day <= day0 + timedelta(d - 1) < today
                    )
    # 2. in order of start, each course goes to the patient (child or adult) free the
    #    longest; a patient's next course follows the previous one after a gap
    free: dict[bool, list[tuple[date, float, int]]] = {True: [], False: []}
    for index, child_patient in enumerate(is_child):
        free[child_patient].append((begin, rng.random(), index))
    for heap in free.values():
        heapq.heapify(heap)
    courses: list[Course] = []
    diagnoses: list[tuple[int, str, str, date]] = []
    for start, for_child, version, cycles in sorted(drawn, key=lambda d: (d[0], d[2].id, d[3])):
        heap = free[for_child] or free[not for_child]
        _when, _tie, index = heapq.heappop(heap)
        patient = patients[index]
        patient.courses += 1
        diagnoses.append((index, *version.diagnosis, start - timedelta(days=rng.randint(14, 60))))
        courses.append(Course(index, version, start, cycles, patient.courses, len(diagnoses) - 1))
        end = start + timedelta(days=version.cycle_length * cycles)
        gap = timedelta(days=rng.randint(21, 240))
        heapq.heappush(heap, (end + gap, rng.random(), index))
    return courses, diagnoses


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
    "id, accessed_at, user_id, username, patient_id, what, workstation, channel, prev_hash, hash"
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


class AccessChain:
    """Appends reads to the access log, hash-chained exactly as ``access_log_record``."""

    def __init__(self, cur: psycopg.Cursor[Any], names: dict[int, str]) -> None:
        self.cur, self.names = cur, names
        self.next_id = _next_id(cur, "audit_accesslogentry")
        row = cur.execute(
            "SELECT hash FROM audit_accesslogentry ORDER BY id DESC LIMIT 1"
        ).fetchone()
        self.last_hash: str = row[0] if row else GENESIS
        self.key = audit_key()

    def append(self, reads: Sequence[tuple[datetime, int, int, str, str]]) -> int:
        chained = []
        for at, user, patient, what, channel in sorted(reads):
            payload = {
                "accessed_at": at.isoformat(),
                "username": self.names[user],
                "patient_id": patient,
                "what": what,
                "workstation": "",
                "channel": channel,
            }
            digest = link_hash(self.last_hash, payload, self.key)
            chained.append(
                (
                    self.next_id,
                    at,
                    user,
                    self.names[user],
                    patient,
                    what,
                    "",
                    channel,
                    self.last_hash,
                    digest,
                )
            )
            self.last_hash, self.next_id = digest, self.next_id + 1
        _copy(self.cur, "audit_accesslogentry", ACCESS_COLUMNS, chained)
        return len(chained)


# Tables tracked by pghistory: their insert events are written with one INSERT ... SELECT.
TRACKED = ("prescribing_patientdiagnosis", "prescribing_therapyorder", "prescribing_orderitem")


def _history_in_bulk(cur: psycopg.Cursor[Any], table: str, *, first_id: int) -> None:
    """The 'insert' event rows pghistory's trigger would have written, for every new row."""
    columns = [
        row[0]
        for row in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT LIKE 'pgh\\_%%' ORDER BY ordinal_position",
            (table + "event",),
        )
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    cur.execute(
        f"INSERT INTO {table}event ({names}, pgh_created_at, pgh_label, pgh_obj_id, "  # noqa: S608
        f"pgh_context_id) SELECT {names}, now(), 'insert', id, NULL FROM {table} "
        "WHERE id >= %s",
        (first_id,),
    )


def _next_id(cur: psycopg.Cursor[Any], table: str) -> int:
    row = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    assert row is not None
    return int(row[0])


def _set_sequence(cur: psycopg.Cursor[Any], table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )


def generate_orders(
    conn: psycopg.Connection[Any],
    *,
    scale: Scale,
    seed: int,
    today: date,
    now: datetime,
    patient_ids: Sequence[tuple[int, str, date]],
) -> dict[str, Any]:
    """Generate and COPY the therapy history of ``patient_ids`` (one transaction)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    library = load_library(conn)
    if not library:
        raise RuntimeError("no validated regimen: run corsia_setup --demo first")
    staff = load_staff(conn)
    patients = [_patient_measures(rng, pid, sex, born, today) for pid, sex, born in patient_ids]
    courses, diagnoses = plan_courses(
        rng, scale=scale, patients=patients, library=library, today=today
    )
    first_day = today - timedelta(days=scale.history_days)
    horizon = today + timedelta(days=HORIZON_DAYS)
    counts: dict[str, int] = defaultdict(int)
    with conn.transaction(), conn.cursor() as cur:
        for table in (*TRACKED, "audit_accesslogentry"):
            cur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        first_ids = {table: _next_id(cur, table) for table in TRACKED}
        for table in TRACKED:  # history rows are written in bulk below, not row by row
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        diagnosis_base = _next_id(cur, "prescribing_patientdiagnosis")
        physician_of = [staff.pick(rng, "physician") for _ in diagnoses]
        _copy(
            cur,
            "prescribing_patientdiagnosis",
            DIAGNOSIS_COLUMNS,
            [
                (
                    diagnosis_base + n,
                    _at(on, 10, rng),
                    _at(on, 10, rng),
                    "icd9cm",
                    code,
                    label,
                    on,
                    True,
                    patients[index].id,
                    physician_of[n],
                )
                for n, (index, code, label, on) in enumerate(diagnoses)
            ],
        )
        counts["diagnoses"] = len(diagnoses)
        order_id = _next_id(cur, "prescribing_therapyorder")
        item_id = _next_id(cur, "prescribing_orderitem")
        chain = AccessChain(cur, staff.names)
        wards = dict(cur.execute("SELECT code, id FROM patients_ward").fetchall())
        ward_of = {False: wards.get("DHONC"), True: wards.get("OEP", wards.get("DHONC"))}
        unit_orders: list[UnitOrder] = []
        unit_items: list[UnitItem] = []
        # every cycle of every course, in order of start date
        cycles = sorted(
            (
                (c.start + timedelta(days=c.version.cycle_length * (k - 1)), n, k)
                for n, c in enumerate(courses)
                for k in range(1, c.cycles + 1)
            ),
        )
        tables = Tables()
        previous_of: dict[int, int] = {}
        stop_course: set[int] = set()
        assessments: dict[tuple[int, Decimal, int], BodyAssessment] = {}

        def flush() -> None:
            _copy(cur, "prescribing_measurement", MEASUREMENT_COLUMNS, tables.measurements)
            _copy(cur, "prescribing_therapyorder", ORDER_COLUMNS, tables.orders)
            _copy(cur, "prescribing_orderitem", ITEM_COLUMNS, tables.items)
            _copy(cur, "prescribing_ordertransition", TRANSITION_COLUMNS, tables.transitions)
            counts["access_log"] += chain.append(tables.reads)
            counts["measurements"] += len(tables.measurements)
            counts["orders"] += len(tables.orders)
            counts["order_items"] += len(tables.items)
            counts["transitions"] += len(tables.transitions)
            tables.clear()

        for start, n, cycle in cycles:
            course = courses[n]
            if n in stop_course:
                continue
            version = course.version
            components = version.cycle_components(cycle)
            days = [start + timedelta(d - 1) for c in components for d in c.days]
            if not days:
                continue
            first, last = min(days), max(days)
            if last < first_day or first > horizon:
                continue
            patient = patients[course.patient]
            state = _final_state(rng, first, last, today)
            if state in ("cancelled", "suspended"):
                stop_course.add(n)  # the course ends there
            # measures of the day before: weight drifts a little over the course
            weight = (patient.weight * Decimal(1 - 0.004 * (cycle - 1))).quantize(Decimal("0.1"))
            age = (start.year - patient.born.year) - (
                (start.month, start.day) < (patient.born.month, patient.born.day)
            )
            key = (course.patient, weight, age * 100 + version.id)
            body = assessments.get(key)
            try:
                if body is None:
                    measures = PatientMeasures(
                        sex=Sex(patient.sex),
                        age_years=Decimal(age),
                        height_cm=patient.height,
                        weight_kg=weight,
                        serum_creatinine_mg_dl=patient.creatinine,
                    )
                    body = assess_patient(measures, version.policy)
                    assessments[key] = body
                lines = [
                    (
                        c,
                        line_dose(
                            c,
                            body,
                            decimals=version.decimals,
                            previous=patient.cumulative.get(c.ingredient_id, Decimal(0)),
                        ),
                    )
                    for c in components
                ]
            except CorsiaError:
                counts["orders_refused_by_engine"] += 1
                stop_course.add(n)
                continue
            days_plan = plan_days(rng, components, start)
            events_at = _events(
                rng,
                state=state,
                first=first,
                last=last,
                now=now,
                staff=staff,
                prescriber=staff.pick(rng, "physician"),
                days=days_plan,
            )
            created, path = events_at
            prescriber = (
                path[0][3] if path and path[0][0] == "confirm" else staff.pick(rng, "physician")
            )
            measured_at = min(created - timedelta(hours=1), _at(start - timedelta(days=1), 15, rng))
            if not patient.measured:
                tables.measurements.append(
                    (
                        patient.id,
                        "height_cm",
                        patient.height,
                        measured_at,
                        prescriber,
                        "",
                        measured_at,
                    )
                )
                patient.measured = True
            tables.measurements.append(
                (patient.id, "weight_kg", weight, measured_at, prescriber, "", measured_at)
            )
            tables.measurements.append(
                (
                    patient.id,
                    "serum_creatinine_mg_dl",
                    patient.creatinine,
                    measured_at,
                    prescriber,
                    "",
                    measured_at,
                )
            )
            stamp = {e: (actor, at) for e, _s, _t, actor, at, _r in path}
            reduce_seq = (
                rng.choice([c.sequence for c, _ in lines if c.competence == "pharmacy"] or [0])
                if cycle > 1 and rng.random() < REDUCTION_SHARE
                else None
            )
            signed = state not in ("draft", "returned_to_prescriber")
            validated = stamp.get("validate")
            for c, dose in lines:
                reduction = Decimal(20) if c.sequence == reduce_seq else Decimal(0)
                final = (
                    reduced_dose(dose.calculated, reduction, decimals=version.decimals)
                    if reduction
                    else dose.calculated
                )
                override = (
                    "Superamento valutato e autorizzato dal medico"
                    if dose.block_code and signed
                    else ""
                )
                if dose.block_code:
                    counts["lines_over_a_hard_limit"] += 1
                for d in c.days:
                    if state in UNIT_STATES:
                        unit_items.append(
                            UnitItem(
                                id=item_id,
                                sequence=c.sequence,
                                day=start + timedelta(d - 1),
                                ingredient_id=c.ingredient_id,
                                competence=c.competence,
                                route=c.route,
                                duration_minutes=c.duration_minutes,
                                interval_after_minutes=c.interval_after_minutes,
                                preparation=c.preparation,
                                final_dose=final,
                                amount_unit=dose.amount_unit,
                            )
                        )
                    tables.items.append(
                        (
                            item_id,
                            order_id,
                            c.id,
                            c.ingredient_id,
                            c.sequence,
                            d,
                            start + timedelta(d - 1),
                            c.role,
                            c.route,
                            c.competence,
                            c.infusion_type,
                            c.duration_minutes,
                            c.interval_after_minutes,
                            c.preparation,
                            c.infusion_conditions,
                            c.dose,
                            c.dose_unit,
                            dose.amount_unit,
                            dose.calculated,
                            dose.uncapped,
                            dose.capped,
                            reduction,
                            final,
                            "Neutropenia G2 al ciclo precedente" if reduction else "",
                            "active",
                            "",
                            False,
                            dose.block_code,
                            dose.block_message,
                            override,
                            dose.provenance,
                            json.dumps(dose.warnings),
                            "[]",
                            validated[0] if validated else None,
                            validated[1] if validated else None,
                        )
                    )
                    item_id += 1
                    if c.competence == "pharmacy" and first_day <= start + timedelta(d - 1) < today:
                        counts["preparations_in_history"] += 1
                if state not in ("cancelled", "suspended", "draft", "returned_to_prescriber"):
                    basis = c.cumulative.basis if c.cumulative else None
                    per = final / body.bsa_m2 if basis is CumulativeBasis.MG_M2 else final
                    patient.cumulative[c.ingredient_id] += per * len(c.days)
            confirmed, took = stamp.get("confirm"), stamp.get("take_charge")
            last_at = path[-1][4] if path else created
            ideal = ideal_body_weight(sex=Sex(patient.sex), height_cm=patient.height)
            tables.orders.append(
                (
                    order_id,
                    created,
                    last_at,
                    1 + len(path),
                    state,
                    path[-1][5] if path else "",
                    cycle,
                    course.line,
                    version.therapy_type,
                    version.intent,
                    start,
                    "",
                    "",
                    patient.sex,
                    Decimal(age),
                    patient.height,
                    weight,
                    patient.creatinine,
                    None,
                    measured_at,
                    "mosteller",
                    body.bsa_m2.quantize(Decimal("0.0001")),
                    body.bmi.value.quantize(Decimal("0.01")),
                    ideal.value.quantize(Decimal("0.01")),
                    body.dosing_weight_kg.quantize(Decimal("0.01")),
                    body.weight_basis.value,
                    body.creatinine_clearance.value.quantize(Decimal("0.01"))
                    if body.creatinine_clearance
                    else None,
                    body.renal_function.value.quantize(Decimal("0.01"))
                    if body.renal_function
                    else None,
                    body.paediatric_rule_applies,
                    body.render(),
                    json.dumps(version.policy.describe()),
                    json.dumps([{"code": w.code, "message": w.message} for w in body.warnings]),
                    confirmed[1] if confirmed else None,
                    validated[1] if validated else None,
                    took[1] if took else None,
                    confirmed[0] if confirmed else None,
                    diagnosis_base + course.diagnosis_id,
                    patient.id,
                    prescriber,
                    previous_of.get(n),
                    version.id,
                    took[0] if took else None,
                    path[-1][3] if path else prescriber,
                    validated[0] if validated else None,
                    ward_of[age < ADULT_AGE],
                )
            )
            if state in UNIT_STATES:
                unit_orders.append(
                    UnitOrder(
                        id=order_id,
                        patient_id=patient.id,
                        ward_id=ward_of[age < ADULT_AGE],
                        state=state,
                        cycle=cycle,
                        first=first,
                        last=last,
                        prescriber=prescriber,
                        stamps=stamp,
                        days=days_plan,
                        items=tuple(unit_items),
                    )
                )
            unit_items = []
            for event, source, target, actor, at, reason in path:
                tables.transitions.append((order_id, source, target, event, actor, "", at, reason))
            what = f"prescrizione {order_id}"
            tables.reads.append((created, prescriber, patient.id, what, "web"))
            if validated:
                tables.reads.append((validated[1], validated[0], patient.id, what, "web"))
            if "administer" in stamp:
                nurse, at = stamp["administer"]
                tables.reads.append((at, nurse, patient.id, what, "web"))
            counts[f"state_{state}"] += 1
            previous_of[n] = order_id
            order_id += 1
            if len(tables.orders) >= 2000:
                flush()
        flush()
        # the UFA, the stock, the chairs and the toxicities those orders imply

        unit_first_ids = {table: _next_id(cur, table) for table in UNIT_TRACKED}
        for table in UNIT_TRACKED:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        unit_counts, reads = generate_unit(
            cur, orders=unit_orders, staff=staff, rng=rng, today=today, now=now
        )
        counts.update(unit_counts)
        counts["access_log"] += chain.append(reads)
        first_ids.update(unit_first_ids)
        history_started = time.perf_counter()
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the foreign keys now
        for table in (*TRACKED, *UNIT_TRACKED):
            _history_in_bulk(cur, table, first_id=first_ids[table])
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        COPY_SECONDS["history_events_in_bulk"] += time.perf_counter() - history_started
        for table in (
            "prescribing_patientdiagnosis",
            "prescribing_therapyorder",
            "prescribing_orderitem",
            "prescribing_ordertransition",
            "prescribing_measurement",
            "audit_accesslogentry",
            *UNIT_SEQUENCES,
        ):
            _set_sequence(cur, table)
    with conn.cursor() as cur:
        for table in (
            "prescribing_measurement",
            "prescribing_patientdiagnosis",
            "prescribing_therapyorder",
            "prescribing_orderitem",
            "prescribing_ordertransition",
            "audit_accesslogentry",
            *UNIT_SEQUENCES,
        ):
            cur.execute(f"ANALYZE {table}")
    counts["courses"] = len(courses)
    return {
        "counts": dict(sorted(counts.items())),
        "preparations_per_working_day": round(
            counts["preparations_in_history"] / max(1, _working_days(first_day, today)), 1
        ),
        "seconds": round(time.perf_counter() - started, 1),
        "copy_seconds": {t: round(s, 1) for t, s in sorted(COPY_SECONDS.items())},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _working_days(first: date, end: date) -> int:
    return sum(1 for n in range((end - first).days) if (first + timedelta(n)).weekday() < 5)
