"""A compounding robot that answers a preparation document (``corsia.compounding.robot/1``)
with a result (``corsia.compounding.robot-result/1``), for the demo and the tests.

It draws the dose as Corsia's hood would (each vial up to its content, largest first
unless the document's plan names the vials), reports the volume drawn per vial (dose in
the vial ÷ its concentration, to 0.01 mL half up), weighs the bag before the addition
(nominal + overfill at 1 g/mL, plus a 25 g empty bag) and after it (+ Σ volume × density).
On request it makes the mistakes a real machine can report: ``wrong_vial`` (the first vial
is read as the ``wrong_code`` pack), ``out_of_tolerance`` (half the drug's mass in the
bag), ``rejected`` (the device's own verdict), ``volume_off`` (+20 % reported on the first
vial). Pure: no database, no clock (``now`` is given).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from corsia.compounding.domain.device_result import RESULT_SCHEMA

EMPTY_BAG_G = Decimal(25)
ML_STEP = Decimal("0.01")


class SimulatedFault(StrEnum):
    NONE = "none"
    WRONG_VIAL = "wrong_vial"
    OUT_OF_TOLERANCE = "out_of_tolerance"
    REJECTED = "rejected"
    VOLUME_OFF = "volume_off"


@dataclass(frozen=True)
class ShelfVial:
    """A vial on the device's shelf: what it is and what its DataMatrix says."""

    product_code: str
    strength_mg: Decimal
    concentration_mg_ml: Decimal
    lot: str
    expiry: date
    gtin: str = ""
    aic: str = ""


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _draws(
    document: Mapping[str, Any], shelf: Sequence[ShelfVial]
) -> list[tuple[ShelfVial, Decimal]]:
    """(vial, mg drawn) until the dose is drawn: the plan's new vials when it names them,
    else the shelf's vials of the document's product, largest first."""
    dose = _dec(document["drug"]["dose_mg"])
    planned = [v["product"] for v in document.get("vials", []) if v.get("source") == "new"]
    by_product = {v.product_code: v for v in shelf}
    order = [by_product[p] for p in planned if p in by_product]
    if not order:
        own = [v for v in shelf if v.product_code == document["drug"]["product_code"]]
        own.sort(key=lambda v: v.strength_mg, reverse=True)
        order = own
    draws: list[tuple[ShelfVial, Decimal]] = []
    remaining = dose
    index = 0
    while remaining > 0 and order:
        vial = order[min(index, len(order) - 1)]
        mg = min(remaining, vial.strength_mg)
        draws.append((vial, mg))
        remaining -= mg
        index += 1
    return draws


def simulate_result(
    document: Mapping[str, Any],
    *,
    shelf: Sequence[ShelfVial],
    operator: str,
    now: datetime,
    device_id: str = "ROBOT-SIM-1",
    result_id: str = "",
    fault: SimulatedFault = SimulatedFault.NONE,
    wrong_code: str = "",
    density_g_ml: Decimal = Decimal(1),
) -> dict[str, Any]:
    prep = document["preparation"]
    container = document.get("container") or {}
    vials: list[dict[str, Any]] = []
    total_ml = Decimal(0)
    for number, (vial, mg) in enumerate(_draws(document, shelf)):
        ml = (mg / vial.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP)
        total_ml += ml
        code = f"(01){vial.gtin}" if vial.gtin else f"(716){vial.aic}"
        serial = f"SIM{prep['id']:06d}{number:02d}"
        barcode = f"{code}(17){vial.expiry:%y%m%d}(10){vial.lot}(21){serial}"
        reported = ml
        if number == 0 and fault is SimulatedFault.VOLUME_OFF:
            reported = (ml * Decimal("1.2")).quantize(ML_STEP, ROUND_HALF_UP)
        if number == 0 and fault is SimulatedFault.WRONG_VIAL:
            barcode = wrong_code
        vials.append({"barcode": barcode, "volume_ml": f"{reported:f}"})
    before = (
        _dec(container.get("bag_nominal_ml")) + _dec(container.get("bag_overfill_ml")) + EMPTY_BAG_G
    ).quantize(ML_STEP)
    added = total_ml * density_g_ml
    if fault is SimulatedFault.OUT_OF_TOLERANCE:
        added = added / 2
    after = (before + added).quantize(ML_STEP, ROUND_HALF_UP)
    rejected = fault is SimulatedFault.REJECTED
    return {
        "schema": RESULT_SCHEMA,
        "result_id": result_id or f"{device_id}-{prep['id']}-{now:%Y%m%d%H%M%S%f}",
        "device": {"id": device_id, "model": "Corsia robot simulator"},
        "preparation": {"id": prep["id"], "label_code": prep["label_code"]},
        "operator": operator,
        "completed_at": now.isoformat(),
        "verdict": "rejected" if rejected else "accepted",
        "verdict_reason": "siringa con bolla d'aria: scartata dal robot" if rejected else "",
        "weights": {
            "bag_before_g": f"{before:f}",
            "bag_after_g": f"{after:f}",
            "scale_id": f"{device_id}-LC",
        },
        "vials": vials,
        "images": [
            {"id": f"{device_id}-IMG-{prep['id']}-{n}", "kind": kind}
            for n, kind in enumerate(("vial", "syringe", "bag"), start=1)
        ],
    }
