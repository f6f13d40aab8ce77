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

from bench.centre.courses import Scale, plan_courses
from bench.centre.days import (
    ACCESS_COLUMNS,
    DIAGNOSIS_COLUMNS,
    ITEM_COLUMNS,
    MEASUREMENT_COLUMNS,
    ORDER_COLUMNS,
    TRANSITION_COLUMNS,
    UNIT_STATES,
    Tables,
    chair_minutes,
    line_dose,
    plan_days,
)
from bench.centre.history import TRACKED, AccessChain
from bench.centre.library import (
    ADULT_AGE,
    HORIZON_DAYS,
    ORDER_PATH,
    PAST_CANCELLED,
    PAST_SUSPENDED,
    PATH_STATES,
    REDUCTION_SHARE,
    REGIMEN_WEIGHTS,
    WARM_UP_DAYS,
    Component,
    Course,
    Patient,
    Version,
    load_library,
    load_staff,
)
from bench.centre.orders import generate_orders

__all__ = [
    "ACCESS_COLUMNS",
    "ADULT_AGE",
    "DIAGNOSIS_COLUMNS",
    "HORIZON_DAYS",
    "ITEM_COLUMNS",
    "MEASUREMENT_COLUMNS",
    "ORDER_COLUMNS",
    "ORDER_PATH",
    "PAST_CANCELLED",
    "PAST_SUSPENDED",
    "PATH_STATES",
    "REDUCTION_SHARE",
    "REGIMEN_WEIGHTS",
    "TRACKED",
    "TRANSITION_COLUMNS",
    "UNIT_STATES",
    "WARM_UP_DAYS",
    "AccessChain",
    "Component",
    "Course",
    "Patient",
    "Scale",
    "Tables",
    "Version",
    "chair_minutes",
    "generate_orders",
    "line_dose",
    "load_library",
    "load_staff",
    "plan_courses",
    "plan_days",
]
