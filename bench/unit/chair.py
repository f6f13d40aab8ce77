"""The chair of the day hospital: a day's lines in sequence (a portable pump goes home
after connection), each with its administration and the three bedside scans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.records import LONG_INFUSION_MINUTES, DayPlan, UnitItem, UnitOrder
from bench.unit.constants import ADMIN_INTERRUPTED, ADMIN_PARTIAL, INTERRUPTIONS, ML, PARTIALS
from bench.unit.context import UnitRun
from bench.unit.preps import Prep
from corsia.administration.domain.bedside import diluent_volume_ml
from corsia.compounding.domain.workflow import preparation_label_code
from corsia.patients.domain.wristband import wristband_payload

Line = tuple[UnitItem, datetime, datetime]


def _in_chair(item: UnitItem) -> bool:
    """A line the patient stays in the chair for to its end (not a portable pump)."""
    return (item.duration_minutes or 5) <= LONG_INFUSION_MINUTES


def chair_schedule(
    order: UnitOrder, day: date, items: Sequence[UnitItem], plan: DayPlan, deliver: datetime
) -> list[Line]:
    """The day's non-oral lines in sequence from the chair's start (never before the bag
    arrives); on the order's last day, squeezed so the last line in the chair ends at the
    order's 'administer'."""
    cursor = max(plan.chair_start, deliver + timedelta(minutes=5))
    schedule = []
    for item in items:
        if item.route == "po":
            continue
        minutes = item.duration_minutes or 5
        end = cursor + timedelta(minutes=minutes)
        schedule.append((item, cursor, end))
        away = minutes if minutes <= LONG_INFUSION_MINUTES else 15
        cursor += timedelta(minutes=away + (item.interval_after_minutes or 5))
    administered = order.stamps.get("administer")
    if day != order.last or administered is None or not schedule:
        return schedule
    limit = administered[1]
    chair_end = max((e if _in_chair(i) else s) for i, s, e in schedule)
    if chair_end <= limit:
        return schedule
    begin = schedule[0][1]
    span = max(chair_end - begin, timedelta(minutes=1))
    room = max(limit - begin, timedelta(minutes=len(schedule)))
    ratio = room / span
    return [
        (
            i,
            begin + (s - begin) * ratio,
            begin + (s - begin) * ratio + (e - s) * (ratio if _in_chair(i) else 1),
        )
        for i, s, e in schedule
    ]


def administer_day(
    run: UnitRun,
    order: UnitOrder,
    schedule: Sequence[Line],
    *,
    progress: str,
    prep_of_item: dict[int, Prep],
) -> None:
    """The administrations of a day's lines by one nurse at one chair, with their scans
    (today's running infusions *started*; a few interrupted or partial)."""
    rng, archive, now = run.rng, run.archive, run.now
    nurse = run.staff.pick(rng, "nurse")
    chair = rng.choice(run.chairs)
    first_scan = True
    for item, start, end in schedule:
        if progress == "running" and start > now:
            break
        running = progress == "running" and end > now
        made = prep_of_item.get(item.id)
        bag = None
        if item.competence == "pharmacy":
            if made is None or made.product is None or item.amount_unit != "mg":
                continue  # not compoundable from the archive: pending at the UFA
            bag, _why = archive.complete(made.product, item, made.created_at)
            if bag is None:
                continue
        aid = run.next_id("administration_administration")
        code, name = archive.ingredients[item.ingredient_id]
        label = (
            ("PRP", preparation_label_code(made.id))
            if made is not None
            else ("WRD", f"WRD{item.id}")
        )
        volume = bag.final_volume_ml if bag else diluent_volume_ml(item.preparation)
        rate = (
            (volume * 60 / item.duration_minutes).quantize(Decimal("0.1"))
            if volume and item.duration_minutes
            else None
        )
        roll = rng.random()
        state, given, reason = "completed", volume, ""
        if running:
            state, given = "started", None
        elif roll < ADMIN_INTERRUPTED:
            state, reason = "interrupted", rng.choice(INTERRUPTIONS)
            given = (volume * Decimal(rng.uniform(0.1, 0.8))).quantize(ML) if volume else None
        elif roll < ADMIN_INTERRUPTED + ADMIN_PARTIAL:
            state, reason = "partial", rng.choice(PARTIALS)
            given = (volume * Decimal(rng.uniform(0.6, 0.95))).quantize(ML) if volume else None
        run.rows["administration_administration"].append(
            [
                aid, start, end if not running else start, 1 if running else 2, label[0],
                label[1], code, name, item.final_dose, item.amount_unit, volume,
                item.duration_minutes, rate, True, start, None if running else end, state,
                given, reason, "[]", "", chair, None if running else nurse, nurse,
                order.id, item.id, order.patient_id, None, nurse,
            ]
        )  # fmt: skip
        run.counts[f"administrations_{state}"] += 1
        if made is not None and (made.first_started_at is None or start < made.first_started_at):
            made.first_started_at = start  # as the bedside's start keeps it on the preparation
        at = start - timedelta(minutes=1)
        for kind, raw in (
            ("wristband", wristband_payload(run.mrn[order.patient_id])),
            ("badge", "•••" + f"{nurse:03d}"[-3:]),
            ("label", label[1]),
        ):
            run.rows["administration_administrationscan"].append(
                (kind, raw, "accepted", "[]", "", chair, at, aid, nurse, item.id, order.patient_id)
            )
        if first_scan:
            run.reads.append((at, nurse, order.patient_id, "braccialetto al letto", "web"))
            first_scan = False
