"""Check-out and delivery: the patient bag, its transport temperature, the release after
an excursion.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from corsia.compounding import selectors, services
from corsia.compounding.api.schemas import (
    CheckoutIn,
    CheckoutOut,
    TransportIn,
    TransportOut,
    TransportReleaseIn,
    transport_out,
)
from corsia.compounding.models import CheckOut
from corsia.compounding.services import PREPARE, RELEASE
from corsia.core.access import api_perm
from corsia.core.web import acting

router = Router(tags=["compounding"])


@router.post("/orders/{order_id}/checkout", response={201: CheckoutOut})
@api_perm(PREPARE)
def order_checkout(request: HttpRequest, order_id: int, payload: CheckoutIn) -> Status[CheckoutOut]:
    """The day's released preparations of the order into the patient bag (every label
    scanned, reconciled against the order: an incomplete bag records nothing)."""
    checkout: CheckOut = services.checkout_record(
        **acting(request),
        order_id=order_id,
        day=payload.day or timezone.localdate(),
        label_codes=payload.label_codes,
        delivery_document=payload.delivery_document,
    )
    return Status(
        201,
        CheckoutOut(
            id=checkout.pk,
            order_id=checkout.order_id,
            order_state=selectors.checkout_order_state(checkout),
            day=checkout.day,
            delivery_document=checkout.delivery_document,
            checked_out_at=checkout.checked_out_at,
            label_codes=sorted(
                code for code in checkout.preparations.values_list("label_code", flat=True) if code
            ),
            intrathecal=checkout.intrathecal,
        ),
    )


@router.post("/checkouts/{checkout_id}/transport", response={201: TransportOut})
@api_perm(PREPARE)
def checkout_transport(
    request: HttpRequest, checkout_id: int, payload: TransportIn
) -> Status[TransportOut]:
    """The transport temperature of a patient bag (min/max); outside the storage range of
    its preparations the bedside blocks them until a pharmacist releases the bag."""
    log = services.transport_record(
        **acting(request),
        checkout_id=checkout_id,
        minimum_c=payload.minimum_c,
        maximum_c=payload.maximum_c,
    )
    return Status(201, transport_out(log))


@router.post("/transports/{transport_id}/release", response=TransportOut)
@api_perm(RELEASE)
def transport_release(
    request: HttpRequest, transport_id: int, payload: TransportReleaseIn
) -> TransportOut:
    """The pharmacist's reasoned release after a transport temperature excursion."""
    log = services.transport_excursion_release(
        **acting(request),
        transport_id=transport_id,
        reason=payload.reason,
    )
    return transport_out(log)


@router.post("/transports/{transport_id}/reject", response=TransportOut)
@api_perm(RELEASE)
def transport_reject(
    request: HttpRequest, transport_id: int, payload: TransportReleaseIn
) -> TransportOut:
    """The pharmacist's reasoned rejection of a bag after a transport excursion (final:
    the bedside keeps refusing its preparations)."""
    log = services.transport_excursion_reject(
        **acting(request),
        transport_id=transport_id,
        reason=payload.reason,
    )
    return transport_out(log)


@router.post("/checkouts/{checkout_id}/transport-log", response={201: TransportOut})
@api_perm(PREPARE)
def checkout_transport_log(request: HttpRequest, checkout_id: int) -> Status[TransportOut]:
    """A data logger's export file as the body (``Content-Type: text/csv``; columns in the
    module README, *Transport data loggers*): minimum, maximum and minutes outside the bag's
    storage range; an excursion waits for the pharmacist's release or rejection."""
    log = services.transport_import(
        **acting(request),
        checkout_id=checkout_id,
        file_name=request.headers.get("X-File-Name", "")[:200] or "logger.csv",
        content=request.body,
    )
    return Status(201, transport_out(log))
