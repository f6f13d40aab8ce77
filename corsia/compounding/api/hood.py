"""At the hood: the robot's preparation document, the vials read in, the weighings, and
the pharmacist's release or rejection.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from corsia.compounding import selectors, services
from corsia.compounding.api.schemas import (
    BagBeforeOut,
    HoodPanelOut,
    LeftoverOut,
    LeftoverVolumeIn,
    PreparationOut,
    RejectIn,
    ScanIn,
    VialOut,
    WeighIn,
    WeighingOut,
    hood_panel_out,
    leftover_out,
    preparation_out,
    vial_out,
)
from corsia.compounding.hood_panel import hood_panel
from corsia.compounding.models import Weighing
from corsia.compounding.robot import robot_document
from corsia.compounding.services import PREPARE, RELEASE
from corsia.core.access import api_perm
from corsia.core.web import acting, reading, request_actor, request_workstation

router = Router(tags=["compounding"])


@router.get("/preparations/{preparation_id}/robot", response=dict[str, Any])
@api_perm(PREPARE)
def preparation_robot(request: HttpRequest, preparation_id: int) -> dict[str, Any]:
    prep = selectors.preparation_view(**reading(request), preparation_id=preparation_id)
    return robot_document(prep)


@router.post("/preparations/{preparation_id}/scan", response={201: VialOut})
@api_perm(PREPARE)
def preparation_scan(request: HttpRequest, preparation_id: int, payload: ScanIn) -> Status[VialOut]:
    """A scanned pack (a GS1 DataMatrix gives lot, expiry and serial; typed only when the
    code lacks them) or an open leftover goes into the preparation; the same vial scanned
    again (GS1 serial) draws from its open leftover. A refusal (wrong drug, strength,
    product, expired lot, ``gs1_separator_missing``, ``pack_withdrawn`` unless a pharmacist
    gives ``withdrawn_override_reason``…) records nothing; a pack in shortage comes back with
    ``market_warning``."""
    scanned = services.preparation_scan_answer(
        **acting(request),
        preparation_id=preparation_id,
        barcode=payload.barcode,
        lot=payload.lot,
        expiry=payload.expiry,
        leftover_id=payload.leftover_id,
        withdrawn_override_reason=payload.withdrawn_override_reason,
    )
    vial = scanned.vial  # the answer from what the scan changed: nothing read again
    return Status(
        201,
        vial_out(
            vial,
            vial.preparation.state,
            scanned.remaining_mg,
            market_warning=scanned.market_warning,
        ),
    )


@router.get("/preparations/{preparation_id}/hood", response=HoodPanelOut)
@api_perm(PREPARE)
def preparation_hood(request: HttpRequest, preparation_id: int) -> HoodPanelOut:
    """What the hood page shows: the vials to use (the day's plan, else computed now for
    what the dose still needs), the expected weight and its band, the leftovers whose
    volume is to be recorded, and (once weighed) the next preparation of the work plan."""
    user = request_actor(request)
    prep = selectors.preparation_view(
        user=user,
        preparation_id=preparation_id,
        workstation=request_workstation(request),
        channel="api",
    )
    return hood_panel_out(prep, hood_panel(user=user, prep=prep, now=timezone.now()))


@router.post("/leftovers/{leftover_id}/volume", response=LeftoverOut)
@api_perm(PREPARE)
def leftover_volume(
    request: HttpRequest, leftover_id: int, payload: LeftoverVolumeIn
) -> LeftoverOut:
    """The volume left in a part-used vial, kept for reuse within its stability (at most
    the computed volume) or thrown away (``waste`` or 0 mL); once per leftover."""
    leftover = services.leftover_volume_record(
        **acting(request),
        leftover_id=leftover_id,
        volume_ml=payload.volume_ml,
        waste=payload.waste,
    )
    return leftover_out(leftover)


@router.post("/preparations/{preparation_id}/weighings", response={201: WeighingOut})
@api_perm(PREPARE)
def preparation_weigh(
    request: HttpRequest, preparation_id: int, payload: WeighIn
) -> Status[WeighingOut]:
    """The gravimetric check on the drug's own mass (the bag after the addition against
    the bag weighed before it, ``/bag-before``): a failure is recorded too (201,
    ``passed`` false) and keeps the preparation in progress."""
    weighing: Weighing = services.preparation_weigh(
        **acting(request),
        preparation_id=preparation_id,
        measured_g=payload.measured_g,
        read_scale=payload.read_scale,
        typed_reason=payload.typed_reason,
    )
    return Status(
        201,
        WeighingOut(
            id=weighing.pk,
            preparation_id=weighing.preparation_id,
            bag_before_g=weighing.tare_g,
            measured_g=weighing.measured_g,
            added_g=weighing.added_g,
            expected_added_g=weighing.expected_added_g,
            expected_g=weighing.expected_g,
            deviation_g=weighing.deviation_g,
            deviation_percent=weighing.deviation_percent,
            tolerance_percent=weighing.tolerance_percent,
            density_assumed=weighing.density_assumed,
            source=weighing.source,
            scale_id=weighing.scale_id,
            typed=weighing.typed,
            typed_reason=weighing.typed_reason,
            passed=weighing.passed,
            message=weighing.message,
            preparation_state=weighing.preparation.state,
        ),
    )


@router.post("/preparations/{preparation_id}/bag-before", response={201: BagBeforeOut})
@api_perm(PREPARE)
def preparation_weigh_before(
    request: HttpRequest, preparation_id: int, payload: WeighIn
) -> Status[BagBeforeOut]:
    """The bag weighed before the drug is added: the reference of the drug-mass check."""
    prep = services.preparation_weigh_before(
        **acting(request),
        preparation_id=preparation_id,
        measured_g=payload.measured_g,
        read_scale=payload.read_scale,
        typed_reason=payload.typed_reason,
    )
    assert prep.bag_before_g is not None  # set by the service
    return Status(
        201,
        BagBeforeOut(
            preparation_id=prep.pk,
            bag_before_g=prep.bag_before_g,
            source=prep.bag_before_source,
            scale_id=prep.bag_before_scale_id,
            typed=prep.bag_before_source == "typed",
            typed_reason=prep.bag_before_reason,
        ),
    )


@router.post("/preparations/{preparation_id}/release", response=PreparationOut)
@api_perm(RELEASE)
def preparation_release(request: HttpRequest, preparation_id: int) -> PreparationOut:
    prep = services.preparation_release(**acting(request), preparation_id=preparation_id)
    return preparation_out(prep)


@router.post("/preparations/{preparation_id}/reject", response=PreparationOut)
@api_perm(RELEASE)
def preparation_reject(
    request: HttpRequest, preparation_id: int, payload: RejectIn
) -> PreparationOut:
    prep = services.preparation_reject(
        **acting(request),
        preparation_id=preparation_id,
        reason=payload.reason,
    )
    return preparation_out(prep)
