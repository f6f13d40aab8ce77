"""The direct distribution's File F (type ``D``): the month's desk dispensings, in the
same layout as the UFA's (``corsia.inventory.domain.file_f``) but a file of its own; the
UFA's extraction leaves the desk's unloads out. Audited, with an access-log entry per
patient whose fiscal code it carries."""

from __future__ import annotations

from django.db import transaction

from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.dispensing import audit_events as events
from corsia.dispensing import selectors
from corsia.dispensing.permissions import EXPORT_FILE_F
from corsia.inventory.domain import file_f
from corsia.inventory.services import FileFExtraction


def dispensing_file_f_export(
    *,
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
) -> FileFExtraction:
    """Build the month's direct-distribution File F (``csv`` or ``fixed``)."""
    require_permission(actor, EXPORT_FILE_F, "Non hai il permesso di estrarre il File F.")
    if output_format not in ("csv", "fixed"):
        raise ValidationFailed("Formato sconosciuto (csv o fixed).", code="format_unknown")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationFailed("Mese non valido.", code="month_invalid", field="month")
    dispensations = selectors.file_f_dispensations(year=year, month=month)
    records, excluded = file_f.build_records(
        dispensations, hospital_code=hospital_code, year=year, month=month
    )
    text = file_f.format_fixed(records) if output_format == "fixed" else file_f.format_csv(records)
    with transaction.atomic():
        for patient_id in sorted({d.patient_id for d in dispensations if d.patient_id}):
            access_log_record(
                user=actor,
                patient_id=patient_id,
                what=f"File F distribuzione diretta {year:04d}-{month:02d}",
                workstation=workstation,
                channel="batch",
            )
        audit_record(
            event=events.FILE_F_EXPORTED,
            actor=actor,
            workstation=workstation,
            after={
                "period": f"{year:04d}-{month:02d}",
                "type": file_f.DispensationType.DIRECT.value,
                "format": output_format,
                "layout": file_f.LAYOUT_VERSION,
                "records": len(records),
                "excluded": len(excluded),
            },
        )
    return FileFExtraction(text=text, records=records, excluded=excluded)
