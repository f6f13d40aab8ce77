"""The permissions of parenteral nutrition, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

PREVIEW = "nutrition.preview_nutrition"
VIEW_ORDER = "nutrition.view_nutrition_order"
"""Reading the saved orders and the pharmacy's work plan (every read logged)."""
PRESCRIBE = "nutrition.prescribe_nutrition"
"""Drafting, signing and cancelling an order; managing the wards' templates."""
VALIDATE = "nutrition.validate_nutrition"
"""A pharmacist's validation or rejection (never of one's own order)."""
PREPARE = "nutrition.prepare_nutrition"
"""Recording a bag compounded in the pharmacy."""
ADMINISTER = "nutrition.administer_nutrition"
"""Recording a bag started at the bedside."""
