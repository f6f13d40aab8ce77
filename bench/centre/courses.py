"""The synthetic patients' measures and courses of therapy."""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bench.centre.library import (
    ADULT_AGE,
    HORIZON_DAYS,
    REGIMEN_WEIGHTS,
    WARM_UP_DAYS,
    Course,
    Patient,
    Version,
    _dec,
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
