"""The permissions of the transplant pathway, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "transplant.view_transplant"  # read the cases (the care team)
RECORD = "transplant.record_transplant"  # record what was done (physicians, nurses)
DECIDE = "transplant.decide_transplant"  # the clinical decisions (physicians)
