"""Requests from the wards and clinics to the pharmacy, one module per act:
``requesting`` (the ward writes, submits, cancels; par levels), ``evaluation`` (the
pharmacist decides each line), ``picking`` (pack scans, pick closed, delivery into the
ward's cabinet), ``receipt`` (the ward's receipt and its discrepancies; returns to the
pharmacy). ``common`` holds what they share. The rules are ``domain.ward_requests``."""

from corsia.inventory.services.ward_requests.common import (
    EVALUATE,
    MANAGE_PAR,
    PICK,
    REQUEST,
    VIEW_REQUESTS,
)
from corsia.inventory.services.ward_requests.evaluation import ward_request_evaluate
from corsia.inventory.services.ward_requests.picking import (
    ward_request_close_pick,
    ward_request_deliver,
    ward_request_pick_scan,
)
from corsia.inventory.services.ward_requests.receipt import (
    ward_request_receive,
    ward_request_receive_scan,
    ward_stock_return,
)
from corsia.inventory.services.ward_requests.requesting import (
    RequestLineInput,
    par_level_save,
    ward_request_cancel,
    ward_request_create,
    ward_request_from_restock,
    ward_request_submit,
)

__all__ = [
    "EVALUATE",
    "MANAGE_PAR",
    "PICK",
    "REQUEST",
    "VIEW_REQUESTS",
    "RequestLineInput",
    "par_level_save",
    "ward_request_cancel",
    "ward_request_close_pick",
    "ward_request_create",
    "ward_request_deliver",
    "ward_request_evaluate",
    "ward_request_from_restock",
    "ward_request_pick_scan",
    "ward_request_receive",
    "ward_request_receive_scan",
    "ward_request_submit",
    "ward_stock_return",
]
