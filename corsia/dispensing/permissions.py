"""The permissions of direct distribution, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

DISPENSE = "dispensing.dispense"
VIEW = "dispensing.view_dispensing"
EXPORT_FILE_F = "inventory.export_file_f"  # the File F is extracted by whoever extracts the UFA's
