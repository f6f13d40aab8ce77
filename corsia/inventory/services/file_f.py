"""The regional File F: the month's high-cost drugs dispensed to patients, extracted
(audited, with an access-log entry per patient whose fiscal code it carries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.inventory import audit_events as events
from corsia.inventory import selectors
from corsia.inventory.domain import file_f
from corsia.inventory.services.lots import EXPORT_FILE_F


@dataclass(frozen=True)
class FileFExtraction:
    text: str
    records: list[file_f.FileFRecord]
    excluded: list[file_f.Excluded]


def file_f_export(
    *,
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
) -> FileFExtraction:
    """Build the month's File F; record who extracted it (audit event) and, for each
    patient whose fiscal code it carries, an access-log entry."""
    require_permission(actor, EXPORT_FILE_F, "Non hai il permesso di estrarre il File F.")
    dispensations = selectors.file_f_dispensations(year=year, month=month)
    records, excluded = file_f.build_records(
        dispensations,
        hospital_code=hospital_code,
        year=year,
        month=month,
    )
    text = file_f.format_fixed(records) if output_format == "fixed" else file_f.format_csv(records)
    with transaction.atomic():
        for patient_id in sorted({d.patient_id for d in dispensations if d.patient_id}):
            access_log_record(
                user=actor,
                patient_id=patient_id,
                what=f"File F {year:04d}-{month:02d}",
                workstation=workstation,
                channel="batch",
            )
        audit_record(
            event=events.FILE_F_EXPORTED,
            actor=actor,
            workstation=workstation,
            after={
                "period": f"{year:04d}-{month:02d}",
                "format": output_format,
                "layout": file_f.LAYOUT_VERSION,
                "records": len(records),
                "excluded": len(excluded),
            },
        )
    return FileFExtraction(text=text, records=records, excluded=excluded)
