"""The centre's therapy history, COPY by COPY."""

from __future__ import annotations

import json
import random
import resource
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from bench.centre.courses import Scale, _patient_measures, plan_courses
from bench.centre.days import (
    DIAGNOSIS_COLUMNS,
    ITEM_COLUMNS,
    MEASUREMENT_COLUMNS,
    ORDER_COLUMNS,
    TRANSITION_COLUMNS,
    UNIT_STATES,
    Tables,
    _at,
    _events,
    _final_state,
    line_dose,
    plan_days,
)
from bench.centre.history import TRACKED, AccessChain, _history_in_bulk, _next_id, _set_sequence
from bench.centre.library import (
    ADULT_AGE,
    HORIZON_DAYS,
    REDUCTION_SHARE,
    Patient,
    load_library,
    load_staff,
)
from bench.records import (
    COPY_SECONDS,
    UnitItem,
    UnitOrder,
    _copy,
)
from bench.unit import UNIT_SEQUENCES, UNIT_TRACKED, generate_unit
from corsia.core.domain.errors import CorsiaError
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.body_size import ideal_body_weight
from corsia.prescribing.domain.checks import CumulativeBasis
from corsia.prescribing.domain.order_lines import (
    reduced_dose,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex


def height_due(patient: Patient, at: datetime) -> bool:
    """A height to measure at ``at``: never measured, or about to go stale for dosing
    (``corsia.prescribing.domain.freshness``: a year for an adult, 90 days for a child;
    measured again a little before)."""
    if patient.height_measured_at is None:
        return True
    child = (at.date() - patient.born).days < ADULT_AGE * 365
    return at - patient.height_measured_at > timedelta(days=80 if child else 330)


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
            if height_due(patient, measured_at):
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
                patient.height_measured_at = measured_at
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
