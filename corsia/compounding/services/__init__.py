"""UFA use cases, one module per clinical act:

- ``validation`` — the pharmacist validates an order sent to the pharmacy, or returns it;
- ``take_charge`` — takes it in charge (its preparations are created and completed from
  the archive) and completes a pending preparation by hand (``completion``: the product
  and the worksheet);
- ``sessions`` — work sessions at the hoods and the preparations assigned to them;
- ``vial_plan`` — the day's vial plan, open ``leftovers`` included;
- ``hood`` — the vials read into a preparation at the hood (``leftovers``: what an opened
  vial leaves, drawn later while stable);
- ``weighing`` — the bag before and after the addition, the gravimetric check;
- ``release`` — the independent release (stock unloaded) or the rejection;
- ``delivery`` — check-out into the patient bag, transport temperature, excursion release
  or rejection;
- ``devices`` — the preparation pushed to the compounding robot / smart hood, its result
  recorded through the hood's scan and weighing.

Every function is one action a person takes; each runs in a transaction, checks the
named permission (``corsia.core.actors.require_permission``), locks what it changes and
writes its audit event (``steps``: what they share). The clinical rules are the pure
domain's (``domain/``). The order belongs to prescribing: the pharmacist's decisions go
through ``order_transition`` (validate, take charge, return), the per-line validation
through ``order_items_validate`` (independent validator) and the loop's milestones
(preparation started/completed, delivered) through ``order_milestone_record`` — this
module never sets an order's state or a line's validation itself. The order rows it
locks and reads come through prescribing's selectors for other modules.

The names below are the module's public API (views, API, administration, tests).
"""

from corsia.compounding.scales import Scale, SimulatedScale
from corsia.compounding.services.completion import (
    choose_product,
    dose_in_vial_units,
    item_formulation,
    requested_bag,
)
from corsia.compounding.services.delivery import (
    checkout_record,
    transport_excursion_reject,
    transport_excursion_release,
    transport_import,
    transport_record,
)
from corsia.compounding.services.devices import (
    preparation_device_push,
    preparation_device_result_record,
)
from corsia.compounding.services.hood import VialScanned, preparation_scan, preparation_scan_answer
from corsia.compounding.services.leftovers import (
    leftover_volume_record,
    leftovers_expire_stale,
    usable_leftovers,
)
from corsia.compounding.services.pgx_hold import (
    PGX_HOLD_CODE,
    order_pgx_holds,
    orders_pgx_holds,
    preparation_pgx_hold,
)
from corsia.compounding.services.release import preparation_reject, preparation_release
from corsia.compounding.services.sessions import preparation_assign, work_session_open
from corsia.compounding.services.steps import (
    DOSE_TOLERANCE_MG,
    MG_STEP,
    ML_STEP,
    PREPARE,
    RELEASE,
    VALIDATE,
    VIEW,
)
from corsia.compounding.services.take_charge import order_take_charge, preparation_complete
from corsia.compounding.services.validation import (
    order_item_validate,
    order_return_to_prescriber,
)
from corsia.compounding.services.vial_plan import PlanSummary, vials_plan
from corsia.compounding.services.weighing import (
    WeightReading,
    hood_scale,
    preparation_weigh,
    preparation_weigh_before,
)
from corsia.prescribing.selectors import PHARMACY, pharmacy_items

__all__ = [
    "DOSE_TOLERANCE_MG",
    "MG_STEP",
    "ML_STEP",
    "PGX_HOLD_CODE",
    "PHARMACY",
    "PREPARE",
    "RELEASE",
    "VALIDATE",
    "VIEW",
    "PlanSummary",
    "Scale",
    "SimulatedScale",
    "VialScanned",
    "WeightReading",
    "checkout_record",
    "choose_product",
    "dose_in_vial_units",
    "hood_scale",
    "item_formulation",
    "leftover_volume_record",
    "leftovers_expire_stale",
    "order_item_validate",
    "order_pgx_holds",
    "order_return_to_prescriber",
    "order_take_charge",
    "orders_pgx_holds",
    "pharmacy_items",
    "preparation_assign",
    "preparation_complete",
    "preparation_device_push",
    "preparation_device_result_record",
    "preparation_pgx_hold",
    "preparation_reject",
    "preparation_release",
    "preparation_scan",
    "preparation_scan_answer",
    "preparation_weigh",
    "preparation_weigh_before",
    "requested_bag",
    "transport_excursion_reject",
    "transport_excursion_release",
    "transport_import",
    "transport_record",
    "usable_leftovers",
    "vials_plan",
    "work_session_open",
]
