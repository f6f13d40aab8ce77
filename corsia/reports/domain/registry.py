"""The registry of report definitions: each area registers its own at import (the files of
``corsia/reports/definitions/``, imported when the app is ready)."""

from __future__ import annotations

import re

from corsia.core.domain.errors import NotFound
from corsia.reports.domain.definition import ReportDefinition

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
_REGISTRY: dict[str, ReportDefinition] = {}


def register(definition: ReportDefinition) -> ReportDefinition:
    """Add a definition; its code is unique (a second one of the same code is a bug)."""
    if not _CODE.match(definition.code):
        raise ValueError(f"report code {definition.code!r}: lowercase letters, digits, _")
    known = _REGISTRY.get(definition.code)
    if known is not None and known is not definition:
        raise ValueError(f"report {definition.code!r} registered twice")
    _REGISTRY[definition.code] = definition
    return definition


def definition_get(code: str) -> ReportDefinition:
    found = _REGISTRY.get(code) if isinstance(code, str) else None
    if found is None:
        raise NotFound(f"Nessun report con codice «{code[:60]}».", code="report_not_found")
    return found


def unregister(code: str) -> None:
    """Take a definition out (tests registering a sample of their own)."""
    _REGISTRY.pop(code, None)


def definitions() -> list[ReportDefinition]:
    """Every definition, by area and title."""
    return sorted(_REGISTRY.values(), key=lambda d: (d.area, d.title))
