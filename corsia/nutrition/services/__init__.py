"""The acts on parenteral nutrition orders, each in one transaction with its permission
and its audit event (``corsia.nutrition.audit_events``)."""

from __future__ import annotations

from corsia.nutrition.services.bag import (
    bag_expected_net_g,
    bag_parts,
    order_check_out,
    order_prepare,
    tolerance_percent,
)
from corsia.nutrition.services.bedside import (
    bag_label_rate,
    order_administer,
    order_end,
    rate_tolerance_percent,
)
from corsia.nutrition.services.common import LineInput
from corsia.nutrition.services.orders import (
    OrderInput,
    ensure_editable,
    order_cancel,
    order_create,
    order_edit,
    order_sign,
)
from corsia.nutrition.services.pharmacy import order_reject, order_validate
from corsia.nutrition.services.templates import TemplateInput, template_retire, template_save

__all__ = [
    "LineInput",
    "OrderInput",
    "TemplateInput",
    "bag_expected_net_g",
    "bag_label_rate",
    "bag_parts",
    "ensure_editable",
    "order_administer",
    "order_cancel",
    "order_check_out",
    "order_create",
    "order_edit",
    "order_end",
    "order_prepare",
    "order_reject",
    "order_sign",
    "order_validate",
    "rate_tolerance_percent",
    "template_retire",
    "template_save",
    "tolerance_percent",
]
