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

By concern: ``library`` (regimens, staff, proportions), ``courses`` (patients' measures and
courses), ``days`` (an order's lines, days and transitions), ``history`` (access log chain,
pghistory rows in bulk), ``orders`` (:func:`generate_orders`, COPY by COPY).
"""

from bench.centre.courses import Scale
from bench.centre.days import line_dose
from bench.centre.orders import generate_orders

__all__ = ["Scale", "generate_orders", "line_dose"]
