"""The permissions of the venous access register, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "vascular.view_vascular"
RECORD = "vascular.record_vascular"
