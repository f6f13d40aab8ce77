"""The reports' permissions, named once (labels in ``corsia/accounts/domain/permissions.py``,
grants in ``corsia/accounts/domain/roles.py``). Each definition names the permission that
runs it; ``VIEW`` opens the index and the report pages (a report needs its own too)."""

from __future__ import annotations

VIEW = "reports.view_reports"
PHARMACY = "reports.view_pharmacy_reports"
CLINICAL = "reports.view_clinical_statistics"
PSEUDONYMISED = "reports.export_pseudonymised"
