"""The permissions of telemedicine, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "telemedicine.view_televisit"
CONDUCT = "telemedicine.conduct_televisit"
