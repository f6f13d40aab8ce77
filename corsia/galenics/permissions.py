"""The galenic laboratory's permissions, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "galenics.view_galenics"
FORMULARY = "galenics.manage_formulary"
PREPARE = "galenics.prepare_galenics"
RELEASE = "galenics.release_galenics"
DISPENSE = "galenics.dispense_galenics"
