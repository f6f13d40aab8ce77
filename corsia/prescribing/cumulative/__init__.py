"""Lifetime cumulative dose of a patient (rule R5, hazard H06): what the check counts,
where it reads it from, and the prior doses given elsewhere.

The arithmetic is pure (``domain/cumulative.py``); this package gathers its inputs:

* administered — through ``corsia.prescribing.given.doses_given``, the reader the
  administration module registers (partial administrations counted by volume given);
* committed — lines of this patient's other orders confirmed or later and not yet given;
* elsewhere — :class:`~corsia.prescribing.models.PriorDose` (append-only, corrected by
  a new record);
* this order — every active line of every day of the cycle.

It is called when an order's lines change (``order_cumulative_refresh``: blocks or
releases the lines), and again when the order is confirmed, validated by the pharmacist
and taken in charge (``order_cumulative_ensure``), under a lock on the patient so two
drafts cannot both pass.

Its parts, by act: ``limits`` (what counts: the committed states, the data tables, the
archive's limits), ``counting`` (the exposures as dose events, the tallies), ``blocking``
(the order's lines marked, the re-check), ``prior_doses`` (doses given elsewhere recorded),
``reading`` (the patient's totals, a logged read). What the other modules use is here.
"""

from corsia.prescribing.cumulative.blocking import order_cumulative_ensure, order_cumulative_refresh
from corsia.prescribing.cumulative.counting import (
    Exposures,
    exposure_events,
    given_lines,
    order_cumulative,
    patient_cumulative,
    patient_dose_events,
)
from corsia.prescribing.cumulative.limits import (
    BLOCK_CODE,
    COMMITTED_STATES,
    DATA,
    NEAR_CODE,
    PRESCRIBE,
    VIEW,
    counted_codes,
    equivalence_classes,
    limit_codes,
    limits_for,
    unit_conversions,
)
from corsia.prescribing.cumulative.prior_doses import current_prior_doses, prior_dose_record
from corsia.prescribing.cumulative.reading import (
    PatientCumulativeView,
    cumulative_read_allowed,
    patient_cumulative_view,
)

__all__ = [
    "BLOCK_CODE",
    "COMMITTED_STATES",
    "DATA",
    "NEAR_CODE",
    "PRESCRIBE",
    "VIEW",
    "Exposures",
    "PatientCumulativeView",
    "counted_codes",
    "cumulative_read_allowed",
    "current_prior_doses",
    "equivalence_classes",
    "exposure_events",
    "given_lines",
    "limit_codes",
    "limits_for",
    "order_cumulative",
    "order_cumulative_ensure",
    "order_cumulative_refresh",
    "patient_cumulative",
    "patient_cumulative_view",
    "patient_dose_events",
    "prior_dose_record",
    "unit_conversions",
]
