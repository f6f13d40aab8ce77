"""The permissions of telemonitoring, named once (labels and roles in
``corsia/accounts/domain/``)."""

from __future__ import annotations

VIEW = "telemonitoring.view_telemonitoring"
MANAGE = "telemonitoring.manage_telemonitoring"
