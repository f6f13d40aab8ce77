"""FHIR export of the access log, validated with fhir.resources.

fhir.resources 8 ships R4B; AuditEvent and Bundle are unchanged between R4 and R4B,
so the R4B models validate R4 documents of these two types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle

from corsia.audit.domain.fhir_map import AccessRecord, bundle
from corsia.audit.models import AccessLogEntry


def access_bundle(
    entries: Iterable[AccessLogEntry],
    *,
    total: int | None = None,
    links: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The entries as a validated Bundle (``total``, ``links``: one page of a search, see
    ``domain.fhir_map.bundle``)."""
    records = [
        AccessRecord(
            id=e.pk,
            accessed_at=e.accessed_at,
            username=e.username,
            patient_id=e.patient_id,
            what=e.what,
            workstation=e.workstation,
            channel=e.channel,
            hash=e.hash,
        )
        for e in entries
    ]
    document = bundle(
        records, observer=f"Corsia — {settings.CORSIA_HOSPITAL_NAME}", total=total, links=links
    )
    validated: dict[str, Any] = Bundle.model_validate(document).model_dump(
        mode="json", exclude_none=True
    )
    return validated
