"""The permissions of parenteral nutrition, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

PREVIEW = "nutrition.preview_nutrition"
