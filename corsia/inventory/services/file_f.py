"""The regional File F: the month's high-cost drugs dispensed to patients, extracted
(audited, with an access-log entry per patient whose fiscal code it carries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from corsia.audit.domain.events import EventType
from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
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
    file_f_request_check(year=year, month=month, output_format=output_format)
    return file_f_extract(
        dispensations=selectors.file_f_dispensations(year=year, month=month),
        year=year,
        month=month,
        hospital_code=hospital_code,
        output_format=output_format,
        actor=actor,
        workstation=workstation,
        event=events.FILE_F_EXPORTED,
        title="File F",
    )


def file_f_request_check(*, year: int, month: int, output_format: str) -> None:
    """A File F is asked for a real month, as ``csv`` or ``fixed``."""
    if output_format not in ("csv", "fixed"):
        raise ValidationFailed("Formato sconosciuto (csv o fixed).", code="format_unknown")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationFailed("Mese non valido.", code="month_invalid", field="month")


def file_f_extract(
    *,
    dispensations: list[file_f.Dispensation],
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
    event: EventType,
    title: str,
    audit_after: dict[str, str] | None = None,
) -> FileFExtraction:
    """A File F of ``dispensations`` (``csv`` or ``fixed``), its extraction audited as
    ``event`` and an access-log entry («``title`` AAAA-MM») per patient it names. Shared by
    every File F (the UFA's, the direct distribution's): the caller checks the permission
    and selects the dispensations."""
    file_f_request_check(year=year, month=month, output_format=output_format)
    records, excluded = file_f.build_records(
        dispensations, hospital_code=hospital_code, year=year, month=month
    )
    text = file_f.format_fixed(records) if output_format == "fixed" else file_f.format_csv(records)
    period = f"{year:04d}-{month:02d}"
    with transaction.atomic():
        for patient_id in sorted({d.patient_id for d in dispensations if d.patient_id}):
            access_log_record(
                user=actor,
                patient_id=patient_id,
                what=f"{title} {period}",
                workstation=workstation,
                channel="batch",
            )
        audit_record(
            event=event,
            actor=actor,
            workstation=workstation,
            after={
                "period": period,
                **(audit_after or {}),
                "format": output_format,
                "layout": file_f.LAYOUT_VERSION,
                "records": len(records),
                "excluded": len(excluded),
            },
        )
    return FileFExtraction(text=text, records=records, excluded=excluded)
