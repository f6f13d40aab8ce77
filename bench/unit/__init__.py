"""The synthetic centre's UFA, stock, chairs and toxicities, in bulk (COPY), from a seed.

For the orders :mod:`bench.centre` generated that reached the pharmacy (taken in charge
onwards), what a real unit would have recorded, with the values the platform's own code
computes:

* **Preparations** — one per pharmacy line, in the state its order and day imply
  (future days *validated*; today's in the order's state; past days *checked out*).
  Product: ``compounding.services.choose_product``; bag, volumes, concentration, expiry:
  ``compounding.domain.preparation.complete_preparation`` (the regimen's bag when it fits,
  else the archive's choice, as ``order_take_charge`` does; the expiry recomputed from the
  oldest opened content, as ``preparation_weigh`` does).
* **Vials** — first the open leftovers of the product's family (earliest expiry first,
  while stable), then new vials chosen by ``compounding.domain.vials.costs.best_vial_combination``
  over the family's real presentations (strengths and pack prices of the archive); what a
  new vial holds beyond the dose becomes a ``Leftover`` (``leftover_expiry``: waste at once
  without a documented opened stability), later used, or expired.
* **Weighings** — the gravimetric check of ``compounding.domain.gravimetric`` on the drug
  volumes (archive density) and the bag (diluent density); 1.5 % of first weighings are out
  of tolerance and done again. Release by a pharmacist, check-out into the patient bag,
  operator exposure per preparation, hood sessions.
* **Stock** — lots loaded from delivery documents when a product runs low (about four
  weeks of its use, lot expiry 8–30 months), FEFO unloads of every new vial at release
  charged to the cost centre of the order's ward, expired lots wasted. Never negative.
* **Administrations** — every non-oral line of a day that was given, in sequence, at a
  chair of the day hospital, by a nurse, with the three bedside scans; 1.2 % interrupted
  and 1.3 % partial with a reason. Today's running infusions are *started*.
* **Toxicities** — CTCAE v5 terms of the loaded dictionary after about a third of the
  cycles, grades 1–2 mostly, 3–4 a few %, only grades the term defines.
* **Access log** — the technician reading the worksheet, the nurse scanning the
  wristband, the physician reading the toxicities.

The shipped archive is incomplete for some compoundable products (no density, no diluted
stability, no compatible diluent: 38, 60 and 26 of 136): the platform rightly refuses to
complete or weigh such a preparation until the pharmacist fills the archive. In the bench
database only, :func:`prepare_unit` fills those gaps with marked placeholder values
(1.0 g/mL; 24 h at 2-8 °C; sodium chloride 0.9 %) — not clinical data — so that the
history can hold the preparations a real unit made.

By concern: ``constants`` (sizes, rates, COPY columns), ``setup`` (:func:`prepare_unit`),
``archive`` (the products), ``stock`` (lots, FEFO), ``preps`` (a preparation's rows),
``context`` (what the passes share, the hood sessions), ``chair`` (the day hospital's
administrations and scans), ``hood`` (leftovers, new vials, weighings), ``generate``
(:func:`generate_unit`, the two passes and the COPY).
"""

from bench.unit.constants import UNIT_SEQUENCES, UNIT_SIZES, UNIT_TRACKED
from bench.unit.generate import generate_unit
from bench.unit.setup import prepare_unit

__all__ = ["UNIT_SEQUENCES", "UNIT_SIZES", "UNIT_TRACKED", "generate_unit", "prepare_unit"]
