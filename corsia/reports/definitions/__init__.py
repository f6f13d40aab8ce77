"""The report definitions, one file per area (``pharmacy.py``, ``clinical.py``…): each
registers its :class:`~corsia.reports.domain.definition.ReportDefinition` objects with
``register`` at import. Every module of this package is imported when the app is ready."""

from __future__ import annotations

import importlib
import pkgutil


def load_definitions() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}")
